"""The verification cases of the egress model: published tests with expected values and tolerances.

Each :class:`Case` names its source (IMO MSC.1/Circ.1533 Annex 3, RiMEA 3.0, NIST TN 1822, or the
hand calculations of the team's reference, built on Gwynne & Rosenbaum, SFPE Handbook 5th ed.
ch. 59), the scenario file(s) under ``simsoft/verification/scenarios/`` it runs, and one or more
:class:`Check` s: a quantity observed from the runs and the window it must fall in. Expected
values and windows are literal numbers, published figures or hand calculations from the SFPE
handbook's published constants with the arithmetic in a comment, never values read from the model.
:mod:`simsoft.verification.suite` runs them and :mod:`simsoft.verification.table` writes the report.

>>> len({case.id for case in CASES}) == len(CASES)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simsoft.distributions import sample
from simsoft.models.egress.hydraulics import speed_m_s  # observed by H-2; never an expectation
from simsoft.rng import DEFAULT_SEED, Streams
from simsoft.schema import Normal, Uniform
from simsoft.schema.distributions import Lognormal
from simsoft.verification.expected import (
    FC_CORRIDOR_1M_P_S,
    FC_CORRIDOR_2M_P_S,
    FC_DOOR_1M_P_S,
    FC_STAIR_1_2M_P_S,
    H_COUNTERFLOW_0_S,
    H_COUNTERFLOW_100_S,
    H_FAR_SHARE,
    H_NEAR_SHARE,
    H_T2_S,
    H_T4_S,
    SPEED_AT_DENSITY_M_S,
    STAIR_10M_S,
    STAIR_QUEUE_GROWTH_P_S,
)
from simsoft.verification.measures import (
    check,
    discharge,
    events,
    first_out,
    rate,
    rel,
    series,
    set_group,
    t100,
    time_reaching,
    window,
)
from simsoft.verification.spec import Case, Patch, Runs, RunSpec

__all__ = ["CASES"]

def _speed(d: float) -> float:
    """The model's speed-density function at the SFPE level k = 1.40 m/s (what H-2 observes)."""
    return speed_m_s(density_p_m2=d, k_m_s=1.40)


# --------------------------------------------------------------------------------------- observations


def _start_error(runs: Runs) -> float:
    """Largest |time a person starts moving - (alert + drawn pre-movement)|, over the ten people."""
    run = runs["base"]
    pre = {e.subject: e.values["alerted_at_s"] + e.values["first_s"] for e in events(run, "egress.pre_movement")}
    started = {e.subject: e.values["moving_from_s"] for e in events(run, "egress.group_started")}
    if set(pre) != set(started) or not pre:
        return float("inf")
    return max(abs(started[k] - pre[k]) for k in pre)


def _draw_range(runs: Runs) -> float:
    """Largest distance of a drawn response time outside [10, 100] s (0 when all inside)."""
    draws = [e.values["first_s"] for e in events(runs["base"], "egress.pre_movement")]
    return max(max(10.0 - d, d - 100.0, 0.0) for d in draws)


def _counterflow_times(runs: Runs) -> list[float]:
    return [time_reaching(runs[f"opposing_{n}"], "exited", "beyond_right", 100) for n in (0, 10, 50, 100)]


def _non_decreasing(runs: Runs) -> float:
    t = _counterflow_times(runs)
    return float(all(b >= a - 1e-9 for a, b in zip(t, t[1:])) and t[-1] > t[0])


def _assigned_share(runs: Runs) -> float:
    run = runs["base"]
    scen = run.scenario
    expected: dict[str, int] = {}
    for g in scen.population.groups:
        expected[g.exit] = expected.get(g.exit, 0) + g.count
    used = {k.split(".")[2]: v for k, v in run.metrics.items() if k.startswith("egress.exit.") and k.endswith(".exited")}
    right = sum(min(used.get(e, 0.0), n) for e, n in expected.items())
    return right / sum(expected.values())


def _serial_queues_ok(runs: Runs) -> float:
    subjects = {e.subject for e in events(runs["base"], "egress.queue")}
    return float(subjects == {"narrow_corridor"})


def _serial_flow_ratio(runs: Runs) -> float:
    run = runs["base"]
    t25 = time_reaching(run, "exited", "outside", 0.25 * 150)
    t75 = time_reaching(run, "exited", "outside", 0.75 * 150)
    return rate(run, "exited", "outside", t25, t75) / FC_CORRIDOR_1M_P_S


def _stair_rates(runs: Runs) -> tuple[float, float]:
    run = runs["base"]
    # Steady state: the stair is full from about 55 s and the room feeds the corridor until 109 s.
    growth = rate(run, "occupants", "landing", 60.0, 100.0)
    stair = rate(run, "exited", "upstairs", 60.0, 100.0)
    return growth, stair


def _conservation_error(runs: Runs) -> float:
    run = runs["base"]
    ts = run.timeseries
    n = run.scenario.population.total
    totals: dict[float, float] = {}
    for t, q, _s, v in ts.rows():
        if q in ("inside", "exited"):
            totals[t] = totals.get(t, 0.0) + v
    return max(abs(v - n) for v in totals.values())


def _peak_density(runs: Runs) -> float:
    return max(v for k, v in runs["base"].metrics.items() if k.endswith(".peak_density_p_m2"))


def _closure_leak(runs: Runs) -> float:
    t, v = series(runs["base"], "exited", "near")
    return float(v[-1] - np.interp(20.0, t, v))


def _reroute_arrival(runs: Runs) -> float:
    first = [e.t_s for e in events(runs["base"], "egress.exit_first", "far")]
    return first[0] if first else float("nan")


def _sampling(kind: str, stat: str) -> Callable[[Runs], float]:
    specs = {
        "uniform": Uniform(distribution="uniform", low=10.0, high=100.0),
        "normal": Normal(distribution="normal", mean=120.0, sd=30.0),
        "lognormal": Lognormal(distribution="lognormal", mean=5.0, sd=2.0),
    }

    def observe(_runs: Runs) -> float:
        x = sample(specs[kind], rng=Streams(DEFAULT_SEED).stream(f"verification.sampling.{kind}"), n=20_000)
        if stat == "min":
            return float(x.min())
        return float(x.mean() if stat == "mean" else x.std())

    return observe


def _count(n_left: int, n_right: int) -> Patch:
    def patch(d: dict[str, Any]) -> None:
        d["population"]["groups"][0]["count"] = n_left
        d["population"]["groups"][1]["count"] = n_right

    return patch


def _density(n: int) -> Patch:
    return set_group("count", n, 0)


def _widen(width: float) -> Patch:
    def patch(d: dict[str, Any]) -> None:
        d["venue"]["connections"][0]["width_m"] = width

    return patch


def _shift_all(extra_s: float) -> Patch:
    def patch(d: dict[str, Any]) -> None:
        for g in d["population"]["groups"]:
            g["pre_movement"] = {"distribution": "fixed", "value": g["pre_movement"]["value"] + extra_s}

    return patch


def _walk_speed(run_name: str) -> Callable[[Runs], float]:
    return lambda runs: 20.0 / first_out(runs[run_name])


_CLOSE_SOUTH = RunSpec(actions=({"do": "close", "connection": "south_1", "at": "0 s"}, {"do": "close", "connection": "south_2", "at": "0 s"}))
CASES: tuple[Case, ...] = (
    Case(
        id="IMO-1",
        title="Walking speed in a 40 m corridor",
        source="IMO MSC.1/Circ.1533 Annex 3 test 1",
        scenario="corridor-40m.yaml",
        checks=(check("time to walk 40 m at 1.0 m/s", "40.0 s ± 0.5", window(40.0, 0.5), lambda r: t100(r["base"]), "s"),),
    ),
    Case(
        id="IMO-2",
        title="Walking up a 10 m stair",
        source="IMO MSC.1/Circ.1533 Annex 3 test 2; team case 4",
        scenario="stair-10m.yaml",
        runs={"base": RunSpec(), "fixed_speed": RunSpec(patch=set_group("free_speed_m_s", 1.0))},
        checks=(
            check("time at the SFPE stair speed 0.856 k (178/279 mm)", "10.8 s ± 0.3", window(STAIR_10M_S, 0.3), lambda r: t100(r["base"]), "s"),
            check("time at a fixed 1.0 m/s", "10.0 s ± 0.3", window(10.0, 0.3), lambda r: t100(r["fixed_speed"]), "s"),
        ),
    ),
    Case(
        id="IMO-3",
        title="Walking down a 10 m stair",
        source="IMO MSC.1/Circ.1533 Annex 3 test 3; team case 4 (the SFPE stair speed does not depend on direction)",
        scenario="stair-10m.yaml",
        runs={"base": RunSpec(), "fixed_speed": RunSpec(patch=set_group("free_speed_m_s", 1.0))},
        checks=(
            check("time at the SFPE stair speed", "10.8 s ± 0.3", window(STAIR_10M_S, 0.3), lambda r: t100(r["base"]), "s"),
            check("time at a fixed 1.0 m/s", "10.0 s ± 0.3", window(10.0, 0.3), lambda r: t100(r["fixed_speed"]), "s"),
        ),
    ),
    Case(
        id="IMO-4",
        title="Exit flow of a 1 m door",
        source="IMO MSC.1/Circ.1533 Annex 3 test 4; team case 5",
        scenario="room-door.yaml",
        checks=(
            # IMO's criterion is one-sided (a door that let almost nobody through would meet it); the
            # lower bound is SFPE's Fc 0.91 p/s - 2 %, as in NIST-5.2.
            check("mean flow through the door", "0.89-1.33 p/s (IMO <= 1.33; SFPE 0.91 - 2 %)", (0.89, 1.33), lambda r: 99 / discharge(r["base"]), "p/s"),
            # SFPE: (N - 1) / Fc = 99 / 0.91 = 108.8 s to N / Fc = 100 / 0.91 = 109.9 s, +- one 0.1 s step.
            check("first to last person out", "108.8-109.9 s ± 1 step", (108.7, 110.0), lambda r: discharge(r["base"]), "s"),
        ),
    ),
    Case(
        id="IMO-5",
        title="Response times uniform 10-100 s",
        source="IMO MSC.1/Circ.1533 Annex 3 test 5",
        scenario="premovement-uniform.yaml",
        checks=(
            check("largest |start - assigned time|", "<= 1 step (0.1 s)", (0.0, 0.1 + 1e-6), _start_error, "s"),
            check("drawn times outside 10-100 s", "0 s", (0.0, 0.0), _draw_range, "s"),
        ),
    ),
    Case(
        id="IMO-8",
        title="Counter-flow in a corridor",
        source="IMO MSC.1/Circ.1533 Annex 3 test 8; NIST TN 1822 Verif.2.8; team case 14",
        scenario="counterflow.yaml",
        runs={f"opposing_{n}": RunSpec(patch=_count(100, n)) for n in (0, 10, 50, 100)},
        checks=(
            check("last arrival with 0 opposing", "74.0 s ± 3 % (SFPE)", rel(H_COUNTERFLOW_0_S, 0.03), lambda r: _counterflow_times(r)[0], "s"),
            check(
                "last arrival with 100 opposing",
                "105.9-600 s (200 p through 2.08 p/s; within the run)",
                H_COUNTERFLOW_100_S,
                lambda r: _counterflow_times(r)[3],
                "s",
            ),
            check("times non-decreasing in opposing count (0/10/50/100)", "1 (true)", (1.0, 1.0), _non_decreasing),
        ),
    ),
    Case(
        id="IMO-9",
        title="Closing two of four exits",
        source="IMO MSC.1/Circ.1533 Annex 3 test 9; team case 10",
        scenario="four-exits.yaml",
        runs={"four": RunSpec(), "two": _CLOSE_SOUTH},
        checks=(
            check("discharge, four doors", "274.7 s ± 1 %", rel(H_T4_S, 0.01), lambda r: discharge(r["four"]), "s"),
            check("discharge, two doors", "549.5 s ± 1 %", rel(H_T2_S, 0.01), lambda r: discharge(r["two"]), "s"),
            check("evacuation time ratio", "roughly doubles: 1.6-2.4", (1.6, 2.4), lambda r: t100(r["two"]) / t100(r["four"])),
        ),
    ),
    Case(
        id="IMO-10",
        title="Assigned exits along a cabin corridor",
        source="IMO MSC.1/Circ.1533 Annex 3 test 10; NIST TN 1822 Verif.3.1; team case 15",
        scenario="cabin-corridor.yaml",
        checks=(check("share of people out by their assigned exit", "1.00", (1.0 - 1e-9, 1.0 + 1e-9), _assigned_share),),
    ),
    Case(
        id="IMO-11",
        title="Congestion at the foot of a stair",
        source="IMO MSC.1/Circ.1533 Annex 3 test 11",
        scenario="stair-congestion.yaml",
        checks=(
            check("queue recorded at the stair", "1 (true)", (1.0, 1.0), lambda r: float(bool(events(r["base"], "egress.queue", "stair")))),
            check("steady flow on the stair", "0.91 p/s ± 3 %", rel(FC_STAIR_1_2M_P_S, 0.03), lambda r: _stair_rates(r)[1], "p/s"),
        ),
    ),
    Case(
        id="RiMEA-1",
        title="Walking speed in a 40 m corridor at 1.33 m/s",
        source="RiMEA 3.0 test 1; NIST TN 1822 Verif.2.1",
        scenario="corridor-40m.yaml",
        runs={"base": RunSpec(patch=set_group("free_speed_m_s", 1.33)), "sfpe": RunSpec(patch=set_group("free_speed_m_s", None))},
        checks=(
            # RiMEA accepts 26-34 s, but a model that ignored the given 1.33 m/s and walked at SFPE's
            # 1.198 m/s (33.4 s) would pass that; 40 m / 1.33 m/s = 30.08 s, +-0.5 s as IMO 1.
            check("time at 1.33 m/s", "30.1 s ± 0.5 (RiMEA: 26-34 s)", window(30.08, 0.5), lambda r: t100(r["base"]), "s"),
            # SFPE: 40 m / (0.856 x 1.40 m/s) = 40 / 1.198 = 33.38 s.
            check("time at the SFPE free speed 0.856 x 1.40", "33.4 s ± 0.5, inside 26-34 s", window(33.38, 0.5), lambda r: t100(r["sfpe"]), "s"),
        ),
    ),
    Case(
        id="RiMEA-4",
        title="Speed at given densities (fundamental diagram)",
        source="RiMEA 3.0 test 4 with the SFPE relation (not Weidmann; see docs/egress-model.md)",
        scenario="congested-walk.yaml",
        runs={f"d{n}": RunSpec(patch=_density(n)) for n in (50, 100, 200, 300, 600)},
        checks=tuple(
            check(f"speed at {n / 100:g} p/m2", f"{SPEED_AT_DENSITY_M_S[n / 100]:.3f} m/s ± 2 %", rel(SPEED_AT_DENSITY_M_S[n / 100], 0.02), _walk_speed(f"d{n}"), "m/s")
            for n in (50, 100, 200, 300, 600)
        ),
    ),
    Case(
        id="RiMEA-5",
        title="Reaction times 10, 20 ... 100 s",
        source="RiMEA 3.0 test 5; team case 8",
        scenario="premovement-fixed.yaml",
        runs={"base": RunSpec(), "later": RunSpec(patch=_shift_all(30.0))},
        checks=(
            check("largest |start - reaction time|", "<= 1 step (0.1 s)", (0.0, 0.1 + 1e-6), _start_error, "s"),
            check("shift of the evacuation time by 30 s more delay", "30.0 s ± 1 step", window(30.0, 0.1), lambda r: t100(r["later"]) - t100(r["base"]), "s"),
        ),
    ),
    Case(
        id="RiMEA-9",
        title="1000 people, four exits, two closed",
        source="RiMEA 3.0 test 9; team case 10",
        scenario="four-exits.yaml",
        runs={"four": RunSpec(), "two": _CLOSE_SOUTH},
        checks=(check("evacuation time ratio two / four exits", "1.6-2.4", (1.6, 2.4), lambda r: t100(r["two"]) / t100(r["four"])),),
    ),
    Case(
        id="RiMEA-10",
        title="Assigned exits from 12 rooms",
        source="RiMEA 3.0 test 10",
        scenario="cabin-corridor.yaml",
        checks=(check("share of the 23 people out by their assigned exit", "1.00", (1.0 - 1e-9, 1.0 + 1e-9), _assigned_share),),
    ),
    Case(
        id="RiMEA-11",
        title="Choice between a near and a far exit",
        source="RiMEA 3.0 test 11",
        scenario="two-exits.yaml",
        checks=(
            check("share out by the near exit", "0.508 ± 0.005 (RiMEA: > 0.5)", window(H_NEAR_SHARE, 0.005), lambda r: r["base"].metrics["egress.exit.near.exited"] / 1000),
            check("share out by the far exit", "0.492 ± 0.005 (RiMEA: > 0)", window(H_FAR_SHARE, 0.005), lambda r: r["base"].metrics["egress.exit.far.exited"] / 1000),
        ),
    ),
    Case(
        id="RiMEA-12",
        title="Two bottlenecks in series",
        source="RiMEA 3.0 test 12; team case 11",
        scenario="serial-bottlenecks.yaml",
        checks=(
            check("queues only before the first bottleneck", "1 (true)", (1.0, 1.0), _serial_queues_ok),
            # Exit flow over the SFPE flow of the 1 m corridor, 0.78 p/s (not the model's own value).
            check("exit flow / bottleneck flow", "1.00 ± 5 %", (0.95, 1.05), _serial_flow_ratio),
        ),
    ),
    Case(
        id="RiMEA-13",
        title="Corridor feeding an up-stair",
        source="RiMEA 3.0 test 13",
        scenario="stair-congestion.yaml",
        checks=(
            # RiMEA asks only for < 1, which a stair passing well over its Fsm would still meet.
            # SFPE: 0.914 / 2.08 = 0.439.
            check("stair flow / corridor flow", "0.44 ± 3 % (RiMEA: < 1)", rel(0.439, 0.03), lambda r: _stair_rates(r)[1] / FC_CORRIDOR_2M_P_S),
            check("queue grows at the stair foot", "1.17 p/s ± 5 % (RiMEA: > 0)", rel(STAIR_QUEUE_GROWTH_P_S, 0.05), lambda r: _stair_rates(r)[0], "p/s"),
        ),
    ),
    Case(
        id="NIST-1.1",
        title="Pre-evacuation time distribution",
        source="NIST TN 1822 Verif.1.1",
        scenario="premovement-distribution.yaml",
        checks=(
            check("time half the people have started", "60 s ± 3 %", rel(60.0, 0.03), lambda r: time_reaching(r["base"], "started", "", 5000), "s"),
            check("time 99 % have started", "300 s ± 8 %", rel(300.0, 0.08), lambda r: time_reaching(r["base"], "started", "", 9900), "s"),
            # NIST: no negative times. Upper bound: lognormal median 60 s, p99 300 s has
            # sigma = ln(300 / 60) / 2.326 = 0.692 and a 0.1 % quantile 60 x exp(-3.090 x 0.692) = 7.1 s;
            # the smallest of 10,000 draws lies above it with probability 0.999^10000 = 5e-5.
            check("earliest start", "0-7.1 s (>= 0; below the 0.1 % quantile)", (0.0, 7.1), lambda r: events(r["base"], "egress.pre_movement")[0].values["first_s"], "s"),
        ),
    ),
    Case(
        id="NIST-2.1",
        title="Walking speed in a corridor",
        source="NIST TN 1822 Verif.2.1",
        scenario="corridor-40m.yaml",
        checks=(check("time to walk 40 m at 1.0 m/s", "40.0 s ± 0.5", window(40.0, 0.5), lambda r: t100(r["base"]), "s"),),
    ),
    Case(
        id="NIST-2.2",
        title="Walking speed on a stair",
        source="NIST TN 1822 Verif.2.2",
        scenario="stair-10m.yaml",
        checks=(check("time along a 10 m stair slope", "10.8 s ± 0.3", window(STAIR_10M_S, 0.3), lambda r: t100(r["base"]), "s"),),
    ),
    Case(
        id="NIST-4.1",
        title="Exit closed during the evacuation",
        source="NIST TN 1822 Verif.4.1; team case 15",
        scenario="exit-closure.yaml",
        checks=(
            # One 0.1 s step of the door's flow: 0.91 p/s x 0.1 s = 0.091 people.
            check("people through the near door after it closed", "0 (± one step of flow)", (0.0, 0.091), _closure_leak, "p"),
            check(
                "first arrival at the far exit",
                "20 s + 60 m at free speed (70.1 s) ± 1 s",
                # SFPE: 20 s + 60 m / (0.856 x 1.40 m/s) = 20 + 50.07 = 70.07 s.
                window(70.07, 1.0),
                _reroute_arrival,
                "s",
            ),
            check("people out", "40", (40 - 1e-6, 40 + 1e-6), lambda r: r["base"].metrics["egress.exited"], "p"),
        ),
    ),
    Case(
        id="NIST-5.1",
        title="Congestion before a stair",
        source="NIST TN 1822 Verif.5.1",
        scenario="stair-congestion.yaml",
        checks=(
            check("queue growth at the stair foot", "1.17 p/s ± 5 %", rel(STAIR_QUEUE_GROWTH_P_S, 0.05), lambda r: _stair_rates(r)[0], "p/s"),
        ),
    ),
    Case(
        id="NIST-5.2",
        title="Maximum flow through a door",
        source="NIST TN 1822 Verif.5.2; team case 5",
        scenario="room-door.yaml",
        checks=(
            check("flow of a 1 m door (We 0.7 m x 1.3)", "0.91 p/s ± 2 %", rel(FC_DOOR_1M_P_S, 0.02), lambda r: 99 / discharge(r["base"]), "p/s"),
            # One-sided as published; bounded below by SFPE as in IMO-4.
            check("flow within the 1.33 p/s limit", "0.89-1.33 p/s (<= 1.33; SFPE 0.91 - 2 %)", (0.89, 1.33), lambda r: 99 / discharge(r["base"]), "p/s"),
        ),
    ),
    Case(
        id="H-2",
        title="SFPE speed-density law",
        source="Team case 2; Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59",
        scenario=None,
        runs={},
        # 0.6 p/m2 (just above the free-flow density 0.54) is checked because there the relation
        # and the free speed differ by 2 %: it is what catches a wrong free-flow density.
        checks=tuple(
            check(f"speed at {d:g} p/m2", f"{SPEED_AT_DENSITY_M_S[d]:.3f} m/s ± 0.001", window(SPEED_AT_DENSITY_M_S[d], 0.001), lambda _r, d=d: _speed(d), "m/s")
            for d in (0.54, 0.6, 1.0, 2.0, 3.0)
        ),
    ),
    Case(
        id="H-3",
        title="Congested walk",
        source="Team case 3",
        scenario="congested-walk.yaml",
        # SFPE: 20 m / (1.40 x (1 - 0.266 x 2)) = 20 / 0.655 = 30.5 s.
        checks=(check("200 people walk 20 m at 2 p/m2", "30.5 s ± 2 %", rel(30.53, 0.02), lambda r: first_out(r["base"]), "s"),),
    ),
    Case(
        id="H-6",
        title="Door width non-linearity",
        source="Team case 6",
        scenario="room-door.yaml",
        runs={"one_m": RunSpec(), "two_m": RunSpec(patch=_widen(2.0))},
        checks=(
            # SFPE: 99 / 2.21 = 44.8 s to 100 / 2.21 = 45.2 s, +- one 0.1 s step.
            check("discharge through a 2 m door", "45.2 s ± 1 step", (44.7, 45.35), lambda r: discharge(r["two_m"]), "s"),
            # SFPE: We 1.70 / 0.70 = 2.43.
            check("ratio T(1 m) / T(2 m)", "2.43 ± 2 %", rel(2.43, 0.02), lambda r: discharge(r["one_m"]) / discharge(r["two_m"])),
        ),
    ),
    Case(
        id="H-9",
        title="Distribution sampling",
        source="Team case 9",
        scenario=None,
        runs={},
        checks=(
            check("U(10, 100) mean", "55 ± 2 %", rel(55.0, 0.02), _sampling("uniform", "mean"), "s"),
            # 90 / sqrt(12) = 25.98.
            check("U(10, 100) sd", "25.98 ± 2 %", rel(25.98, 0.02), _sampling("uniform", "sd"), "s"),
            check("N(120, 30) mean", "120 ± 2 %", rel(120.0, 0.02), _sampling("normal", "mean"), "s"),
            check("N(120, 30) sd", "30 ± 2 %", rel(30.0, 0.02), _sampling("normal", "sd"), "s"),
            check("lognormal(mean 5, sd 2) mean", "5 ± 2 %", rel(5.0, 0.02), _sampling("lognormal", "mean"), "s"),
            check("lognormal(mean 5, sd 2) sd", "2 ± 2 %", rel(2.0, 0.02), _sampling("lognormal", "sd"), "s"),
            # No negative times; and below the 0.1 % quantile 120 - 3.090 x 30 = 27.3 s, above which
            # the smallest of 20,000 draws lies with probability 0.999^20000 = 2e-9.
            check("smallest normal draw", "0-27.3 s (>= 0; below the 0.1 % quantile)", (0.0, 27.3), _sampling("normal", "min"), "s"),
        ),
    ),
    Case(
        id="H-12",
        title="Stair congestion",
        source="Team case 12",
        scenario="stair-congestion.yaml",
        checks=(
            check("queue growth at the stair foot", "1.17 p/s ± 5 %", rel(STAIR_QUEUE_GROWTH_P_S, 0.05), lambda r: _stair_rates(r)[0], "p/s"),
            check("stair flow", "0.91 p/s ± 3 %", rel(FC_STAIR_1_2M_P_S, 0.03), lambda r: _stair_rates(r)[1], "p/s"),
        ),
    ),
    Case(
        id="H-13",
        title="Transition and conservation",
        source="Team case 13",
        scenario="transition.yaml",
        checks=(
            check("largest |inside + out - N| over all steps", "< 1e-6", (0.0, 1e-6), _conservation_error, "p"),
            # 300 people start in 100 m2 (3.0 p/m2), so the peak is at least that; 3.8 is the cap.
            check("highest density of any zone", "3.0-3.8 p/m2 (starts at 3.0; cap)", (3.0 - 1e-9, 3.8 + 1e-9), _peak_density, "p/m2"),
            check(
                "specific flow in the corridor",
                "1.3 x 0.7 / 1.6 = 0.569 p/s/m ± 2 %",
                # SFPE transition: Fs,out = Fs,in We,in / We,out = 1.3 x 0.70 / 1.60 = 0.569 p/s/m.
                rel(0.569, 0.02),
                lambda r: rate(r["base"], "exited", "outside", 100.0, 200.0) / 1.6,
                "p/s/m",
            ),
        ),
    ),
)
"""Every verification case, in report order."""
