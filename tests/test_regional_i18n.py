"""A regional exercise in Arabic and French: the situation report and the AAR/IP (regional findings, outcomes over
replications of the region) leave no English sentence; English stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from click.testing import CliRunner

import facilitator.i18n as i18n
from facilitator.cli import exercise as exercise_cli
from facilitator.conduct.sitrep import render_lines
from facilitator.conduct.store import open_session
from facilitator.i18n import catalog_path

ROOT = Path(__file__).resolve().parents[1]
REGION = ROOT / "scenarios" / "regions" / "riverside-city.yaml"


def _t(en: str, fr: str, ar: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "ar": ar}


EXERCISE = {
    "exercise": {"name": _t("City drill", "Exercice de ville", "تمرين المدينة"), "region": str(REGION),
                 "type": "tabletop", "seed": 1, "ends_at": "100 min", "mission_areas": ["response"]},
    "languages": {"fallback": "en", "covers": ["en", "fr", "ar"]},
    "objectives": [{"id": "OBJ1", "text": _t("Ambulances are shared between the sites.",
                                             "Les ambulances sont partagées entre les sites.",
                                             "تُتقاسم سيارات الإسعاف بين المواقع."),
                    "capability": "Public Health, Healthcare, and Emergency Medical Services",
                    "critical_tasks": [
                        {"id": "CT1", "text": _t("Mutual aid requested", "Renforts extérieurs demandés",
                                                 "طلب المساعدة المتبادلة"), "standard": "10 min"},
                        {"id": "CT2", "text": _t("Ambulances reassigned to the second site",
                                                 "Ambulances réaffectées au second site",
                                                 "إعادة تخصيص سيارات الإسعاف للموقع الثاني"), "standard": "5 min"}]}],
    "teams": [{"id": "ambulance_control", "name": _t("Ambulance control", "Régulation ambulancière", "مركز تنسيق الإسعاف"),
               "knows_as": "region", "may": ["mutual_aid", "reassign_units", "posture"]},
              {"id": "control", "name": _t("Exercise control", "Direction de l'exercice", "إدارة التمرين"),
               "role": "controller"}],
    "modules": [{"id": "M1", "name": _t("Two sites", "Deux sites", "موقعان"), "phase": "response",
                 "questions": [_t("Who decides which site gets the next ambulance?",
                                  "Qui décide quel site reçoit la prochaine ambulance ?",
                                  "من يقرر أي موقع يحصل على سيارة الإسعاف التالية؟")]}],
    "msel": [
        {"id": "I1", "module": "M1", "at": "4 min", "site": "station", "to": ["ambulance_control"], "method": "radio",
         "sender": _t("Ambulance control room", "Salle de régulation", "غرفة تنسيق الإسعاف"),
         "text": _t("Many people are hurt at the station at {t}.", "De nombreuses personnes sont blessées à la gare à {t}.",
                    "أُصيب كثيرون في المحطة عند {t}."),
         "expect": [{"team": "ambulance_control", "action": "mutual_aid", "task": "CT1",
                     "doctrine": {"kind": "ambulance", "count": 4}}]},
        {"id": "I3", "module": "M1", "when": {"event": "incident.start"}, "site": "st_marks", "to": ["ambulance_control"],
         "method": "radio", "sender": _t("Ambulance control room", "Salle de régulation", "غرفة تنسيق الإسعاف"),
         "text": _t("People are hurt at the church at {t}.", "Des personnes sont blessées à l'église à {t}.",
                    "أُصيب أشخاص في الكنيسة عند {t}."),
         "expect": [{"team": "ambulance_control", "action": "reassign_units", "task": "CT2",
                     "doctrine": {"from": "station", "to": "st_marks", "count": 2}}]}],
}

DECISIONS = {"decisions": [
    {"inject": "I1", "team": "ambulance_control", "do": "mutual_aid", "kind": "ambulance", "count": 4},
    # a lockdown where harm is happening: a contrary finding at the second site
    {"inject": "I3", "team": "ambulance_control", "do": "posture", "sites": ["st_marks"], "measure": "lockdown"},
    {"inject": "I3", "team": "ambulance_control", "do": "reassign_units", "from": "station", "to": "st_marks", "count": 2}]}

NAMES = re.compile(r"Riverside City|Central Station|St Mark's|Riverside Stadium|Park Festival|Royal Infirmary|"
                   r"St Mary's General|East City Hospital|major trauma centre|trauma unit|local emergency hospital|"
                   r"Central ambulance station|East ambulance station|Central police station|East police station|"
                   r"Armed response base")
"""Proper names of the region file in English: its names: block names each of them in French and Arabic, so
none is left in a French or Arabic page."""


def load_region_scenarios() -> list[set[str]]:
    """Every zone, exit and door id of every site of the region."""
    from simsoft.region import load_region

    loaded = load_region(REGION)
    return [{z.id for z in sc.venue.zones} | {x.id for x in sc.venue.exits} | {c.id for c in sc.venue.connections}
            for sc in loaded.scenarios.values()]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("regional-i18n")
    ex = out / "city.yaml"
    ex.write_text(yaml.safe_dump(EXERCISE, sort_keys=False, allow_unicode=True), encoding="utf-8")
    dec = out / "city-decisions.yaml"
    dec.write_text(yaml.safe_dump(DECISIONS, sort_keys=False), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(exercise_cli, ["start", str(ex), "--decisions", str(dec), "--out", str(out), "--no-figures"])
    assert res.exit_code == 0, res.output
    folder = next(out.rglob("session.sqlite")).parent
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
            args = ["report", str(folder), "-n", "3", "--no-progress", "--executor", "serial", "--out", str(out / lang),
                    "--lang", lang]
            res = runner.invoke(exercise_cli, args)
            assert res.exit_code == 0, res.output
            docs[lang] = (out / lang / "aar.md").read_text(encoding="utf-8")
        session = open_session(folder)
        sitreps = {lang: "\n".join(render_lines(session.sitrep_lines("ambulance_control"), lang)) for lang in ("en", "fr", "ar")}
    finally:
        mp.undo()
    return docs, sitreps, asked


def test_every_message_the_regional_aar_asked_for_is_translated(reports):
    _, _, asked = reports
    for lang in ("fr", "ar"):
        with open(catalog_path(lang), "rb") as fh:
            cat = read_po(fh, locale=lang)
        untranslated = sorted(m for m in asked[lang] if not (cat.get(m) and cat.get(m).string))
        assert not untranslated, f"{lang}: untranslated: {untranslated}"


def test_no_english_is_left_in_the_arabic_and_french_regional_aar_and_sitrep(reports):
    docs, sitreps, _ = reports
    assert "## Regional findings" in docs["en"] and "| Deaths: St Mark's |" in docs["en"]
    assert "## Constats régionaux" in docs["fr"] and "Décès : Église Saint-Marc" in docs["fr"]
    assert "## النتائج الإقليمية" in docs["ar"] and "كنيسة القديس مرقس" in docs["ar"]
    for lang in ("fr", "ar"):  # the region file's names: block names every place in both languages
        assert not NAMES.findall(docs[lang]) and not NAMES.findall(sitreps[lang]), (lang, NAMES.findall(docs[lang]),
                                                                                     NAMES.findall(sitreps[lang]))
    # ids, as the English AAR shows them too: the sites' zones, exits and doors (the region file names its own
    # places, not the venues' zones), reason codes (incident_known), field paths and commands
    ids = {i for sc in load_region_scenarios() for i in sc}
    allowed = re.compile(r"\b(?:[A-Z]+\d+(?:\.\d+)?c?|[a-z_-]+\.(?:yaml|md|csv|png|handling)|docs/[\w./-]+|[a-z]+(?:_[a-z]+)+|"
                         r"exercise evaluate SESSION --from|--replications|p90|station|stadium|festival|ambulance|control|note|"
                         + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r"|min|s|h|P|S|M|U)\b")
    for lang in ("fr", "ar"):
        for what, text in (("aar", docs[lang]), ("sitrep", sitreps[lang])):
            text = allowed.sub("", text)
            if lang == "ar":
                left = sorted(set(re.findall(r"[A-Za-z]{3,}(?:[ '-][A-Za-z]{2,})*", text)))
            else:
                left = sorted(set(re.findall(r"\b(?:the|with|was|were|after|never|within|which|taken|people|expected|"
                                             r"decisions|inside|free|waiting|beds used|casualties|not computed|"
                                             r"no meaningful|seed)\b[^|.]{0,30}", text)))
            assert not left, f"{lang} {what}: English left: {left[:20]}"


def test_english_regional_texts_are_as_they_were(reports):
    docs, sitreps, _ = reports
    assert sitreps["en"].startswith("REGION at ") and "\nsite St Mark's (st_marks): incident since " in sitreps["en"]
    assert "Each replication runs the whole region" in docs["en"]


RIVERSIDE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"

ENGLISH_AT_THE_REGIONAL_CONSOLE = (
    "inside=", "out=", "casualties=", "units on scene", "beds used", "free", "queued", "AT CAPACITY", "diverted",
    "scheduled", "[trigger]", "released", "pending", "REGION at", "hospital ", "people", "exercise time",
    "Exercise:", "Region:", "The ", " the ", "unknown parameter", "unknown action", "Riverside City", "Central Station",
    "St Mark's", "Royal Infirmary", "St Mary's", "East City", "Park Festival", "Riverside Stadium")
"""English a French or Arabic reader of the regional console must not see: its key numbers, reports, MSEL,
refusals and the region file's names (its names: block names them in both languages)."""


def test_the_riverside_exercise_plays_at_the_console_in_french_and_arabic_without_english(tmp_path):
    """The shipped regional exercise released at the console in French and Arabic (a decision, a refused decision,
    the region's report, the MSEL): no English sentence, and the venue's name (the region) in the banner."""
    from facilitator import load_exercise, start_session
    from facilitator.conduct.console import Console

    loaded = load_exercise(RIVERSIDE)
    teams = tuple(f"{t.id}> " for t in loaded.exercise.teams)
    banners = {"fr": "Région : Ville de Riverside", "ar": "المنطقة: مدينة ريفرسايد"}
    for lang in ("fr", "ar"):
        session = start_session(loaded, out_dir=tmp_path / lang)
        typed = ["", "", "", "sitrep", "status", *[""] * 14, "status", "sitrep", "quit"]
        turns = ["mutual_aid kind=ambulance count=4 -- ask the neighbours", "mutual_aid kind=ambulance colour=red",
                 "mutual_aid kind=ambulance count=inf", "teleport units=2", ""]
        said: list[str] = []

        def read(prompt: str) -> str:
            said.append(prompt)
            if prompt.startswith(teams):
                return turns.pop(0) if prompt.startswith("ambulance_control> ") and turns else ""
            return typed.pop(0)

        Console(session, read=read, write=said.append, figures=False, lang=lang).run()
        text = "\n".join(line for line in said[:-1]  # the last line names the session folder
                         if not line.startswith(teams) and "mutual_aid kind=ambulance count=4" not in line)
        assert banners[lang] in text
        assert text.count("\n== ") >= 8 and not typed, text[-2000:]  # the MSEL went by, not only its start
        refusals = [line for line in said if "refus" in line or "مرفوض" in line]
        assert len(refusals) == 3, refusals  # an unknown parameter, a number that is not finite, an unknown verb
        left = [word for word in ENGLISH_AT_THE_REGIONAL_CONSOLE if word in text]
        (tmp_path / f"console-{lang}.txt").write_text(text, encoding="utf-8")
        assert not left, f"{lang}: English left at the regional console: {left}"
        if lang == "ar":  # the only Latin words left are ids and commands one types back
            latin = set(re.findall(r"[A-Za-z_]{3,}", text))
            assert latin <= {"sitrep", "note", "help", "questions", "next", "end", "mutual_aid", "kind", "ambulance",
                             "colour", "count", "inf", "teleport", "units", "known", "assign_units", "reassign_units",
                             "release_units", "distribution", "divert", "posture", "public_information", "site",
                             "transfer", "action", "via", "reach", "tau", "delay", "hospitals", "sites", "base", "armed",
                             "station", "st_marks", "stadium", "festival"}, latin
