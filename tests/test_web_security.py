"""Issue 15 on the web console: exposure warning, join-code throttles, cookies, numbers typed into forms."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator import load_exercise, start_session
from facilitator.cli import exercise
from facilitator.conduct.journal import read_journal
from facilitator.web import Room, create_app
from facilitator.web.cli import exposure_warning
from facilitator.web.room import JOIN_ATTEMPTS, ROOM_ATTEMPTS, ROOM_WINDOW_S
from facilitator.web.sessions import COOKIE_NAME, SESSION_TTL_S

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "scenarios" / "exercises" / "community-hall.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_exercise(EXERCISE)


@pytest.fixture
def room(loaded, tmp_path):
    r = Room(lambda: start_session(loaded, out_dir=tmp_path))
    now = [1000.0]
    r.clock = lambda: now[0]
    r.now = now  # type: ignore[attr-defined]
    yield r
    r.close()


def _token(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _client(app, addr: str = "127.0.0.1"):
    """A browser at loopback address ``addr`` (the test client's ``environ_base``)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = addr
    return client


def _join(app, code: str, addr: str = "127.0.0.1"):
    client = _client(app, addr)
    resp = client.post("/join", data={"csrf": _token(client), "code": code})
    return client, resp


def _entries(room) -> int:
    return len(read_journal(room.session.folder / "session.sqlite")[0])


# -- --host ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts_need_no_warning(host):
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "laptop.local"])
def test_other_hosts_are_warned_about(host):
    text = exposure_warning(host)
    assert text is not None and f"--host {host} opens the web console" in text
    assert "join codes are the only protection" in text and "network you trust" in text


def test_serve_prints_the_warning_before_serving(tmp_path, monkeypatch):
    import waitress

    events = []

    class FakeServer:
        effective_port = 8123

        def run(self):
            events.append("run")
            raise KeyboardInterrupt

        def close(self):
            pass

    def fake(app, **kw):
        events.append(("bind", kw["host"]))
        return FakeServer()

    monkeypatch.setattr(waitress, "create_server", fake)
    result = CliRunner().invoke(exercise, ["serve", str(EXERCISE), "--out", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "warning: --host 0.0.0.0 opens the web console to every network" in result.output
    assert result.output.index("warning: --host") < result.output.index("ready (")
    assert events == [("bind", "0.0.0.0"), "run"]
    quiet = CliRunner().invoke(exercise, ["serve", str(EXERCISE), "--out", str(tmp_path), "--host", "127.0.0.1"])
    assert quiet.exit_code == 0 and "warning: --host" not in quiet.output


# -- join throttles --------------------------------------------------------------------------------
def test_many_addresses_cannot_keep_guessing_and_the_facilitator_can_reopen(room):
    app = create_app(room)
    fac, _ = _join(app, room.code_of_key("facilitator"), "127.0.0.1")
    venue, _ = _join(app, room.code_of_key("team:venue"), "127.0.0.2")
    refused = paused = 0
    for i in range(40):  # 40 loopback addresses, 5 guesses each, all at the same instant
        client = _client(app, f"127.0.1.{i + 1}")
        token = _token(client)
        for _ in range(JOIN_ATTEMPTS):
            page = client.post("/join", data={"csrf": token, "code": "ZZZZ-ZZZZ"}).get_data(as_text=True)
            refused += "not valid" in page
            paused += "joining is paused" in page
    assert refused == ROOM_ATTEMPTS and paused == 40 * JOIN_ATTEMPTS - ROOM_ATTEMPTS  # 30 guesses, not 200
    # The right code from a new address waits too (else the pause would still answer guesses) ...
    _, resp = _join(app, room.code_of_key("team:police"), "127.0.2.1")
    assert resp.status_code == 403 and "ask the facilitator to reopen joining" in resp.get_data(as_text=True)
    # ... but players already in play on, and an address that joined before may join again.
    assert venue.get("/team/venue").status_code == 200
    _, resp = _join(app, room.code_of_key("team:venue"), "127.0.0.2")
    assert resp.status_code == 303
    page = fac.get("/facilitator").get_data(as_text=True)
    assert "30 wrong join codes from 6 addresses" in page and "Joining is paused" in page
    page = fac.post("/facilitator/access", data={"csrf": _token(fac), "what": "reopen"},
                    follow_redirects=True).get_data(as_text=True)
    assert "joining reopened: 30 more wrong codes" in page
    _, resp = _join(app, room.code_of_key("team:police"), "127.0.2.1")
    assert resp.status_code == 303


def test_the_room_pause_lifts_when_its_window_has_passed(room):
    for i in range(ROOM_ATTEMPTS):
        with pytest.raises(Exception, match="not valid"):
            room.join("ZZZZ-ZZZZ", client=f"10.0.{i}.1")
    with pytest.raises(Exception, match=r"joining is paused: 30 wrong codes were tried in the last 10 min"):
        room.join(room.code_of_key("team:ems"), client="10.9.9.9")
    room.now[0] += ROOM_WINDOW_S + 1
    assert room.join(room.code_of_key("team:ems"), client="10.9.9.9").team == "ems"


def test_a_new_code_replaces_the_old_one_and_signs_its_browsers_out(room):
    app = create_app(room)
    fac, _ = _join(app, room.code_of_key("facilitator"))
    old = room.code_of_key("team:venue")
    venue, _ = _join(app, old, "127.0.0.3")
    police, _ = _join(app, room.code_of_key("team:police"), "127.0.0.4")
    page = fac.post("/facilitator/access", data={"csrf": _token(fac), "what": "new_code", "role": "team:venue"},
                    follow_redirects=True).get_data(as_text=True)
    new = room.code_of_key("team:venue")
    assert new != old and f"new code for venue: {new}" in page and "1 browser(s)" in page
    assert new in (room.session.folder / "web-access.json").read_text()
    assert venue.get("/team/venue").status_code == 403
    assert police.get("/team/police").status_code == 200  # other teams are untouched
    assert _join(app, old, "127.0.0.5")[1].status_code == 403
    assert _join(app, new, "127.0.0.5")[1].status_code == 303
    page = fac.post("/facilitator/access", data={"csrf": _token(fac), "what": "new_code", "role": "facilitator"},
                    follow_redirects=True).get_data(as_text=True).replace("&#39;", "'")
    assert "refused: no join code 'facilitator' to replace" in page


# -- cookies -----------------------------------------------------------------------------------------
def _set_cookie(resp) -> str:
    return next(v for k, v in resp.headers.items() if k == "Set-Cookie" and v.startswith(COOKIE_NAME + "="))


def test_the_cookie_is_a_neutral_opaque_expiring_http_only_strict_id(room):
    app = create_app(room)
    client, resp = _join(app, room.code_of_key("team:venue"))
    header = _set_cookie(resp)
    assert COOKIE_NAME == "simsoft_console"
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Expires=" in header
    assert f"Max-Age={int(SESSION_TTL_S)}" in header
    value = client.get_cookie(COOKIE_NAME).value
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)  # 256 random bits, nothing else
    decoded = base64.urlsafe_b64decode(value + "=")
    for secret in (b"role", b"team", b"venue", b"csrf", room.code_of_key("team:venue").encode()):
        assert secret not in decoded and secret.decode() not in value


def test_joining_issues_a_fresh_id(room):
    app = create_app(room)
    client = app.test_client()
    token = _token(client)
    before = client.get_cookie(COOKIE_NAME).value
    client.post("/join", data={"csrf": token, "code": room.code_of_key("team:venue")})
    after = client.get_cookie(COOKIE_NAME).value
    assert after != before
    planted = app.test_client()
    planted.set_cookie(COOKIE_NAME, before)  # an id known before joining is worth nothing after
    assert planted.get("/team/venue").status_code == 403


def test_leave_revokes_the_session_on_the_server(room):
    app = create_app(room)
    client, _ = _join(app, room.code_of_key("team:venue"))
    sid = client.get_cookie(COOKIE_NAME).value
    copy = app.test_client()
    copy.set_cookie(COOKIE_NAME, sid)
    assert copy.get("/team/venue").status_code == 200
    resp = client.post("/leave", data={"csrf": _token(client)})
    assert resp.status_code == 303 and client.get_cookie(COOKIE_NAME) is None
    assert copy.get("/team/venue").status_code == 403  # the copied cookie died with /leave


def test_a_restarted_server_signs_every_browser_out(room):
    app = create_app(room)
    client, _ = _join(app, room.code_of_key("team:venue"))
    sid = client.get_cookie(COOKIE_NAME).value
    restarted = create_app(room).test_client()
    restarted.set_cookie(COOKIE_NAME, sid)
    assert restarted.get("/team/venue").status_code == 403
    assert "Join the exercise" in restarted.get("/").get_data(as_text=True)


def test_sessions_expire(room):
    app = create_app(room, session_ttl_s=3600)
    table = app.extensions["simsoft_sessions"]
    now = [0.0]
    table.clock = lambda: now[0]
    client, resp = _join(app, room.code_of_key("team:venue"))
    assert "Max-Age=3600" in _set_cookie(resp)
    now[0] = 3500
    assert client.get("/team/venue").status_code == 200
    now[0] = 3601
    assert client.get("/team/venue").status_code == 403


def test_the_table_is_bounded_and_keeps_joined_browsers(room):
    app = create_app(room)
    table = app.extensions["simsoft_sessions"]
    table.limit = 20
    player, _ = _join(app, room.code_of_key("team:venue"))
    for _ in range(60):
        app.test_client().get("/")  # a visitor who only loads the join page
    assert len(table) <= 20
    assert player.get("/team/venue").status_code == 200


# -- numbers typed into forms -----------------------------------------------------------------------
BAD = [("alert.share", "nan", "share: 'nan' is not a usable number"),
       ("alert.share", "inf", "share: 'inf' is not a usable number"),
       ("alert.share", "-inf", "share: '-inf' is not a usable number"),
       ("alert.share", "-1", "share: must be more than 0 and at most 1; you typed -1"),
       ("alert.share", "1e300", "share: must be more than 0 and at most 1; you typed 1e300"),
       ("alert.share", "lots", "share: 'lots' is not a number"),
       ("after", "-1 h", "takes effect (after): '-1 h' cannot be negative"),
       ("after", "-1h", "takes effect (after): '-1h' cannot be negative"),
       ("after", "1e300 s", "takes effect (after): '1e300 s' is longer than 400 days"),
       ("after", "nan s", "takes effect (after): 'nan s' is not a duration"),
       ("after", "inf min", "takes effect (after): 'inf min' is not a duration"),
       ("after", "90", "takes effect (after): '90' needs a unit")]


@pytest.mark.parametrize(("name", "typed", "message"), BAD)
def test_a_bad_number_shows_the_form_again_with_what_was_typed(room, name, typed, message):
    room.control("start")
    room.control("next")
    app = create_app(room)
    venue, _ = _join(app, room.code_of_key("team:venue"))
    before = _entries(room)
    form = {"csrf": _token(venue), "verb": "alert", "alert.zones": ["main_hall", "gallery"],
            "alert.share": "0.5", "after": "1min", "rationale": "keep me", name: typed}
    resp = venue.post("/team/venue/decide", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400, page[:300]
    assert message in page.replace("&#39;", "'")
    assert '<option value="alert" selected>' in page
    assert 'value="main_hall" checked' in page and 'value="gallery" checked' in page
    assert ">keep me</textarea>" in page
    if name == "alert.share":
        assert f'value="{typed}"' in page
    else:
        assert f'<option value="{typed}" selected>' in page
    assert _entries(room) == before and room.session.decisions == []


def test_good_numbers_still_make_the_decision(room):
    room.control("start")
    room.control("next")
    app = create_app(room)
    venue, _ = _join(app, room.code_of_key("team:venue"))
    form = {"csrf": _token(venue), "verb": "alert", "alert.zones": "all", "alert.share": "0.75", "after": "2min"}
    page = venue.post("/team/venue/decide", data=form, follow_redirects=True).get_data(as_text=True)
    assert "D1 applied at" in page
    made = room.session.decisions[0]
    assert made.action["share"] == 0.75 and made.after_s == 120.0


def test_serve_banner_keeps_its_words_and_names_the_teams_in_the_sessions_language(tmp_path, monkeypatch):
    """--lang fr: the lines a supervising process reads stay as they are ("facilitator code", "code TEAM", "ready");
    the teams' names (and the evaluators') are said in French."""
    import re

    import waitress

    class FakeServer:
        effective_port = 8123

        def run(self):
            raise KeyboardInterrupt

        def close(self):
            pass

    monkeypatch.setattr(waitress, "create_server", lambda app, **kw: FakeServer())
    pow_exercise = ROOT / "scenarios" / "exercises" / "place-of-worship.yaml"
    result = CliRunner().invoke(exercise, ["serve", str(pow_exercise), "--out", str(tmp_path), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert re.search(r"^facilitator code    \w{4}-\w{4}$", out, re.M), out
    assert re.search(r"^code venue\s+\w{4}-\w{4}   \((?!Venue)", out, re.M), out
    assert re.search(r"^code evaluator\s+\w{4}-\w{4}   \(Évaluateurs\)$", out, re.M), out
    assert re.search(r"^ready \(", out, re.M), out
