"""``simsoft region run`` and ``simsoft region sweep`` in Arabic and French (``--lang``, ``SIMSOFT_LANG``).

The regional summary (``summary.md``) and the lines the commands print go through simsoft's catalog like the
venue sweep's; places are named by the region file's ``names:`` block, metrics in words beside their keys,
numbers with the locale's signs. The data files are the same in every language and the English text is what it
was (compared byte for byte with main's when this was written: summary.md, metrics.json, events.jsonl and the
map of a run of each variant, and a sweep's summary.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simsoft.cli import cli
from simsoft.region.sweep import REGION_KEY_METRICS
from simsoft.reports.metric_words import metric_words

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "scenarios" / "regions" / "riverside-city.yaml"

ENGLISH = re.compile(r"\b(?:the|with|per|every|seed|replications?|variants?|metric|mean|interval|differences?|paired|"
                     r"against|sweep|response|deaths?|preventable|hospitals?|time|median|units?|"
                     r"people|casualties|run|ended|committed|idle|available|yes|no|folder)\b", re.I)
"""English words a French or Arabic summary must not show (as tests/test_i18n_experiments.py does; not the
words French shares: incident, site, total, ambulance, police, patients)."""


def _sweep(out: Path, *lang: str) -> tuple[str, Path]:
    res = CliRunner().invoke(cli, ["region", "sweep", str(CITY), "--reps", "2", "--executor", "serial",
                                   "--variants", "base,coordinated", "--out", str(out), *lang])
    assert res.exit_code == 0, res.output
    return res.output, next(out.rglob("summary.md")).parent


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    out = tmp_path_factory.mktemp("region-i18n")
    return {lang: _sweep(out / lang, *(["--lang", lang] if lang != "en" else [])) for lang in ("en", "fr", "ar")}


def _without_ids(text: str) -> str:
    """``text`` without what stays as written in every language: metric keys, variant ids, folder paths."""
    text = re.sub(r"`[^`]*`|[a-z0-9_]+(?:\.[a-z0-9_]+)+|\b(?:base|coordinated)\b|\S*/\S*", "", text)
    return text


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_region_sweep_summary_leaves_no_english_sentence(sweeps, lang):
    output, folder = sweeps[lang]
    md = (folder / "summary.md").read_text(encoding="utf-8")
    for text in (md, output):
        assert not ENGLISH.findall(_without_ids(text)), sorted(set(ENGLISH.findall(_without_ids(text))))
    assert "Riverside City" not in md  # the region's name from the file's names: block
    words = metric_words("region.deaths", lang)
    assert f"| {words}" in md and "`region.deaths`" in md  # the words, and the key for matching summary.json


def test_region_sweep_words_and_numbers_follow_the_locale(sweeps):
    fr = (sweeps["fr"][1] / "summary.md").read_text(encoding="utf-8")
    ar = (sweeps["ar"][1] / "summary.md").read_text(encoding="utf-8")
    assert fr.startswith("# Ville de Riverside : balayage des variantes de la réponse\n")
    assert "2 réplications par variante, graine 20240611 ; " in fr and "intervalle de confiance à 95 %) :" in fr
    assert re.search(r"\| -?\d+,\d+ \| -?\d+(?:,\d+)? \.\. -?\d+(?:,\d+)? \|", fr)  # decimal commas
    assert ar.startswith("# مدينة ريفرسايد: مسح متغيرات الاستجابة\n") and "تكراران لكل متغير" in ar  # dual form
    assert "| المؤشر | المفتاح | base | coordinated |" in ar
    assert "مجلد المسح " in sweeps["ar"][0] and "dossier du balayage " in sweeps["fr"][0]


def test_the_data_files_and_the_english_summary_do_not_depend_on_the_language(sweeps):
    (_, en), (_, fr), (_, ar) = sweeps["en"], sweeps["fr"], sweeps["ar"]
    for name in ("summary.json", "replications.csv"):
        assert (en / name).read_bytes() == (fr / name).read_bytes() == (ar / name).read_bytes()
    md = (en / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# Riverside City: sweep over response variants\n\n2 replications per variant, seed 20240611; "
                         "every variant meets the same incidents (common random numbers), differences are paired "
                         "against `base`.\n\n| metric | base | coordinated |\n|---|---|---|\n| region.deaths (mean) | ")
    assert "Paired differences to `base` (mean, 95 % interval):" in md and "| variant | metric | difference | interval |" in md
    assert sweeps["en"][0].rstrip().splitlines()[-1].startswith("sweep folder ")


def test_an_arabic_region_run_names_places_and_says_everything_in_arabic(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMSOFT_LANG", "ar")  # the environment default, as for `simsoft run`
    res = CliRunner().invoke(cli, ["region", "run", str(CITY), "--seed", "3", "--no-map", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    md = next(tmp_path.rglob("summary.md")).read_text(encoding="utf-8")
    assert md.startswith("# مدينة ريفرسايد: تشغيل إقليمي، البذرة 3\n") and "## المستشفيات" in md and "## الوحدات المشتركة" in md
    assert "| المحطة المركزية | نعم | 10,000 |" in md and "مركز رئيسي لعلاج الإصابات البليغة" in md
    assert re.search(r"\d+\.\d د، المئين 90", md)  # Arabic minute symbol, Latin digits
    assert res.output.rstrip().splitlines()[-1].startswith("مجلد التشغيل ")
    assert not ENGLISH.findall(_without_ids(md)), sorted(set(ENGLISH.findall(_without_ids(md))))


def test_a_french_region_run_with_decisions_and_map(tmp_path):
    res = CliRunner().invoke(cli, ["region", "run", str(CITY), "--seed", "3", "--variant", "coordinated", "--lang", "fr",
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    folder = next(tmp_path.rglob("summary.md")).parent
    md = (folder / "summary.md").read_text(encoding="utf-8")
    assert "## Décisions régionales" in md and "- 3 min `mutual_aid` (region): " in md  # values as recorded
    assert "| ambulance | 14 (renforts extérieurs : 4) |" in md and "94\u202f340" in md
    assert "Fin de la simulation à 96,5 h (durée prévue atteinte)." in md
    assert (folder / "region-map.png").stat().st_size > 10_000
    prose = "\n".join(line for line in md.splitlines() if not line.startswith("- "))  # decisions keep the file's notes
    assert not ENGLISH.findall(_without_ids(prose)), sorted(set(ENGLISH.findall(_without_ids(prose))))


@pytest.mark.parametrize("command", [["region", "sweep", str(CITY), "--reps", "2", "--executor", "serial"],
                                     ["region", "run", str(CITY), "--no-map"]])
def test_an_unknown_language_is_refused_before_anything_runs(tmp_path, command):
    res = CliRunner().invoke(cli, [*command, "--lang", "de", "--out", str(tmp_path)])
    assert res.exit_code != 0 and "--lang: 'de' is not a language of simsoft (known: en, ar, fr)" in res.output
    assert "Traceback" not in res.output and not any(tmp_path.iterdir())


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_every_headline_regional_metric_has_words(lang):
    for key in REGION_KEY_METRICS:
        assert metric_words(key, lang) != key, key
    assert metric_words("region.time_to_hospital_p90_min", "fr") == "délai d'arrivée à l'hôpital, 90e centile (min)"
