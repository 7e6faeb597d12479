"""Does a decision answer an expected action? By team and verb, then by the parameters that name its target.

An expected action (``expect:`` of an inject) names a team and a verb, and its ``doctrine:`` the
parameters doctrine prescribes. Parameters that say *what* the action acts on (:data:`TARGET_KEYS`:
the zones, the connection, the unit, the site, the hospital, the policy...) must match for the
decision to answer it; amounts (how many ambulances, how long a phase) do not, so a team that sends
four ambulances where doctrine says six still answers "request ambulances". ``match:`` on the
expectation lists the keys explicitly (``match: []`` matches by verb only).

- **full**: every matched key agrees; for zones, the decision covers every expected zone;
- **partial**: zones are only partly covered (the others agree): it scores at most 1, with the reason;
- **none**: a different target (closing the front exit is not closing the courtyard gate).

>>> match_params({"connection": "courtyard_gate"}, {"do": "close", "connection": "front_exit"}, keys=None, zones=[])
('none', 'connection front_exit, expected courtyard_gate')
>>> match_params({"zones": ["a", "b"]}, {"do": "evacuate", "zones": ["a"]}, keys=None, zones=["a", "b", "c"])
('partial', 'covers 1 of 2 zones (not b)')
>>> match_params({"zones": "all", "count": 6}, {"do": "alert", "zones": "all", "count": 2}, keys=None, zones=["a"])
('full', '')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["TARGET_KEYS", "Match", "Taken", "answer", "taken_of", "match_params", "match_keys"]

TARGET_KEYS = ("zones", "zone", "connection", "exit", "unit", "site", "hospital", "policy", "what", "phase", "level")
"""Parameters that name what an action acts on (matched); every other parameter is an amount (not matched)."""

Match = Literal["full", "partial", "none"]


def match_keys(doctrine: Mapping[str, Any], keys: Sequence[str] | None) -> list[str]:
    """The keys an expectation matches: ``keys`` when given, else the target keys its doctrine names."""
    if keys is not None:
        return [k for k in keys if k in doctrine]
    return [k for k in TARGET_KEYS if k in doctrine]


def _zone_set(value: Any, zones: Sequence[str]) -> set[str] | None:
    if value == "all":
        return set(zones)
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable):
        return {str(v) for v in value}
    return None


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def match_params(doctrine: Mapping[str, Any], action: Mapping[str, Any], *, keys: Sequence[str] | None,
                 zones: Sequence[str]) -> tuple[Match, str]:
    """How well ``action`` (a decision's parameters) answers an expectation with ``doctrine`` parameters.

    Args:
        doctrine: the expectation's doctrine parameters.
        action: the decision's action (``do`` and parameters).
        keys: the expectation's ``match`` keys, or ``None`` for the target keys of its doctrine.
        zones: every zone id of the venue (``zones: all`` means all of them).

    Returns:
        ``(match, reason)``: the reason says what differs (empty for a full match).
    """
    partial: list[str] = []
    for key in match_keys(doctrine, keys):
        want, got = doctrine[key], action.get(key)
        if key in ("zones", "zone"):
            want_set, got_set = _zone_set(want, zones), _zone_set(got, zones)
            if want_set is not None and got_set is not None and want_set and (want != "all" or zones):
                covered = want_set & got_set
                if covered == want_set:
                    continue
                if covered:
                    missing = sorted(want_set - covered)
                    more = f" (not {', '.join(missing[:4])}{'...' if len(missing) > 4 else ''})"
                    partial.append(f"covers {len(covered)} of {len(want_set)} zones{more}")
                    continue
                return "none", f"zones {_shown(got)}, expected {_shown(want)}"
        if got is None:
            return "none", f"no {key} given, expected {_shown(want)}"
        if _shown(got) != _shown(want):
            return "none", f"{key} {_shown(got)}, expected {_shown(want)}"
    if partial:
        return "partial", "; ".join(partial)
    return "full", ""


@dataclass(frozen=True)
class Taken:
    """A decision as scoring sees it: who took which verb, when decided and when it took effect."""

    id: str
    team: str
    action: str
    t_s: float
    """Exercise time of the decision (s)."""
    effect_s: float
    """Exercise time the action takes effect: ``t_s`` plus its ``after`` delay (s)."""
    params: Mapping[str, Any] | None = None
    """The decision's action parameters; ``None`` (hand-made records): matched by team and verb only."""


def answer(exp: Any, candidates: Sequence[Taken], *, zones: Sequence[str]) -> tuple[Taken | None, str, str]:
    """The decision of ``candidates`` (same team and verb, after the release, in order) that answers ``exp``.

    Returns ``(decision, "full" | "partial" | "none", reason)``: the first full match, else the first
    partial one, else no decision (the reason then names the first decision on another target).
    """
    partial: tuple[Taken, str] | None = None
    other: tuple[Taken, str] | None = None
    for d in candidates:
        if d.params is None:
            return d, "full", ""
        how, why = match_params(exp.doctrine, d.params, keys=exp.match, zones=zones)
        if how == "full":
            return d, "full", ""
        if how == "partial" and partial is None:
            partial = (d, why)
        elif how == "none" and other is None:
            other = (d, why)
    if partial is not None:
        return partial[0], "partial", f"{partial[0].id} {partial[1]}"
    if other is not None:
        return None, "none", f"{other[0].id} acted on another target: {other[1]}"
    return None, "none", ""


def taken_of(decisions: Iterable[Any]) -> list[Taken]:
    """Session decisions (``id``, ``team``, ``action``, ``t_s``, ``after_s``) as :class:`Taken` records."""
    return [Taken(d.id, d.team, str(d.action.get("do")), d.t_s, d.t_s + d.after_s, dict(d.action)) for d in decisions]
