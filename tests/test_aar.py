"""Hot wash, evaluation, outcomes and the AAR/IP of a session, through the CLI and the library."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.cli import exercise
from facilitator.conduct.journal import read_journal
from facilitator.conduct.store import open_session
from facilitator.evaluation.outcomes import ARMS, compute_outcomes, doctrine_plan, session_outcomes, team_actions

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "scenarios" / "exercises"
EXERCISE = EX / "community-hall.yaml"
N = "20"


def _session(out: Path, decisions: str) -> Path:
    res = CliRunner().invoke(exercise, ["start", str(EXERCISE), "--decisions", str(EX / decisions), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return sorted(p.parent for p in out.rglob("session.sqlite"))[-1]


@pytest.fixture(scope="module")
def late_session(tmp_path_factory):
    """A late team's session that the error tests must leave untouched."""
    return _session(tmp_path_factory.mktemp("untouched"), "community-hall-late-decisions.yaml")


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    """A late team's session with hot wash, evaluation and the AAR/IP written (N = 20)."""
    folder = _session(tmp_path_factory.mktemp("late"), "community-hall-late-decisions.yaml")
    runner = CliRunner()
    res = runner.invoke(exercise, ["hotwash", str(folder), "--from", str(EX / "community-hall-hotwash.yaml")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(exercise, ["evaluate", str(folder), "-n", N, "--from", str(EX / "community-hall-evaluation.yaml")])
    assert res.exit_code == 0, res.output
    assert "U  Public Information and Warning" in res.output
    res = runner.invoke(exercise, ["report", str(folder), "-n", N])
    assert res.exit_code == 0, res.output
    return folder


def test_the_aar_holds_every_objective_capability_and_the_whole_improvement_plan(evaluated):
    import yaml

    md = (evaluated / "aar" / "aar.md").read_text(encoding="utf-8")
    # The venue figure: what the incident affected and the exits used (a schematic: this venue has no outlines).
    assert (evaluated / "aar" / "venue.png").stat().st_size > 10_000
    assert re.search(r"!\[[^\]]*\]\(venue.png\)", md)
    assert re.search(r"a schematic \(the venue file has no zone outlines\).*people out by exit \(\d of 3 exits used\)", md)
    ex = yaml.safe_load(EXERCISE.read_text(encoding="utf-8"))
    ev = yaml.safe_load((EX / "community-hall-evaluation.yaml").read_text(encoding="utf-8"))
    for o in ex["objectives"]:
        assert f"### {o['id']}: {o['capability']}" in md
        assert re.search(rf"\| {o['id']} \| {re.escape(o['capability'])} \|", md)
    # every rated capability shows its rating; the override shows its reason
    assert "| OBJ3 | On-scene Security, Protection, and Law Enforcement | 1/4 | U | M | override: Dispatch came a minute late" in md
    assert "| OBJ1 | Public Information and Warning | 1/4 | U | U | confirmed |" in md
    assert "| OBJ4 | Public Health, Healthcare, and Emergency Medical Services | 0/4 | U | M | override:" in md
    for item in ev["improvement_plan"]:
        for key in ("capability", "issue", "corrective_action", "element", "organisation", "poc"):
            assert item[key] in md
    assert "Casualty information reached EMS dispatch only through the police." in md  # evaluator finding
    # timeliness findings are sentences with display names, the inject and the standard
    # The room's clock of the release (the session's journal) follows the exercise time.
    assert re.search(r"Venue management and stewards never gave the evacuation order expected after inject I2 \(Stewards "
                     r"in the courtyard, released at 2 min 30 s, \d\d:\d\d UTC\); the standard is 3 min\.", md)
    assert not re.search(r"D\d+ took effect", md)
    assert "We learned the casualty count from the police, not from the venue." in md  # hot wash
    assert "| I1 | venue | close | CT2.1 | 1 min 0 s | D1 | 4 min 0 s | 0 (too late) |" in md
    assert re.search(r"Discussion-only injects \(no action answers them; not scored\): (I7, )?I8\.", md)
    assert "your decisions | doctrine | no action" in md
    for name in ("timeline.png", "outcomes.png", "variant-effects.png"):
        assert (evaluated / "aar" / name).stat().st_size > 10_000
    html = (evaluated / "aar" / "aar.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 4 and 'src="http' not in html


def test_improvement_plan_csv_and_predicted_variant_effects(evaluated):
    rows = list(csv.DictReader(io.StringIO((evaluated / "aar" / "improvement-plan.csv").read_text(encoding="utf-8"))))
    assert [r["Capability Element"] for r in rows] == ["equipment", "training", "planning"]
    import datetime as dt

    import yaml

    day = dt.date.fromisoformat(yaml.safe_load((evaluated / "session.yaml").read_text(encoding="utf-8"))["created_utc"][:10])
    # '+14 d' / '+120 d' count from the exercise date: the plan never starts before the exercise
    assert rows[0]["Start Date"] == str(day + dt.timedelta(days=14))
    assert rows[0]["Completion Date"] == str(day + dt.timedelta(days=120))
    assert rows[2]["Scenario Variant"] == "second_reunification_site"
    # a second site: its predicted effect is stated either way (completion now waits on the last families, not staff)
    assert rows[2]["Predicted Effect"].startswith(("Reunification complete", "no meaningful difference over 20 replications"))
    assert rows[1]["Predicted Effect"] == ""


def test_ratings_keep_proposal_and_decision_in_the_journal_and_survive_resume(evaluated):
    entries, damage = read_journal(evaluated / "session.sqlite")
    assert damage is None
    ratings = [e.body for e in entries if e.kind == "rating"]
    assert len(ratings) == 5
    override = next(r for r in ratings if r["capability"].startswith("On-scene"))
    assert override["proposed"]["rating"] == "U" and override["rating"] == "M" and not override["confirmed"]
    assert override["reason"].startswith("Dispatch came a minute late")
    kinds = [e.kind for e in entries]
    assert kinds.count("hotwash") == 3 and kinds.count("feedback") == 2 and kinds.count("improvement") == 3
    session = open_session(evaluated)  # re-executes every entry, after-play ones included
    assert len(session.after_play) == kinds.count("hotwash") + 2 + 5 + 2 + 3
    session.journal.close()


@pytest.mark.parametrize(("text", "message"), [
    ("ratings:\n  - {capability: Cybersecurity}\n", r"ratings\[1\]\.capability: 'Cybersecurity' is not a capability of this exercise"),
    ("ratings:\n  - {capability: Mass Care Services, rating: X, reason: because}\n", r"ratings\[1\]\.rating: 'X' is not a rating \(P, S, M, U\)"),
    ("ratings:\n  - {capability: Mass Care Services, rating: P}\n", r"ratings\[1\]\.reason: rating P for 'Mass Care Services' overrides the proposed U: give a reason"),
    ("ratings:\n  - {capability: 'Public Health, Healthcare, and Emergency Medical Services', rating: S}\n",
     r"ratings\[1\]\.reason: rating S for 'Public Health, Healthcare, and Emergency Medical Services' overrides the proposed U"),
    ("findings:\n  - {objective: OBJ9, kind: strength, text: t}\n", r"findings\[0\]\.objective: 'OBJ9' is not an objective"),
    ("improvement_plan:\n  - {capability: Mass Care Services, issue: i, corrective_action: c, element: staffing, organisation: o, poc: p, start: 2026-01-01, completion: 2026-02-01}\n", r"improvement_plan\[0\]\.element"),
    ("improvement_plan:\n  - {capability: Mass Care Services, issue: i, corrective_action: c, element: training, organisation: o, poc: p, start: 2026-03-01, completion: 2026-02-01}\n", r"before start"),
    ("improvement_plan:\n  - {capability: Mass Care Services, issue: i, corrective_action: c, element: training, organisation: o, poc: p, start: 2026-01-01, completion: 2026-02-01, variant: nope}\n", r"'nope' is not a variant of the scenario"),
    ("improvement_plan:\n  - {capability: Mass Care Services, issue: i, corrective_action: c, element: training, organisation: o, poc: p, start: 2020-01-01, completion: 2020-02-01}\n", r"improvement_plan\[0\]\.start: '2020-01-01' is before the exercise \(20\d\d-\d\d-\d\d\); corrective actions start after it"),
    ("improvement_plan:\n  - {capability: Mass Care Services, issue: i, corrective_action: c, element: training, organisation: o, poc: p, start: +30 d, completion: +10 d}\n", r"completion \+10 d is before start \+30 d"),
    ("exercise: festival.yaml\n", r"exercise: 'festival.yaml' names another exercise; this session plays community-hall.yaml"),
    ("decisions: community-hall-decisions.yaml\n", r"decisions: 'community-hall-decisions.yaml' names another decision set; this session played community-hall-late-decisions.yaml"),
])
def test_bad_evaluation_inputs_give_one_clear_line_and_write_nothing(tmp_path, late_session, text, message):
    folder = late_session
    before = len(read_journal(folder / "session.sqlite")[0])
    bad = tmp_path / "evaluation.yaml"
    # a good rating first: the whole file is checked before anything is written
    bad.write_text("ratings:\n  - {capability: Public Information and Warning}\n" + text.replace("ratings:\n", ""), encoding="utf-8")
    if not text.startswith("ratings:"):
        bad.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(exercise, ["evaluate", str(folder), "-n", "0", "--from", str(bad)])
    assert res.exit_code == 1, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and re.search(message, errors[0]), res.output
    assert len(read_journal(folder / "session.sqlite")[0]) == before


def test_a_hotwash_for_another_decision_set_is_refused_and_an_untied_one_warned(tmp_path, late_session):
    folder = late_session
    before = len(read_journal(folder / "session.sqlite")[0])
    bad = tmp_path / "hotwash.yaml"
    bad.write_text("decisions: community-hall-decisions.yaml\nteams:\n  - {team: venue, strengths: [x]}\n", encoding="utf-8")
    res = CliRunner().invoke(exercise, ["hotwash", str(folder), "--from", str(bad)])
    assert res.exit_code == 1 and "names another decision set" in res.output
    assert len(read_journal(folder / "session.sqlite")[0]) == before


def test_untied_files_and_on_time_reasons_that_contradict_the_record_are_warned(tmp_path):
    folder = _session(tmp_path / "s", "community-hall-late-decisions.yaml")
    ev = tmp_path / "evaluation.yaml"
    ev.write_text("ratings:\n  - capability: On-scene Security, Protection, and Law Enforcement\n    rating: S\n"
                  "    reason: Dispatch and cordon were on time.\n", encoding="utf-8")
    res = CliRunner().invoke(exercise, ["evaluate", str(folder), "-n", "0", "--from", str(ev)])
    assert res.exit_code == 0, res.output
    assert "warning: the evaluation file does not say which exercise, decision set or session" in res.output
    assert ("warning: ratings[0] (On-scene Security, Protection, and Law Enforcement): the reason says 'on time', "
            "but the timeliness record shows 1 late and 1 missing or too late of 2 expected actions") in res.output


def test_hotwash_with_an_unknown_team_writes_nothing(tmp_path, late_session):
    folder = late_session
    before = len(read_journal(folder / "session.sqlite")[0])
    bad = tmp_path / "hotwash.yaml"
    bad.write_text("teams:\n  - {team: fire, strengths: [x]}\n", encoding="utf-8")
    res = CliRunner().invoke(exercise, ["hotwash", str(folder), "--from", str(bad)])
    assert res.exit_code == 1 and "teams[0].team: 'fire' is not a team of this exercise" in res.output
    assert len(read_journal(folder / "session.sqlite")[0]) == before


def test_outcome_comparison_is_deterministic_for_a_seed(evaluated):
    session = open_session(evaluated)
    session.journal.close()
    team = team_actions(session)
    doctrine, gaps = doctrine_plan(session.loaded, team=session)
    expected = sum(len(i.expect) for i in session.loaded.exercise.msel)
    assert gaps == [] and len(doctrine) == expected  # every expected action, at its standard
    assert doctrine[0]["do"] == "close" and doctrine[0]["at"] == "60.0 s"
    serial = compute_outcomes(session.loaded, team=team, doctrine=doctrine, replications=20, executor="serial")
    # the report's outcomes (read back from the session's cache) ran on the process pool
    pooled = session_outcomes(session, replications=20, variants=["second_reunification_site", "voice_pa_fast"])
    assert pooled.key and len(pooled.values) == 5
    assert serial.seeds == pooled.seeds
    assert {a: serial.values[a] for a in ARMS} == {a: pooled.values[a] for a in ARMS}
    s = serial.summary()
    # common random numbers: the no-action arm and the team arm share each replication's world
    assert s["incident.exposed_person_min"]["team_minus_no_action"]["n"] == 20


def test_compare_sessions_table_and_figure(tmp_path, evaluated):
    prompt = _session(tmp_path / "a", "community-hall-decisions.yaml")
    out = tmp_path / "cmp"
    res = CliRunner().invoke(exercise, ["compare", str(prompt), str(evaluated), "--out", str(out), "-n", N])
    assert res.exit_code == 0, res.output
    md = (out / "compare.md").read_text(encoding="utf-8")
    assert "| Public Information and Warning | 4/4, unrated | 1/4, U |" in md
    assert "| Deaths |" in md and (out / "compare.png").stat().st_size > 10_000
