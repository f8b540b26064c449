"""Files that ship inside the package: templates, migrations and the default TOML files.

They are found through the import system (``importlib.resources``), never by walking up from
``__file__`` to a repository, so a wheel installed anywhere and an editable checkout find the
same files. A missing one means a broken install: ``InstallError`` names the file and package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from bantin.errors import InstallError

__all__ = ["shipped"]


def shipped(package: str, *parts: str) -> Path:
    """The path of the file or folder ``parts`` inside ``package`` (``shipped("bantin", "templates")``)."""
    try:
        location = files(package)
    except ModuleNotFoundError as exc:
        raise InstallError(f"package {package} is not installed; reinstall bantin") from exc
    for part in parts:
        location = location.joinpath(part)
    if not location.is_file() and not location.is_dir():
        shown = "/".join(parts)
        raise InstallError(
            f"{shown} is missing from the installed package {package}; reinstall bantin "
            "(pip install --force-reinstall bantin)"
        )
    return Path(str(location))
