"""Imports: a file may extend others (a shared venue, a common population).

``import: [venues/hall.yaml]`` paths are relative to the importing file. Imported documents are
merged in order, then the importing file on top: mappings merge key by key, anything else
(lists included) is replaced whole. Cycles are refused.
"""

from __future__ import annotations

import os
from typing import Any

from simsoft.errors import Problem, ScenarioError
from simsoft.loader.yaml_io import Document, Path, SourceMap, read_yaml

__all__ = ["compose", "MAX_IMPORT_DEPTH"]

MAX_IMPORT_DEPTH = 16
"""Longest chain of imports accepted."""


def _merge(base: Any, top: Any, base_src: SourceMap, top_src: SourceMap, path: Path) -> Any:
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for key, value in top.items():
            if key in out:
                out[key] = _merge(out[key], value, base_src, top_src, path + (key,))
            else:
                out[key] = value
                _copy_sources(top_src, base_src, path + (key,))
        return out
    _drop_sources(base_src, path)
    _copy_sources(top_src, base_src, path)
    return top


def _copy_sources(src: SourceMap, dst: SourceMap, path: Path) -> None:
    n = len(path)
    for p, place in src.places.items():
        if p[:n] == path:
            dst.places[p] = place


def _drop_sources(src: SourceMap, path: Path) -> None:
    n = len(path)
    for p in [p for p in src.places if p[:n] == path]:
        del src.places[p]


def compose(path: str | os.PathLike[str], *, _stack: tuple[str, ...] = ()) -> Document:
    """Read ``path`` and everything it imports, merged into one document with source lines."""
    real = os.path.realpath(path)
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise ScenarioError(
            Problem(file=doc.file, line=1, path="", rule="must be a mapping of scenario keys (name, venue, population, ...), not a "
                    + type(doc.data).__name__)
        )
    imports = doc.data.get("import", [])
    if imports in (None, []):
        return doc
    if isinstance(imports, str):
        imports = [imports]
    if not isinstance(imports, list) or not all(isinstance(i, str) for i in imports):
        file, line = doc.sources.locate(("import",))
        raise ScenarioError(Problem(file=file, line=line, path="import", value=imports, has_value=True,
                                    rule="must be a list of file paths"))
    if len(_stack) >= MAX_IMPORT_DEPTH:
        raise ScenarioError(Problem(file=doc.file, line=1, path="import", rule=f"imports nest deeper than {MAX_IMPORT_DEPTH} files"))
    merged: Any = {}
    merged_src = SourceMap()
    here = os.path.dirname(real)
    for i, rel in enumerate(imports):
        target = os.path.realpath(os.path.join(here, rel))
        file, line = doc.sources.locate(("import", i))
        if target in _stack or target == real:
            chain = " -> ".join(os.path.basename(p) for p in (*_stack, real, target))
            raise ScenarioError(Problem(file=file, line=line, path=f"import[{i}]", value=rel, has_value=True,
                                        rule=f"import cycle: {chain}"))
        if not os.path.isfile(target):
            raise ScenarioError(Problem(file=file, line=line, path=f"import[{i}]", value=rel, has_value=True,
                                        rule="file not found (paths are relative to the importing file)"))
        sub = compose(target, _stack=(*_stack, real))
        merged = _merge(merged, sub.data, merged_src, sub.sources, ())
    own = {k: v for k, v in doc.data.items() if k != "import"}
    own_src = SourceMap({p: v for p, v in doc.sources.places.items() if not p or p[0] != "import"})
    merged = _merge(merged, own, merged_src, own_src, ())
    merged_src.places[()] = (doc.file, 1)
    return Document(file=doc.file, data=merged, sources=merged_src)
