"""The Flask application: join with a code, the views, controls, decisions, notes, live updates.

The facilitator's code opens two pages: ``/facilitator``, the controller view (controls, controller
notes, expected actions, the MSEL, join codes) for the facilitator's own screen, and ``/projector``,
what the whole room sees (built from :func:`~facilitator.web.views.projector_view`, which holds nothing
controller-only).

Pages are rendered on the server; a little JavaScript (``static/console.js``) polls ``/live/VIEW``
every second and swaps the live parts of the page when the journal has grown, so every browser
shows a change within about a second. Forms are plain HTML posts with a CSRF token kept in the
browser's server-side session (the cookie is an opaque id); a refused request changes nothing and says why.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from simsoft.errors import SimsoftError

from facilitator.exercise.refusals import say as say_refusal
from facilitator.i18n import LANGUAGE_NAMES, LANGUAGES, N_, LanguageError, Translator, check_language, translator
from facilitator.web.forms import FormError, delays, form_to_line, plain_error, verb_forms
from facilitator.web.regional_forms import regional_form_to_line, regional_forms
from facilitator.web.room import AccessError, Role, Room
from facilitator.web.sessions import SESSION_TTL_S, ServerSession, SessionTable
from facilitator.web.views import evaluator_view, facilitator_view, projector_view, team_view

__all__ = ["create_app"]

HERE = Path(__file__).parent

LANG_COOKIE = "simsoft_lang"
"""The browser's own language choice (a plain cookie: it opens nothing, so it needs no CSRF token)."""


class Refused(HTTPException):
    """A request refused with a clear message (403): nothing changed."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def create_app(room: Room, *, session_ttl_s: float = SESSION_TTL_S, lang: str = "en") -> Flask:
    """The web console of ``room`` (a WSGI app; ``facilitator.web.cli.serve`` runs it with waitress).

    Browsers stay signed in ``session_ttl_s`` seconds after joining, in this app's memory only
    (:mod:`facilitator.web.sessions`): ``app.extensions["simsoft_sessions"]`` is the table.

    ``lang`` is the session's default language; each browser may choose its own with the selector at
    the top of every page (``/lang?lang=ar``, kept in a cookie). Pages go through the message catalogs
    of :mod:`facilitator.i18n` (Babel's translations installed in Jinja with its ``i18n`` extension:
    the same catalogs serve the terminal console, compiled from the ``.po`` files at first use).
    """
    default_lang = check_language(lang)
    app = Flask("facilitator.web", template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024, TEMPLATES_AUTO_RELOAD=False)
    table = SessionTable(ttl_s=session_ttl_s)
    app.session_interface = table
    app.extensions["simsoft_sessions"] = table

    # -- languages -----------------------------------------------------------------------------
    def current_lang() -> str:
        if "lang" not in g:
            chosen = request.cookies.get(LANG_COOKIE, "")
            g.lang = chosen if chosen in LANGUAGES else default_lang
        return str(g.lang)

    def tr() -> Translator:
        return translator(current_lang())

    def team_name(team_id: str) -> str:
        """A team's display name in the reader's language (the header says who you are by name, not id)."""
        ses = room.session
        try:
            name = ses.loaded.exercise.team(team_id).name
        except KeyError:
            return team_id
        return ses.loaded.texts.get(("team", team_id, "name"), current_lang(), name) or name

    def forecast_teams() -> list[tuple[str, str]]:
        texts, lang = room.session.loaded.texts, current_lang()
        return [(i, texts.get(("team", i, "name"), lang, name) or name) for i, name in room.forecast_teams()]

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: tr().gettext(message),
        lambda singular, plural, num: tr().select(singular, plural, num),
        newstyle=True)

    # -- helpers -------------------------------------------------------------------------------
    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return str(session["csrf"])

    def role() -> Role | None:
        key = session.get("role")
        if not key or key not in room.codes:
            return None
        return Role.from_key(str(key))

    def named(team_id: str | None) -> str:
        """A team in a refusal: its id in English (as always), its display name in another language."""
        return team_name(team_id) if team_id and current_lang() != "en" else str(team_id)

    def need(kind: str, team: str | None = None) -> Role:
        r = role()
        if r is None:
            raise Refused(tr().gettext("join with your code first"))
        if kind == "evaluator" and r.kind == "facilitator":
            return r
        if r.kind != kind:
            raise Refused(tr().gettext("you joined as %(who)s; this page is for %(kind)s", who=_who(r, tr(), named),
                                       kind=tr().gettext(_KINDS.get(kind, kind))))
        if kind == "team" and r.team != team:
            raise Refused(tr().gettext("you joined as team %(mine)s; you cannot read or act for team %(other)s",
                                       mine=named(r.team), other=named(team)))
        return r

    def flash(text: str, *, error: bool = False) -> None:
        session["flash"] = {"text": text, "error": error}

    def back(endpoint: str, **kw: Any) -> Response:
        return redirect(url_for(endpoint, **kw), code=303)  # type: ignore[return-value]

    def attempt(fn: Callable[[], str]) -> None:
        try:
            flash(fn())
        except SimsoftError as exc:
            flash(refused(exc), error=True)

    def refused(exc: SimsoftError) -> str:
        said = tr()  # the common decision refusals in the page's language (facilitator.exercise.refusals)
        reason = say_refusal(exc, said) if getattr(exc, "said", None) is not None else plain_error(exc)
        return said.gettext("refused: %(reason)s", reason=reason)

    app.jinja_env.globals.update(csrf_token=csrf_token)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        t = tr()
        return {"me": role(), "flash": session.pop("flash", None), "version": room.version, "lang": t.lang,
                "dir": t.dir, "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES], "team_name": team_name}

    @app.get("/lang")
    def choose_language() -> Any:
        """Keep this browser's language (a cookie) and go back to the page it came from."""
        try:
            chosen = check_language(request.args.get("lang", ""), where="language")
        except LanguageError as exc:
            raise Refused(str(exc)) from None
        target = request.args.get("next", "/")
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = "/"  # only a page of this console: never an open redirect
        resp = redirect(target, code=303)
        resp.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return resp

    @app.before_request
    def _csrf() -> None:
        if request.method != "POST":
            return
        given = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
        known = session.get("csrf")
        if not known or not secrets.compare_digest(str(known).encode(), given.encode()):
            raise Refused(tr().gettext("the form's security token is missing or wrong (a forged or stale form); reload "
                                       "the page and try again"))

    @app.errorhandler(Refused)
    def _refused(exc: Refused) -> tuple[str, int]:
        return render_template("refused.html", message=exc.message), 403

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["X-Frame-Options"] = "DENY"
        # The AAR/IP page is the self-contained document (its print stylesheet inline, no script at all).
        style = "style-src 'self' 'unsafe-inline'" if g.get("inline_style") else "style-src 'self'"
        resp.headers["Content-Security-Policy"] = (f"default-src 'self'; img-src 'self' data:; {style}; "
                                                   "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    # -- joining -------------------------------------------------------------------------------
    @app.get("/")
    def index() -> Any:
        r = role()
        if r is None:
            return render_template("join.html", name=room.session.loaded.name, error=None)
        return redirect(_home(r), code=303)

    @app.post("/join")
    def join() -> Any:
        try:
            r = room.join(request.form.get("code", ""), client=request.remote_addr or "")
        except AccessError as exc:
            return render_template("join.html", name=room.session.loaded.name, error=exc.said(tr())), 403
        session.clear()
        assert isinstance(session, ServerSession)
        session.new_id()  # a fresh id on join: an id planted before joining is worth nothing
        session["role"] = r.key
        return redirect(_home(r), code=303)

    @app.post("/leave")
    def leave() -> Any:
        session.clear()  # the table forgets the id: a copied cookie no longer works
        return back("index")

    # -- facilitator ------------------------------------------------------------------------------
    @app.get("/facilitator")
    def facilitator() -> Any:
        need("facilitator")
        lang = current_lang()  # read here: the view is built on the session's thread, outside this request
        view = room.view(f"facilitator:{lang}", lambda ses: facilitator_view(ses, lang))
        return render_template("facilitator.html", v=view, codes=room.team_codes(), alarm=room.join_alarm(),
                               forecast=room.forecast_view(tr()), forecast_teams=forecast_teams(),
                               forecast_action=url_for("facilitator_forecast"))

    @app.get("/projector")
    def projector() -> Any:
        need("facilitator")
        lang = current_lang()
        return render_template("projector.html", v=room.view(f"projector:{lang}", lambda ses: projector_view(ses, lang)))

    @app.post("/facilitator/access")
    def access() -> Any:
        need("facilitator")
        what = request.form.get("what", "")
        if what == "reopen":
            flash(room.reopen_joining(tr=tr()))
        elif what == "new_code":
            key = request.form.get("role", "")
            try:
                code = room.new_code_for(key)
            except SimsoftError as exc:
                flash(tr().gettext("refused: %(reason)s", reason=str(exc)), error=True)
            else:
                gone = table.revoke_role(key)
                flash(tr().gettext("new code for %(who)s: %(code)s; the old code no longer works and %(n)s browser(s) "
                                   "joined with it must join again", who=key.removeprefix("team:"), code=code, n=gone))
        else:
            flash(tr().gettext("refused: unknown access action %(what)s", what=repr(what)), error=True)
        return back("facilitator")

    @app.post("/facilitator/control")
    def control() -> Any:
        need("facilitator")
        command = request.form.get("command", "")
        attempt(lambda: room.control(command, request.form.get("inject") or None, tr=tr()))
        return back("facilitator")

    @app.post("/facilitator/note")
    def facilitator_note() -> Any:
        need("facilitator")
        attempt(lambda: room.note(request.form.get("text", ""), team=None, inject=request.form.get("inject") or None,
                                   tr=tr()))
        return back("facilitator")

    def regional() -> bool:
        """Whether the room plays a regional exercise (its forms and views are the region's)."""
        return getattr(room.session.loaded, "region", None) is not None

    # -- teams ------------------------------------------------------------------------------------
    def team_page(team_id: str) -> dict[str, Any]:
        lang = current_lang()
        return room.view(f"team:{team_id}:{lang}", lambda ses: team_view(ses, team_id, room.answering(team_id), lang))

    def team_forms(view: dict[str, Any]) -> list[Any]:
        lang = current_lang()
        if regional():
            return room.view(f"forms:{view['team']['id']}:{lang}", lambda ses: regional_forms(
                ses.loaded, view["team"]["may"], tr=translator(lang)))
        return room.view(f"forms:{view['team']['id']}:{lang}", lambda ses: verb_forms(
            ses.loaded, view["team"]["may"], tr=translator(lang), names=_local_names(ses, lang)))

    @app.get("/team/<team_id>")
    def team(team_id: str) -> Any:
        need("team", team_id)
        view = team_page(team_id)
        return render_template("team.html", v=view, forms=team_forms(view), delays=delays(tr()))

    @app.post("/team/<team_id>/decide")
    def decide(team_id: str) -> Any:
        need("team", team_id)
        may = room.session.loaded.exercise.team(team_id).may
        try:
            line = (regional_form_to_line if regional() else form_to_line)(request.form, allowed=may, tr=tr())
        except FormError as exc:
            # What was chosen or typed is incomplete or wrong (no door chosen, not a number, out of
            # range): the form comes back filled in as sent, rationale included, with the reason.
            return refill(team_id, str(exc))
        except SimsoftError as exc:  # the team may not take this verb (a forged form): nothing to refill
            flash(refused(exc), error=True)
            return back("team", team_id=team_id)
        try:
            flash(room.decide(team_id, line, tr=tr()))
        except SimsoftError as exc:  # refused by the session (paused, unknown place): keep what was typed
            return refill(team_id, refused(exc))
        return back("team", team_id=team_id)

    def refill(team_id: str, message: str) -> tuple[str, int]:
        """The team page with the decision form as it was sent and ``message`` above it (HTTP 400: nothing changed)."""
        view = team_page(team_id)
        return render_template("team.html", v=view, forms=team_forms(view), delays=delays(tr()), typed=request.form,
                               form_error=message), 400

    @app.post("/team/<team_id>/note")
    def team_note(team_id: str) -> Any:
        need("team", team_id)
        if request.form.get("kind") == "hotwash":
            will = [f"we will: {x}" for x in [request.form.get("actions", "")] if x.strip()]
            attempt(lambda: room.hotwash(team_id, strengths=[request.form.get("strengths", "")],
                                         improvements=[request.form.get("improve", ""), *will], tr=tr()))
        else:
            attempt(lambda: room.note(request.form.get("text", ""), team=team_id, inject=room.answering(team_id), tr=tr()))
        return back("team", team_id=team_id)

    # -- evaluators -------------------------------------------------------------------------------
    @app.get("/evaluator")
    def evaluator() -> Any:
        need("evaluator")
        lang = current_lang()
        view = room.view(f"evaluator:{lang}", lambda ses: evaluator_view(ses, lang))
        injects = [i.id for i in room.session.loaded.exercise.msel]
        return render_template("evaluator.html", v=view, injects=injects, forecast=room.forecast_view(tr()),
                               forecast_teams=forecast_teams(), forecast_action=url_for("evaluator_forecast"))

    @app.get("/aar")
    def aar() -> Any:
        """The session's AAR/IP so far, in the reader's language (outcomes are left out: the replications take
        minutes; ``simsoft exercise report SESSION --lang LANG`` adds them)."""
        need("evaluator")
        lang = current_lang()

        def build(ses: Any) -> str:
            import tempfile

            from facilitator.evaluation.aar import write_aar

            with tempfile.TemporaryDirectory(prefix="simsoft-aar-") as tmp:
                if getattr(ses.loaded, "region", None) is not None:
                    # The regional AAR/IP (regional findings of the played run) is written in English so far.
                    from facilitator.evaluation.regional_aar import write_regional_aar

                    folder = write_regional_aar(ses, out=tmp)
                else:
                    folder = write_aar(ses, out=tmp, replications=0, lang=lang)
                return (folder / "aar.html").read_text(encoding="utf-8")

        g.inline_style = True
        return Response(room.call(build), mimetype="text/html")

    @app.post("/evaluator/note")
    def evaluator_note() -> Any:
        need("evaluator")
        attempt(lambda: room.note(request.form.get("text", ""), team=room.evaluator_team(),
                                  inject=request.form.get("inject") or None, tr=tr()))
        return back("evaluator")

    @app.post("/evaluator/rate")
    def evaluator_rate() -> Any:
        need("evaluator")
        attempt(lambda: room.rate(request.form.get("capability", ""), request.form.get("rating") or None,
                                  request.form.get("reason") or None, evaluator=room.evaluator_team(), tr=tr()))
        return back("evaluator")

    # -- what-if forecasts (facilitator and evaluators) ----------------------------------------------
    @app.post("/facilitator/forecast")
    def facilitator_forecast() -> Any:
        need("facilitator")
        attempt(lambda: room.forecast(request.form.get("team", ""), request.form.get("decision", ""), by="facilitator",
                                     tr=tr()))
        return back("facilitator")

    @app.post("/evaluator/forecast")
    def evaluator_forecast() -> Any:
        r = need("evaluator")
        attempt(lambda: room.forecast(request.form.get("team", ""), request.form.get("decision", ""), by=r.kind,
                                     tr=tr()))
        return back("evaluator")

    @app.get("/forecast/<int:n>.png")
    def forecast_png(n: int) -> Any:
        need("evaluator")  # evaluators and the facilitator
        try:
            # the page's language; the page's link names it too, so a browser never shows one language's cached figure
            # on a page in another
            asked = request.args.get("lang", "")
            data = room.forecast_png(n, asked if asked in LANGUAGES else current_lang())
        except SimsoftError:
            abort(404)
        return Response(data, mimetype="image/png")

    # -- live updates --------------------------------------------------------------------------------
    @app.get("/live/<view>")
    def live(view: str) -> Any:
        r = role()
        if r is None:
            raise Refused(tr().gettext("join with your code first"))
        lang = current_lang()
        since = request.args.get("v", type=int)
        current = room.version
        if since == current:
            return jsonify(v=current)
        if view == "facilitator":
            need("facilitator")
            data = room.versioned_view(f"facilitator:{lang}", lambda ses: facilitator_view(ses, lang))
            regions = {"live": render_template("_facilitator_live.html", v=data[1], codes=room.team_codes(),
                                               alarm=room.join_alarm())}
        elif view == "projector":
            need("facilitator")
            data = room.versioned_view(f"projector:{lang}", lambda ses: projector_view(ses, lang))
            regions = {"live": render_template("_projector_live.html", v=data[1])}
        elif view == "team" and r.kind == "team":
            data = room.versioned_view(f"team:{r.team}:{lang}",
                                       lambda ses: team_view(ses, str(r.team), room.answering(str(r.team)), lang))
            regions = {"live-main": render_template("_team_main.html", v=data[1]),
                       "live-side": render_template("_team_side.html", v=data[1])}
        elif view == "evaluator":
            need("evaluator")
            data = room.versioned_view(f"evaluator:{lang}", lambda ses: evaluator_view(ses, lang))
            regions = {"live": render_template("_evaluator_live.html", v=data[1])}
        else:
            abort(404)
        current, phase, paused = data[0], data[1]["phase"], data[1]["paused"]
        return jsonify(v=current, regions=regions, phase=phase, paused=paused)

    return app


_KINDS = {"team": "teams", "facilitator": "facilitators", "evaluator": "evaluators"}
"""Whom a page is for, as a refusal says it (marked for the catalogs below)."""
_ = [N_("teams"), N_("facilitators"), N_("evaluators"), N_("team"), N_("facilitator"), N_("evaluator")]


def _who(r: Role, tr: Translator, named: Callable[[str | None], str]) -> str:
    return tr.gettext("team %(team)s", team=named(r.team)) if r.kind == "team" else tr.gettext(r.kind)


def _local_names(ses: Any, lang: str) -> dict[str, str]:
    from facilitator.web.views import Local

    return Local(ses, lang).names


def _home(r: Role) -> str:
    if r.kind == "team":
        return url_for("team", team_id=r.team)
    return url_for(r.kind)
