"""One seed per run, one named random stream per decision point.

Every stochastic decision point asks :meth:`Streams.stream` for a generator by a stable name
(``"egress.pre_movement"``). The stream's seed is derived from the run seed and a SHA-256 of the
name, never from Python's salted ``hash()``, so adding draws in one place never shifts another
(common random numbers across variants) and a run is reproducible across processes and machines.
Global random state (``random``, ``numpy.random.seed``) is never touched.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["DEFAULT_SEED", "Streams", "stream_key"]

DEFAULT_SEED = 20240611
"""Seed used when none is given; written into every output."""


def stream_key(name: str) -> tuple[int, ...]:
    """The ``spawn_key`` of a named stream: four 32-bit words of SHA-256(name)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Streams:
    """Named, independent ``numpy.random.Generator`` streams derived from one seed.

    >>> s = Streams(seed=7)
    >>> a = s.stream("egress.pre_movement").random()
    >>> a == Streams(seed=7).stream("egress.pre_movement").random()
    True
    """

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """The generator for ``name``; the same object on every call within a run."""
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=stream_key(name))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen

    @property
    def names(self) -> list[str]:
        """Names of the streams used so far, sorted."""
        return sorted(self._streams)
