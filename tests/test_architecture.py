"""The architecture, enforced: dependencies point one way and nothing imports in a loop.

The rules (docs/architecture.md explains them):
- no import cycle anywhere in ``simsoft`` or ``facilitator`` (imports inside functions count too;
  imports only for type checkers do not);
- the model core (engine, models, records, rng, units, errors, distributions, metrics, observation,
  schema) imports only the standard library, simpy, networkx, numpy, pydantic and itself - no CLI,
  no plotting, no reports, run folders, experiments or file formats;
- ``simsoft`` never imports ``facilitator``; only ``simsoft.cli`` imports click, and matplotlib is
  reached only from ``simsoft.plots`` (and the facilitator's plot and report modules);
- ``facilitator`` (a plug-in) imports only names that ``simsoft`` or one of its public modules
  exports in ``__all__``.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("simsoft", "facilitator")

CORE = ("simsoft.engine", "simsoft.models", "simsoft.records", "simsoft.rng", "simsoft.units", "simsoft.errors",
        "simsoft.distributions", "simsoft.metrics", "simsoft.observation", "simsoft.schema")
"""The model core: what a run needs, and nothing that reads or writes files or talks to a person."""
CORE_THIRD_PARTY = {"simpy", "networkx", "numpy", "pydantic", "pydantic_core", "annotated_types"}

ALLOWED = {("simsoft.engine", "simsoft.loader")}
"""Deliberate exceptions: ``run(scenario, variant=...)`` resolves a named variant through the loader,
which validates the overrides exactly as it validates a file (a lazy import inside ``run``)."""

PUBLIC = ("simsoft", "simsoft.errors", "simsoft.units", "simsoft.records", "simsoft.loader", "simsoft.schema",
          "simsoft.experiments", "simsoft.plots", "simsoft.cli", "simsoft.reports", "simsoft.observation",
          "simsoft.plans", "simsoft.region", "simsoft.i18n")
"""Modules whose ``__all__`` a plug-in such as the facilitator may import from."""


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (a submodule when ``from pkg import submodule``)
    names: tuple[str, ...]  # names taken with ``from target import ...`` (empty for ``import target``)
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below ``node``, skipping ``if TYPE_CHECKING:`` bodies."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from _walk(other)
            continue
        yield child
        yield from _walk(child)


def _imports(module: str, path: Path, known: set[str]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[Import] = []
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            out += [Import(module, a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            subs = [n for n in names if f"{target}.{n}" in known]
            rest = tuple(n for n in names if f"{target}.{n}" not in known)
            out += [Import(module, f"{target}.{n}", (), node.lineno) for n in subs]
            if rest or not subs:
                out.append(Import(module, target, rest, node.lineno))
    return out


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, Path], list[Import]]:
    sources = _sources()
    known = set(sources)
    edges = [imp for mod, path in sources.items() for imp in _imports(mod, path, known)]
    return sources, edges


def _top(name: str) -> str:
    return name.split(".")[0]


def _inside(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_no_import_cycles(graph):
    sources, edges = graph
    g = nx.DiGraph()
    g.add_nodes_from(sources)
    for imp in edges:
        if imp.target in sources and imp.target != imp.module:
            g.add_edge(imp.module, imp.target)
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_the_model_core_imports_only_the_model_libraries(graph):
    sources, edges = graph
    stdlib = set(sys.stdlib_module_names)
    bad = []
    for imp in edges:
        if not _inside(imp.module, CORE):
            continue
        top = _top(imp.target)
        if (imp.module, imp.target) in ALLOWED:
            continue
        if top == "simsoft":
            if not _inside(imp.target, CORE) and imp.target != "simsoft":
                bad.append(f"{sources[imp.module].relative_to(ROOT)}:{imp.line} imports {imp.target}")
        elif top not in stdlib and top not in CORE_THIRD_PARTY and top != "__future__":
            bad.append(f"{sources[imp.module].relative_to(ROOT)}:{imp.line} imports {imp.target}")
    assert not bad, "\n".join(bad)


def test_models_do_no_input_output(graph):
    sources, edges = graph
    io_modules = {"csv", "json", "sqlite3", "shutil", "tempfile", "pickle", "io", "subprocess", "yaml"}
    bad = [f"{sources[i.module].relative_to(ROOT)}:{i.line} imports {i.target}" for i in edges
           if _inside(i.module, ("simsoft.models",)) and _top(i.target) in io_modules]
    assert not bad, "\n".join(bad)


def test_simsoft_never_imports_facilitator_and_click_and_matplotlib_stay_in_their_modules(graph):
    sources, edges = graph
    for imp in edges:
        where = f"{sources[imp.module].relative_to(ROOT)}:{imp.line}"
        if imp.module.startswith("simsoft"):
            assert _top(imp.target) != "facilitator", where
            if _top(imp.target) == "click":
                assert imp.module == "simsoft.cli", where
            if _top(imp.target) == "matplotlib":
                assert _inside(imp.module, ("simsoft.plots",)), where


def _exported(module: str) -> set[str]:
    return set(getattr(importlib.import_module(module), "__all__", ()))


def test_facilitator_imports_only_exported_simsoft_names(graph):
    sources, edges = graph
    bad = []
    for imp in edges:
        if not imp.module.startswith("facilitator") or _top(imp.target) != "simsoft":
            continue
        where = f"{sources[imp.module].relative_to(ROOT)}:{imp.line}"
        if imp.target not in PUBLIC:
            # ``from simsoft import plots`` names a public module; anything else is an internal one.
            bad.append(f"{where} imports {imp.target}, not a public module ({', '.join(PUBLIC)})")
            continue
        missing = [n for n in imp.names if n not in _exported(imp.target)]
        if missing:
            bad.append(f"{where} imports {missing} from {imp.target}, which does not export them")
    for mod, path in sources.items():
        if not mod.startswith("facilitator"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "simsoft":
                if node.attr not in _exported("simsoft"):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} uses simsoft.{node.attr}, not exported")
    assert not bad, "\n".join(bad)


def test_public_modules_export_what_they_list():
    for module in PUBLIC:
        mod = importlib.import_module(module)
        missing = [n for n in getattr(mod, "__all__", ()) if not hasattr(mod, n)]
        assert not missing, f"{module}.__all__ lists {missing}, which it does not define"


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return set(out.stdout.split())


def test_import_simsoft_loads_neither_click_nor_matplotlib():
    mods = _loaded_after("import simsoft; simsoft.run")
    assert "click" not in mods
    assert not any(m == "matplotlib" or m.startswith("matplotlib.") for m in mods)
    assert "facilitator" not in mods


def test_no_global_random_seeding_in_the_code():
    for path in sorted((ROOT / "simsoft").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for bad in ("np.random.seed(", "random.seed(", "numpy.random.seed("):
            assert bad not in text, f"{path}: {bad}"
