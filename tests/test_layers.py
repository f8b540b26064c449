"""The house rules that a reader of the code relies on, checked on the import graph.

Layers point one way: interfaces (CLI, web, flows) -> stages (spiders, summarizer, newsletter) ->
storage (archive) -> foundation (errors, settings, text, sentences, safety, resources, tomlfile). A stage never
imports a sibling stage; nothing imports a layer above it; no module imports itself back through
others. Every import counts, also one inside a function (a lazy import is still a dependency),
except type-only imports under ``if TYPE_CHECKING:``.
The start-up rule is checked the same way: what ``bantin --version`` and ``--help`` load.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bantin

FOUNDATION = {"bantin", "bantin.errors", "bantin.settings", "bantin.text", "bantin.sentences", "bantin.safety",
              "bantin.resources", "bantin.tomlfile"}
STAGES = ("bantin.spiders", "bantin.summarizer", "bantin.newsletter")
# Scrapy reads its project settings from a module inside the spiders package; that module is an
# edge like the CLI (it turns Settings into options), so it may import upwards.
EDGES_IN_STAGES = {"bantin.spiders.settings"}
# Violations whose fix is under way on a branch (each owner empties its line when it lands).
KNOWN_UPWARD: set[tuple[str, str]] = set()
KNOWN_CYCLES: set[tuple[str, str]] = set()


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, name
    return Path(next(iter(spec.submodule_search_locations)))


def _modules() -> dict[str, Path]:
    """Every module of the installed namespace (each mapped package read where it lives)."""
    found: dict[str, Path] = {}
    packages = ["bantin", "bantin.commands", "bantin.archive", "bantin.spiders", "bantin.summarizer",
                "bantin.newsletter", "bantin.flows", "bantin.web"]
    for package in packages:
        root = _package_dir(package)
        for path in root.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if any(part in ("templates", "migrations") for part in parts) and package == "bantin":
                continue  # data (links to templates/ and alembic/), not modules
            if package == "bantin" and parts[0] in ("commands",):
                continue  # read as its own package
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports anywhere in its code (``from x import y`` counts ``x.y``
    when that is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    resolved = set()
    for target in out:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def _runtime_nodes(tree: ast.AST):  # noqa: ANN202 - a generator of AST nodes
    """Every node except those under ``if TYPE_CHECKING:`` (type-only imports never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in ast.walk(child))
            continue
        yield node
        yield from _runtime_nodes(node)


def _layer(name: str) -> tuple[int, str]:
    """(rank, group): foundation 0, storage 1, a stage 2 (its group is the package), interfaces 3."""
    if name in FOUNDATION:
        return 0, "foundation"
    if name.startswith("bantin.archive"):
        return 1, "storage"
    for stage in STAGES:
        if (name == stage or name.startswith(stage + ".")) and name not in EDGES_IN_STAGES:
            return 2, stage
    return 3, "interface"


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_the_graph_covers_every_layer(graph: dict[str, set[str]]) -> None:
    groups = {_layer(name)[1] for name in graph}
    assert groups == {"foundation", "storage", "interface", *STAGES}
    assert len(graph) > 60


def test_no_upward_or_sideways_import(graph: dict[str, set[str]]) -> None:
    wrong = []
    for name, targets in sorted(graph.items()):
        rank, group = _layer(name)
        for target in sorted(targets):
            target_rank, target_group = _layer(target)
            if (name, target) in KNOWN_UPWARD:
                continue
            if target_rank > rank or (target_rank == rank == 2 and target_group != group):
                wrong.append(f"{name} ({group}) imports {target} ({target_group})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    # A package's __init__ re-exports its modules; an edge into the package from its own module
    # is then a cycle through the __init__, which counts like any other.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target):], target] if target in trail else [node, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    cycles = [cycle for cycle in cycles if tuple(cycle[:2]) not in KNOWN_CYCLES]
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles[:20])


HEAVY = ("torch", "transformers", "sqlalchemy", "scrapy", "twisted", "prefect", "ctranslate2", "alembic")


def _loaded_after(args: list[str]) -> list[str]:
    code = f"""
import json, sys
from bantin.cli import app
try:
    app(args={args!r}, prog_name="bantin", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["summarize", "--help"], ["search", "--help"],
                                  ["db", "--help"], ["run", "--help"], ["web", "--help"], ["crawl", "--help"]],
                         ids=lambda args: " ".join(args))
def test_start_up_loads_no_heavy_library(args: list[str]) -> None:
    assert _loaded_after(args) == []


def test_extractive_summary_of_a_file_loads_no_heavy_library(tmp_path: Path) -> None:
    """The extractive engine needs no database, no model libraries, no crawler, no scheduler
    (CTranslate2 itself may load: it is light and the engines share the loader)."""
    article = tmp_path / "a.txt"
    article.write_text("Hà Nội có mưa lớn chiều nay. Giao thông ùn tắc ở nhiều nơi. Người dân về nhà muộn.\n",
                       encoding="utf-8")
    loaded = _loaded_after(["summarize", str(article), "--engine", "extractive"])
    assert set(loaded) & {"torch", "transformers", "sqlalchemy", "scrapy", "twisted", "prefect", "alembic"} == set()


def test_importing_the_summarizer_loads_no_model_library() -> None:
    code = ("import json, sys, bantin.summarizer; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'transformers', 'ctranslate2'})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_package_is_one_namespace() -> None:
    assert Path(bantin.__file__).parent.name == "bantin"
    for generic in ("archive", "spiders", "summarizer", "newsletter", "flows", "web"):
        assert generic not in sys.modules, f"a generic top-level module {generic!r} was imported"
