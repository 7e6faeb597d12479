"""The web console without a browser: access codes, CSRF, team isolation, forms, live updates, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator import load_exercise, start_session
from facilitator.cli import exercise
from facilitator.conduct.journal import read_journal
from facilitator.exercise.decisions import DecisionError, parse_line
from facilitator.web import Room, create_app
from facilitator.web.forms import form_to_line, verb_forms
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(EXERCISE)


@pytest.fixture
def room(loaded, tmp_path):
    r = Room(lambda: start_session(loaded, out_dir=tmp_path))
    yield r
    r.close()


def _client(room, role_key: str | None):
    app = create_app(room)
    client = app.test_client()
    if role_key is not None:
        token = _token(client)
        resp = client.post("/join", data={"csrf": token, "code": room.code_of_key(role_key)})
        assert resp.status_code == 303
    return client


def _token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    if 'name="csrf"' not in page:  # a signed-in browser is redirected from / to its page
        page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _entries(room) -> int:
    return len(read_journal(room.session.folder / "session.sqlite")[0])


def test_repeated_wrong_codes_from_one_address_are_throttled(room):
    from facilitator.web.room import JOIN_ATTEMPTS, JOIN_WINDOW_S, AccessError

    now = [1000.0]
    room.clock = lambda: now[0]
    for _ in range(JOIN_ATTEMPTS):
        with pytest.raises(AccessError, match="not valid"):
            room.join("ZZZZ-ZZZZ", client="10.0.0.9")
    right = room.code_of_key("team:venue")
    with pytest.raises(AccessError, match=r"too many wrong codes from this address; wait 61 s"):
        room.join(right, client="10.0.0.9")  # even the right code waits: no guessing oracle
    assert room.join(right, client="127.0.0.1").team == "venue"  # other addresses are not affected
    now[0] += JOIN_WINDOW_S + 1
    assert room.join(right, client="10.0.0.9").team == "venue"


def test_codes_are_per_role_kept_beside_the_journal_and_reused(room, loaded):
    keys = set(room.codes)
    assert keys == {"facilitator", "team:venue", "team:police", "team:ems", "evaluator"}
    assert len(set(room.codes.values())) == len(keys)
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in room.codes.values())
    from facilitator.conduct.store import open_session

    again = Room(lambda: open_session(room.session.folder))
    try:
        assert again.codes == room.codes
        assert "secret_key" not in (room.session.folder / "web-access.json").read_text()  # no cookie key on disk
    finally:
        again.close()
    assert oct((room.session.folder / "web-access.json").stat().st_mode & 0o777) == "0o600"


def test_a_wrong_code_is_refused_and_changes_nothing(room):
    client = _client(room, None)
    before = _entries(room)
    resp = client.post("/join", data={"csrf": _token(client), "code": "ZZZZ-ZZZZ"})
    assert resp.status_code == 403
    assert "that code is not valid for this session" in resp.get_data(as_text=True)
    assert client.get("/facilitator").status_code == 403
    assert _entries(room) == before


def test_posts_without_a_valid_csrf_token_are_refused(room):
    client = _client(room, "facilitator")
    before = _entries(room)
    for data in ({"command": "start"}, {"command": "start", "csrf": "forged"}):
        resp = client.post("/facilitator/control", data=data)
        assert resp.status_code == 403
        assert "security token is missing or wrong" in resp.get_data(as_text=True)
    assert room.session.phase == "briefing" and _entries(room) == before
    # A token from another browser does not work either.
    other = _client(room, "facilitator")
    resp = client.post("/facilitator/control", data={"command": "start", "csrf": _token(other)})
    assert resp.status_code == 403


def test_a_team_reads_and_acts_only_as_itself(room):
    room.control("start")
    room.control("next")
    police = _client(room, "team:police")
    token = _token(police)
    before = _entries(room)
    assert police.get("/team/venue").status_code == 403
    resp = police.post("/team/venue/decide", data={"csrf": token, "verb": "close", "close.connection": "hall_foyer"})
    assert resp.status_code == 403
    assert "you joined as team police; you cannot read or act for team venue" in resp.get_data(as_text=True)
    assert police.post("/facilitator/control", data={"csrf": token, "command": "next"}).status_code == 403
    assert police.get("/evaluator").status_code == 403
    resp = police.post("/team/police/decide", data={"csrf": token, "verb": "evacuate", "evacuate.zones": "all"},
                       follow_redirects=True)
    assert "your team may not evacuate" in resp.get_data(as_text=True)
    assert _entries(room) == before and room.session.decisions == []


def test_a_form_decision_is_the_console_decision(room):
    room.control("start")
    room.control("next")
    venue = _client(room, "team:venue")
    form = {"csrf": _token(venue), "verb": "evacuate", "evacuate.zones": ["main_hall", "gallery"],
            "evacuate.via": "street", "after": "1min", "rationale": "away from the courtyard"}
    page = venue.post("/team/venue/decide", data=form, follow_redirects=True).get_data(as_text=True)
    assert "D1 applied at 1 min" in page
    made = room.session.decisions[0]
    console = parse_line("evacuate zones=main_hall,gallery via=street after=1min -- away from the courtyard", team="venue")
    assert (made.team, made.action, made.after_s, made.rationale, made.inject) == (
        "venue", console.action, console.after_s, console.rationale, "I1")
    # Refused by the engine's rules, as at the console: named, and nothing applied.
    bad = {"csrf": _token(venue), "verb": "close", "close.connection": "no_such_door"}
    page = venue.post("/team/venue/decide", data=bad, follow_redirects=True).get_data(as_text=True)
    assert "refused:" in page and "no_such_door" in page
    assert len(room.session.decisions) == 1


def test_form_to_line_takes_only_the_chosen_verb_and_rejects_smuggled_text():
    form = MultiDict([("verb", "alert"), ("alert.zones", "all"), ("alert.zones", "gallery"), ("close.connection", "x"),
                      ("rationale", "now\nplease")])
    assert form_to_line(form, allowed=["alert"]) == "alert zones=all -- now please"
    with pytest.raises(DecisionError, match="may not dispatch"):
        form_to_line(MultiDict([("verb", "dispatch")]), allowed=["alert"])
    with pytest.raises(DecisionError, match="choose an action"):
        form_to_line(MultiDict(), allowed=["alert"])
    with pytest.raises(DecisionError, match=r"zones: 'main_hall -- x' is not a valid value"):
        form_to_line(MultiDict([("verb", "alert"), ("alert.zones", "main_hall -- x")]), allowed=["alert"])


def test_verb_forms_offer_lists_from_the_scenario(loaded):
    forms = {f.verb: f for f in verb_forms(loaded, ["evacuate", "dispatch", "cordon", "close"])}
    zones = next(f for f in forms["evacuate"].fields if f.name == "zones")
    assert zones.kind == "multi" and ("all", "all zones") in zones.choices and len(zones.choices) == 8
    assert [v for v, _ in next(f for f in forms["dispatch"].fields if f.name == "unit").choices] == [
        "patrol_1", "patrol_2", "armed_response"]
    assert [v for v, _ in next(f for f in forms["cordon"].fields if f.name == "level").choices] == ["hot", "warm", "cold"]
    assert next(f for f in forms["close"].fields if f.name == "connection").kind == "select"


def test_live_updates_send_the_page_only_after_a_step(room):
    fac = _client(room, "facilitator")
    v = room.version
    assert fac.get(f"/live/facilitator?v={v}").get_json() == {"v": v}
    fac.post("/facilitator/control", data={"csrf": _token(fac), "command": "start"})
    data = fac.get(f"/live/facilitator?v={v}").get_json()
    assert data["v"] == v + 1 and data["phase"] == "conduct" and "Next inject" in data["regions"]["live"]
    venue = _client(room, "team:venue")
    assert set(venue.get("/live/team?v=0").get_json()["regions"]) == {"live-main", "live-side"}
    assert venue.get("/live/facilitator?v=0").status_code == 403


def test_controls_report_refusals_without_changing_anything(room):
    fac = _client(room, "facilitator")
    token = _token(fac)
    before = _entries(room)
    page = fac.post("/facilitator/control", data={"csrf": token, "command": "next"}, follow_redirects=True)
    assert "refused: the session is in briefing; this needs conduct" in page.get_data(as_text=True)
    assert _entries(room) == before
    fac.post("/facilitator/control", data={"csrf": token, "command": "start"})
    fac.post("/facilitator/control", data={"csrf": token, "command": "next"})
    page = fac.post("/facilitator/control", data={"csrf": token, "command": "end_module"}, follow_redirects=True)
    assert "module M1 ended" in page.get_data(as_text=True)
    page = fac.post("/facilitator/control", data={"csrf": token, "command": "hot_wash"}, follow_redirects=True)
    assert "now in hot wash" in page.get_data(as_text=True) and room.session.phase == "hot_wash"


def test_serve_is_registered_lazily_and_refuses_an_unknown_session(tmp_path):
    code = "import sys, facilitator, facilitator.cli; print('flask' in sys.modules, 'waitress' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    runner = CliRunner()
    result = runner.invoke(exercise, ["serve", "--help"])
    assert result.exit_code == 0 and "--session" in result.output and "127.0.0.1" in result.output
    result = runner.invoke(exercise, ["serve", str(EXERCISE), "--session", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no session 'nope'" in result.output


def test_refusals_on_the_pages_are_in_words_with_the_choices(room):
    """No schema path (``ratings[0].reason``, ``action connection:``) or ``Value error,`` reaches a page."""
    room.control("start")
    room.control("next")
    venue = _client(room, "team:venue")
    resp = venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "close", "close.connection": "",
                                                  "rationale": "keep them out"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "close: choose the door or passage from the list" in page
    assert "connection=" not in page.split('id="form-error"')[1].split("</p>")[0]
    resp = venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "close", "close.connection": "no_such_door",
                                                  "rationale": "keep them out"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "refused: close: unknown connection &#39;no_such_door&#39; (connections: hall_foyer," in page
    assert ">keep them out</textarea>" in page  # the rationale survives a refusal
    assert room.session.decisions == []
    room.control("hot_wash")
    evaluator = _client(room, "evaluator")
    page = evaluator.post("/evaluator/rate", data={"csrf": _token(evaluator), "capability": "Mass Care Services",
                                                   "rating": "P"}, follow_redirects=True).get_data(as_text=True)
    assert "refused: reason: rating P for &#39;Mass Care Services&#39; has no proposal to confirm: give a reason" in page
    assert "ratings[0]" not in page and "Value error" not in page


def test_discussion_only_injects_are_marked_for_the_facilitator(room):
    fac = _client(room, "facilitator")
    page = fac.get("/facilitator").get_data(as_text=True)
    row = re.search(r'data-inject="I8">(.*?)</tr>', page, re.S).group(1)
    assert "discussion" in row
    assert "discussion" not in re.search(r'data-inject="I1">(.*?)</tr>', page, re.S).group(1)
    room.control("start")
    room.control("now", "I8")
    page = fac.get("/facilitator").get_data(as_text=True)
    assert "Discussion only: no action answers this inject" in page


def test_the_ems_forms_offer_the_places_and_the_sites(loaded):
    forms = {f.verb: f for f in verb_forms(loaded, ["casualty_collection_point", "staging", "public_information"])}
    ccp = next(f for f in forms["casualty_collection_point"].fields if f.name == "zone")
    assert ccp.kind == "select" and [v for v, _ in ccp.choices][:2] == ["outside", "main_hall"]
    near = next(f for f in forms["staging"].fields if f.name == "near_ccp")
    assert near.kind == "select" and near.default == "true"
    site = next(f for f in forms["public_information"].fields if f.name == "site")
    assert [v for v, _ in site.choices] == ["school", "library"] and not site.required
    line = form_to_line(MultiDict([("verb", "staging"), ("staging.near_ccp", "true"), ("staging.zone", "")]),
                        allowed=["staging"])
    assert parse_line(line, team="ems").action == {"do": "staging", "near_ccp": True}


def _released_all(room):
    room.control("start")
    while room.session.phase == "conduct" and room.control("next").startswith("I"):
        yield


def test_the_projector_shows_nothing_controller_only(room, loaded):
    """The projector page and its live updates never carry controller notes, expected actions, the
    MSEL, injects not yet released, join codes or controls; the controller view does (so this can fail)."""
    fac = _client(room, "facilitator")
    ex = loaded.exercise
    notes = [i.notes.strip() for i in ex.msel if i.notes]
    assert notes and any(i.expect for i in ex.msel)
    seen_notes = set()
    for _ in _released_all(room):
        projector = fac.get("/projector").get_data(as_text=True)
        live = fac.get("/live/projector?v=0").get_json()["regions"]["live"]
        controller = fac.get("/facilitator").get_data(as_text=True)
        released = {s.inject.id for s in room.session.injects if s.released_s is not None}
        for page in (projector, live):
            assert "Controller notes" not in page and "Expected:" not in page and 'id="msel"' not in page
            assert "data-control" not in page and "Discussion only" not in page
            assert not any(code in page for code in room.codes.values())
            for note in notes:
                assert note[:40] not in page.replace("&#39;", "'").replace("&#34;", '"')
            for inj in ex.msel:
                # The longest literal stretch of an inject's text (no placeholders) shows only once released.
                stretch = max((part for part in inj.text.replace("}", "{").split("{")[::2]), key=len).strip()
                if inj.id not in released and len(stretch) >= 25 and not any(
                        stretch in i.text for i in ex.msel if i.id in released):
                    assert stretch not in page.replace("&#39;", "'"), f"{inj.id} shown before release"
        current = room.session.current_inject()
        if current is not None and current.inject.notes:
            assert "Controller notes" in controller
            seen_notes.add(current.inject.id)
    assert seen_notes  # the controller view showed notes the projector kept back


def test_team_forms_offer_choose_for_every_list_and_keep_what_was_typed(room):
    room.control("start")
    room.control("next")
    venue = _client(room, "team:venue")
    page = venue.get("/team/venue").get_data(as_text=True)
    selects = re.findall(r'<select name="([^"]+)"[^>]*>\s*(?:\{#.*?#\}\s*)?<option value="([^"]*)">([^<]*)<', page, re.S)
    assert len(selects) == page.count("<select name=") >= 2
    for name, value, text in selects:
        assert value == "" and text.startswith("choose…"), name
    # "close" with the list untouched is an error in words, not a silent close of the first door.
    resp = venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "close", "close.connection": "",
                                                  "after": "1min", "rationale": "keep the incident out"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "close: choose the door or passage from the list" in page
    assert ">keep the incident out</textarea>" in page and '<option value="close" selected>' in page
    assert '<option value="1min" selected>' in page
    resp = venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "shelter", "rationale": "hide"})
    assert "shelter: tick at least one of the zones (or all zones)" in resp.get_data(as_text=True)
    resp = venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "", "rationale": "not lost"})
    assert resp.status_code == 400 and "choose an action first" in resp.get_data(as_text=True)
    assert ">not lost</textarea>" in resp.get_data(as_text=True)
    assert room.session.decisions == [] and room.session.rejected == []
    # Refused by the session (paused): the form comes back as typed, the reason in words.
    room.control("pause")
    resp = venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "alert", "alert.zones": "all",
                                                  "rationale": "tell everyone"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "refused:" in page and "paused" in page
    assert ">tell everyone</textarea>" in page and 'value="all" checked' in page
    for leak in ("Field required", "literal[", "action zones", "Value error"):
        assert leak not in page


def test_plain_error_never_shows_the_validators_path():
    from facilitator.web.forms import plain_error

    assert plain_error(DecisionError("action zones: Field required")) == "zones: missing: choose it from the list"
    assert plain_error(DecisionError("action zones.literal['all']: must be one of 'all'")) == "zones: must be one of 'all'"


def test_situation_reports_on_the_pages_use_names_and_the_journal_keeps_ids(room):
    room.control("start")
    room.control("next")
    room.control("next")
    venue = _client(room, "team:venue")
    page = venue.get("/team/venue").get_data(as_text=True)
    sitrep = page.split('id="sitrep"')[1].split("</section>")[0]
    assert "Main hall 300" in sitrep and "main_hall" not in sitrep and "side_room" not in sitrep
    assert "venue_control" not in sitrep
    assert any("main_hall" in line for line in room.session.sitrep("venue"))  # the session's own text is unchanged
    evaluator = _client(room, "evaluator")
    truth = evaluator.get("/evaluator").get_data(as_text=True).split("Ground truth")[1]
    assert "Main hall" in truth and "main_hall" not in truth
    fac = _client(room, "facilitator")
    venue.post("/team/venue/decide", data={"csrf": _token(venue), "verb": "close", "close.connection": "hall_courtyard"})
    assert "close: door or passage" not in fac.get("/projector").get_data(as_text=True)
    assert "close: connection Main hall ↔ Courtyard" in fac.get("/projector").get_data(as_text=True)
    assert room.session.decisions[0].action == {"do": "close", "connection": "hall_courtyard"}


def test_the_map_legend_explains_every_ring_and_colour(loaded):
    from facilitator.web import mapsvg

    keys = [text for _, text in mapsvg.legend_keys()]
    for needed in ("hot cordon", "warm cordon", "cold cordon", "incident in the zone", "casualties in the zone",
                   "closed door or passage", "exit, people out", "crowd density: under 1, 2, 4+ people per m²"):
        assert needed in keys
    colours = {mapsvg._INCIDENT, mapsvg._HURT, *mapsvg._CORDON.values()}
    assert len(colours) == 5  # red is the hot cordon only: not the incident, not the casualties
    swatches = " ".join(s for s, _ in mapsvg.legend_keys())
    for colour in colours | {mapsvg._CLOSED, mapsvg._EXIT, mapsvg._UNIT}:
        assert colour in swatches  # every colour drawn has its key
    state = {"t": "1 min", "occupancy": {"main_hall": 10}, "exited": {}, "hurt": {"main_hall": 2},
             "affected": ["main_hall"], "closed": {"hall_foyer"}, "cordons": {"courtyard": "hot"}, "units": {}}
    svg = mapsvg.venue_svg(loaded.scenario, state)
    drawn = set(re.findall(r'(?:stroke|fill)="(#[0-9a-f]{6})"', svg))
    assert mapsvg._INCIDENT in drawn and mapsvg._CORDON["hot"] in drawn
    ring = re.search(r'<circle[^>]*class="affected"', svg).group(0)
    assert mapsvg._CORDON["hot"] not in ring
