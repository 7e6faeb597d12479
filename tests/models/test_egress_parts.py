"""The parts of the egress package alone: state, flow step, link split, skipping, planning, actions, records."""

from __future__ import annotations

import math

import numpy as np
import pytest
from egress_helpers import room, two_rooms

from simsoft.models.egress import hydraulics as hy
from simsoft.models.egress.actions import CrowdActions
from simsoft.models.egress.flow import split_over_links, step
from simsoft.models.egress.network import build_network
from simsoft.models.egress.plan import RoutePlanner, class_exit_sets, same_plan
from simsoft.models.egress.population import RouteClass, build_units
from simsoft.models.egress.records import EgressRecorder
from simsoft.models.egress.routing import build_split_table
from simsoft.models.egress.skipping import jump_end, quiet_run, quiet_steps
from simsoft.models.egress.speeds import SpeedField
from simsoft.models.egress.state import new_state
from simsoft.records import Recorder
from simsoft.schema import Scenario

ANY = RouteClass(exits=None, factor=1.0, free_m_s=math.nan)


def _parts(data):
    """A hand-wired state (nobody placed yet), its network, speeds and planner for a scenario dict."""
    scenario = Scenario.model_validate(data)
    net = build_network(scenario)
    N, X = net.n_nodes, len(net.exit_ids)
    units = build_units(scenario, rng=np.random.default_rng(1), zone_index={z: i for i, z in enumerate(net.node_ids[: net.n_zones])},
                        exit_index={e: j for j, e in enumerate(net.exit_ids)})
    s = new_state(n_nodes=N, travel_m=net.travel_m, units=units, waiting=np.zeros(N))
    s.class_index(ANY)
    s.unit_class = np.zeros(len(units), dtype=np.int64)
    s.exited = np.zeros(X)
    s.hold = np.zeros(N, dtype=bool)
    s.conn_closed = [set() for _ in net.conn_ids]
    s.last_flow_dl = np.zeros(2 * net.n_links)
    s.backlog_dl = np.zeros(2 * net.n_links)
    s.burst = np.maximum(net.link_cap_p_s * 1.0, 1.0)
    s.credit = s.burst.copy()
    s.ones_nx = np.ones(N + X)
    free = hy.FREE_SPEED_FACTOR * net.k_m_s
    dir_ok = np.ones(2 * net.n_links, dtype=bool)
    dir_ok[1::2] = net.dl_backward_ok
    dir_ok &= net.dl_src < N
    speeds = SpeedField(k_m_s=net.k_m_s, area_m2=net.area_m2, free_default=free)
    planner = RoutePlanner(net=net, dir_ok=dir_ok, free_default=free, replan_every_s=5.0)
    return scenario, net, s, speeds, planner


def test_flow_step_passes_door_capacity_and_conserves_people():
    _, net, s, speeds, planner = _parts(room(10, door_m=1.0))
    s.ready[0, 0] = 10.0  # ten people at the door of the room
    cap = float(net.link_cap_p_s[0])
    occ, released = step(s, 0.0, 1.0, net=net, speeds=speeds, planner=planner)
    assert released is None
    # The door passes its capacity x dt, but at least one whole person (burst).
    assert s.exited[0] == pytest.approx(max(cap, 1.0))
    assert occ[0] + s.exited.sum() == pytest.approx(10.0)
    assert s.backlog_dl[0] == pytest.approx(10.0 - max(cap, 1.0))
    assert s.steps == 1 and s.table is not None and not s.dirty


def test_flow_step_releases_people_into_cohorts_that_walk_the_room():
    _, net, s, speeds, planner = _parts(room(4, area=40.0))
    s.waiting[0] = 4.0
    s.p_unit = np.zeros(4, dtype=np.int64)
    s.p_state = np.ones(4, dtype=np.int8)
    s.pend_t, s.pend_person = np.array([0.2, 0.4, 3.0, 3.0]), np.arange(4)
    occ, released = step(s, 0.0, 1.0, net=net, speeds=speeds, planner=planner)
    assert released.tolist() == [0, 1]  # start times before the middle of the step
    assert s.p_state.tolist() == [2, 2, 1, 1]
    assert s.waiting[0] == 2.0 and s.coh_n.tolist() == [2.0]
    free = hy.FREE_SPEED_FACTOR * float(net.k_m_s[0])
    assert s.walked_m[0, 0] == pytest.approx(free)  # 4 people in 40 m2: free walking speed
    assert occ[0] == 4.0 and s.exited.sum() == 0.0


def test_split_over_links_is_held_by_room_downstream():
    # Node 0 -> node 1 (room for 1.5 people) -> exit; 4 people ready in node 0, the link could pass 3.
    table = build_split_table(pots=np.array([[2.0, 1.0, 0.0]]), n_nodes=2, n_exits=1, dl_src=np.array([0, 1, 1, 2]),
                              dl_dst=np.array([1, 0, 2, 1]), usable=np.array([True, False, True, False]),
                              blocked=np.zeros(2, bool), cap_p_s=np.array([3.0, 3.0]))
    q = np.array([4.0, 0.0])  # the groups of node 0 and node 1
    moved, flow, demand, credit = split_over_links(
        q=q, table=table, credit=np.zeros(2), cap_dt=np.array([3.0, 3.0]), burst=np.array([3.0, 3.0]),
        room=np.array([0.0, 1.5]), dl_dst=np.array([1, 0, 2, 1]), ones_nx=np.ones(3))
    assert moved.tolist() == [1.5, 0.0]
    assert demand[0] == 4.0 and flow[0] == 1.5
    assert credit[0] == pytest.approx(1.5)


def test_quiet_run_stops_at_arrival_release_or_record():
    base = dict(now=0.0, dt=1.0, walked=np.zeros(2), inc=np.array([1.0, 2.0]), target=np.array([100.0, 9.0]))
    assert quiet_run(**base, first_release=math.inf, next_record=100.0) == 4  # 5th step: 10 m >= 9 m
    assert quiet_run(**base, first_release=2.2, next_record=100.0) == 2  # released in the 3rd step
    assert quiet_run(**base, first_release=math.inf, next_record=3.0) == 3  # the 3rd step records
    assert jump_end(0.0, 0.1, 3) == 0.1 + 0.1 + 0.1


def test_quiet_steps_is_zero_with_a_queue_or_people_at_a_door():
    _, net, s, speeds, planner = _parts(room(5, area=400.0))
    s.add_cohorts(np.array([[5.0], [0.0]])[: s.n_nodes])
    planner.replan(s, 0.0)
    assert quiet_steps(s, now=0.0, dt=1.0, speeds=speeds, planner=planner, next_record=1e9) > 2
    s.ready[0, 0] = 1.0
    assert quiet_steps(s, now=0.0, dt=1.0, speeds=speeds, planner=planner, next_record=1e9) == 0
    s.ready[0, 0] = 0.0
    s.backlog_dl[0] = 1.0
    assert quiet_steps(s, now=0.0, dt=1.0, speeds=speeds, planner=planner, next_record=1e9) == 0


def test_plan_helpers():
    sets, rows, free = class_exit_sets([ANY], 2)
    assert sets.tolist() == [[True, True]] and rows.tolist() == [0] and free is None
    key = (np.ones(2, bool), np.zeros(2), np.ones(2), np.zeros(2, bool))
    changed = (key[0], np.array([0.0, 1.0]), key[2], key[3])
    assert same_plan(key, key) and not same_plan(key, changed)


def _actions(data):
    scenario, net, s, _, _ = _parts(data)
    n, Z = len(s.units.group), net.n_zones
    pop = int(s.units.count.sum())
    s.waiting = np.bincount(s.units.node, weights=s.units.count.astype(float), minlength=net.n_nodes)
    s.p_unit = np.repeat(np.arange(n), s.units.count)
    s.p_draw = np.concatenate([*s.units.draws, np.zeros(0)])
    s.p_alert, s.p_factor = np.full(pop, np.nan), np.ones(pop)
    s.p_state, s.p_key = np.zeros(pop, dtype=np.int8), np.random.default_rng(2).random(pop)
    s.p_node, s.p_group = s.units.node[s.p_unit], s.units.group[s.p_unit]
    s.reach, s.alerted_at = np.zeros(Z), np.full(Z, np.nan)
    s.evacuating = np.zeros(Z, dtype=bool)
    rec = Recorder()
    records = EgressRecorder(s=s, net=net, scenario=scenario, recorder=rec, population=pop)
    return s, CrowdActions(s=s, net=net, scenario=scenario, records=records), rec


def test_actions_alert_evacuate_shelter_on_a_state():
    s, act, rec = _actions(two_rooms())
    act.alert(["side"], now=5.0, share=0.5)
    assert 0 < np.isfinite(s.p_alert).sum() < 40 and s.alerted_at[1] == 5.0 and math.isnan(s.alerted_at[0])
    assert len(s.pend_t) == 0  # alerted only: nobody scheduled
    act.evacuate(["hall", "side"], now=10.0)
    assert np.isfinite(s.p_alert).all() and len(s.pend_t) == 190
    assert (np.diff(s.pend_t) >= 0).all() and s.pend_t[0] >= 10.0
    assert s.dirty and not s.idle
    assert [e.kind for e in rec.events].count("egress.pre_movement") == 2
    act.shelter(["side"], now=12.0)
    assert s.hold[1] and not s.evacuating[1] and len(s.pend_t) == 150


def test_actions_lockdown_closes_and_release_reopens():
    s, act, rec = _actions(two_rooms())
    act.lockdown(["side"], now=1.0)
    assert s.conn_closed[0] == {"lockdown:side"} and s.usable_dl is None
    act.release(["side"], now=2.0)
    assert s.conn_closed[0] == set() and not s.hold[1] and s.evacuating[1]
    kinds = [e.kind for e in rec.events]
    assert kinds.count("egress.connection_closed") == 1 and kinds.count("egress.connection_opened") == 1
    with pytest.raises(ValueError, match="unknown connection 'nope'"):
        act.close_connection("nope", now=3.0)


def test_actions_remove_people_takes_from_waiting_and_moving():
    s, act, _ = _actions(room(10))
    s.waiting[0] = 6.0
    s.ready[0, 0] = 4.0
    assert act.remove_people("room", 5) == 5
    assert s.removed_total == 5
    assert s.occupancy()[0] == pytest.approx(5.0)
    assert act.remove_people("room", 0) == 0
