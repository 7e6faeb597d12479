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


VISIBLE = """() => {
  // The text a person reads: the page's rendered text plus the map's tooltips and description.
  const svg = document.querySelector("svg.venue-map");
  const extra = svg ? [svg.getAttribute("aria-label"), ...Array.from(svg.querySelectorAll("title")).map(t => t.textContent)] : [];
  const placeholders = Array.from(document.querySelectorAll("[placeholder]")).map(e => e.getAttribute("placeholder"));
  const options = Array.from(document.querySelectorAll("option")).map(o => o.textContent);
  return [document.body.innerText, ...extra, ...placeholders, ...options].join("\\n");
}"""

KEPT_AS_TYPED = re.compile(r"^(?:English|Français|العربية|simsoft.*|[A-Z]\d+[a-z]?|[PSMU–-]|\d[\d\s.,:/%+=()-]*)$")
"""Lines the same in every language by design: the language names, ids of injects and decisions, ratings
(P/S/M/U), numbers."""


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def _same_in(lang: str) -> set[str]:
    """The catalog's translations into ``lang`` that are spelled as in English (French ``Action``, ``population``)."""
    from babel.messages.pofile import read_po

    from facilitator.i18n import catalog_path

    with open(catalog_path(lang), "rb") as fh:
        cat = read_po(fh, locale=lang)
    same = set()
    for msg in cat:
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        same.update(s for s in strings if s and s in ids)
    return same


def _english_left(english: str, other: str, lang: str, exercise_words: set[str]) -> list[str]:
    """Lines of ``other`` that are also lines of the English page and read as English words (not a
    translation spelled as in English, not a duration written the same way: ``6 min 0 s`` in French)."""
    left, same = [], _same_in(lang)
    for line in sorted(_lines(other) & _lines(english)):
        if (KEPT_AS_TYPED.match(line) or line in exercise_words or line in same or not re.search(r"[A-Za-z]{3,}", line)
                or (lang == "fr" and re.fullmatch(r"-?\d+ (min \d+ s|h \d+ min)", line))):
            continue
        left.append(line)
    return left


def test_team_and_evaluator_pages_mid_play_leave_no_english_in_arabic_and_french(browser, tmp_path,  # noqa: F811
                                                                                 monkeypatch):
    """The venue team's page and the evaluator's page of the place-of-worship exercise, mid-play (injects
    out, decisions taken, the incident running), read in English, Arabic and French: no line of the Arabic
    or French page is a line of the English page (a message the catalogs left untranslated); screenshots
    in outputs/web-screenshots/i18n-mid-*.png."""
    monkeypatch.setattr(wb, "EXERCISE", POW)
    server = Server(tmp_path)
    try:
        fctx, fac = _join(browser, server.url, server.codes["facilitator"])
        _control(fac, "start")
        for _ in range(4):
            _control(fac, "next")
        tctx, team = _join(browser, server.url, server.codes["venue"])
        team.wait_for_selector(".inject-text")
        wb._decide(team, "lockdown", {"zones": ["classroom"]}, "door to the classroom locks")
        wb._decide(team, "evacuate", {"zones": ["prayer_hall"]}, "out through the street doors")
        for _ in range(2):
            _control(fac, "next")
        ectx, ev = _join(browser, server.url, server.codes["evaluator"])
        pages: dict[tuple[str, str], str] = {}
        for lang in ("en", "ar", "fr"):
            for who, page in (("team", team), ("evaluator", ev)):
                page.select_option("#lang-select", lang)
                page.wait_for_selector(f"html[lang={lang}]")
                pages[(who, lang)] = page.evaluate(VISIBLE)
                _shot(page, f"i18n-mid-{who}-{lang}")
        assert "SITUATION REPORT" in pages[("team", "en")] and "GROUND TRUTH" in pages[("evaluator", "en")]
        from facilitator import load_exercise

        loaded = load_exercise(POW)
        # What the exercise file gives in one language only (its texts are checked by the exercise tests).
        own = {str(v) for k, by in loaded.texts.by_key.items() for v in by.values()}
        left = {f"{who} {lang}: {line}" for (who, lang), text in pages.items() if lang != "en"
                for line in _english_left(pages[(who, "en")], text, lang, own)}
        assert not left, "English left on the pages:\n" + "\n".join(sorted(left))
        assert re.search(r"تقرير الحالة", pages[("team", "ar")]) and "POINT DE SITUATION" in pages[("team", "fr")]
        for ctx in (tctx, ectx, fctx):
            ctx.close()
    finally:
        server.stop()
