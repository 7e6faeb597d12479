"""The web console plays a regional exercise (issue 22): every page of a Riverside City session with Flask's
test client, and in headless Chromium a facilitator and three teams play a few injects through the pages
while the region map shows units moving and hospital load (screenshots in en and ar to
``outputs/web-screenshots/region-*.png``, git-ignored, for a look by eye)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator import load_exercise, start_session
from facilitator.exercise.decisions import DecisionError, parse_line
from facilitator.web import Room, create_app
from facilitator.web.regional_forms import regional_form_to_line, regional_forms
import tests.test_web_browser as wb
from tests.test_web_browser import Server, _control, _join, _shot, browser  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[1]
RIVERSIDE = ROOT / "scenarios" / "exercises" / "riverside-city.yaml"


class _Form(dict):
    def getlist(self, key):
        v = self.get(key)
        return v if isinstance(v, list) else ([] if v is None else [v])


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(RIVERSIDE)


def _token(client, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def _joined(app, room, key: str):
    client = app.test_client()
    r = client.post("/join", data={"csrf": _token(client, "/"), "code": room.code_of_key(key)})
    assert r.status_code == 303
    return client


def test_every_page_of_a_regional_session(loaded, tmp_path):
    room = Room(lambda: start_session(loaded, out_dir=tmp_path))
    try:
        app = create_app(room)
        fac, ev = _joined(app, room, "facilitator"), _joined(app, room, "evaluator")
        amb, scg = _joined(app, room, "team:ambulance_control"), _joined(app, room, "team:scg")
        for command in ("start", "next", "next", "next"):  # P1, P2, I1 (the station's incident)
            assert fac.post("/facilitator/control", data={"csrf": _token(fac, "/facilitator"),
                                                          "command": command}).status_code == 303
        r = amb.post("/team/ambulance_control/decide", data={
            "csrf": _token(amb, "/team/ambulance_control"), "verb": "mutual_aid", "mutual_aid.kind": "ambulance",
            "mutual_aid.count": "4", "rationale": "a second site would find none free"})
        assert r.status_code == 303
        r = scg.post("/team/scg/decide", data={"csrf": _token(scg, "/team/scg"), "verb": "posture",
                                               "posture.sites": ["stadium"], "posture.measure": "lockdown"})
        assert r.status_code == 303
        # A form the region refuses comes back filled in, with the region's reason.
        r = amb.post("/team/ambulance_control/decide", data={
            "csrf": _token(amb, "/team/ambulance_control"), "verb": "reassign_units", "reassign_units.from": "station",
            "reassign_units.to": "station", "reassign_units.count": "2", "rationale": "kept"})
        assert r.status_code == 400 and "kept" in r.get_data(as_text=True)
        made = room.call(lambda s: [(d.team, d.action) for d in s.decisions])
        assert made == [("ambulance_control", {"do": "mutual_aid", "kind": "ambulance", "count": 4}),
                        ("scg", {"do": "posture", "sites": ["stadium"], "measure": "lockdown"})]
        # They are the session's regional decisions, recorded by the region as a typed one would be.
        room.call(lambda s: s.sim.run_until(s.now_s + 1))
        kinds = room.call(lambda s: [e.subject for e in s.run.recorder.events if e.kind == "region.decision"])
        assert kinds == ["mutual_aid", "posture"]
        pages = {"/facilitator": fac, "/projector": fac, "/team/ambulance_control": amb, "/team/scg": scg,
                 "/evaluator": ev, "/aar": ev}
        for url, client in pages.items():
            r = client.get(url)
            assert r.status_code == 200, url
            page = r.get_data(as_text=True)
            if url != "/aar":
                assert 'class="venue-map region-map"' in page and 'id="hospital-load"' in page, url
                assert "Royal Infirmary" in page and 'class="unit ambulance' in page, url
        assert "<h2>Regional findings" in ev.get("/aar").get_data(as_text=True)
        projector = fac.get("/projector").get_data(as_text=True)
        assert 'class="controller"' not in projector and 'id="msel"' not in projector
        assert "every-unit" not in projector  # the room sees totals; the controller view every unit
        assert "every-unit" in fac.get("/facilitator").get_data(as_text=True)
        team = amb.get("/team/ambulance_control").get_data(as_text=True)
        for verb in ("assign_units", "reassign_units", "release_units", "mutual_aid"):
            assert f'data-verb="{verb}"' in team
        assert 'data-verb="posture"' not in team
        for view, client in (("facilitator", fac), ("projector", fac), ("team", amb), ("evaluator", ev)):
            live = client.get(f"/live/{view}").get_json()
            assert "region-map" in "".join(live["regions"].values()), view
        assert 'id="forecast"' in fac.get("/facilitator").get_data(as_text=True)  # tests/test_regional_forecast.py
        assert 'id="forecast"' in ev.get("/evaluator").get_data(as_text=True)
        fac.set_cookie("simsoft_lang", "ar")
        ar = fac.get("/projector").get_data(as_text=True)
        assert 'dir="rtl"' in ar and "ضغط المستشفيات" in ar and "خريطة المنطقة" in ar
        assert 'direction="ltr"' in ar  # the map's geometry is not mirrored
    finally:
        room.close()


def test_regional_forms_make_the_lines_the_console_reads(loaded):
    forms = {f.verb: f for f in regional_forms(loaded, ["reassign_units", "posture", "site", "mutual_aid"])}
    assert [f.name for f in forms["reassign_units"].fields] == ["from", "to", "count"]
    assert [v for v, _ in forms["posture"].fields[0].choices] == ["station", "st_marks", "stadium", "festival"]
    line = regional_form_to_line(_Form({"verb": "reassign_units", "reassign_units.from": "station",
                                        "reassign_units.to": "st_marks", "reassign_units.count": "2",
                                        "rationale": "St Mark's has none"}),
                                 allowed=["reassign_units"])
    assert line == "reassign_units from=station to=st_marks count=2 -- St Mark's has none"
    assert parse_line(line, team="ambulance_control", regional=True).action == {
        "do": "reassign_units", "from": "station", "to": "st_marks", "count": 2}
    line = regional_form_to_line(_Form({"verb": "site", "site.site": "stadium", "site.action": "alert zones=all",
                                        "after": "2min"}), allowed=["site"])
    assert parse_line(line, team="scg", regional=True).action == {"do": "site", "site": "stadium",
                                                                   "action": {"do": "alert", "zones": "all"}}
    line = regional_form_to_line(_Form({"verb": "mutual_aid", "mutual_aid.kind": "police", "mutual_aid.count": "2",
                                        "mutual_aid.delay": "20 min"}), allowed=["mutual_aid"])
    assert line == "mutual_aid kind=police count=2 delay=20min"
    with pytest.raises(DecisionError, match=r"how many: must be at least 1 and at most 10000; you typed 0"):
        regional_form_to_line(_Form({"verb": "mutual_aid", "mutual_aid.kind": "police", "mutual_aid.count": "0"}),
                              allowed=["mutual_aid"])
    with pytest.raises(DecisionError, match=r"posture: tick at least one of the sites"):
        regional_form_to_line(_Form({"verb": "posture", "posture.measure": "guard"}), allowed=["posture"])
    with pytest.raises(DecisionError, match=r"venue action: unknown action 'shout'"):
        regional_form_to_line(_Form({"verb": "site", "site.site": "stadium", "site.action": "shout zones=all"}),
                              allowed=["site"])
    with pytest.raises(DecisionError, match=r"your team may not divert"):
        regional_form_to_line(_Form({"verb": "divert", "divert.hospital": "royal"}), allowed=["posture"])


def test_the_terminal_console_takes_a_typed_regional_decision(loaded, tmp_path):
    from facilitator.conduct.console import Console

    ses = start_session(loaded, out_dir=tmp_path)
    try:
        said: list[str] = []
        console = Console(ses, read=lambda _: "", write=said.append)
        ses.advance_phase("conduct")
        console._decide("police_gold", "posture sites=festival measure=guard units=1 -- gates", None)
        assert [d.action for d in ses.decisions] == [{"do": "posture", "sites": ["festival"], "measure": "guard",
                                                      "units": 1}]
        assert console.candidates("decide ambulance_control re", "re") == ["reassign_units", "release_units"]
        assert "from=" in console.candidates("decide ambulance_control reassign_units ", "")
        console._decide("police_gold", "posture sites=nowhere measure=guard", None)
        assert "refused" in said[-1] and "nowhere" in said[-1]
    finally:
        ses.journal.close()


# -- in the browser ---------------------------------------------------------------------------------------------

MAP = """() => {
  const svg = document.querySelector("svg.region-map");
  const box = svg.getBoundingClientRect();
  const units = Array.from(svg.querySelectorAll("g.unit"));
  const out = Array.from(svg.querySelectorAll("text")).filter(t => {
    const r = t.getBoundingClientRect(); return r.left < box.left - 1 || r.right > box.right + 1; }).map(t => t.textContent);
  return {direction: getComputedStyle(svg).direction, scale: svg.getScreenCTM().a,
          ambulances: units.filter(u => u.classList.contains("ambulance")).reduce((n, u) => n + +u.dataset.count, 0),
          police: units.filter(u => u.classList.contains("police")).reduce((n, u) => n + +u.dataset.count, 0),
          states: units.map(u => u.dataset.states).join(" "), moving: units.filter(u => u.classList.contains("moving")).length,
          gauges: Array.from(svg.querySelectorAll("g.hospital")).map(h => [+h.dataset.used, +h.dataset.beds]),
          outside: out, wide: document.documentElement.scrollWidth > window.innerWidth};
}"""


def _regional_decide(page, verb: str, fields: dict, rationale: str) -> str:
    page.select_option("#verb", verb)
    for name, value in fields.items():
        key = f"{verb}.{name}"
        if isinstance(value, list):
            for v in value:
                page.check(f"input[name='{key}'][value='{v}']")
        elif page.locator(f"select[name='{key}']").count():
            page.select_option(f"select[name='{key}']", value)
        else:
            page.fill(f"input[name='{key}']", value)
    page.fill("#rationale", rationale)
    page.click("#decision-form button[type=submit]")
    return page.locator(".flash").first.inner_text()


def test_a_regional_exercise_played_in_the_browser(browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(wb, "EXERCISE", RIVERSIDE)
    server = Server(tmp_path)
    try:
        fctx, fac = _join(browser, server.url, server.codes["facilitator"])
        _control(fac, "start")
        for _ in range(3):  # P1, P2 and I1: the station reports people hurt
            _control(fac, "next")
        actx, amb = _join(browser, server.url, server.codes["ambulance_control"])
        assert "applied" in _regional_decide(amb, "mutual_aid", {"kind": "ambulance", "count": "4"},
                                             "a second site would find none free")
        sctx, scg = _join(browser, server.url, server.codes["scg"])
        assert "applied" in _regional_decide(scg, "posture", {"sites": ["stadium"], "measure": "lockdown"},
                                             "hold the crowd inside")
        _control(fac, "next")  # I2 (10 min): the festival asks for police
        pctx, pol = _join(browser, server.url, server.codes["police_gold"])
        assert "applied" in _regional_decide(pol, "posture", {"sites": ["festival"], "measure": "guard", "units": "1"},
                                             "one unit at the gates")
        _control(fac, "next")  # on to the next inject: the region has moved on, units are on the roads
        fac.reload()
        seen = fac.evaluate(MAP)
        # Every shared unit once: ten ambulances and seven police units, and the four of mutual aid once arrived.
        total = int(fac.locator("#units tr[data-kind='ambulance'] small").inner_text().strip("()"))
        assert seen["ambulances"] == total and total in (10, 14) and seen["police"] == 7, seen
        assert "at_scene" in seen["states"] or "en_route" in seen["states"], seen
        assert len(seen["gauges"]) == 3 and sum(used for used, _ in seen["gauges"]) > 0, seen  # patients in beds
        assert fac.locator("#hospital-load tr[data-hospital]").count() == 3
        assert fac.locator("#units tr[data-kind='ambulance']").count() == 1
        assert not seen["outside"] and not seen["wide"], seen
        assert sorted(e.strip() for e in fac.locator("#decisions .dlist li b").all_inner_texts()) == ["D1", "D2", "D3"]
        ectx, ev = _join(browser, server.url, server.codes["evaluator"])
        jctx = browser.new_context(viewport={"width": 1920, "height": 1080})
        proj = jctx.new_page()
        proj.goto(server.url + "/")
        proj.fill("#code", server.codes["facilitator"])
        proj.click("button[type=submit]")
        proj.goto(server.url + "/projector")
        for lang in ("en", "ar"):
            for name, page in (("facilitator", fac), ("team", scg), ("evaluator", ev), ("projector", proj)):
                if lang != "en":
                    page.goto(f"{server.url}/lang?lang={lang}&next=/{'team/scg' if name == 'team' else name}")
                page.wait_for_selector("svg.region-map")
                seen = page.evaluate(MAP)
                assert seen["direction"] == "ltr" and not seen["outside"] and not seen["wide"], (name, lang, seen)
                if name == "projector" and lang == "en":
                    assert seen["scale"] * 17 >= 16, seen  # map text at least 16 px on a 1080p projector
                _shot(page, f"region-{lang}-{name}")
        assert proj.evaluate("document.documentElement.dir") == "rtl"
        for ctx in (fctx, actx, sctx, pctx, ectx, jctx):
            ctx.close()
    finally:
        server.stop()
