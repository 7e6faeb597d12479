"""Pydantic's validation errors in plain words: shared by the loader (files) and the engine (actions)."""

from __future__ import annotations

import difflib
from typing import Any

__all__ = ["plain_rule"]


def plain_rule(err: dict[str, Any], keys: set[str] = frozenset(), key: str | None = None) -> str:
    """The rule a pydantic error broke, in words a trainer reads (``must be <= 1``, ``must be a whole number``).

    ``keys`` (every key the schema knows) and ``key`` (the offending one) serve the unknown-key hint.

    >>> plain_rule({"type": "less_than_equal", "ctx": {"le": 1.0}, "msg": ""})
    'must be <= 1'
    >>> plain_rule({"type": "extra_forbidden", "msg": ""}, {"width_m"}, "widht_m")
    "unknown key (did you mean 'width_m'?)"
    """
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        if key in keys:
            # A real key in the wrong block: suggesting the key itself would only confuse.
            return f"unknown key here: {key!r} belongs to another block of the file (check the indentation)"
        close = difflib.get_close_matches(key or "", sorted(keys), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key{hint}"
    if kind == "missing":
        return "is required"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()))
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"must be {sign} {bound}"
    if kind == "string_pattern_mismatch":
        return "must be an id: a letter, then letters, digits, '_' or '-' (at most 64)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return "must be a finite number"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false"
    if kind in ("string_type",):
        return "must be text"
    if kind in ("list_type", "tuple_type"):
        return "must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a mapping (key: value)"
    if kind in ("too_short",):
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind in ("too_long",):
        return f"must have at most {ctx.get('max_length')} item(s)"
    if kind in ("enum", "literal_error"):
        return f"must be one of {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"must be one of {ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        return f"needs the key {ctx.get('discriminator', '')!s}".replace("'", "")
    if kind == "value_error":
        msg = str(err["msg"])
        return msg.removeprefix("Value error, ")
    return str(err["msg"]).rstrip(".").lower()
