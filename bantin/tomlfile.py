"""Reading bantin's TOML files (sources, sections, lexicon, entities …) into pydantic models.

One loader for every editable file, so every file's mistakes read alike, with the file, the line
and the key::

    sources.toml:12: key 'sources.genk.delay_s': wrong type str

``load_toml(path, Model, error=SourcesFileError)`` reads ``path`` (UTF-8), parses it, validates
it against ``Model`` and returns the model; any problem raises ``error`` (a ``ConfigError``) with
one line naming the file, the line where known, and the dotted key. Models forbid unknown keys
(``extra="forbid"``) to catch typos; a model's own ``ValueError`` in a validator names its field,
a ``TomlProblem`` (``problem(...)``) names another key. Pydantic's errors read as the files' own
words: ``unknown key (known keys: …)``, ``missing required key 'name'``, ``wrong type str``,
``must be a table``. A file whose messages read otherwise passes ``describe`` (a ``Spot`` -> text).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, BeforeValidator, ValidationError

from bantin.errors import ConfigError

__all__ = [
    "Spot", "Strings", "StringOrStrings", "TomlProblem", "dotted", "line_of", "load_toml", "problem", "read_toml",
]

M = TypeVar("M", bound=BaseModel)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


class TomlProblem(ValueError):
    """Raised by a model's validator to point at another key than the one validated.

    ``problem(("sources", "genk"), "feeds", "needs a feed")`` names ``sources.genk.feeds``; an
    integer in ``table`` is the index in an array of tables (``("section", 2)``: the third ``[[section]]``).
    """

    def __init__(self, table: Sequence[str | int], key: str, message: str) -> None:
        super().__init__(message)
        self.table = tuple(table)
        self.key = key
        self.message = message


def problem(table: Sequence[str | int], key: str, message: str) -> TomlProblem:
    """A ``TomlProblem`` for ``key`` in ``table`` (raise it from a model validator)."""
    return TomlProblem(table, key, message)


def _strings(value: Any, *, one: bool) -> Any:
    if one and isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple):
        raise ValueError(f"wrong type {type(value).__name__}")
    if not all(isinstance(item, str) for item in value):
        raise ValueError("must be a list of strings")
    return tuple(value)


# A list of strings (read as a tuple); other values are "wrong type …" / "must be a list of strings".
Strings = Annotated[tuple[str, ...], BeforeValidator(lambda value: _strings(value, one=False))]
# The same, or one string (read as a one-item tuple).
StringOrStrings = Annotated[tuple[str, ...], BeforeValidator(lambda value: _strings(value, one=True))]


def _parts(header: str) -> list[str]:
    return [part.strip().strip("\"'") for part in header.split(".")]


def line_of(text: str, table: Sequence[str | int], key: str | int) -> int:
    """1-based line where ``key`` is set inside ``[table]`` (or opens ``[table.key]``); 0 if not found.

    An integer in ``table`` (or as ``key``) picks one table of an array of tables (``[[section]]``):
    ``line_of(text, ("section", 1), "tags")`` is the ``tags`` of the second one. Without one, an
    array of tables counts as its header's table and the first match wins.
    """
    wanted = [*table, key]
    exact = any(isinstance(part, int) for part in wanted)
    setting = None if isinstance(key, int) else re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    arrays: dict[tuple[str, ...], int] = {}
    current: list[str | int] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER.match(line)
        if match:
            parts = _parts(match.group(2))
            if match.group(1) == "[[":
                arrays[tuple(parts)] = arrays.get(tuple(parts), -1) + 1
            current = []
            for end, part in enumerate(parts, 1):
                current.append(part)
                if tuple(parts[:end]) in arrays:
                    current.append(arrays[tuple(parts[:end])])
            if _same(current, wanted, exact):
                return number
            continue
        if setting is not None and _same(current, wanted[:-1], exact) and setting.match(line):
            return number
    return 0


def _same(current: list[str | int], wanted: list[str | int], exact: bool) -> bool:
    """Whether a table's path is ``wanted`` (array indices compared only when ``exact``)."""
    if not exact:
        current = [part for part in current if not isinstance(part, int)]
        wanted = [part for part in wanted if not isinstance(part, int)]
    return current == wanted


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


@dataclass(frozen=True)
class Spot:
    """Where a file is wrong and why, for one line of error.

    ``names`` is the dotted key (array indices left out), ``line`` 0 when not found, ``message``
    the file's own words (``unknown key``, ``wrong type str`` …), ``known`` the keys allowed
    where an unknown key was found (sorted; empty otherwise).
    """

    path: Path
    line: int
    names: tuple[str, ...]
    message: str
    known: tuple[str, ...] = ()


def dotted(spot: Spot) -> str:
    """``FILE:LINE: key 'a.b.c': MESSAGE``: the default way a file's mistake reads."""
    message = spot.message + (f" (known keys: {', '.join(spot.known)})" if spot.known else "")
    named = f" key {'.'.join(spot.names)!r}:" if spot.names else ""
    return f"{_where(spot.path, spot.line)}:{named} {message}"


def _unwrap(annotation: Any) -> Any:
    """The model or container type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            kept = [arg for arg in get_args(annotation) if arg is not NoneType]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        else:
            return annotation


def _keys_of(annotation: Any) -> tuple[str, ...] | None:
    """The keys a pydantic model or a dataclass (read by pydantic) holds; None for other types."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return tuple(field.alias or name for name, field in annotation.model_fields.items())
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return tuple(field.name for field in dataclasses.fields(annotation))
    return None


def _field_type(annotation: Any, name: str) -> Any:
    if issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(name)
        return None if field is None else field.annotation
    return get_type_hints(annotation, include_extras=True).get(name)


def _known_keys(model: type[BaseModel], location: Sequence[str | int]) -> tuple[str, ...]:
    """The keys the table at ``location`` (a pydantic error location) may hold, sorted."""
    current: Any = model
    for part in location:
        current = _unwrap(current)
        if _keys_of(current) is not None:
            current = _field_type(current, str(part))
            if current is None:
                return ()
        else:  # dict[str, X] or list[X]: the part is a key or an index
            args = get_args(current)
            if not args:
                return ()
            current = args[-1]
    return tuple(sorted(_keys_of(_unwrap(current)) or ()))


def _spot(exc: ValidationError, model: type[BaseModel], path: Path, text: str) -> Spot:
    """The first of pydantic's errors as a ``Spot`` in the file."""
    detail = exc.errors(include_url=False)[0]
    location: tuple[str | int, ...] = tuple(detail["loc"])
    cause = detail.get("ctx", {}).get("error")
    known: tuple[str, ...] = ()
    if isinstance(cause, TomlProblem):  # a validator named the key itself
        location, message = (*cause.table, cause.key), cause.message
    else:
        kind = detail["type"]
        item = None
        missing = kind in ("missing", "missing_argument")
        if not missing and location and isinstance(location[-1], int):  # one item of a list
            item, location = location[-1], location[:-1]
        if missing:
            message = f"missing required key {location[-1]!r}"
            location = location[:-1]
        elif kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model's, a dataclass's
            message, known = "unknown key", _known_keys(model, location[:-1])
        elif kind in ("model_type", "dict_type", "dataclass_type"):
            message = "must be a table"
        elif kind.endswith("_type"):
            message = f"wrong type {type(detail['input']).__name__}"
        else:
            message = detail["msg"].removeprefix("Value error, ")
        if item is not None:
            message = f"item {item + 1}: {message}"
    line = 0
    if location:
        table, key = location[:-1], location[-1]
        line = line_of(text, table, key) or (line_of(text, table[:-1], table[-1]) if table else 0)
    names = tuple(part for part in location if isinstance(part, str))
    return Spot(path, line, names, message, known)


def load_toml(
    path: Path,
    model: type[M],
    *,
    error: type[ConfigError] = ConfigError,
    name: str = "file",
    describe: Callable[[Spot], str] = dotted,
) -> M:
    """The TOML ``name`` at ``path`` validated as ``model``; ``error`` naming file, line and key
    (worded by ``describe``)."""
    data, text = read_toml(path, error=error, name=name)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(describe(_spot(exc, model, Path(path), text))) from exc
