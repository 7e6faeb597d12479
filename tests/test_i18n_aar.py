"""The AAR/IP in Arabic and French: one scripted place-of-worship session reported in three languages.

The session's journal is language-neutral, so ``exercise report --lang`` renders the same session's
AAR/IP in any language. English stays as it always was; Arabic and French leave no English sentence
(every message asked for is translated in the catalog, no English phrase left in the text), Arabic is
right to left (``dir="rtl"``) and is printed by Chromium to PDF and PNG (``outputs/i18n-aar/``, to look at).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

import facilitator.i18n as i18n
from facilitator.cli import exercise
from facilitator.documents.pdf import find_chromium, html_to_pdf, html_to_png
from facilitator.i18n import catalog_path, translator

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "scenarios" / "exercises"
POW = EX / "place-of-worship.yaml"
SHOTS = ROOT / "outputs" / "i18n-aar"
N = "4"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The contrary-decisions session of place-of-worship, reported in en, fr and ar; the messages each asked for."""
    out = tmp_path_factory.mktemp("pow-aar")
    runner = CliRunner()
    res = runner.invoke(exercise, ["start", str(POW), "--decisions", str(EX / "place-of-worship-contrary-decisions.yaml"),
                                   "--out", str(out), "--no-figures"])
    assert res.exit_code == 0, res.output
    folder = sorted(p.parent for p in out.rglob("session.sqlite"))[-1]
    asked: dict[str, set[str]] = {}
    call, gettext = i18n.Translator.__call__, i18n.Translator.gettext

    def spy_call(self, message, **values):  # type: ignore[no-untyped-def]
        asked.setdefault(self.lang, set()).add(message)
        return call(self, message, **values)

    def spy_gettext(self, message, **values):  # type: ignore[no-untyped-def]
        asked.setdefault(self.lang, set()).add(message)
        return gettext(self, message, **values)

    mp = pytest.MonkeyPatch()
    mp.setattr(i18n.Translator, "__call__", spy_call)
    mp.setattr(i18n.Translator, "gettext", spy_gettext)
    try:
        docs = {}
        for lang in ("en", "fr", "ar"):
            args = ["report", str(folder), "-n", N, "--no-progress", "--executor", "serial", "--out", str(out / f"aar-{lang}")]
            res = runner.invoke(exercise, args + ([] if lang == "en" else ["--lang", lang]))
            assert res.exit_code == 0, res.output
            docs[lang] = out / f"aar-{lang}"
    finally:
        mp.undo()
    return folder, docs, asked


def _text(folder: Path) -> str:
    return (folder / "aar.md").read_text(encoding="utf-8")


def _free_texts() -> list[str]:
    """What people wrote and the documents quote as written: the decisions' rationales."""
    import yaml

    data = yaml.safe_load((EX / "place-of-worship-contrary-decisions.yaml").read_text(encoding="utf-8"))
    return [d["rationale"] for d in data["decisions"] if d.get("rationale")]


def test_every_message_the_arabic_and_french_aar_asked_for_is_translated(reports):
    _, _, asked = reports
    for lang in ("fr", "ar"):
        with open(catalog_path(lang), "rb") as fh:
            cat = read_po(fh, locale=lang)
        untranslated = sorted(m for m in asked[lang] if not (cat.get(m) and cat.get(m).string))
        assert len(asked[lang]) > 100 and not untranslated, f"{lang}: untranslated: {untranslated}"


def test_no_english_sentence_is_left_in_the_arabic_and_french_aar(reports):
    _, docs, _ = reports
    allowed = re.compile(r"\b(?:[A-Z]+\d+(?:\.\d+)?c?|[a-z_-]+\.(?:yaml|md|csv|png)|docs/[\w./-]+|Radestad et al|Hirshberg et al|"
                         r"exercise evaluate SESSION --from|--replications|note|venue|police|ems|recovery|control|evaluators|"
                         r"observers|min|s|h|P|S|M|U)\b")
    for lang in ("fr", "ar"):
        text = _text(docs[lang])
        for quoted in _free_texts():
            text = text.replace(quoted, "")
        text = allowed.sub("", text)
        if lang == "ar":
            # Arabic: any Latin word left is English (or an id the allow-list does not know).
            left = sorted(set(re.findall(r"[A-Za-z]{3,}(?:[ '-][A-Za-z]{2,})*", text)))
        else:
            # French: English function words never occur in French sentences.
            left = sorted(set(re.findall(r"\b(?:the|with|was|were|after|never|within|which|taken|people|expected|"
                                         r"decisions|action taken|not computed|no meaningful)\b[^|.]{0,30}", text)))
        assert not left, f"{lang}: English left: {left[:20]}"


def test_english_is_unchanged_by_the_languages(reports):
    _, docs, _ = reports
    en = _text(docs["en"])
    assert en.startswith("**OFFICIAL - for exercise participants") and "## Executive summary" in en
    assert "| D4 | venue | I4 | 5 min 30 s | close connection=lobby_front | closes lobby_front, a way out, while people " in en
    html = (docs["en"] / "aar.html").read_text(encoding="utf-8")
    assert '<html lang="en"><head>' in html and "dir=" not in html.split("<body>")[0]


def test_the_arabic_and_french_aar_say_the_same_session(reports):
    _, docs, _ = reports
    ar, fr = _text(docs["ar"]), _text(docs["fr"])
    assert "# تقرير ما بعد العمل / خطة التحسين: تمرين طاولة: الصلاة الأسبوعية الرئيسية في دار عبادة" in ar
    assert "## الإجراءات المعاكسة والأوامر المُلغاة" in ar and "## Actions contraires et ordres non suivis" in fr
    # The contrary closure, with the door's name and the rule in words; the same decision ids in every language.
    assert re.search(r"\| D4 \| venue \| I4 \| 5 د 30 ث \| الإغلاق \(الأبواب الأمامية للردهة\) \| يغلق الأبواب الأمامية للردهة، "
                     r"وهو مخرج", ar)
    assert re.search(r"\| D4 \| venue \| I4 \| 5 min 30 s \| fermeture \(portes avant du hall d'entrée\) \| ferme portes avant "
                     r"du hall d'entrée, une sortie", fr)
    # Numbers per locale: French groups thousands with a narrow space and writes a decimal comma.
    assert re.search(r"\| \d\u202f\d{3} \|", fr) and re.search(r"\| \d+,\d min \|", fr)
    assert re.search(r"\| \d,\d{3} \|", ar) and re.search(r"\| \d+\.\d د \|", ar)  # Latin digits, Arabic units
    assert re.search(r"\d+ (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) 20\d\d", fr)
    for doc in (ar, fr):
        assert doc.count("| D") >= 2 * 8  # the decision log and the contrary table list the decisions
    assert "Appendix" not in ar and "Annexe B : participants à l'exercice" in fr
    # The scenario's title in the reader's language (names: scenario:); English keeps the file's name alone.
    assert "Incident dans un lieu de culte (place-of-worship.yaml)" in fr
    assert "حادث في دار عبادة (place-of-worship.yaml)" in ar


def test_the_arabic_aar_is_right_to_left_and_prints(reports):
    _, docs, _ = reports
    page = docs["ar"] / "aar.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html and "border-right:4px solid" in html
    assert '<html lang="fr" dir="ltr">' in (docs["fr"] / "aar.html").read_text(encoding="utf-8")
    if find_chromium() is None:
        pytest.skip("no chromium on PATH to print the Arabic AAR")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = html_to_pdf(page, SHOTS / "aar-ar.pdf")
    png = html_to_png(page, SHOTS / "aar-ar.png", width_px=900, height_px=1400)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    assert png.stat().st_size > 50_000
    for name in ("timeline.png", "outcomes.png", "venue.png"):
        (SHOTS / f"ar-{name}").write_bytes((docs["ar"] / name).read_bytes())


def test_the_venue_figure_speaks_the_reader_language(reports):
    import matplotlib.pyplot as plt

    from facilitator.conduct.store import _rebuild
    from facilitator.evaluation.venue_figure import venue_figure

    session, _, _ = _rebuild(reports[0])

    def texts(fig):  # every text drawn: titles, annotations, axis labels and the legend
        found = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
        return [t for t in found if t]

    fig, caption = venue_figure(session)
    en = texts(fig)
    assert caption.startswith("The venue at simulated time") and "exit used" in en and "Prayer hall\n10 hurt" in en
    plt.close(fig)
    fig, caption = venue_figure(session, tr=translator("fr"))
    fr = texts(fig)
    assert caption.startswith("Le lieu au temps simulé") and "sorties utilisées sur" in caption
    assert "sortie utilisée" in fr and "Salle de prière\n10 blessés" in fr and "x (m)" in fr
    assert not {"exit used", "door / opening (schematic: not to scale)", "Prayer hall\n10 hurt"} & set(fr)
    plt.close(fig)
    fig, caption = venue_figure(session, tr=translator("ar"))
    ar = " ".join(texts(fig)) + caption
    assert not re.findall(r"\b(?:exit|hurt|out|level|door|incident|venue)\b", ar.replace("Place of worship", ""))
    plt.close(fig)


def test_arabic_figure_labels_are_arabic_and_shaped_when_matplotlib_cannot():
    from facilitator.evaluation.outcomes import METRICS
    from facilitator.evaluation.plots import native_layout, outcomes_figure, shape

    arm = {"mean": 60.0, "mean_ci_low": 30.0, "mean_ci_high": 90.0, "n": 4}
    summary = {m: {"arms": {a: arm for a in ("team", "doctrine", "no_action")}} for m, _, _ in METRICS}
    fig = outcomes_figure(summary, metrics=METRICS, replications=4, tr=translator("ar"))
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    if native_layout():  # matplotlib lays Arabic out itself: the labels are the catalog's words
        assert "الوفيات" in titles and fig.texts[0].get_text().startswith("النتائج عبر 4")
    # An older matplotlib gets joined letters (presentation forms) in display order.
    shaped = shape("قاعة الصلاة", "ar", native=False)
    assert re.search(r"[\uFE70-\uFEFF]", shaped) and shaped != "قاعة الصلاة"
    assert shape("قاعة الصلاة", "ar", native=True) == "قاعة الصلاة"


def test_report_language_is_checked_against_the_exercise(tmp_path):
    runner = CliRunner()
    res = runner.invoke(exercise, ["start", str(EX / "community-hall.yaml"), "--decisions",
                                   str(EX / "community-hall-decisions.yaml"), "--out", str(tmp_path), "--no-figures"])
    assert res.exit_code == 0, res.output
    folder = sorted(p.parent for p in tmp_path.rglob("session.sqlite"))[-1]
    res = runner.invoke(exercise, ["report", str(folder), "-n", "0", "--lang", "ar"])
    assert res.exit_code != 0 and "has no 'ar' translation" in res.output and "Traceback" not in res.output
    assert not (folder / "aar" / "aar.md").exists()  # nothing half-written
    res = runner.invoke(exercise, ["report", str(folder), "-n", "0", "--lang", "de"])
    assert res.exit_code != 0 and "'de' is not a language of simsoft" in res.output


def test_reasons_and_rules_are_said_again_in_another_language():
    from facilitator.evaluation.aar import proposal_reason
    from facilitator.evaluation.contrary import Contrary, rule_words

    proposed = {"rating": "M", "reason": "timeliness 2/4: 1 missing or too late, 1 late; ...",
                "timeliness": {"points": 3, "possible": 4, "missing": 0, "late": 1}, "worse": ["egress.t95_s"]}
    assert proposal_reason(proposed, translator("en")) == proposed["reason"]  # English: as journaled
    assert proposal_reason(proposed, translator("fr")) == (
        "délais 3/4 (≥ 75 %, aucune manquante) : quelques actions en retard ; moins bien que la doctrine pour : "
        "durée d'évacuation à 95 % : S → M")
    # The indicators by their names in every language, never their metric ids (English included).
    worse = ["incident.exposed_person_min", "medical.t_last_immediate_at_hospital_s"]
    proposed = {"rating": "M", "reason": f"timeliness 3/4 (≥ 75 %, none missing): some actions late; worse than doctrine "
                                         f"on {', '.join(worse)}: S → M",
                "timeliness": {"points": 3, "possible": 4, "missing": 0, "late": 1}, "worse": worse}
    said = {lang: proposal_reason(proposed, translator(lang)) for lang in ("en", "fr", "ar")}
    assert said["en"].endswith("worse than doctrine on exposed person-minutes, last immediate patient at hospital: S → M")
    assert "personnes-minutes exposées" in said["fr"] and "الوفيات" not in said["ar"] and "دقائق التعرض" in said["ar"]
    assert not any(re.search(r"[a-z]+\.[a-z_]+", text) for text in said.values()), said
    c = Contrary(decision="D3", team="venue", inject="I4", t_s=330.0, action="shelter zones=prayer_hall", rule="x",
                 why=("%(verb)s where harm is happening (%(zones)s)", (("verb", "shelter"), ("zones", ["prayer_hall", "gallery"]))))
    assert rule_words(c, translator("ar"), {"prayer_hall": "قاعة الصلاة", "gallery": "الشرفة"}) == (
        "الاحتماء في المكان حيث يقع الأذى (قاعة الصلاة، الشرفة)")
    assert rule_words(c, translator("en"), {}) == "x"


# -- the printed documents -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """The Situation Manual, evaluator packet and controller packet of place-of-worship in en, fr and ar (no PDF)."""
    out = tmp_path_factory.mktemp("pow-documents")
    runner = CliRunner()
    for lang in ("en", "fr", "ar"):
        for kind in ("sitman", "eeg", "controller-packet"):
            res = runner.invoke(exercise, [kind, str(POW), "--no-pdf", "--lang", lang, "--out", str(out / lang)])
            assert res.exit_code == 0, res.output
    return out


STEMS = ("situation-manual", "evaluator-packet", "controller-packet")


def test_printed_documents_in_arabic_and_french(documents):
    for stem in STEMS:
        ar = (documents / "ar" / f"{stem}.md").read_text(encoding="utf-8")
        fr = (documents / "fr" / f"{stem}.md").read_text(encoding="utf-8")
        assert '<html lang="ar" dir="rtl">' in (documents / "ar" / f"{stem}.html").read_text(encoding="utf-8")
        assert ar.startswith("**رسمي - للمشاركين في التمرين") and fr.startswith("**OFFICIEL - réservé")
        # Left in English: ids (also quoted in the file's own notes), live-value markers ([inside]), event kinds,
        # the scenario's file and the venue's name (a scenario text, not the exercise's).
        text = re.sub(r"\[[\w.]+\]|\b[a-z]+(?:\.[a-z_]+)+\b|\b[a-z]+_[a-z0-9_]+\b|\b[A-Z]+\d+(?:\.\d+)?c?\b|[\w-]+\.(?:yaml|md|png)|docs/[\w./-]+|"
                      r"Place of worship|Radestad et al|Hirshberg et al|\b(?:venue|police|ems|recovery|control|evaluators|"
                      r"observers|EEG|MSEL)\b", "", ar)
        left = sorted(set(re.findall(r"[A-Za-z]{3,}(?: [A-Za-z]{2,})*", text)))
        assert not left, f"{stem}: English left in Arabic: {left[:20]}"
        assert not re.search(r"\b(?:the|with|when|after|which|people|released)\b", re.sub(r"\[[\w.]+\]", "", fr)), stem
    sitman = (documents / "ar" / "situation-manual.md").read_text(encoding="utf-8")
    # The venue's own name in the reader's language (names: venue:), on the map's caption.
    assert "دار العبادة:" in sitman and "Lieu de culte :" in (documents / "fr" / "situation-manual.md").read_text("utf-8")
    assert "## أدوار المشاركين" in sitman and "| 1,200 |" in sitman  # capacities with Latin digits
    assert "مخرج: بوابة الحديقة" not in sitman  # map labels live in the PNG, not the text
    eeg = (documents / "fr" / "evaluator-packet.md").read_text(encoding="utf-8")
    assert "## Fiches d'observation" in eeg and "Stimulus I4 (module M2), diffusé à 5 min 30 s" in eeg


def test_english_documents_are_unchanged_by_the_languages(documents, tmp_path):
    runner = CliRunner()
    for kind in ("sitman", "eeg", "controller-packet"):
        res = runner.invoke(exercise, [kind, str(POW), "--no-pdf", "--out", str(tmp_path)])
        assert res.exit_code == 0, res.output
    for stem in STEMS:
        for ext in ("md", "html"):
            assert (tmp_path / f"{stem}.{ext}").read_bytes() == (documents / "en" / f"{stem}.{ext}").read_bytes()
    assert (tmp_path / "venue-map.png").read_bytes() == (documents / "en" / "venue-map.png").read_bytes()
    en = (documents / "en" / "evaluator-packet.md").read_text(encoding="utf-8")
    assert "## Observation sheets" in en and '<html lang="en"><head>' in (documents / "en" / "evaluator-packet.html").read_text()


def test_the_arabic_situation_manual_prints(documents):
    if find_chromium() is None:
        pytest.skip("no chromium on PATH")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = html_to_pdf(documents / "ar" / "situation-manual.html", SHOTS / "situation-manual-ar.pdf")
    png = html_to_png(documents / "ar" / "situation-manual.html", SHOTS / "situation-manual-ar.png", width_px=900,
                      height_px=1800)
    assert pdf.read_bytes().startswith(b"%PDF") and png.stat().st_size > 50_000
    (SHOTS / "venue-map-ar.png").write_bytes((documents / "ar" / "venue-map.png").read_bytes())


def test_the_web_console_links_the_aar_in_the_reader_language(tmp_path):
    from facilitator import load_exercise, start_session
    from facilitator.web import Room, create_app
    from tests.test_i18n import _join

    room = Room(lambda: start_session(load_exercise(POW), out_dir=tmp_path))
    try:
        app = create_app(room, lang="ar")
        fac = _join(app, room, "facilitator", "ar")
        assert 'id="aar-link"' in fac.get("/facilitator").get_data(as_text=True)
        resp = fac.get("/aar")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200 and '<html lang="ar" dir="rtl">' in page and "تقرير ما بعد العمل" in page
        assert "'unsafe-inline'" in resp.headers["Content-Security-Policy"]  # the document's own stylesheet
        assert "'unsafe-inline'" not in fac.get("/facilitator").headers["Content-Security-Policy"]
        fac.get("/lang?lang=fr&next=/")
        assert "Rapport après action / plan d&#x27;amélioration" in fac.get("/aar").get_data(as_text=True)
        team = _join(app, room, "team:venue", "ar")
        assert team.get("/aar").status_code == 403  # evaluators and the facilitator only
    finally:
        room.close()


def test_scripted_play_speaks_the_language_and_journals_the_same(tmp_path):
    from facilitator.conduct.journal import read_journal

    runner = CliRunner()
    said, journals = {}, {}
    drop = {"wall_utc", "folder", "created_utc", "session", "out_dir"}
    for lang in ("en", "ar"):
        res = runner.invoke(exercise, ["start", str(POW), "--decisions", str(EX / "place-of-worship-decisions.yaml"),
                                       "--out", str(tmp_path / lang), "--no-figures", "--lang", lang])
        assert res.exit_code == 0, res.output
        said[lang] = res.output
        folder = sorted(p.parent for p in (tmp_path / lang).rglob("session.sqlite"))[-1]
        entries, damage = read_journal(folder / "session.sqlite")
        assert damage is None
        journals[lang] = [(e.kind, {k: v for k, v in e.body.items() if k not in drop}) for e in entries]
    assert journals["ar"] == journals["en"]  # the language is the console's, never the journal's
    assert "I1 at 0 s (scheduled): Main weekly service under way" in said["en"]
    assert "I1 عند 0 ث (مُجدوَل): الصلاة الأسبوعية الرئيسية جارية" in said["ar"]
    assert "  D1 venue: close connection=courtyard_gate" in said["ar"]  # decisions as typed, in every language


def test_left_to_right_runs_are_isolated_on_a_right_to_left_page(reports):
    """``D7: 5 د`` in an Arabic cell: without an isolate the id, the colon and the number form one left-to-right run
    and the colon shows on the wrong side of the id (looked at in Chromium); with ``<bdi>`` it reads right to left."""
    from facilitator.documents.render import PrintDoc, render_html

    rows = [("D7: 5 د", "OBJ1: 3/4", "A patrol will look in when one is free.")]
    page = render_html(PrintDoc(title="t", blocks=[("table", ["a", "b", "c"], rows)], lang="ar"), ".")
    assert "<td><bdi>D7</bdi>: 5 د</td><td><bdi>OBJ1</bdi>: 3/4</td>" in page
    assert "<bdi>A patrol will look in when one is free.</bdi>" in page  # a quoted English sentence stays whole
    for lang in ("en", "fr"):  # left-to-right pages are as they were
        assert "<bdi>" not in render_html(PrintDoc(title="t", blocks=[("table", ["a"], [("D7: 5",)])], lang=lang), ".")
    _, docs, _ = reports
    aar = (docs["ar"] / "aar.html").read_text(encoding="utf-8")
    assert re.search(r"<td><bdi>D1</bdi>: [\u0600-\u06FF]", aar) and "<bdi>CT1.1</bdi>: " in aar
    assert "<bdi>" not in (docs["en"] / "aar.html").read_text(encoding="utf-8")
