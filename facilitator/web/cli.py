"""``simsoft exercise serve``: start or continue a session and serve the web console on it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simsoft.cli import FiniteFloat

__all__ = ["exposure_warning", "serve", "session_folder"]


def exposure_warning(host: str) -> str | None:
    """What to tell the facilitator before serving on ``host``, or None if only this computer can connect."""
    import ipaddress

    name = host.strip().strip("[]")
    if name.lower() == "localhost":
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to any interface
    where = "every network this computer is on" if name in ("0.0.0.0", "::", "") else f"the network at {host}"
    return (f"warning: --host {host} opens the web console to {where}, over plain HTTP. Anyone who can reach "
            "this computer can open the join page; the join codes are the only protection (they let a browser "
            "read a team's injects and decide for it, or run the exercise with the facilitator code). Serve "
            "like this only on a network you trust (the room's own Wi-Fi), never on a public or guest network, "
            "and keep the facilitator code off the projector.")


def session_folder(exercise_name: str, session: str, out_dir: str) -> Path:
    """The folder of ``--session``: a path, or a folder name under ``OUT/<exercise>/``."""
    from simsoft.errors import SimsoftError
    from simsoft.schema import slug

    given = Path(session)
    for candidate in (given, Path(out_dir) / slug(exercise_name) / session):
        if (candidate / "session.sqlite").is_file():
            return candidate
    raise SimsoftError(f"no session {session!r}: neither {given} nor {Path(out_dir) / slug(exercise_name) / session} "
                       "holds a session.sqlite")


@click.command()
@click.argument("exercise_file", metavar="EXERCISE.yaml", type=click.Path(dir_okay=False, path_type=str))
@click.option("--session", "session_id", default=None,
              help="Continue this session (its folder, or its name under OUT/<exercise>/) instead of starting one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is this computer only. 0.0.0.0 opens it to the network.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of a new session (default: the exercise's).")
@click.option("--out", "out_dir", default="outputs/sessions", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Folder under which new sessions are written.")
@click.option("--threads", type=click.IntRange(min=2, max=64), default=8, show_default=True,
              help="Worker threads (each open page polls once a second).")
@click.option("--lang", "lang", default=None, metavar="LANG",
              help="The session's default language: en, ar or fr (default: $SIMSOFT_LANG, else en); each browser "
                   "may switch its own. The exercise file must translate every text into it.")
@click.option("--signed-in-hours", "signed_in_h", type=FiniteFloat(min=0.25, max=72), default=12.0,
              show_default=True, help="How long a browser stays signed in after joining (a restart signs everyone out).")
def serve(exercise_file: str, session_id: str | None, host: str, port: int, seed: int | None, out_dir: str,
          threads: int, signed_in_h: float, lang: str | None = None) -> None:
    """Serve the web console on a session of EXERCISE.yaml (a new one, or --session to continue one)."""
    import waitress

    from facilitator.conduct.store import open_session, start_session
    from facilitator.exercise.loader import load_exercise
    from facilitator.conduct.session import Session, SessionError
    from facilitator.web import Room, create_app

    from facilitator.exercise.loader import check_language_coverage
    from facilitator.i18n import default_language, translator

    loaded = load_exercise(exercise_file, seed=seed)
    language = default_language(lang)
    check_language_coverage(loaded, language)
    t = translator(language)
    if session_id:
        folder = session_folder(loaded.name, session_id, out_dir)

        def build() -> Session:
            return open_session(folder, warn=lambda text: click.secho(f"warning: {text}", fg="yellow", err=True))
    else:
        def build() -> Session:
            return start_session(loaded, out_dir=out_dir)

    room = Room(build)
    session = room.session
    if session_id:
        played = Path(session.start_body.get("exercise_file", ""))
        if played.resolve() != Path(exercise_file).resolve():
            room.close()
            raise SessionError(f"session {session.folder} plays {played}, not {exercise_file}")
        click.echo(f"continuing session {session.folder} at {_t(session.now_s)} ({session.phase}, "
                   f"{len(session.decisions)} decisions)")
    else:
        click.echo(f"session {session.folder} (seed {loaded.seed})")
    app = create_app(room, session_ttl_s=signed_in_h * 3600.0, lang=language)
    warning = exposure_warning(host)
    if warning:
        click.secho(warning, fg="yellow", err=True)
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="simsoft")
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    url = f"http://{shown}:{server.effective_port}/"  # type: ignore[union-attr]
    # The banner's words stay English whatever --lang says: a supervising process (or a test) reads these lines
    # ("facilitator code", "code TEAM", "ready"); only the teams' names are said in the session's language.
    click.echo(f"web console         {url}")
    click.echo(f"facilitator code    {room.code_of_key('facilitator')}")
    click.echo(f"projector view      {url}projector   (facilitator code; the room's screen: no controller notes)")
    texts = getattr(loaded, "texts", None)
    for team_id, name, code in room.team_codes():
        shown_name = t(name) if team_id == "evaluator" else (  # the room's own role ("Evaluators"), not a team
            texts.get(("team", team_id, "name"), language, name) if texts is not None else None) or name
        click.echo(f"code {team_id:<14} {code}   ({shown_name})")
    click.echo(f"continue later      simsoft exercise serve {exercise_file} --session {session.folder}", nl=True)
    click.echo("ready (Ctrl+C stops the server; the session stays in its journal; browsers join again after a restart)")
    sys.stdout.flush()  # a supervising process (or a test) waits for this line
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped; every step is in the journal")
    finally:
        server.close()
        room.close()


def _t(seconds: float) -> str:
    from simsoft.units import format_duration

    return format_duration(seconds)
