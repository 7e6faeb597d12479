"""The what-if forecast figure in the reader's language: its words, the decision in words, the web per page language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.text import Text

from facilitator import load_exercise, start_session
from facilitator.cli import exercise
from facilitator.evaluation.forecast import figure, figure_png, figure_title, forecast
from facilitator.exercise.decisions import parse_line
from facilitator.i18n.exercise import Local

ROOT = Path(__file__).resolve().parents[1]
WORSHIP = ROOT / "scenarios" / "exercises" / "place-of-worship.yaml"
N = 4
LINE = "evacuate zones=prayer_hall after=60s"

ENGLISH = re.compile(r"\b(What|if|not|reached|every|arm|proposed|now|further|no|Deaths|Preventable|people|Exposed|"
                     r"Everyone|out|accounted|typed|mean|CI|at|Prayer|hall|Trustees|forecast|over|replications)\b")
"""Words the English figure says: none may be left in the French figure (``doctrine``, ``min``, ``zones`` are French too)."""


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    loaded = load_exercise(WORSHIP)
    ses = start_session(loaded, out_dir=tmp_path_factory.mktemp("worship"))
    ses.advance_phase("conduct")
    ses.release_next()
    ses.decide(parse_line("alert zones=all", team="venue"))
    ses.release_next()
    return ses, forecast(ses, team="venue", line=LINE, replications=N, executor="serial", journal=False)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_the_english_figure_changes_only_in_its_title(played):
    ses, result = played
    fig = figure(result)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Deaths", "Preventable deaths", "Exposed person-\nminutes", "Everyone out", "Everyone accounted\nfor"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["proposed\nnow", "no further\naction", "doctrine"]
    assert figure_title(result) == ("What if venue: evacuate: zones prayer_hall (in effect 1 min 0 s later) at 1 min 0 s\n"
                                    "(typed: venue evacuate zones=prayer_hall after=60s; n = 4, mean, 95 % CI)")
    # with the session, the team and the places by their names, as the pages show them
    named = figure_title(result, local=Local(ses, "en"))
    assert named.startswith("What if Trustees' duty manager and stewards: evacuate: zones Prayer hall (in effect")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_figure_in_french_and_arabic_says_no_english(played, lang):
    ses, result = played
    fig = figure(result, local=Local(ses, lang))
    texts = _texts(fig)
    title = fig._suptitle.get_text().replace("\n", " ")  # wrapped to the figure's width
    typed = f"{result.team} {result.decision}"
    assert typed in title  # the command as typed, for whoever replays it
    said = [t.replace("\n", " ").replace(typed, "") for t in texts]
    if lang == "fr":
        assert "Responsable de permanence" in title and "Salle de prière" in title and "en vigueur 1 min 0 s plus tard" in title
        assert not [t for t in said if ENGLISH.search(t)], said
        assert "Décès" in texts and "0 dans chaque option" in texts
    else:
        assert "قاعة الصلاة" in title and "مدير المناوبة" in title
        assert not [t for t in said if re.search(r"[A-Za-z]", t.replace("n = ", ""))], said
        assert "الوفيات" in texts
    png = figure_png(result, local=Local(ses, lang))
    assert png[:4] == b"\x89PNG" and png != figure_png(result)


def test_the_web_figure_follows_the_page_language(played, tmp_path):
    from test_forecast import _client

    from facilitator.web import Room

    loaded = load_exercise(WORSHIP)
    room = Room(lambda: start_session(loaded, out_dir=tmp_path))
    room.forecast_replications = N
    try:
        fac, token = _client(room, "facilitator")
        for command in ("start", "next"):
            fac.post("/facilitator/control", data={"csrf": token, "command": command})
        page = fac.post("/facilitator/forecast", data={"csrf": token, "team": "venue", "decision": "evacuate zones=all"},
                        follow_redirects=True).get_data(as_text=True)
        img = re.search(r'src="(/forecast/(\d+)\.png)\?lang=en"', page)
        assert img is not None, page
        english = fac.get(img.group(1)).data
        fac.get("/lang?lang=ar")
        page = fac.get("/facilitator").get_data(as_text=True)
        assert f'src="{img.group(1)}?lang=ar"' in page
        arabic = fac.get(img.group(1)).data  # the page's language (the cookie)
        assert arabic[:4] == english[:4] == b"\x89PNG" and arabic != english
        assert fac.get(img.group(1) + "?lang=ar").data == arabic == room.forecast_png(int(img.group(2)), "ar")
        assert fac.get(img.group(1) + "?lang=fr").data not in (arabic, english)
    finally:
        room.close()


def test_cli_forecast_figure_in_the_chosen_language(tmp_path, monkeypatch):
    loaded = load_exercise(WORSHIP)
    ses = start_session(loaded, out_dir=tmp_path)
    ses.advance_phase("conduct")
    ses.release_next()
    ses.journal.close()
    png = {}
    for lang in ("en", "ar"):
        png[lang] = tmp_path / f"{lang}.png"
        monkeypatch.setenv("SIMSOFT_LANG", lang)  # the environment's default, as the console takes it
        res = CliRunner().invoke(exercise, ["forecast", str(ses.folder), LINE, "--team", "venue", "-n", str(N),
                                            "--executor", "serial", "--figure", str(png[lang])])
        assert res.exit_code == 0, res.output
    assert png["ar"].read_bytes()[:4] == b"\x89PNG" and png["ar"].read_bytes() != png["en"].read_bytes()
    res = CliRunner().invoke(exercise, ["forecast", str(ses.folder), LINE, "--team", "venue", "-n", str(N),
                                        "--lang", "de", "--figure", str(tmp_path / "de.png")])
    assert res.exit_code == 1 and "'de' is not a language of simsoft" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "de.png").exists()


def test_the_arabic_console_draws_its_forecast_figure_in_arabic(tmp_path, monkeypatch):
    import facilitator.evaluation.forecast as fc
    from facilitator.conduct.console import Console

    ses = start_session(load_exercise(WORSHIP), out_dir=tmp_path)
    ses.advance_phase("conduct")
    ses.release_next()
    drawn = []
    real_forecast, real_draw = fc.forecast, fc.draw_in_background
    monkeypatch.setattr(fc, "forecast", lambda session, **kw: real_forecast(
        session, **{**kw, "replications": N, "executor": "serial"}))
    monkeypatch.setattr(fc, "draw_in_background", lambda result, path, **kw: drawn.append(
        real_draw(result, path, **kw).result(timeout=120)))
    console = Console(ses, read=lambda _p: "", write=lambda _t: None, figures=True, lang="ar")
    console._command(f"forecast venue {LINE}")
    assert len(drawn) == 1 and drawn[0].name == "forecast-1.png"
    result = fc.forecast(ses, team="venue", line=LINE, journal=False)
    assert drawn[0].read_bytes() == figure_png(result, local=Local(ses, "ar")) != figure_png(result)
