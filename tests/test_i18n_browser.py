"""The Arabic team page in headless Chromium: right to left, mirrored, readable; screenshots to look at.

``simsoft exercise serve ... --lang ar`` runs as a subprocess (the helpers of ``test_web_browser``).
Screenshots go to ``outputs/web-screenshots/i18n-*.png`` (git-ignored) for a look by eye.
"""

from __future__ import annotations

import re

import tests.test_web_browser as wb
from tests.test_web_browser import Server, _control, _join, _shot, browser  # noqa: F401 (a fixture)

POW = wb.ROOT / "scenarios" / "exercises" / "place-of-worship.yaml"

def _opening(inject_id: str, lang: str) -> str:
    """The words of ``inject_id``'s text in ``lang`` before its first live value."""
    from facilitator import load_exercise

    text = load_exercise(POW).texts.get(("inject", inject_id, "text"), lang)
    assert text and re.search(r"[\u0600-\u06FF]" if lang == "ar" else r"[éèàç]", text)
    return text.split("{")[0][:40]


LAYOUT = """() => {
  const box = s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right]; };
  return {dir: document.documentElement.dir, lang: document.documentElement.lang,
          direction: getComputedStyle(document.body).direction, width: window.innerWidth,
          title: box("header.top .title"), main: box(".col-main"), side: box("#live-side"),
          inject: document.querySelector(".inject-text").textContent,
          id: document.querySelector("#team-injects h2").firstChild.textContent.trim(),
          overflow: document.documentElement.scrollWidth > window.innerWidth};
}"""


def test_arabic_team_page_is_right_to_left(browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(wb, "EXERCISE", POW)
    server = Server(tmp_path, "--lang", "ar")
    try:
        fctx, fac = _join(browser, server.url, server.codes["facilitator"])
        _control(fac, "start")
        for _ in range(3):  # I1, I2, I3: the venue has two messages
            _control(fac, "next")
        _shot(fac, "i18n-ar-facilitator")
        tctx, team = _join(browser, server.url, server.codes["venue"])
        team.wait_for_selector(".inject-text")
        seen = team.evaluate(LAYOUT)
        _shot(team, "i18n-ar-team")
        assert (seen["dir"], seen["lang"], seen["direction"]) == ("rtl", "ar", "rtl")
        # Mirrored: the title starts at the right, the main column is to the right of the side column.
        assert seen["title"][1] > seen["width"] * 0.9
        assert seen["main"][0] > seen["side"][1] - 1
        assert seen["inject"].startswith(_opening(seen["id"], "ar")) and not seen["overflow"]
        # The reader switches to French; the page follows, left to right.
        team.select_option("#lang-select", "fr")
        team.wait_for_selector("html[lang=fr]")
        seen = team.evaluate(LAYOUT)
        _shot(team, "i18n-fr-team")
        assert (seen["dir"], seen["direction"]) == ("ltr", "ltr") and seen["inject"].startswith(_opening(seen["id"], "fr"))
        assert seen["main"][1] < seen["side"][0] + 1
        tctx.close()
        fctx.close()
    finally:
        server.stop()
