"""A region file's names per language (``names:``, ``languages:``): validated at load like an exercise's, shown in
the reader's language, and a session in a language the file does not name is refused with each missing name;
the common decision refusals and the pages' confirmations in the reader's language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from simsoft.errors import ScenarioError
from simsoft.region import load_region, missing_names, names_by_language, region_names

from facilitator import load_exercise, start_session
from facilitator.exercise.decisions import DecisionError, parse_line
from facilitator.exercise.loader import check_language_coverage
from facilitator.exercise.refusals import say
from facilitator.i18n import translator

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
CITY = SCENARIOS / "regions" / "riverside-city.yaml"
FESTIVAL = '  festival: {en: Park Festival, fr: "Festival du parc", ar: "مهرجان الحديقة"}\n'


def copy_scenarios(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped scenarios under ``tmp_path`` with ``old`` replaced by ``new`` in riverside-city.yaml."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    region = tmp_path / "scenarios" / "regions" / "riverside-city.yaml"
    text = region.read_text(encoding="utf-8")
    assert old in text
    region.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path / "scenarios"


def test_the_shipped_regions_name_every_place_in_french_and_arabic_and_english_as_written():
    for path in sorted((SCENARIOS / "regions").glob("*.yaml")):
        region = load_region(path).region
        assert missing_names(region, "fr") == [] and missing_names(region, "ar") == []
        en = region_names(region, "en")
        assert en["region"] == region.name and all(en[s.id] == s.name for s in region.sites)
        assert all(en[h.id] == h.name for h in region.hospitals)  # English is the file's own names
    region = load_region(CITY).region
    assert region_names(region, "fr")["st_marks"] == "Église Saint-Marc"
    assert dict(names_by_language(region, "royal"))["ar"] == "المستشفى الملكي (مركز رئيسي لعلاج الإصابات البليغة)"


def test_names_are_validated_at_load_every_problem_at_once(tmp_path):
    bad = ('  festival: {en: Park Festival, fr: "Festival du parc", ar: "مهرجان الحديقة"}\n'
           '  festivl: {en: Fest}\n  amb_east: {fr: "Poste", ar: "مركز"}\n  pol_east: {en: East, FR: Est}\n'
           '  armed: {en: Armed, fr: "  "}\n')
    folder = copy_scenarios(tmp_path, FESTIVAL + "", bad)
    text = (folder / "regions" / "riverside-city.yaml").read_text(encoding="utf-8")
    # the later keys of the shipped block would repeat these ids: drop them
    for line in ('  amb_east: {en: East ambulance station', '  pol_east: {en: East police station',
                 '  armed: {en: Armed response base'):
        text = "\n".join(x for x in text.split("\n") if not x.startswith(line))
    (folder / "regions" / "riverside-city.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_region(folder / "regions" / "riverside-city.yaml")
    message = str(err.value)
    assert re.search(r"riverside-city\.yaml:\d+ names\.festivl: 'festivl' is not a site, hospital, ambulance base, "
                     r"police station or coordination team of the region, nor region or coordination", message)
    assert re.search(r"names\.amb_east: .*has no text in the fallback language 'en'", message)
    assert re.search(r"names\.pol_east\.FR: 'FR' is not a language code", message)
    assert re.search(r"names\.armed\.fr: .*a translation must be a non-empty text", message)
    assert re.search(r"names\.pol_east: 'pol_east' has no 'fr' name, but languages.covers lists 'fr'", message)


def test_a_session_in_a_language_the_region_file_does_not_name_is_refused_naming_each_place(tmp_path):
    folder = copy_scenarios(tmp_path, FESTIVAL, '  festival: {en: Park Festival, ar: "مهرجان الحديقة"}\n')
    region = folder / "regions" / "riverside-city.yaml"
    region.write_text(region.read_text(encoding="utf-8").replace("covers: [en, fr, ar]", "covers: [en, ar]"),
                      encoding="utf-8")
    loaded = load_exercise(folder / "exercises" / "riverside-city.yaml")
    check_language_coverage(loaded, "ar")  # Arabic is complete
    with pytest.raises(ScenarioError, match=r"riverside-city\.yaml:\d+ names\.festival: has no 'fr' name \(the "
                                            r"session's language; the region file's fallback is 'en'\)"):
        check_language_coverage(loaded, "fr")


def test_the_common_decision_refusals_are_said_in_the_readers_language():
    fr, ar, en = translator("fr"), translator("ar"), translator("en")
    cases = [("close door=gate", "close : paramètre inconnu 'door' (paramètres : connection)"),
             ("teleport zones=all", "action inconnue 'teleport' (actions connues : "),
             ("evacuate zones", "evacuate : 'zones' doit s'écrire clé=valeur (paramètres : "),
             ("request_ambulances count=inf", "request_ambulances : count=inf doit être un nombre fini")]
    for line, said in cases:
        with pytest.raises(DecisionError) as err:
            parse_line(line, team="venue")
        assert say(err.value, en) == str(err.value)  # English exactly as it was
        assert say(err.value, fr).startswith(said), say(err.value, fr)
        assert not re.search(r"unknown|must be|parameters", say(err.value, ar))


def test_missing_and_unknown_places_are_refused_in_french_with_the_choices(tmp_path):
    loaded = load_exercise(SCENARIOS / "exercises" / "place-of-worship.yaml")
    session = start_session(loaded, out_dir=tmp_path)
    session.advance_phase("conduct")
    fr = translator("fr")
    with pytest.raises(DecisionError) as err:
        session.decide(parse_line("close", team="venue"))
    assert str(err.value).startswith("close needs a connection: add connection=...")
    assert say(err.value, fr).startswith("close : il manque connection ; ajoutez connection=... (choix : ")
    with pytest.raises(DecisionError) as err:
        session.decide(parse_line("close connection=moat", team="venue"))
    assert "unknown connection 'moat'" in str(err.value)
    assert say(err.value, fr).startswith("close : porte ou passage inconnu(e) 'moat' (choix : "), say(err.value, fr)


def test_the_web_pages_confirm_in_their_language_and_name_the_venue_in_the_header(tmp_path):
    from facilitator.web import Room, create_app

    loaded = load_exercise(SCENARIOS / "exercises" / "place-of-worship.yaml")
    room = Room(lambda: start_session(loaded, out_dir=tmp_path))
    try:
        fr, ar = translator("fr"), translator("ar")
        assert room.note("a note", team=None, tr=fr) == "noté" and room.note("a note", team=None) == "noted"
        assert room.reopen_joining(tr=fr).startswith("connexions rouvertes : ")
        assert room.reopen_joining().startswith("joining reopened: ")
        room.control("start", tr=fr)
        room.control("hot_wash", tr=fr)
        capability = loaded.exercise.objectives[0].capability
        assert room.rate(capability, "M", "a reason", evaluator=None) == f"{capability}: rated M"
        said = room.rate(capability, "S", "a reason", evaluator=None, tr=ar)
        assert said.endswith("قُيِّمت S") and capability not in said  # the capability's name in Arabic too
        client = create_app(room).test_client()
        page = client.get("/").get_data(as_text=True)
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        client.post("/join", data={"csrf": token, "code": room.code_of_key("team:venue")})
        client.get("/lang?lang=ar&next=/team/venue")
        page = client.get("/team/venue").get_data(as_text=True)
        assert '<span class="venue" title="المكان">· دار العبادة</span>' in page
    finally:
        room.close()


@pytest.mark.parametrize(("lang", "venues"), [
    ("fr", ["Gare d'interconnexion centrale", "Lieu de culte", "Stade (60 000 places)",
            "Festival de plein air de Meadowlands"]),
    ("en", ["Central interchange station", None, "Stadium (60,000 seats)", "Meadowlands open-air festival"])])
def test_the_situation_manuals_table_of_sites_names_each_venue_in_the_readers_language(lang, venues):
    """The Venue column reads each site scenario's own ``names: venue:`` (it stayed English in a French SitMan)."""
    from facilitator.documents.region_plan import region_tables

    loaded = load_region(CITY)
    kind, header, rows, _opts = region_tables(loaded, translator(lang))[0]
    assert kind == "table" and len(rows) == 4
    for row, venue in zip(rows, venues):
        if venue is not None:
            assert row[1] == venue, rows
    if lang == "fr":
        assert header[:2] == ["Site", "Lieu"] and rows[0][0] == "Gare centrale", (header, rows)
