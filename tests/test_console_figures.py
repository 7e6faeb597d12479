"""Figures off the inject step (issue 18): a background worker, cached by state, --no-figures, same journal."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator import load_decisions, load_exercise, start_session
from facilitator.cli import exercise
from facilitator.conduct.console import Console
from facilitator.conduct.figures import FigureWorker, describe, state_key
from facilitator.conduct.journal import read_journal

HALL = Path(__file__).resolve().parents[1] / "scenarios" / "exercises"
EXERCISE = HALL / "community-hall.yaml"


@pytest.fixture(scope="module")
def hall():
    """The community hall exercise and the decision set a facilitator types in for its teams."""
    return load_exercise(EXERCISE), load_decisions(HALL / "community-hall-decisions.yaml")


@pytest.fixture
def loaded(hall):
    return hall[0]


def png_description(path: Path) -> str:
    """The ``Description`` tEXt chunk of a PNG (matplotlib writes its ``metadata`` there)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data.endswith(b"IEND\xaeB`\x82"), f"{path} is not a whole PNG"
    at = 8
    while at < len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + size]
        if kind == b"tEXt" and body.startswith(b"Description\x00"):
            return body.split(b"\x00", 1)[1].decode("latin-1")
        if kind == b"zTXt" and body.startswith(b"Description\x00"):
            return zlib.decompress(body.split(b"\x00", 1)[1][1:]).decode("latin-1")
        at += 12 + size
    raise AssertionError(f"{path} has no Description")


def scripted_console(session, script, *, figures: bool, seen: list[tuple[str, tuple]] | None = None) -> list[str]:
    """Run the console as a facilitator would type ``script`` for the teams; returns what it wrote."""
    taken: set[int] = set()
    out: list[str] = []
    done = {"end": False}

    def write(text: str) -> None:
        out.append(text)
        if text.startswith("== ") and seen is not None:
            seen.append((text.split()[1], state_key(session.sim)))
        if "no inject left" in text:
            done["end"] = True

    def read(prompt: str) -> str:
        if prompt == "facilitator> ":
            return "close" if done["end"] else "next"
        current = session.current_inject()
        team = prompt.removesuffix("> ")
        for i, d in enumerate(script):
            if i not in taken and d.team == team and current and d.inject == current.inject.id:
                taken.add(i)
                return d.line()
        return ""

    assert Console(session, read=read, write=write, figures=figures).run() == "closed"
    return out


def journal_of(folder: Path) -> list[tuple[str, dict]]:
    entries, damage = read_journal(folder / "session.sqlite")
    assert damage is None
    return [(e.kind, e.body) for e in entries]


def test_figures_are_drawn_in_the_background_whole_and_of_the_state_their_inject_saw(loaded, hall, tmp_path):
    session = start_session(loaded, out_dir=tmp_path / "with")
    seen: list[tuple[str, tuple]] = []
    out = scripted_console(session, hall[1], figures=True, seen=seen)
    lines = [line for line in out if line.startswith("-- figure: ")]
    assert len(lines) == len(seen) >= 8
    folder = session.folder / "figures"
    for (inject, key), line in zip(seen, lines):
        path = Path(line.removeprefix("-- figure: "))
        assert path.parent == folder
        # One figure per state: an inject released without the world moving shows the earlier file.
        first = next(i for i, k in seen if k == key)
        assert path.name == f"{first}.png"
        assert png_description(path) == describe(key), inject  # drawn from exactly that moment, never later
    assert not any("not drawn" in line for line in out), out
    assert not list(folder.glob("*.tmp"))


def test_no_figures_journal_and_records_are_byte_identical_with_and_without_figures(loaded, hall, tmp_path):
    with_fig = start_session(loaded, out_dir=tmp_path / "with")
    without = start_session(loaded, out_dir=tmp_path / "without")
    out_with = scripted_console(with_fig, hall[1], figures=True)
    out_without = scripted_console(without, hall[1], figures=False)
    assert not any(line.startswith("-- figure") for line in out_without)
    assert not (without.folder / "figures").exists()
    assert (with_fig.folder / "figures").is_dir()
    figure_lines = ("-- figure", "-- drawing the last")
    same = [line.replace(str(with_fig.folder), "SESSION") for line in out_with if not line.startswith(figure_lines)]
    assert same == [line.replace(str(without.folder), "SESSION") for line in out_without]
    assert journal_of(with_fig.folder) == journal_of(without.folder)
    assert (with_fig.folder / "events.jsonl").read_bytes() == (without.folder / "events.jsonl").read_bytes()


def test_cli_no_figures_prints_no_figure_line_and_leaves_no_figure(tmp_path):
    result = CliRunner().invoke(exercise, ["start", str(EXERCISE), "--out", str(tmp_path), "--no-figures"],
                                input="\n" * 40 + "close\n")
    assert result.exit_code == 0, result.output
    assert "== I1 " in result.output and "session closed" in result.output
    assert "-- figure" not in result.output
    assert not list(tmp_path.rglob("figures")) and not list(tmp_path.rglob("*.png"))


def test_the_same_state_is_drawn_once_and_a_failure_to_draw_is_reported_not_raised(loaded, tmp_path):
    session = start_session(loaded, out_dir=tmp_path)
    session.advance_phase("conduct")
    session.release_next()
    worker = FigureWorker(session.sim, folder=session.folder)
    try:
        first = worker.request("I1")
        assert worker.request("again") == first  # same state: no second drawing
        session.release_next()
        bad = worker.request("no/such/folder/I2")  # the worker cannot write there
        assert bad.endswith("I2.png")
        lines = worker.close(wait=True)
    finally:
        worker.close(wait=False)
    assert Path(first).is_file() and not (session.folder / "figures" / "again.png").exists()
    assert len(lines) == 1 and re.match(r"figure no/such/folder/I2 not drawn \(FileNotFoundError: ", lines[0]), lines


def test_a_figures_folder_that_cannot_be_made_does_not_stop_the_console(loaded, hall, tmp_path):
    session = start_session(loaded, out_dir=tmp_path)
    (session.folder / "figures").write_text("in the way", encoding="utf-8")
    out = scripted_console(session, hall[1], figures=True)
    assert any(line.startswith("-- figure: no figure (FileExistsError") for line in out), out
    assert session.phase == "closed"


def test_the_console_process_never_imports_matplotlib(tmp_path):
    code = f"""
import sys
from facilitator import load_exercise, start_session
from facilitator.conduct.console import Console
session = start_session(load_exercise({str(EXERCISE)!r}), out_dir={str(tmp_path)!r})
lines = iter(["next", "", "", "next", "", "close"])
Console(session, read=lambda prompt: next(lines), write=lambda text: None, figures=True).run()
assert "matplotlib" not in sys.modules, "matplotlib was imported on the critical path"
figures = sorted(p.name for p in (session.folder / "figures").iterdir())
assert figures and all(name.endswith(".png") for name in figures), figures
print("ok", figures)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")


@pytest.mark.parametrize(("exercise_file", "lang", "word", "english"),
                         [("place-of-worship.yaml", "fr", "Sortis", "out"),
                          ("riverside-city.yaml", "fr", "nord (km)", "north (km)")])
def test_figures_are_drawn_in_the_consoles_language(tmp_path, monkeypatch, exercise_file, lang, word, english):
    """A French console's figures (the venue's evacuation curves, a region's map) carry French words, drawn by the
    same worker code in this process (the worker's process is replaced by a direct call)."""
    from concurrent.futures import Future

    from matplotlib.text import Text

    from facilitator.conduct import figures, regional

    drawn: list = []
    monkeypatch.setattr(figures, "_save", lambda fig, key, path: drawn.append(fig) or path)

    class InProcess:
        def __init__(self) -> None:
            self.world: dict = {}

        def submit(self, ident, job):
            done: Future = Future()
            done.set_result(figures._draw(self.world, job))
            return done

        def close(self, *, wait: bool) -> None:
            pass

    monkeypatch.setattr(figures, "_Process", InProcess)
    monkeypatch.setattr(regional, "_Process", InProcess)  # the regional worker starts its own
    ses = start_session(load_exercise(HALL / exercise_file), out_dir=tmp_path)
    ses.advance_phase("conduct")
    ses.release_next()
    worker = ses.figure_worker(folder=tmp_path, lang=lang)
    worker.request("I1")
    assert worker.poll() == [] and len(drawn) == 1
    texts = " ".join(t.get_text() for t in drawn[0].findobj(Text))
    assert word.lower() in texts.lower(), texts[:400]
    ses.figure_worker(folder=tmp_path / "en").request("I1")
    said = " ".join(t.get_text() for t in drawn[1].findobj(Text)).lower()
    assert english in said and word.lower() not in said
