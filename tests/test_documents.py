"""Printable documents: the AAR/IP's sections, the Situation Manual (no controller text), the evaluator
and controller packets, and their PDFs (Chromium; skipped outside CI when it is missing)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator import load_exercise, start_session
from facilitator.cli import exercise
from facilitator.documents import controller_packet, evaluator_packet, find_chromium, situation_manual
from facilitator.documents.packets import message
from facilitator.documents.prose import meaningful_text
from facilitator.documents.render import render_html, render_markdown
from facilitator.evaluation.outcomes import METRICS
from facilitator.exercise.decisions import parse_line

EX = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"
EXERCISE = EX / "community-hall.yaml"
SHIPPED = sorted(p for p in EX.glob("*.yaml") if not re.search(r"-(decisions|contrary-decisions|late-decisions|"
                                                                  r"evaluation|hotwash)\.yaml$", p.name))


def _need_chromium() -> None:
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium on PATH; CI must print the PDFs (.ci/run installs chromium)")
        pytest.skip("no chromium on PATH (outside CI the PDF tests are skipped)")


def _controller_texts(loaded) -> list[str]:
    ex = loaded.exercise
    out = [i.notes for i in ex.msel if i.notes] + [i.text for i in ex.msel]
    out += [f"{e.task}: " for i in ex.msel for e in i.expect if e.task]
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_sitman_holds_no_controller_only_content(path, tmp_path):
    loaded = load_exercise(path)
    doc = situation_manual(loaded)
    text = render_markdown(doc) + render_html(doc, tmp_path)
    for secret in _controller_texts(loaded):
        assert secret not in text, f"controller-only text in the SitMan: {secret!r}"
    for word in ("Expected", "expect", "MSEL", "contingency", "doctrine"):
        assert word not in text
    ex = loaded.exercise
    for q in (q for m in ex.modules for q in m.questions):
        assert q in text
    place = "## The region" if getattr(loaded, "region", None) is not None else "## The venue"
    for heading in ("## Purpose", "## Exercise overview", "## Objectives and core capabilities", "## Schedule",
                    place, "## Modules", "## Participant roles"):
        assert heading in render_markdown(doc)


def test_eeg_and_controller_packet_hold_what_their_readers_need(tmp_path):
    loaded = load_exercise(EXERCISE)
    eeg = render_markdown(evaluator_packet(loaded))
    ctl = render_markdown(controller_packet(loaded))
    ex = loaded.exercise
    for o in ex.objectives:
        assert o.capability in eeg
        for t in o.critical_tasks:
            assert t.text in eeg
    for i in ex.msel:
        assert f"## Inject {i.id} " in eeg  # one observation sheet per inject
        assert message(i.text) in ctl
        if i.notes:
            assert i.notes in ctl
    assert "| Venue management and stewards | close | CT2.1: Courtyard gate closed and staffed | 1 min |" in eeg
    assert "contingency: 3 min after I2 if venue has not taken 'alert'" in ctl
    assert "zones: all" in ctl  # the doctrine parameters of the expected alert


def test_cli_writes_each_document_and_a_pdf_that_renders(tmp_path):
    _need_chromium()
    runner = CliRunner()
    for cmd, stem in (("sitman", "situation-manual"), ("eeg", "evaluator-packet"),
                      ("controller-packet", "controller-packet")):
        res = runner.invoke(exercise, [cmd, str(EXERCISE), "--out", str(tmp_path)])
        assert res.exit_code == 0, res.output
        pdf = (tmp_path / f"{stem}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
        html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
        assert "OFFICIAL - for exercise participants" in html and 'src="http' not in html
    assert (tmp_path / "venue-map.png").stat().st_size > 5_000


def test_no_pdf_writes_html_only_and_a_missing_chromium_is_one_clear_line(tmp_path, monkeypatch):
    res = CliRunner().invoke(exercise, ["sitman", str(EXERCISE), "--out", str(tmp_path), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "situation-manual.html").is_file() and not (tmp_path / "situation-manual.pdf").exists()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    res = CliRunner().invoke(exercise, ["eeg", str(EXERCISE), "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "no Chromium found on PATH" in res.output and "Traceback" not in res.output


def test_bad_overview_fields_are_named_with_file_and_line(tmp_path):
    text = EXERCISE.read_text(encoding="utf-8").replace("  duration: 2 h", "  duration: -2 h")
    text = text.replace("scenario: ../community-hall-incident.yaml", f"scenario: {EX.parent / 'community-hall-incident.yaml'}")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(exercise, ["sitman", str(bad), "--no-pdf", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert re.search(r"bad\.yaml:\d+ exercise\.duration", res.output), res.output
    assert "Traceback" not in res.output


def test_differences_are_said_in_human_units():
    assert meaningful_text("egress.t95_s", {"mean": -0.01, "ci_low": -0.02, "ci_high": -0.005,
                                            "significant": True}) == "no meaningful difference"
    assert meaningful_text("medical.deaths", {"mean": 1.2, "ci_low": 0.6, "ci_high": 1.8, "significant": True}
                           ) == "1.2 people higher (0.6 to 1.8 people higher)"
    assert meaningful_text("medical.deaths", {"mean": None}) == "not computed"


def test_meaningful_reads_the_experiments_significant_flag_not_the_interval():
    """One rule everywhere: the AAR's prose and the experiment summaries agree on every difference."""
    from facilitator.documents.prose import meaningful
    from simsoft.experiments import meaningful as experiments_meaningful
    from simsoft.experiments import paired_difference

    # An interval that excludes zero but a difference the experiments do not flag (one paired run).
    one_run = {"n": 1, "mean": 2.0, "ci_low": 1.0, "ci_high": 3.0, "significant": False}
    assert not meaningful("medical.deaths", one_run)
    assert meaningful_text("medical.deaths", one_run) == "no meaningful difference"
    # Flagged significant but below the practical threshold (30 s of evacuation).
    assert not meaningful("egress.t95_s", {"n": 10, "mean": 20.0, "ci_low": 10.0, "ci_high": 30.0, "significant": True})
    # Without the flag (a hand-made dict) nothing is meaningful: the rule is never re-derived from bounds.
    assert not meaningful("medical.deaths", {"mean": 2.0, "ci_low": 1.0, "ci_high": 3.0})
    # Real paired differences: prose and experiments say the same.
    cases = [([10.0, 11.0, 12.0, 13.0], [13.0, 14.0, 15.0, 16.5]),   # +3 people, interval excludes zero
             ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.2]),           # within half a person
             ([1.0, 2.0, 3.0, 4.0], [3.0, 0.0, 5.0, 2.0]),           # interval spans zero
             ([100.0, 200.0], [100.0 + 1e-12, 200.0 + 1e-12])]       # float noise only
    seen = []
    for ref, var in cases:
        d = paired_difference(ref, var).to_dict()
        seen.append(meaningful("medical.deaths", d))
        assert meaningful("medical.deaths", d) == experiments_meaningful("medical.deaths", d)
    assert seen == [True, False, False, False]


@pytest.fixture(scope="module")
def noted_aar(tmp_path_factory):
    """A session with notes tied to injects and a refused decision, reported with a PDF when chromium exists."""
    out = tmp_path_factory.mktemp("noted")
    s = start_session(load_exercise(EXERCISE), out_dir=out)
    s.advance_phase("conduct")
    s.release_next()
    s.note("Nobody on the rota knew who may close the gate.", team="evaluators", inject="I1")
    s.decide(parse_line("close connection=courtyard_gate -- keep him out", team="venue"))
    s.release_next()
    with pytest.raises(Exception, match="may not dispatch"):
        s.decide(parse_line("dispatch unit=armed_response -- venue cannot", team="venue"))
    s.advance_phase("hot_wash")
    s.note("The cordon had no owner.", team="police", inject="I4")
    args = ["report", str(s.folder), "-n", "6", "--no-progress"] + (["--pdf"] if find_chromium() else [])
    res = CliRunner().invoke(exercise, args)
    assert res.exit_code == 0, res.output
    return s.folder / "aar"


def _sections(md: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", md, flags=re.M)
    return {parts[k].strip(): parts[k + 1].strip() for k in range(1, len(parts) - 1, 2)}


def test_every_aar_section_is_present_and_not_empty(noted_aar):
    md = (noted_aar / "aar.md").read_text(encoding="utf-8")
    sections = _sections(md)
    for name in ("Executive summary", "Exercise overview", "Analysis of core capabilities", "Timeline and time standards",
                 "Decision log", "Evaluator observations and notes by inject", "Outcomes: your decisions / doctrine / no action",
                 "Contrary actions and overridden orders", "Hot wash", "Conclusion", "Appendix A: Improvement Plan",
                 "Appendix B: Exercise participants"):
        assert sections.get(name), f"section {name!r} missing or empty"
    overview = sections["Exercise overview"]
    for row in ("| Location | City emergency management office, training room 2 |", "| Duration | 2 h |",
                "| Evaluators | Lead evaluator (City emergency management office); EMS evaluator (Regional ambulance service) |",
                "| Handling | OFFICIAL"):
        assert row in overview
    log = sections["Decision log"]
    assert "keep him out" in log and "refused: team 'venue' may not dispatch" in log
    obs = sections["Evaluator observations and notes by inject"]
    assert re.search(r"\| inject I1 \(Steward at the courtyard gate, released at 0 s, \d\d:\d\d UTC\) \|", obs)
    assert "The cordon had no owner." in obs
    assert "-0.0" not in md and "e+0" not in md and not re.search(r"D\d+ took effect", md)


def test_the_doctrine_arm_is_shaded_by_its_verdict_not_by_name(noted_aar):
    html = (noted_aar / "aar.html").read_text(encoding="utf-8")
    table = html[html.index("<th>Indicator</th>"):]
    table = table[:table.index("</table>")]
    classes = re.findall(r'<td class="(good|bad|same)">', table)
    assert classes and len(classes) == 2 * len(METRICS)  # your decisions and doctrine, each indicator


def test_the_aar_pdf_renders(noted_aar):
    _need_chromium()
    pdf = (noted_aar / "aar.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page") >= 3
    assert _page_sizes_mm(pdf) == {(210, 297)}  # A4 by default
    assert "@page{size:A4;" in (noted_aar / "aar.html").read_text(encoding="utf-8")


def _page_sizes_mm(pdf: bytes) -> set[tuple[int, int]]:
    """Every page's MediaBox in whole millimetres (1 pt = 25.4/72 mm)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no MediaBox in the PDF"
    return {(round((float(x1) - float(x0)) * 25.4 / 72), round((float(y1) - float(y0)) * 25.4 / 72))
            for x0, y0, x1, y1 in boxes}


def test_paper_letter_prints_the_aar_and_the_packets_on_letter(noted_aar, tmp_path):
    _need_chromium()
    res = CliRunner().invoke(exercise, ["report", str(noted_aar.parent), "-n", "0", "--pdf", "--paper", "letter",
                                        "--out", str(tmp_path / "aar")])
    assert res.exit_code == 0, res.output
    assert "@page{size:letter;" in (tmp_path / "aar" / "aar.html").read_text(encoding="utf-8")
    assert _page_sizes_mm((tmp_path / "aar" / "aar.pdf").read_bytes()) == {(216, 279)}  # 8.5 x 11 in
    for paper, size in (("letter", (216, 279)), ("a4", (210, 297))):
        res = CliRunner().invoke(exercise, ["eeg", str(EXERCISE), "--out", str(tmp_path / paper), "--paper", paper])
        assert res.exit_code == 0, res.output
        assert _page_sizes_mm((tmp_path / paper / "evaluator-packet.pdf").read_bytes()) == {size}
    res = CliRunner().invoke(exercise, ["sitman", str(EXERCISE), "--out", str(tmp_path / "x"), "--paper", "a5"])
    assert res.exit_code == 2 and "'a5' is not one of 'a4', 'letter'" in res.output
    assert not (tmp_path / "x").exists()


def test_findings_and_the_decision_log_give_the_room_clock_beside_exercise_time(noted_aar):
    """The journal stamps every step with UTC: the AAR shows it beside the simulated time (issue 19)."""
    from facilitator.conduct.journal import read_journal

    entries, _ = read_journal(noted_aar.parent / "session.sqlite")
    wall = {e.kind + ":" + str(e.body.get("id") or e.body.get("inject") or e.seq): e.wall_utc[11:16] for e in entries}
    md = (noted_aar / "aar.md").read_text(encoding="utf-8")
    sections = _sections(md)
    log = sections["Decision log"]
    d1 = next(line for line in log.splitlines() if "D1:" in line)
    assert f"({wall['decision:D1']} UTC)" in d1.split("|")[1]
    refused = next(line for line in log.splitlines() if "refused:" in line)
    assert re.search(r"^\| [^|]*\(\d\d:\d\d UTC\) \|", refused)
    # The finding on the gate closure: decision and inject release with their room clock.
    assert f"released at 0 s, {wall['release:I1']} UTC)" in md
    assert re.search(r"closed the [^.]* at [^,]*\(\d\d:\d\d UTC\), [^;]* after inject I1 \([^)]*released at [^)]*, \d\d:\d\d UTC\)",
                     md), md[:3000]
    obs = sections["Evaluator observations and notes by inject"]
    note = next(line for line in obs.splitlines() if "Nobody on the rota" in line)
    assert re.search(r"\| \d[^|]*\(\d\d:\d\d UTC\) \|", note), note
    assert re.search(r"\| after play \(\d\d:\d\d UTC\) \|", obs)


def test_a_session_without_a_journal_keeps_exercise_time_only():
    from facilitator.documents.aar_sections import decision_log, display_names, wall_times

    loaded = load_exercise(EXERCISE)
    from facilitator.conduct.session import Session

    ses = Session(loaded)  # in memory: no folder, no journal
    ses.advance_phase("conduct")
    ses.release_next()
    ses.decide(parse_line("close connection=courtyard_gate -- keep him out", team="venue"))
    assert wall_times(ses) is None
    rows = decision_log(ses, display_names(loaded.scenario))
    assert rows and "UTC" not in rows[0][0]
