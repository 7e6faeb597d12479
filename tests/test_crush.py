"""Crowd crush at queue fronts: geometry, pressing, injuries, the deprecated incident field, determinism."""

from __future__ import annotations

import math

import pytest

from simsoft.engine import run
from simsoft.loader import load_scenario, scenario_from_dict
from simsoft.models.egress.density import approach_area_m2, front_density_p_m2
from simsoft.models.incident.crush import crush_rates, injury_rate_per_person_min

SHIPPED_WITH_INCIDENT = ["community-hall-incident", "festival", "hotel-conference", "place-of-worship",
                         "shopping-mall", "stadium", "transit-hub"]


def _room(*, n: int = 350, area: float = 100.0, close: bool = True, width: float = 1.0, **incident) -> dict:
    """A packed hall with one door to the outside; everyone leaves at once; the door may be closed."""
    actions = [{"at": "0 s", "do": "evacuate", "zones": "all"}]
    if close:
        actions.append({"at": "0 s", "do": "close", "connection": "door"})
    return {
        "name": "packed",
        "venue": {"zones": [{"id": "hall", "kind": "hall", "area_m2": area}], "exits": [{"id": "out"}],
                  "connections": [{"id": "door", "from": "hall", "to": "out", "width_m": width}]},
        "population": {"groups": [{"zone": "hall", "count": n}],
                       "pre_movement": {"distribution": "fixed", "value": "0 s"}},
        "incident": {"label": "drill", "kind": "other", "affected": [{"zone": "hall", "for": "1 min"}], **incident},
        "actions": actions,
    }


# -- geometry, pinned by hand --------------------------------------------------------------------

def test_approach_area_is_the_door_widened_by_a_half_disc():
    # 1 m door, 4 m deep: 1 x 4 + pi 16 / 2 = 4 + 25.133 = 29.133 m^2
    assert approach_area_m2(width_m=1.0, depth_m=4.0, area_m2=1e6) == pytest.approx(4.0 + 8.0 * math.pi)
    # 8 m gate, 2 m deep: 16 + 2 pi
    assert approach_area_m2(width_m=8.0, depth_m=2.0, area_m2=1e6) == pytest.approx(16.0 + 2.0 * math.pi)
    # never more than the room
    assert approach_area_m2(width_m=8.0, depth_m=10.0, area_m2=50.0) == 50.0


@pytest.mark.parametrize("queue,pressing,area,expected", [
    (20.0, 0.0, 10.0, 2.0),     # a short orderly queue: 20 people over 10 m^2
    (500.0, 0.0, 10.0, 3.6),    # a long orderly queue never packs denser than the orderly 3.6
    (100.0, 40.0, 10.0, 7.6),   # 60 orderly fill 36 of them (3.6 x 10), 40 press in: (36 + 40) / 10
    (100.0, 100.0, 10.0, 9.0),  # all press: capped at the physical maximum
    (30.0, 30.0, 10.0, 3.0),    # a few pressing people do not make a dense front
])
def test_front_density_by_hand(queue, pressing, area, expected):
    d = front_density_p_m2(queue_p=queue, pressing_p=pressing, area_m2=area, orderly_p_m2=3.6, max_p_m2=9.0)
    assert d == pytest.approx(expected)


def test_injury_rate_rises_with_density():
    rates = [float(injury_rate_per_person_min(d, at_5=0.002, at_7=0.02)) for d in (3.9, 4.0, 4.5, 5.0, 6.0, 7.0, 9.0)]
    assert rates == pytest.approx([0.0, 0.0, 0.001, 0.002, 0.011, 0.02, 0.02])


# -- behaviour -------------------------------------------------------------------------------------

def test_packed_room_with_its_only_exit_closed_crushes():
    r = run(scenario_from_dict(_room()), seed=1)
    m = r.metrics
    assert m["egress.peak_front_density_p_m2"] > 5.0
    assert m["egress.peak_front_connection"] == "door" and m["egress.peak_front_zone"] == "hall"
    assert m["egress.front_time_above_5_s"] > 0
    assert m["casualties.cause.crowd_crush"] > 0
    assert m["casualties.cause.incident"] == 0
    # bounded: the press stops after press_limit (10 min), so far fewer than the 350 present
    assert m["casualties.cause.crowd_crush"] < 150


def test_the_same_room_leaving_through_its_open_door_does_not_crush():
    m = run(scenario_from_dict(_room(close=False)), seed=1).metrics
    assert m["egress.peak_front_density_p_m2"] < 4.0
    assert m["egress.front_time_above_4_s"] == 0
    assert m["casualties.cause.crowd_crush"] == 0


def test_a_small_crowd_at_a_closed_door_is_not_dense():
    m = run(scenario_from_dict(_room(n=40)), seed=1).metrics
    assert m["egress.peak_front_density_p_m2"] < 4.0
    assert m["casualties.cause.crowd_crush"] == 0


def test_a_severe_bottleneck_with_a_large_crowd_presses():
    # 700 people at a 0.8 m door (0.65 p/s): most would wait far beyond 8 min, so they press.
    m = run(scenario_from_dict(_room(n=700, area=200.0, close=False, width=0.8)), seed=1).metrics
    assert m["egress.peak_front_density_p_m2"] > 5.0
    assert m["casualties.cause.crowd_crush"] > 0


def test_sheltering_people_do_not_press():
    data = _room()
    data["actions"] = [{"at": "0 s", "do": "lockdown", "zones": ["hall"]}]
    m = run(scenario_from_dict(data), seed=1).metrics
    assert m["casualties.cause.crowd_crush"] == 0


def test_rates_and_the_deprecated_incident_field():
    base = scenario_from_dict(_room())
    assert crush_rates(base) == (0.002, 0.02)
    old = scenario_from_dict(_room(crush_injuries_per_person_minute_above_5=0.004))
    assert crush_rates(old) == pytest.approx((0.004, 0.04))
    m_base = run(base, seed=3).metrics["casualties.cause.crowd_crush"]
    m_old = run(old, seed=3).metrics["casualties.cause.crowd_crush"]
    assert m_old > m_base
    off = scenario_from_dict(_room(crush_injuries_per_person_minute_above_5=0.0))
    assert run(off, seed=3).metrics["casualties.cause.crowd_crush"] == 0


def test_crush_settings_are_validated_by_the_schema():
    data = _room()
    data["egress"] = {"crush": {"orderly_density_p_m2": 4.5}}
    with pytest.raises(Exception, match="orderly_density_p_m2"):
        scenario_from_dict(data)
    data["egress"] = {"crush": {"injuries_per_person_minute_at_5": 0.05, "injuries_per_person_minute_at_7": 0.01}}
    with pytest.raises(Exception, match="rises with density"):
        scenario_from_dict(data)


def test_same_seed_same_crush():
    s = scenario_from_dict(_room())
    a, b = run(s, seed=7), run(s, seed=7)
    crush_a = [(e.t_s, e.subject, e.values) for e in a.events if e.kind == "casualty.injured"]
    crush_b = [(e.t_s, e.subject, e.values) for e in b.events if e.kind == "casualty.injured"]
    assert crush_a == crush_b and crush_a


def test_festival_locked_gate_variant_crushes_and_opening_it_prevents_it():
    sc = load_scenario("scenarios/festival.yaml")
    locked = run(sc, seed=1, variant="east_gate_locked").metrics
    opened = run(sc, seed=1, variant="east_gate_opened").metrics
    assert 5 <= locked["casualties.cause.crowd_crush"] <= 200
    assert opened["casualties.cause.crowd_crush"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED_WITH_INCIDENT)
def test_shipped_base_variants_give_no_or_rare_flight_crush(name):
    """People fleeing an incident within seconds may press a gate for a moment; crush stays rare and small
    beside the incident's own casualties (Las Vegas 2017: many of the injured were hurt in the flight, so a
    small share is credible; a large one would mean the mechanism fires in ordinary flows)."""
    sc = load_scenario(f"scenarios/{name}.yaml")
    crush = harmed = 0
    for seed in range(1, 21):
        m = run(sc, seed=seed).metrics
        crush += m["casualties.cause.crowd_crush"]
        harmed += m["casualties.cause.incident"]
    assert crush <= 0.05 * harmed, (name, crush, harmed)


def test_normal_egress_never_crushes():
    sc = load_scenario("scenarios/community-hall.yaml")  # the library's evacuation without an incident
    for seed in range(1, 11):
        m = run(sc, seed=seed).metrics
        assert m["egress.front_time_above_4_s"] == 0, seed
