"""One source of counts (issue 17): every view of every shipped exercise adds up, and no team report denies its injects.

Each shipped exercise is played with each of its scripted decision sets; after every journaled step
(release, decision, phase change) the views are read as a facilitator, an evaluator and each team
would see them: the whole-person counts of the snapshot, the inject placeholders and key numbers,
the map, the ground-truth report and each player team's situation report. In every view inside +
out + casualties = population, exactly; a team's report never says that no incident has reached it
after an incident inject, and never counts from a moment older than the last inject that quoted
counts to it. The evaluator page's tiles are read through the web app's test client.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator import load_exercise, start_session
from facilitator.conduct.knowledge import quotes_counts, team_knowledge
from facilitator.conduct.sitrep import key_numbers, live_values, values_of
from facilitator.conduct.store import play
from facilitator.exercise.decisions import load_decisions
from facilitator.exercise.schema import CasualtiesAbove, InsideBelow, ZoneAbove
from facilitator.exercise.templates import format_count, render
from facilitator.web.mapsvg import legend, map_state, venue_svg
from simsoft.observation import CASUALTY_STATES, Counts, count_people, counts_from_samples, whole_parts
from simsoft.units import format_duration

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "scenarios" / "exercises"


def _is_exercise(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # Regional exercises report the region, not one venue's counts (tests/test_regional_exercise.py).
    return isinstance(data, dict) and "msel" in data and isinstance(data.get("exercise"), dict) and "region" not in data["exercise"]


def _plays() -> list[tuple[Path, Path]]:
    """Every shipped exercise with each of its scripted decision sets (``NAME-decisions.yaml``, ``NAME-*-decisions.yaml``)."""
    out = []
    for ex in sorted(p for p in EXERCISES.glob("*.yaml") if _is_exercise(p)):
        for dec in [EXERCISES / f"{ex.stem}-decisions.yaml", *sorted(EXERCISES.glob(f"{ex.stem}-*-decisions.yaml"))]:
            if dec.is_file():
                out.append((ex, dec))
    return out


PLAYS = _plays()


def test_every_shipped_exercise_is_played_here():
    played = {ex.stem for ex, _ in PLAYS}
    shipped = {p.stem for p in EXERCISES.glob("*.yaml") if _is_exercise(p)}
    assert played == shipped and len(shipped) >= 7


# ------------------------------------------------------------------------------ checks


def _conserved(c: Counts, where: str) -> list[str]:
    out = []
    if c.inside + c.out + c.casualties != c.population:
        out.append(f"{where}: {c.inside} inside + {c.out} out + {c.casualties} casualties != {c.population}")
    if min([*c.zones.values(), *c.exits.values(), *c.casualties_by_state.values(), c.between_zones]) < 0:
        out.append(f"{where}: a negative count {c}")
    if set(c.casualties_by_state) != set(CASUALTY_STATES):
        out.append(f"{where}: casualty states {sorted(c.casualties_by_state)}")
    return out


def _number(text: str) -> int:
    return int(text.replace(",", "").replace("about ", ""))


def _truth_problems(lines: list[str], c: Counts, where: str) -> list[str]:
    text = "\n".join(lines)
    out = []
    m = re.search(r"^population ([\d,]+) = ([\d,]+) inside \+ ([\d,]+) out \+ ([\d,]+) casualties$", text, re.M)
    if m is None:
        return [f"{where}: the ground-truth report has no population line:\n{text}"]
    if tuple(_number(g) for g in m.groups()) != (c.population, c.inside, c.out, c.casualties):
        out.append(f"{where}: ground truth says {m.group(0)!r}, the snapshot counts {c}")
    inside = re.search(r"^people inside: ([\d,]+) \((.*)\)$", text, re.M)
    parts = [] if inside is None or inside.group(2) == "none" else inside.group(2).split(", ")
    if inside is None or _number(inside.group(1)) != sum(_number(p.rsplit(" ", 1)[1]) for p in parts):
        out.append(f"{where}: the zones of the ground-truth report do not add up: {inside and inside.group(0)}")
    return out


def _map_problems(scenario, seen, events, c: Counts, where: str) -> list[str]:
    state = map_state(seen, events)
    out = []
    if sum(state["occupancy"].values()) + state["between_zones"] != c.inside or sum(state["exited"].values()) != c.out:
        out.append(f"{where}: the map's zones and exits do not add up to {c.inside} inside, {c.out} out")
    if sum(state["hurt"].values()) != c.casualties:
        out.append(f"{where}: the map's casualty badges count {sum(state['hurt'].values())}, not {c.casualties}")
    svg = venue_svg(scenario, state)
    shown = {z: int(n) for z, n in re.findall(r'class="zone" data-id="([^"]+)" data-occupancy="(\d+)"', svg)}
    if shown != dict(c.zones):
        out.append(f"{where}: the map shows {shown}, the counts are {dict(c.zones)}")
    total = f"+ out {c.out:,} + casualties {c.casualties:,} = {c.population:,}"
    if not any(line.startswith(f"inside {c.inside:,} ") and line.endswith(total) for line in legend(state)):
        out.append(f"{where}: the map legend's totals are not the counts: {legend(state)}")
    return out


def _value_problems(seen, events, c: Counts, where: str) -> list[str]:
    v = live_values(seen, events)
    out = []
    if (v["inside"], v["exited"], v["casualties"], v["population"]) != (c.inside, c.out, c.casualties, c.population):
        out.append(f"{where}: inject values {v} are not the counts {c}")
    zones = sum(n for k, n in v.items() if k.startswith("occupancy."))
    if zones + c.between_zones != v["inside"] or sum(n for k, n in v.items() if k.startswith("exited.")) != v["exited"]:
        out.append(f"{where}: inject zone or exit values do not add up to inside / out")
    line = key_numbers(v)
    m = re.search(r"inside=(\d+)  out=(\d+)  casualties=(\d+)", line)
    if m is None or sum(int(g) for g in m.groups()) != c.population:
        out.append(f"{where}: key numbers {line!r} do not add up to {c.population}")
    return out


def _team_problems(ses, team, where: str) -> list[str]:
    events = ses.sim.recorder.events
    scenario = ses.loaded.scenario
    lines = ses.sitrep(team.id)
    text = "\n".join(lines)
    phases = {m.id: m.phase for m in ses.loaded.exercise.modules}
    got = [s for s in ses.injects if s.released_s is not None and team.id in s.inject.to]
    out = []
    start = next((e.t_s for e in events if e.kind == "incident.start"), None)
    told_incident = [s for s in got if start is not None and s.released_s >= start
                     and phases[s.inject.module] != "pre_incident"]
    if told_incident and "no report of an incident" in text:
        out.append(f"{where}: {team.id} received {told_incident[0].inject.id} ({told_incident[0].text!r}) "
                   f"but its report says:\n{text}")
    know = team_knowledge(events, ses.sim.recorder.timeseries, t_s=ses.now_s, scenario=scenario, team=team,
                          received=ses.injects, modules=ses.loaded.exercise.modules)
    if know.counts is not None:
        out += _conserved(know.counts, f"{where} {team.id}'s knowledge")
    quoting = [s for s in got if quotes_counts(s.inject.text)]
    if quoting:
        last = max(quoting, key=lambda s: s.released_s)
        if know.counts is None or know.counts.t_s < last.released_s:
            out.append(f"{where}: {team.id}'s counts are older than inject {last.inject.id} it received")
        inside = re.search(r"^people inside: ((?:about )?[\d,]+) ", text, re.M)
        given = re.search(r"^last figures you were given \((\S+) at [^)]*\): ((?:about )?[\d,]+) inside, "
                          r"((?:about )?[\d,]+) out, (\d+) casualties$", text, re.M)
        if know.counts is not None and (team.knows_as == "venue_control" or know.counts_via != "reports"):
            if inside is None or inside.group(1) != format_count(know.counts.inside, "~"):
                out.append(f"{where}: {team.id}'s knowledge counts {know.counts.inside} inside, its report says:\n{text}")
        elif given is None or given.groups() != (last.inject.id, format_count(last.counts.inside, "~"),
                                                 format_count(last.counts.out, "~"), str(last.counts.casualties)):
            out.append(f"{where}: {team.id} was told counts by {last.inject.id} but its report does not give them:\n{text}")
        if know.counts is not None and know.counts.t_s == last.released_s and know.counts != last.counts:
            out.append(f"{where}: {team.id}'s report at {last.inject.id}'s release differs from what it quoted")
        hurt = re.search(r"^casualties reported: (?:at least )?(\d+|none yet)", text, re.M)
        if hurt is not None and (0 if hurt.group(1) == "none yet" else int(hurt.group(1))) < last.counts.casualties:
            out.append(f"{where}: {team.id} was told of {last.counts.casualties} casualties, its report says {hurt.group(0)!r}")
    return out


def _inject_problems(ses, s, events, where: str) -> list[str]:
    c = s.counts
    out = _conserved(c, f"{where} inject {s.inject.id}")
    if s.text != render(s.inject.text, values_of(c, events)):
        out.append(f"{where}: inject {s.inject.id}'s text is not rendered from its counts")
    trig = s.inject.when
    if s.reason == "trigger":
        if isinstance(trig, InsideBelow) and not c.inside < trig.inside_below:
            out.append(f"{where}: {s.inject.id} fired on fewer than {trig.inside_below} inside with {c.inside} inside")
        if isinstance(trig, ZoneAbove) and not c.zones[trig.zone] > trig.above:
            out.append(f"{where}: {s.inject.id} fired on {trig.zone} over {trig.above} with {c.zones[trig.zone]}")
        if isinstance(trig, CasualtiesAbove) and not c.casualties > trig.casualties_above:
            out.append(f"{where}: {s.inject.id} fired on casualties over {trig.casualties_above} with {c.casualties}")
    return out


def _views(ses, entry) -> list[str]:
    kind = entry.kind if hasattr(entry, "kind") else entry.get("kind")
    seen = ses.sim.observe()
    events = ses.sim.recorder.events
    where = f"{ses.loaded.name} after {kind} at {seen.t_s:g} s"
    c = count_people(seen, events)
    out = _conserved(c, where)
    if c.casualties != seen.casualties:
        out.append(f"{where}: {c.casualties} casualties counted, the snapshot has {seen.casualties}")
    # Totals are the nearest whole numbers (within one person); a zone is within one person of its share
    # of the rounded inside, itself within one person of the fluid count.
    if abs(c.inside - seen.inside) >= 1.0 + 1e-6 or abs(c.out - seen.exited) >= 1.0 + 1e-6:
        out.append(f"{where}: counted {c.inside} inside, {c.out} out for {seen.inside:.3f}, {seen.exited:.3f}")
    for z, n in c.zones.items():
        if abs(n - seen.occupancy[z]) >= 2.0:
            out.append(f"{where}: {z} counted {n} for {seen.occupancy[z]:.3f}")
    out += _value_problems(seen, events, c, where)
    out += _map_problems(ses.loaded.scenario, seen, events, c, where)
    out += _truth_problems(ses.sitrep(None), c, where)
    current = ses.current_inject()
    if kind == "release" and current is not None and current.released_s == seen.t_s:
        out += _inject_problems(ses, current, events, where)
    for team in ses.loaded.exercise.teams:
        if team.role == "player":
            out += _team_problems(ses, team, where)
    return out


@pytest.mark.parametrize("exercise, decisions", PLAYS, ids=lambda p: p.stem)
def test_every_view_adds_up_and_no_report_denies_an_inject(exercise: Path, decisions: Path, tmp_path: Path):
    loaded = load_exercise(exercise)
    ses = start_session(loaded, out_dir=tmp_path, script=load_decisions(decisions))
    problems: list[str] = []
    steps: list[str] = []

    def watch(s, entry) -> None:
        if s.phase in ("briefing", "conduct"):
            steps.append(entry.kind if hasattr(entry, "kind") else entry.get("kind"))
            problems.extend(_views(s, entry))

    ses.observers.append(watch)
    play(ses, close=False)
    assert steps.count("release") >= len(loaded.exercise.msel) // 2, steps
    assert not problems, "\n".join(problems[:10])


# ------------------------------------------------------------------------------ the examples


@pytest.fixture(scope="module")
def hall_session(tmp_path_factory):
    """The community-hall exercise played with its scripted decisions, the views read at every release."""
    loaded = load_exercise(EXERCISES / "community-hall.yaml")
    ses = start_session(loaded, out_dir=tmp_path_factory.mktemp("hall"),
                        script=load_decisions(EXERCISES / "community-hall-decisions.yaml"))
    at_release: dict[str, dict] = {}

    def watch(s, entry) -> None:
        if (entry.kind if hasattr(entry, "kind") else entry.get("kind")) == "release" and s.current_inject() is not None:
            cur = s.current_inject()
            if cur.inject.id not in at_release and cur.released_s == s.now_s:
                seen = s.sim.observe()
                at_release[cur.inject.id] = {"truth": s.sitrep(None), "counts": count_people(seen, s.sim.recorder.events),
                                             "fluid": [*seen.occupancy.values(), *seen.exited_by_exit.values()],
                                             **{t: s.sitrep(t) for t in cur.inject.to}}

    ses.observers.append(watch)
    play(ses, close=False)
    return ses, at_release


def test_right_after_people_running_in_the_venue_knows_of_the_incident(hall_session):
    ses, seen = hall_session
    venue = "\n".join(seen["I2"]["venue"])
    assert "running in from the gate and screaming" in ses.state("I2").text
    assert "no report of an incident" not in venue
    assert f"incident reported to you at {format_duration(ses.state('I2').released_s)} (via inject I2" in venue
    told = ses.state("I2").counts
    assert f"casualties reported: at least {told.casualties} " in venue or (told.casualties == 0 and "none yet" in venue)


def test_fewer_than_ten_inside_is_what_ground_truth_and_reports_say(hall_session):
    ses, seen = hall_session
    s = ses.state("I7")
    n = int(re.search(r"remain inside \((\d+)\)", s.text).group(1))
    assert n < 10 and n == s.counts.inside == seen["I7"]["counts"].inside
    truth = "\n".join(seen["I7"]["truth"])
    assert re.search(rf"^people inside: {n} \(", truth, re.M), truth
    for team in s.inject.to:
        report = "\n".join(seen["I7"][team])
        assert re.search(rf"^people inside: {n} \(", report, re.M), report


def test_whole_counts_add_up_where_the_fluid_counts_have_fractions(hall_session):
    ses, seen = hall_session
    fluid = [i for i, v in seen.items() if any(f != int(f) for f in v["fluid"])]
    assert fluid, "no release found the crowd in fractions: the rounding is not exercised"
    for inject_id, v in seen.items():
        c = v["counts"]
        assert c.inside + c.out + c.casualties == c.population == 450, inject_id
        assert c.casualties == ses.state(inject_id).counts.casualties


# ------------------------------------------------------------------------------ web: the evaluator page


def test_evaluator_and_facilitator_pages_show_the_counts_of_the_ground_truth(tmp_path):
    from facilitator.web import Room, create_app

    loaded = load_exercise(EXERCISES / "community-hall.yaml")
    room = Room(lambda: start_session(loaded, out_dir=tmp_path))
    try:
        def client(key: str):
            c = create_app(room).test_client()
            page = c.get("/").get_data(as_text=True)
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            assert c.post("/join", data={"csrf": token, "code": room.code_of_key(key)}).status_code == 303
            page = c.get("/", follow_redirects=True).get_data(as_text=True)  # a new token once joined
            return c, re.search(r'name="csrf" value="([^"]+)"', page).group(1)

        fac, ftoken = client("facilitator")
        ev, _ = client("evaluator")
        fac.post("/facilitator/control", data={"csrf": ftoken, "command": "start"})
        checked = 0
        for _ in range(7):
            fac.post("/facilitator/control", data={"csrf": ftoken, "command": "next"})
            counts = room.call(lambda s: count_people(s.sim.observe(), s.sim.recorder.events))
            for page in (ev.get("/evaluator").get_data(as_text=True), fac.get("/facilitator").get_data(as_text=True)):
                tiles = {k: _number(v) for k, v in re.findall(r'data-key="([^"]+)">([^<]+)<', page)}
                assert (tiles["inside"], tiles["out"], tiles["casualties"], tiles["population"]) == (
                    counts.inside, counts.out, counts.casualties, counts.population)
                assert tiles["inside"] + tiles["out"] + tiles["casualties"] == tiles["population"]
            truth = re.search(r"<li>population ([\d,]+) = ([\d,]+) inside \+ ([\d,]+) out \+ ([\d,]+) casualties</li>",
                              ev.get("/evaluator").get_data(as_text=True))
            assert truth is not None and [_number(g) for g in truth.groups()] == [
                counts.population, counts.inside, counts.out, counts.casualties]
            shown = sum(int(n) for n in re.findall(r'class="zone" data-id="[^"]+" data-occupancy="(\d+)"',
                                                   fac.get("/facilitator").get_data(as_text=True)))
            assert shown + counts.between_zones == counts.inside
            checked += 1
        assert checked == 7 and room.call(lambda s: s.now_s) > 0
    finally:
        room.close()


# ------------------------------------------------------------------------------ units


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), min_size=1, max_size=30),
       st.integers(min_value=0, max_value=200_000))
def test_largest_remainder_keeps_the_total_and_moves_no_part_by_a_whole_person(parts, total):
    named = {f"p{i}": v for i, v in enumerate(parts)}
    whole = whole_parts(named, total)
    assert sum(whole.values()) == total and list(whole) == list(named)
    s = sum(parts)
    if s > 0:
        for k, v in named.items():
            assert abs(whole[k] - v * total / s) < 1.0 + 1e-9


def test_largest_remainder_refuses_a_negative_total():
    with pytest.raises(ValueError, match="cannot share -1 people"):
        whole_parts({"a": 1.0}, -1)


def test_a_past_moment_counts_like_a_snapshot():
    from simsoft import Simulation, load_scenario

    sim = Simulation(load_scenario(ROOT / "scenarios" / "community-hall-incident.yaml"), seed=3)
    sc = sim.scenario
    for t in (0.0, 150.0, 300.0, 900.0):
        sim.run_until(t)
        past = counts_from_samples(sim.recorder.timeseries, sim.recorder.events, t_s=t, population=int(sc.population.total),
                                   zones=[z.id for z in sc.venue.zones], exits=[x.id for x in sc.venue.exits])
        assert past is not None and past.t_s <= t
        assert past.inside + past.out + past.casualties == past.population
        now = count_people(sim.observe(), sim.recorder.events)
        assert now.inside + now.out + now.casualties == now.population
        if past.t_s == t:  # a sample at this very moment is the snapshot, counted the same way
            assert math.isclose(past.inside, now.inside, abs_tol=1) and past.casualties == now.casualties
