"""Run reports lead with what happened in plain words (issue 19); counts read '1 person', '2 people'."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft import load_scenario, run
from simsoft.cli import cli
from simsoft.reports.document import human_value
from simsoft.reports.names import METRIC_NAMES
from simsoft.reports.run import write_run_report
from simsoft.reports.summary import conclusion_lines, conclusion_sentences, summary_lines
from simsoft.units import format_count

ROOT = Path(__file__).resolve().parents[1]
INCIDENT = ROOT / "scenarios" / "community-hall-incident.yaml"


@pytest.fixture(scope="module")
def incident_run():
    return run(load_scenario(INCIDENT), seed=20240611)


def test_counts_agree_with_their_noun():
    assert format_count(1, "person") == "1 person"
    assert format_count(2, "person") == "2 people"
    assert format_count(1, "casualty") == "1 casualty" and format_count(3, "casualty") == "3 casualties"
    assert format_count(0, "death") == "0 deaths" and format_count(1.0, "death") == "1 death"
    assert format_count(12345, "person") == "12,345 people"
    assert format_count(0.4, "person") == "0.4 people"
    assert human_value("medical.deaths", 1.0) == "1 person"
    assert human_value("medical.deaths", 1.0, low=0.2, high=1.8) == "1 person [0.2, 1.8]"


def _with(result, **metrics):
    return dataclasses.replace(result, metrics={**result.metrics, **metrics})


def test_conclusion_says_what_happened_in_words(incident_run):
    m = incident_run.metrics
    text = " ".join(conclusion_sentences(incident_run))
    assert text.startswith(f"{m['egress.exited']:,.0f} of {m['run.population']:,} people")
    assert "95 % were out by" in text and "the last person by" in text
    assert "police were on scene at" in text and "contained at" in text
    assert "reached hospital" in text and "the venue reopened after" in text
    # no metric keys, no raw seconds, no ids
    assert not re.search(r"\b[a-z]+\.[a-z_]+", text), text
    assert "_" not in text and " 0 s" not in text


def test_conclusion_gets_one_person_and_one_casualty_right(incident_run):
    one = _with(incident_run, **{"medical.deaths": 1, "medical.preventable_deaths": 1, "casualties.total": 1,
                                 "egress.exited": incident_run.metrics["run.population"] - 1,
                                 "egress.inside_end": 0.0})
    text = " ".join(conclusion_sentences(one))
    assert "1 person died" in text and "1 people" not in text
    assert "There was 1 casualty." in text and "the other one was a casualty" in text
    two = _with(incident_run, **{"medical.deaths": 2, "medical.preventable_deaths": 0, "casualties.total": 0})
    text = " ".join(conclusion_sentences(two))
    assert "2 people died; no death was preventable" in text and "Nobody was hurt." in text
    none = _with(incident_run, **{"medical.deaths": 0})
    assert "Nobody died." in conclusion_sentences(none)


def test_conclusion_without_an_incident():
    result = run(load_scenario(ROOT / "scenarios" / "community-hall.yaml"), seed=1)
    first = conclusion_sentences(result)[0]
    assert first.startswith(f"All {result.metrics['run.population']:,} people left the venue")
    assert not any("incident" in s for s in conclusion_sentences(result))


def test_terminal_conclusion_wraps_and_keeps_numbers_with_units(incident_run):
    lines = conclusion_lines(incident_run, width=60)
    assert max(len(line) for line in lines) <= 60
    assert not any(re.search(r"\d$", line) for line in lines[:-1])  # a number never ends a line without its unit


def test_summary_uses_display_names_and_counts_in_words(incident_run):
    text = "\n".join(summary_lines(incident_run))
    assert "Main hall" in text and "main_hall" not in text
    assert re.search(r"casualties +\d+ casualt", text)


def test_run_report_leads_with_the_conclusion_then_the_key_figure(incident_run, tmp_path):
    write_run_report(tmp_path, incident_run)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    heads = re.findall(r"^## (.+)$", md, flags=re.M)
    assert heads[0] == "What happened" and heads.index("Summary") > heads.index("What happened")
    first = md.split("## What happened", 1)[1].split("##", 1)[0]
    assert conclusion_sentences(incident_run)[0] in first and "![" in first and "evacuation.png" in first
    assert md.count("(evacuation.png)") == 1  # the key figure is not repeated under Figures
    decisions = md.split("## Decisions", 1)[1]
    assert "venue plan" in decisions and "main_hall" not in decisions.split("**All metrics")[0]


def test_cli_run_prints_the_conclusion_before_the_table(tmp_path):
    res = CliRunner().invoke(cli, ["run", str(INCIDENT), "--seed", "3", "--out", str(tmp_path), "--no-report"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert re.match(r"[\d,]+ of [\d,]+ people", lines[0]), lines[0]
    assert lines.index("") < next(i for i, ln in enumerate(lines) if ln.startswith("scenario "))


def test_metric_names_cover_the_default_key_metrics():
    from simsoft.experiments.summary import DEFAULT_KEY_METRICS

    assert set(DEFAULT_KEY_METRICS) <= set(METRIC_NAMES)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    from simsoft.experiments import Experiment, run_experiment
    from simsoft.reports import write_experiment_report

    exp = Experiment(load_scenario(INCIDENT), variants=["base", "monitored_cctv"], replications=4, seed=2)
    folder = run_experiment(exp, out_dir=tmp_path_factory.mktemp("exp"), executor="serial", progress=False)
    write_experiment_report(folder)
    return folder


def test_experiment_summary_leads_with_the_conclusion_in_words_and_collapses_the_tables(experiment):
    md = (experiment.path / "summary.md").read_text(encoding="utf-8")
    html = (experiment.path / "summary.html").read_text(encoding="utf-8")
    heads = re.findall(r"^## (.+)$", md, flags=re.M)
    assert heads[0] == "Conclusion"
    conclusion = md.split("## Conclusion", 1)[1].split("\n## ", 1)[0]
    assert "'monitored_cctv'" in conclusion and "against 'base'" in conclusion or "No meaningful difference" in conclusion
    assert not re.search(r"\b(egress|medical|incident|response|recovery|casualties)\.[a-z_]+", conclusion)
    assert md.count("(differences.png)") == 1  # the key figure, not repeated under Figures
    assert "<details><summary>time until 95 % are out" in html
    assert "e+0" not in md and "e-0" not in md


def test_comparison_page_reads_at_a_glance(experiment, incident_run, tmp_path):
    """Conclusion first, one compact table of means (units in the headers), the figure, the detail folded."""
    from simsoft.reports import compare
    from simsoft.runfolder import write_run

    run_folder = write_run(incident_run, out_dir=tmp_path / "runs")
    header, _, folder = compare([run_folder, experiment.path], out_dir=tmp_path / "cmp")
    md = (folder / "comparison.md").read_text(encoding="utf-8")
    html = (folder / "comparison.html").read_text(encoding="utf-8")
    heads = re.findall(r"^## (.+)$", md, flags=re.M)
    assert heads[:2] == ["Conclusion", "At a glance"]
    conclusion = md.split("## Conclusion", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"(lowest .+, highest .+ apart\.|no meaningful difference)", conclusion)
    assert "single seeds" in conclusion  # a run is one seed: its gap to another is not an effect
    assert not re.search(r"\b(egress|medical|incident|response|recovery|casualties)\.[a-z_]+", conclusion)
    glance = md.split("## At a glance", 1)[1].split("![", 1)[0]
    rows = [ln for ln in glance.splitlines() if ln.startswith("| ") and not ln.startswith("| run / experiment")]
    assert len(rows) == 3  # the run and the two variants
    assert "| time until 95 % are out (min) |" in glance
    for row in rows:  # bare numbers: the unit is said once, in the header
        assert all(re.fullmatch(r"[\d,.]+|-", c.strip()) for c in row.strip("|").split("|")[1:]), row
    # Every value with its interval, one short table per metric, folded under the figure.
    assert html.index("<details><summary>Every value with its 95 % interval") > html.index("<figure>")
    assert "## time until 95 % are out (egress.t95_s)" in md
    detail = md.split("**Every value", 1)[1]
    assert max(len(line) for line in detail.splitlines() if line.startswith("|")) < 120
    assert "T0" not in md.split("![")[1]  # no UTC time stamps in the page's labels (the CSV keeps the paths)
    assert "e+0" not in md and "e-0" not in md
