"""simsoft's own run reports and figures in Arabic and French (``simsoft run/report --lang``, ``SIMSOFT_LANG``).

simsoft has its own catalog (``simsoft/locale``, read by :mod:`simsoft.i18n`; simsoft never imports the
facilitator): complete in Arabic and French from the messages Babel extracts with babel.cfg's simsoft
command, placeholders consistent, shipped as package data. English reports stay as they were (compared
byte for byte with main's when this was written: report.md, report.html and every PNG of two scenarios).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from simsoft import load_scenario, run
from simsoft.cli import cli
from simsoft.i18n import LanguageError, catalog_path, default_language
from simsoft.reports.summary import conclusion_sentences, summary_rows

ROOT = Path(__file__).resolve().parents[1]
POW = ROOT / "scenarios" / "place-of-worship.yaml"

KEYWORDS = {"_": None, "tr": None, "say": None, "N_": None, "ngettext": (1, 2), "count": (3, 4)}
"""babel.cfg's simsoft extraction keywords (``-k tr -k say -k N_ -k ngettext:1,2 -k count:3,4``, and pybabel's default
``_``, which the run report calls its translator)."""

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _sections() -> list[tuple[str, str]]:
    """The simsoft domain's patterns of babel.cfg (paths inside simsoft/)."""
    out = []
    for line in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\[(\w+): ([^\]]+)\]", line)
        if m and not m.group(2).startswith("facilitator/"):
            out.append((m.group(2), m.group(1)))
    return out


def test_babel_cfg_covers_simsoft_reports_and_figures():
    patterns = {p for p, _ in _sections()}
    assert {"reports/run.py", "reports/summary.py", "plots/venue.py", "plots/runs.py", "plots/situation.py"} <= patterns


@pytest.fixture(scope="module")
def extracted() -> dict[object, str]:
    found: dict[object, str] = {}
    for filename, lineno, message, _c, _x in extract_from_dir(str(ROOT / "simsoft"), _sections(), keywords=KEYWORDS):
        found.setdefault(message if isinstance(message, str) else tuple(message), f"{filename}:{lineno}")
    return found


def test_every_simsoft_message_is_translated_in_arabic_and_french(extracted):
    assert len(extracted) > 150
    missing = []
    for lang in ("ar", "fr"):
        with open(catalog_path(lang), "rb") as fh:
            cat = read_po(fh, locale=lang)
        for msgid, where in extracted.items():
            msg = cat.get(msgid if isinstance(msgid, str) else msgid[0])
            strings = () if msg is None else (msg.string if isinstance(msg.string, tuple) else (msg.string,))
            if msg is None or not strings or not all(s.strip() for s in strings) or msg.fuzzy:
                missing.append(f"{lang}: {msgid!r} ({where})")
            elif isinstance(msgid, tuple) and len(strings) != cat.num_plurals:
                missing.append(f"{lang}: {msgid!r}: {len(strings)} forms, the language has {cat.num_plurals}")
            for k, s in enumerate(strings):
                ids = msgid if isinstance(msgid, tuple) else (msgid,)
                wanted = set().union(*(set(PLACEHOLDER.findall(i)) for i in ids))
                have = set(PLACEHOLDER.findall(s))
                # An Arabic plural form may say the number in words ("شخصان"); the general form keeps it.
                if not (have == wanted or (isinstance(msgid, tuple) and k < len(strings) - 1 and wanted - have <= {"num"})):
                    missing.append(f"{lang}: {ids[0]!r} form {k}: placeholders {sorted(have)} vs {sorted(wanted)}")
    assert not missing, "\n".join(missing)


def test_the_catalogs_ship_in_the_wheel():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    shipped = {p for pattern in patterns["simsoft"] for p in (ROOT / "simsoft").glob(pattern)}
    assert {catalog_path(lang) for lang in ("en", "ar", "fr")} <= shipped
    assert "--lang ar" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs it from the installed wheel


def test_language_from_option_and_environment(monkeypatch):
    monkeypatch.delenv("SIMSOFT_LANG", raising=False)
    assert default_language(None) == "en" and default_language("AR") == "ar"
    monkeypatch.setenv("SIMSOFT_LANG", "fr")
    assert default_language(None) == "fr"
    monkeypatch.setenv("SIMSOFT_LANG", "xx")
    with pytest.raises(LanguageError, match=r"SIMSOFT_LANG: 'xx' is not a language of simsoft"):
        default_language(None)


@pytest.fixture(scope="module")
def result():
    return run(load_scenario(POW), seed=1)


LATIN = re.compile(r"[A-Za-z]{3,}")


def test_the_run_summary_speaks_arabic_and_french(result):
    zones = {w for z in result.scenario.venue.zones for w in z.label.split()}
    allowed = zones | set(result.scenario.name.split()) | set(result.scenario.incident.label.split()) | {"simsoft"}
    for lang in ("ar", "fr"):
        text = " ".join(conclusion_sentences(result, lang)) + " " + " ".join(f"{k} {v}" for k, v in summary_rows(result, lang))
        if lang == "ar":  # nothing Latin but the scenario's own names
            assert not set(LATIN.findall(text)) - allowed, sorted(set(LATIN.findall(text)) - allowed)
        else:
            assert not re.search(r"\b(?:people|left the venue|were out|never|casualties|deaths|inside|reached)\b", text)
    ar = conclusion_sentences(result, "ar")
    assert ar[0].startswith("غادر المكان 1,491 من أصل 1,500 شخص (99.4 %)") and "تُحسب الأوقات من بداية التشغيل." in ar
    fr = dict(summary_rows(result, "fr"))
    assert fr["dans le lieu"] == "1\u202f500 personnes" and fr["graine"] == "1"
    en = dict(summary_rows(result))  # English as it always was
    assert en["in the venue"] == "1,500 people" and conclusion_sentences(result)[-1] == "Times count from the start of the run."


def test_run_and_report_write_an_arabic_report_with_arabic_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("SIMSOFT_LANG", "ar")  # the environment's default, as the facilitator reads it
    out = CliRunner().invoke(cli, ["run", str(POW), "--seed", "1", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "مجلد التشغيل" in out.output and "غادر المكان" in out.output
    folder = next(tmp_path.rglob("report.html")).parent
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page and "<h2>ما الذي حدث</h2>" in page and "تقرير التشغيل:" in page
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert "## ملخص" not in md and "## الملخص" in md and "## Summary" not in md
    # Rebuilt in French from the same files (--lang wins over the environment).
    out = CliRunner().invoke(cli, ["report", str(folder), "--lang", "fr"])
    assert out.exit_code == 0, out.output
    page = (folder / "report.html").read_text(encoding="utf-8")
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in page and "# Ce qui s'est passé" in md and "What happened" not in page
    out = CliRunner().invoke(cli, ["report", str(folder), "--lang", "de"])
    assert out.exit_code != 0 and "'de' is not a language of simsoft" in out.output and "Traceback" not in out.output


def test_figure_words_follow_the_language(result):
    import matplotlib

    matplotlib.use("Agg")
    from simsoft import plots

    def texts(fig) -> str:
        return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))

    ar = texts(plots.evacuation_curves(result, lang="ar")) + texts(plots.venue_map(result, color_by="casualties", lang="ar"))
    fr = texts(plots.evacuation_curves(result, lang="fr")) + texts(plots.venue_map(result, color_by="casualties", lang="fr"))
    en = texts(plots.evacuation_curves(result)) + texts(plots.venue_map(result, color_by="casualties"))
    from simsoft.plots.common import shape

    shaped = lambda text: shape(text, "ar")  # noqa: E731
    assert shaped("الأشخاص في كل منطقة") in ar and shaped("المصابون (أشخاص)") in ar
    assert "personnes dans chaque zone" in fr and "victimes (personnes)" in fr
    assert "people in each zone" in en and "people in each zone" not in ar + fr
    for draw, fr_word, ar_word in ((plots.incident_timeline, "chronologie de l'incident", "التسلسل الزمني للحادث"),
                                   (plots.casualty_flow, "flux des victimes", "تدفّق المصابين"),
                                   (plots.hospital_load, "lits d'hôpital occupés", "أسرّة المستشفيات المشغولة")):
        said = {lang: texts(draw(result, lang=lang)) for lang in ("ar", "fr")}
        assert fr_word in said["fr"] and shaped(ar_word) in said["ar"], draw.__name__
        english = re.compile(r"\b(?:time since start|decision by|incident in|casualties so far|beds in use|phase:)")
        assert not english.search(said["fr"] + said["ar"]), (draw.__name__, english.findall(said["fr"] + said["ar"]))


def test_simsoft_catalogs_use_the_glossary_terms():
    # docs/glossary.md fixes these for both domains.
    cats = {}
    for lang in ("ar", "fr"):
        with open(catalog_path(lang), "rb") as fh:
            cats[lang] = read_po(fh, locale=lang)
    for en, fr, ar in (("evacuate", "évacuer", "الإخلاء"), ("lockdown", "confinement", "الإغلاق الأمني"),
                       ("casualty collection point", "point de regroupement des victimes", "نقطة تجميع المصابين")):
        assert cats["fr"].get(en).string == fr and cats["ar"].get(en).string == ar
