"""Writing an edition's files: one folder per edition, each file replaced atomically.

A folder holds ``edition.html``, ``edition.txt`` and ``edition.md``. Each file is written to a
temporary name in the same folder and renamed over the old one, so a reader (or a crash) never
sees half a file; a folder that cannot be written raises ``DeliveryError`` naming it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from bantin.errors import DeliveryError
from bantin.newsletter.render import Rendered
from bantin.newsletter.view import EditionView

__all__ = ["FILE_NAMES", "edition_folder", "files_present", "write_files"]

FILE_NAMES = {"html": "edition.html", "text": "edition.txt", "markdown": "edition.md"}


def edition_folder(out_dir: Path, view: EditionView) -> Path:
    """``out_dir/<local date of the period end>-<kind>-<id>`` (``-preview`` for a dry run)."""
    day = view.period_end.astimezone(ZoneInfo(view.timezone)).strftime("%Y-%m-%d")
    suffix = f"{view.edition_id:05d}" if view.edition_id is not None else "preview"
    return Path(out_dir) / f"{day}-{view.kind}-{suffix}"


def files_present(folder: str | Path | None) -> bool:
    """True when ``folder`` holds every edition file."""
    return folder is not None and all((Path(folder) / name).is_file() for name in FILE_NAMES.values())


def write_files(folder: Path, rendered: Rendered) -> tuple[Path, ...]:
    """Write the three formats into ``folder`` (created if needed); returns their paths."""
    new_folder = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeliveryError(f"cannot create edition folder {folder}: {exc.strerror or exc}") from exc
    bodies = {"html": rendered.html, "text": rendered.text, "markdown": rendered.markdown}
    written: list[Path] = []
    try:
        for kind, name in FILE_NAMES.items():
            written.append(_write_atomically(folder / name, bodies[kind]))
    except DeliveryError:
        if new_folder:  # leave no half-written edition behind
            for path in written:
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return tuple(written)


def _write_atomically(path: Path, text: str) -> Path:
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise DeliveryError(f"cannot write edition file {path}: {exc.strerror or exc}") from exc
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path
