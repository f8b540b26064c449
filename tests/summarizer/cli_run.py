"""``bantin(args, capsys)``: run the command in-process, as the console script would, and return
(exit code, stdout, stderr)."""

from __future__ import annotations

import pytest

from bantin.cli import main


def bantin(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
