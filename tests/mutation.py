"""Mutations of parsed YAML documents, shared by the fuzz tests (scenarios, venues, exercise files)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

KINDS = ("replace", "delete", "add_key", "rename_ref")
"""What a step does at its path: set a value, remove the key, add a key below it, rename a reference."""


def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into ``node`` (the empty path first)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += all_paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += all_paths(v, prefix + (i,))
    return out


def parent(doc: Any, path: tuple) -> tuple[Any, Any]:
    """The container holding ``path``'s last part, and that part."""
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


def mutate(doc: Any, steps: Iterable[tuple[str, tuple, Any, str]]) -> Any:
    """A copy of ``doc`` with each ``(kind, path, value, word)`` step applied; a step whose path an
    earlier step removed is skipped."""
    doc = copy.deepcopy(doc)
    for kind, path, value, word in steps:
        try:
            node, key = parent(doc, path)
            if kind == "replace":
                node[key] = value
            elif kind == "delete":
                del node[key]
            elif kind == "add_key" and isinstance(node[key], dict):
                node[key][word] = value
            elif kind == "rename_ref" and isinstance(node[key], str):
                node[key] = word
        except (KeyError, IndexError, TypeError):
            continue
    return doc
