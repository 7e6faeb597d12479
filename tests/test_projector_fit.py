"""The projector page of every shipped exercise fits one screen (issue 19): no scrolling at 1920 x 1080
or 1280 x 720, map text >= 16 px at 1080p, nothing controller-only, the zones to watch beside the map.

The Flask app runs in this process; Playwright's headless Chromium (Debian's ``chromium``) asks for
``http://simsoft.test/...`` and every request is answered by the app's test client (no server, no port).
Each exercise is played with its shipped decision file, and the page is measured after the first inject
and at the end of play (the most decisions, casualties and cordons). A regional exercise's projector shows
the region: its map with every site, the hospital load and the shared units. Screenshots go to
``outputs/web-screenshots/fit-*.png`` (git-ignored) for a look by eye.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator import load_exercise, start_session
from facilitator.conduct.store import play, remaining_script
from facilitator.exercise.decisions import DecisionError, load_decisions
from facilitator.web import Room, create_app
from tests.test_web_browser import MAP_TEXT_PX, SHOTS, browser  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted(p.stem for p in (ROOT / "scenarios" / "exercises").glob("*.yaml")
                   if not re.search(r"-(decisions|contrary-decisions|evaluation|hotwash|late-decisions)$", p.stem))
BASE = "http://simsoft.test"
SCREENS = ((1920, 1080), (1280, 720))


def _first_inject(ses) -> None:
    ses.advance_phase("conduct")
    released = ses.release_next()
    for i, d in remaining_script(ses):
        if d.inject == released.inject.id:
            try:
                ses.decide(d, script_index=i)
            except DecisionError:
                pass


def _measure(browser, client, name: str, when: str) -> list[str]:  # noqa: F811
    problems = []

    def answer(route) -> None:
        r = client.get(route.request.url[len(BASE):])
        route.fulfill(status=r.status_code, body=r.get_data(),
                      headers={"content-type": r.headers.get("content-type", "text/html")})

    for width, height in SCREENS:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = ctx.new_page()
            page.route(BASE + "/**", answer)
            page.goto(BASE + "/projector")
            page.wait_for_selector("svg.venue-map")
            tall = page.evaluate("document.documentElement.scrollHeight")
            wide = page.evaluate("document.documentElement.scrollWidth")
            if tall > height or wide > width:
                problems.append(f"{name} ({when}) at {width}x{height}: page is {wide}x{tall}")
            if height == 1080:
                small = [(t, round(px, 1)) for t, px in page.evaluate(MAP_TEXT_PX) if px < 16]
                if small:
                    problems.append(f"{name} ({when}): map text under 16 px at 1080p: {small[:3]}")
            hidden = page.locator("circle.zone[tabindex]")
            if height == 1080 and hidden.count():  # a name left off shows while its circle has the focus
                zid = hidden.nth(hidden.count() // 2).get_attribute("data-id")
                label = page.locator(f'text.hover-name[data-for="{zid}"]')
                page.locator(f'circle.zone[data-id="{zid}"]').focus()
                shown = label.get_attribute("visibility")
                page.evaluate("document.activeElement.blur()")
                if (shown, label.get_attribute("visibility")) != ("visible", "hidden"):
                    problems.append(f"{name} ({when}): the name of {zid} does not show on focus")
                page.locator(f'circle.zone[data-id="{zid}"]').focus()
                page.screenshot(path=str(SHOTS / f"fit-{name}-{when}-focus.png"))
                page.evaluate("document.activeElement.blur()")
            if page.locator(".controller").count():
                problems.append(f"{name} ({when}): controller-only text on the projector")
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"fit-{name}-{when}-{width}.png"))
        finally:
            ctx.close()
    return problems


@pytest.mark.parametrize("name", EXERCISES)
def test_the_projector_fits_one_screen_without_scrolling(browser, tmp_path, name):  # noqa: F811
    assert len(EXERCISES) >= 7  # every shipped venue
    loaded = load_exercise(ROOT / "scenarios" / "exercises" / f"{name}.yaml")
    script = load_decisions(ROOT / "scenarios" / "exercises" / f"{name}-decisions.yaml")
    room = Room(lambda: start_session(loaded, out_dir=tmp_path, script=script))
    try:
        client = create_app(room).test_client()
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
        assert client.post("/join", data={"csrf": token, "code": room.code_of_key("facilitator")}).status_code == 303
        room.call(_first_inject)
        problems = _measure(browser, client, name, "first-inject")
        room.call(lambda s: play(s, close=False))
        decided = room.call(lambda s: len(s.decisions))
        page = client.get("/projector").get_data(as_text=True)
        if getattr(loaded, "region", None) is not None:  # the whole region, not its first site (issue 22)
            assert decided and 'class="venue-map region-map"' in page and 'id="hospital-load"' in page
            assert all(f'data-id="{s.id}"' in page for s in loaded.region.region.sites)
        else:
            assert decided and "Zones to watch" in page
        problems += _measure(browser, client, name, "end")
    finally:
        room.close()
    assert not problems, "\n".join(problems)
