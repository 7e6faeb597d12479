"""Experiment and comparison reports in Arabic and French (``simsoft sweep --lang``, ``simsoft compare --lang``).

The summary (``summary.md``/``summary.html``), the comparison (``comparison.md``/``comparison.html``), their figures
and the lines the commands print go through simsoft's catalog like the run reports; the data files (``summary.json``,
``replications.csv``, ``comparison.csv``) are the same in every language, and the English documents are what they
were (compared byte for byte with main's for a sweep, an uncertainty sweep and a comparison of two scenarios when
this was written; here: an English report rebuilt after the Arabic and French ones is unchanged).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft.cli import cli
from simsoft.experiments.runner import load_experiment
from simsoft.reports import write_experiment_report
from simsoft.reports.experiment import convergence_reason, convergence_rule_text, thresholds_text

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "scenarios" / "community-hall.yaml"


def _sections() -> set[str]:
    return {m.group(1) for m in re.finditer(r"^\[python: ([^\]]+)\]", (ROOT / "babel.cfg").read_text(encoding="utf-8"), re.M)}


def test_babel_cfg_extracts_the_experiment_and_comparison_texts():
    # tests/test_i18n_reports.py checks every message babel.cfg's simsoft sections extract is translated
    assert {"reports/experiment.py", "reports/compare.py", "reports/names.py", "reports/document.py",
            "plots/experiments.py", "plots/uncertainty.py", "plots/common.py", "cli.py"} <= _sections()


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A run and a sweep of the community hall, the sweep written in Arabic by the CLI and kept in English apart."""
    out = tmp_path_factory.mktemp("i18n-exp")
    runner = CliRunner()
    res = runner.invoke(cli, ["run", str(HALL), "--seed", "3", "--no-report", "--out", str(out / "runs")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["sweep", str(HALL), "--reps", "3", "--executor", "serial", "--no-progress",
                              "--out", str(out / "en")])
    assert res.exit_code == 0, res.output
    en = next((out / "en").rglob("summary.md")).parent
    res = runner.invoke(cli, ["sweep", str(HALL), "--reps", "3", "--executor", "serial", "--no-progress", "--lang", "ar",
                              "--out", str(out / "ar")])
    assert res.exit_code == 0, res.output
    ar = next((out / "ar").rglob("summary.md")).parent
    run = next((out / "runs").rglob("metrics.json")).parent
    return {"run": run, "en": en, "ar": ar, "ar_output": res.output, "out": out}


def test_an_arabic_sweep_writes_a_right_to_left_summary_with_arabic_figures(folders):
    ar = folders["ar"]
    page = (ar / "summary.html").read_text(encoding="utf-8")
    md = (ar / "summary.md").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page and "<h2>الخلاصة</h2>" in page and "<title>ملخص التجربة:" in page
    assert "## المؤشرات الرئيسية لكل متغير" in md and "## الفروق المزاوَجة عن «base»" in md and "## التقارب" in md
    assert "مجلد التجربة:" in folders["ar_output"] and "experiment folder" not in folders["ar_output"]
    # Nothing Latin is left but ids (variants, metric keys, the scenario's name and its variants' descriptions as
    # written in the scenario file), file names and the executor's name.
    manifest = load_experiment(ar).manifest
    text = md
    for v, spec in (manifest["scenario"].get("variants") or {}).items():
        text = text.replace((spec.get("description") or "").strip().rstrip("."), "")
    text = re.sub(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+|[\w-]+\.(?:png|json|csv|md)|\b(?:base|serial|sqrt)\b", "", text)
    text = text.replace(manifest["scenario_name"], "")
    for v in manifest["variants"]:
        text = text.replace(v, "")
    assert not re.findall(r"[A-Za-z]{3,}", text), sorted(set(re.findall(r"[A-Za-z]{3,}[^|\n]{0,30}", text)))
    assert re.search(r"\| base \| 3 \| 0 \| \d+ د \d+ ث \|", md)  # durations in Arabic units, Latin digits


def test_the_data_files_and_the_english_summary_do_not_depend_on_the_language(folders):
    en, ar = folders["en"], folders["ar"]
    for name in ("summary.json", "replications.csv"):
        assert (en / name).read_bytes() == (ar / name).read_bytes()
    before = {n: (en / n).read_bytes() for n in ("summary.md", "summary.html", "differences.png", "distributions.png")}
    exp = load_experiment(en)
    write_experiment_report(exp, lang="fr")
    assert "# Synthèse de l'expérience : Community hall evacuation drill" in (en / "summary.md").read_text(encoding="utf-8")
    write_experiment_report(load_experiment(en))
    assert {n: (en / n).read_bytes() for n in before} == before
    md = before["summary.md"].decode()
    assert "## Conclusion" in md and "Lower is better for every key metric here" in md and "| variant | runs |" in md


def test_a_french_comparison_leaves_no_english_sentence(folders):
    out = folders["out"]
    res = CliRunner().invoke(cli, ["compare", str(folders["run"]), str(folders["en"]), "--lang", "fr",
                                   "--out", str(out / "cmp-fr")])
    assert res.exit_code == 0, res.output
    assert "dossier de la comparaison :" in res.output
    folder = next((out / "cmp-fr").rglob("comparison.md")).parent
    md = (folder / "comparison.md").read_text(encoding="utf-8")
    page = (folder / "comparison.html").read_text(encoding="utf-8")
    assert md.startswith("# Comparaison\n") and "## En un coup d'œil" in md and '<html lang="fr" dir="ltr">' in page
    assert "simulation s3" in md and "balayage s" in md and "3 simulations]" in md  # the short labels in French
    assert re.search(r"\d+\u202f\d{3}|\d+,\d", md)  # numbers written the French way
    text = re.sub(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+|simsoft sweep|\b(?:base|front_door_blocked|staff_direct_to_all_exits|"
                  r"wider_rear_exit)\b", "", md)
    english = re.compile(r"\b(?:the|with|lowest|highest|apart|runs?|lower is better|value|mean|interval|metric|side by side|"
                         r"experiments?|glance|within|threshold|people|person|not reached|never|seeds?|tables?)\b", re.I)
    assert not english.findall(text), sorted(set(english.findall(text)))
    # comparison.csv stays the same in every language
    res = CliRunner().invoke(cli, ["compare", str(folders["run"]), str(folders["en"]), "--out", str(out / "cmp-en")])
    assert res.exit_code == 0, res.output
    en = next((out / "cmp-en").rglob("comparison.csv"))
    assert en.read_bytes() == (folder / "comparison.csv").read_bytes()
    assert "Runs and experiments side by side" in (en.parent / "comparison.md").read_text(encoding="utf-8") or \
        "## At a glance" in (en.parent / "comparison.md").read_text(encoding="utf-8")


def test_a_french_uncertainty_sweep(tmp_path):
    res = CliRunner().invoke(cli, ["sweep", str(HALL), "--uncertainty", "3", "--executor", "serial", "--no-progress",
                                   "--lang", "fr", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "paramètres x 3 jeux (hypercube latin, graine" in res.output and "dossier de l'expérience :" in res.output
    md = next(tmp_path.rglob("summary.md")).read_text(encoding="utf-8")
    assert "## Incertitude des paramètres" in md and "### Ce qui détermine chaque résultat" in md
    assert "![Ce qui détermine chaque résultat : coefficients de rang des paramètres incertains.](sensitivity.png)" in md
    assert "Parameter uncertainty" not in md and "rank coefficient" not in md


def test_an_unknown_language_is_refused_before_the_sweep_runs(tmp_path):
    res = CliRunner().invoke(cli, ["sweep", str(HALL), "--reps", "2", "--executor", "serial", "--no-progress",
                                   "--lang", "de", "--out", str(tmp_path)])
    assert res.exit_code != 0 and "'de' is not a language of simsoft" in res.output and "Traceback" not in res.output
    assert not any(tmp_path.iterdir())
    res = CliRunner().invoke(cli, ["compare", str(tmp_path), "--lang", "xx"])
    assert res.exit_code != 0 and "'xx' is not a language of simsoft" in res.output


def test_statistical_words_and_numbers_follow_the_locale():
    assert thresholds_text(["egress.t95_s", "medical.deaths"], "ar") == \
        "30 ث لـ الوقت حتى خروج 95 % من الأشخاص؛ نصف شخص لـ الوفيات"
    summary = {"convergence_rule": "at least 50 runs, ...", "convergence_tolerance": {"relative": 0.05, "absolute": 0.1},
               "confidence": 0.95}
    assert convergence_rule_text(summary) == "at least 50 runs, ..."  # English: as summary.json has it
    assert convergence_rule_text(summary, "fr") == ("au moins 50 simulations, et les intervalles à 95 % de la moyenne et du "
                                                    "95e centile à ±5 % de leur valeur ou à ±0,1, selon le plus grand")
    assert convergence_reason("only 1 run(s) reached it; at least 50 are needed", "ar") == \
        "لم يبلغه إلا 1 تشغيل؛ ويلزم 50 على الأقل"
    assert convergence_reason("mean and 95th percentile within 5% or ±0.1 after 60 runs", "fr") == \
        "moyenne et 95e centile à 5 % ou ±0,1 après 60 simulations"
    assert convergence_reason("something new", "fr") == "something new"  # a reason of another form stays as written


def test_experiment_figures_speak_the_language():
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from simsoft import plots
    from simsoft.plots.common import shape

    def texts(fig) -> str:
        return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))

    samples = {v: {"medical.deaths": np.array([0.0, 1.0, 2.0]), "egress.t95_s": np.array([600.0, 660.0, np.nan])}
               for v in ("base", "wider_exit")}
    summary = {"reference": "base", "differences": {"wider_exit": {
        "medical.deaths": {"mean": -1.0, "ci_low": -2.0, "ci_high": -0.5, "significant": True},
        "egress.t95_s": {"mean": None}}}}
    said = {lang: texts(plots.metric_distributions(samples, metrics=["medical.deaths", "egress.t95_s"],
                                                   variants=["base", "wider_exit"], lang=lang))
            + texts(plots.paired_differences(summary, metrics=["medical.deaths", "egress.t95_s"], lang=lang))
            for lang in ("en", "fr", "ar")}
    assert "median" in said["en"] and "meaningfully lower (better)" in said["en"] and "(1 not reached)" in said["en"]
    assert "médiane" in said["fr"] and "décès (personnes)" in said["fr"] and "(1 non atteint)" in said["fr"]
    assert shape("الوسيط", "ar") in said["ar"] and shape("الوفيات (أشخاص)", "ar") in said["ar"]
    english = re.compile(r"\b(?:median|replication|meaningfully|practical threshold|not reached|deaths|people|variant)\b")
    assert not english.findall(said["fr"] + said["ar"]), english.findall(said["fr"] + said["ar"])


# ------------------------------------------------------------------ run reports: names and every metric in words
POW = ROOT / "scenarios" / "place-of-worship.yaml"


def test_every_metric_key_of_the_shipped_scenarios_has_words():
    import json

    from simsoft.reports.metric_words import metric_words

    keys = {k for f in (ROOT / "tests" / "golden").glob("*.json") for k in json.loads(f.read_text(encoding="utf-8"))}
    assert len(keys) > 500
    for lang in ("fr", "ar"):
        bare = sorted(k for k in keys if metric_words(k, lang) == k)
        assert not bare, f"{lang}: no words for {bare[:10]}"
    assert metric_words("egress.zone.lobby.time_above_4_s", "fr", {"lobby": "Hall d'entrée"}) == \
        "durée au-dessus de 4 p/m² dans Hall d'entrée (s)"
    assert metric_words("medical.class.immediate", "ar") == "المصابون المصنَّفون في فئة «فورية»"
    assert metric_words("made.up_key", "fr") == "made.up_key"


def test_an_arabic_run_report_names_places_in_arabic_and_metrics_in_words(tmp_path):
    res = CliRunner().invoke(cli, ["run", str(POW), "--seed", "1", "--lang", "ar", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "حادث في دار عبادة" in res.output and "(مهاجم نشط)" in res.output  # the scenario's names: block
    folder = next(tmp_path.rglob("report.md")).parent
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# تقرير التشغيل: حادث في دار عبادة\n") and "قاعة الصلاة" in md and "Prayer hall" not in md
    assert "| المؤشر | المفتاح | القيمة |" in md
    assert "| المصابون في قاعة الصلاة | casualties.zone.prayer_hall | 9 |" in md
    assert "| أقصى عدد من الأسرّة المشغولة في مستشفى المنطقة العام (وحدة الإصابات) | medical.hospital.district.peak_beds_used |" in md
    assert "| سبب انتهاء التشغيل | run.end_reason | انقضاء المدة المحددة |" in md  # text values in words too
    assert "1,500-person service" not in md and "أثناء صلاة يحضرها 1,500 شخص" in md
    # the data files keep ids and the scenario as loaded
    manifest = (folder / "manifest.yaml").read_text(encoding="utf-8")
    assert "name: Place of worship incident" in manifest and "names:" in manifest
    res = CliRunner().invoke(cli, ["report", str(folder), "--lang", "fr"])
    assert res.exit_code == 0, res.output
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Rapport de simulation : Incident dans un lieu de culte\n") and "Salle de prière" in md
    assert "| victimes dans Salle de prière | casualties.zone.prayer_hall | 9 |" in md
    res = CliRunner().invoke(cli, ["report", str(folder)])
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Run report: Place of worship incident\n") and "| metric | value |" in md
    assert "| casualties.zone.prayer_hall | 9 |" in md  # English: the table as it always was


def test_names_must_name_places_of_the_scenario(tmp_path):
    from simsoft import load_scenario
    from simsoft.errors import ScenarioError

    text = POW.read_text(encoding="utf-8").replace("import:\n  - venues/", f"import:\n  - {POW.parent}/venues/")
    bad = tmp_path / "pow.yaml"
    bad.write_text(text.replace("  garden_gate: {fr:", "  garden_gat: {fr:"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"pow\.yaml:\d+ names\.garden_gat: 'garden_gat' is not a zone, exit, door or "
                                            r"hospital of the scenario"):
        load_scenario(bad)
    bad.write_text(text.replace("  garden_gate: {fr:", "  garden_gate: {French:"), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"pow\.yaml:\d+ names\.garden_gate\.French"):
        load_scenario(bad)
    hall = load_scenario(HALL)
    assert not hall.names and "names" not in hall.model_dump(mode="json", by_alias=True)  # dumps as before names: existed
