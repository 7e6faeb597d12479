"""Baseline arms shared across teams and sessions: the doctrine and no-action runs of an exercise.

The *no action* arm is the exercise's scenario as written, and the *doctrine* arm the MSEL's expected
actions at their time standards: neither depends on what a team decided (except where an expectation
gives no ``doctrine`` parameters and doctrine borrows the team's, which is part of the key below). So
evaluating the second team of an exercise, or reporting another session of it, needs only the team's
own arm: the baselines are read from this store.

**Where.** A folder ``.simsoft-baselines`` next to the session folders (the session folder's parent,
``outputs/sessions/.simsoft-baselines`` for sessions started in the default place), or the folder named
by ``$SIMSOFT_BASELINE_CACHE`` (``off`` turns the store off). One JSON file per baseline.

**Key.** SHA-256 of: the arm (``doctrine`` or ``no_action``); the exercise file's content hash; the
resolved scenario's content hash (its variant applied: :attr:`LoadedExercise.scenario_sha256`); the
variant's name; the session seed the doctrine run is played on; the doctrine script (every expected
action with the parameters it takes, borrowed ones included); the replication seed; the simsoft version.
Not the replication rule: the file holds each replication's values by index, and replication ``i``'s
seed is the same whatever the rule (:func:`simsoft.experiments.replication_seeds`), so a fixed or an
adaptive comparison reads the prefix it needs and a longer one extends the file. A file whose recorded
seeds differ from the ones wanted is not used.

**Safety.** Written to a temporary file in the same folder and renamed (atomic on POSIX and Windows),
so a reader sees a whole old file or a whole new one; a file that cannot be read or parsed is ignored
with a warning (the runs are made again and the file rewritten), never an error: it is derived data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import simsoft

__all__ = ["BaselineStore", "baseline_folder", "FOLDER", "ENV"]

FOLDER = ".simsoft-baselines"
ENV = "SIMSOFT_BASELINE_CACHE"
FORMAT = 1


def baseline_folder(session_folder: Path | None) -> Path | None:
    """The store's folder for a session in ``session_folder`` (``None``: no store)."""
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    return None if session_folder is None else Path(session_folder).resolve().parent / FOLDER


def _default_warn(text: str) -> None:
    warnings.warn(text, RuntimeWarning, stacklevel=3)


class BaselineStore:
    """Per-replication metric values of the baseline arms, in ``folder``."""

    def __init__(self, folder: Path, *, warn: Callable[[str], None] | None = None) -> None:
        self.folder = Path(folder)
        self.warn = warn or _default_warn

    @staticmethod
    def key(*, arm: str, exercise_sha256: str, scenario_sha256: str, variant: str | None, session_seed: int,
            seed: int, doctrine_script: Any = None) -> str:
        text = json.dumps({"arm": arm, "exercise": exercise_sha256, "scenario": scenario_sha256, "variant": variant,
                           "session_seed": session_seed, "seed": seed, "script": doctrine_script,
                           "simsoft": simsoft.__version__}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key[:40]}.json"

    def read(self, key: str, seeds: Sequence[int]) -> tuple[dict[str, list[float | None]], list[str]] | None:
        """The stored values (``{metric: [value of replication 0, 1, ...]}``) and doctrine gaps, or ``None``.

        Only the prefix whose seeds equal ``seeds`` is returned.
        """
        path = self._path(key)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError("it holds another key")
            stored = [int(s) for s in data["seeds"]]
            values = {str(m): [None if v is None else float(v) for v in vs] for m, vs in data["values"].items()}
            if any(len(vs) != len(stored) for vs in values.values()):
                raise ValueError("its value lists and seeds differ in length")
            gaps = [str(g) for g in data.get("gaps", [])]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.warn(f"baseline cache {path}: ignored, unreadable ({exc}); its runs are made again")
            return None
        n = 0
        while n < min(len(stored), len(seeds)) and stored[n] == seeds[n]:
            n += 1
        if n == 0:
            return None
        return {m: vs[:n] for m, vs in values.items()}, gaps

    def write(self, key: str, *, arm: str, seeds: Sequence[int], values: dict[str, list[float | None]],
              gaps: Sequence[str] = ()) -> None:
        """Keep ``values`` (replications ``0 .. len(seeds)-1``) unless the store already holds as many."""
        n = len(seeds)
        if n == 0:
            return
        path = self._path(key)
        if path.exists():
            try:
                if len(json.loads(path.read_text(encoding="utf-8"))["seeds"]) >= n:
                    return
            except (OSError, ValueError, KeyError, TypeError):
                pass  # unreadable: overwrite it
        text = json.dumps({"format": FORMAT, "key": key, "arm": arm, "simsoft": simsoft.__version__,
                           "seeds": list(seeds), "values": values, "gaps": list(gaps)}, sort_keys=True)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError as exc:
            self.warn(f"baseline cache {self.folder}: not written ({exc}); the results are still returned")
