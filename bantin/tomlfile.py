"""Reading bantin's TOML files (sources, sections, lexicon, entities …) into pydantic models.

One loader for every editable file, so every file's mistakes read alike, with the file, the line
and the key::

    sources.toml:12: key 'sources.genk.delay_s': Input should be a valid number

``load_toml(path, Model, error=SourcesFileError)`` reads ``path`` (UTF-8), parses it, validates
it against ``Model`` and returns the model; any problem raises ``error`` (a ``ConfigError``) with
one line naming the file, the line where known, and the dotted key. Models forbid unknown keys
(``extra="forbid"``) to catch typos; a model's own ``ValueError`` in a validator names its field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bantin.errors import ConfigError

__all__ = ["TomlProblem", "line_of", "load_toml", "problem", "read_toml"]

M = TypeVar("M", bound=BaseModel)

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


class TomlProblem(ValueError):
    """Raised by a model's validator to point at another key than the one validated.

    ``problem(("sources", "genk"), "feeds", "needs a feed")`` names ``sources.genk.feeds``.
    """

    def __init__(self, table: Sequence[str], key: str, message: str) -> None:
        super().__init__(message)
        self.table = tuple(table)
        self.key = key
        self.message = message


def problem(table: Sequence[str], key: str, message: str) -> TomlProblem:
    """A ``TomlProblem`` for ``key`` in ``table`` (raise it from a model validator)."""
    return TomlProblem(table, key, message)


def _parts(header: str) -> list[str]:
    return [part.strip().strip("\"'") for part in header.split(".")]


def line_of(text: str, table: Sequence[str], key: str) -> int:
    """1-based line where ``key`` is set inside ``[table]`` (or opens ``[table.key]``); 0 if not found.

    Arrays of tables (``[[section]]``) count as their header's table: the first match wins.
    """
    lines = text.splitlines()
    setting = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    current: list[str] = []
    wanted = [str(part) for part in table if not isinstance(part, int)]
    for number, line in enumerate(lines, 1):
        match = _HEADER.match(line)
        if match:
            current = _parts(match.group(1))
            if current == [*wanted, key]:
                return number
            continue
        if current == wanted and setting.match(line):
            return number
    return 0


def _where(path: Path, line: int) -> str:
    return f"{path}:{line}" if line else str(path)


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError, error: type[ConfigError]) -> ConfigError:
    message = str(exc)
    lines = text.splitlines()
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        line, reason = int(match.group(1)), message[: match.start()].strip()
    elif "end of document" in message:
        line = max((n for n, t in enumerate(lines, 1) if t.strip()), default=0)
        reason = re.sub(r"\s*\(at end of document\)", " at the end of the file", message).strip()
    else:
        return error(f"{path}: TOML syntax error: {message}")
    key = ""
    for number in range(min(line, len(lines)), max(line - 20, 0), -1):  # the key being set there
        if lines[number - 1].lstrip().startswith("["):
            break
        found = re.match(r"\s*([A-Za-z0-9_\"'.-]+)\s*(=|$|\s)", lines[number - 1])
        if found:
            key = found.group(1).strip("\"'")
            break
    named = f" key {key!r}:" if key else ""
    return error(f"{path}:{line}:{named} TOML syntax error: {reason}")


def read_toml(
    path: Path, *, error: type[ConfigError] = ConfigError, name: str = "file"
) -> tuple[dict[str, Any], str]:
    """(parsed data, text) of the TOML ``name`` at ``path``; ``error`` with file and line on failure."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {name} {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(Path(path), text, exc, error) from exc


def _first_problem(exc: ValidationError, path: Path, text: str, error: type[ConfigError]) -> ConfigError:
    detail = exc.errors(include_url=False)[0]
    location = [part for part in detail["loc"]]
    cause = detail.get("ctx", {}).get("error")
    if isinstance(cause, TomlProblem):
        # a validator named the key itself
        table, key, message = cause.table, cause.key, cause.message
    else:
        if detail["type"] == "extra_forbidden":
            message = "unknown key"
        elif detail["type"] == "missing":
            message = "missing required key"
        else:
            message = detail["msg"].removeprefix("Value error, ")
        names = [str(part) for part in location if not isinstance(part, int)]
        table, key = tuple(names[:-1]), (names[-1] if names else "")
        if detail["type"] == "missing" and names:
            message = f"missing required key {key!r}"
            table, key = tuple(names[:-2]), names[-2] if len(names) > 1 else key
    line = line_of(text, table, key) if key else 0
    dotted = ".".join([*table, key]) if key else ".".join(table)
    return error(f"{_where(path, line)}: key {dotted!r}: {message}")


def load_toml(path: Path, model: type[M], *, error: type[ConfigError] = ConfigError) -> M:
    """The TOML file at ``path`` validated as ``model``; ``error`` naming file, line and key."""
    data, text = read_toml(path, error=error)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _first_problem(exc, Path(path), text, error) from exc
