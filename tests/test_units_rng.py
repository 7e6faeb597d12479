"""Durations with units, and named random streams."""

from __future__ import annotations

import numpy as np
import pytest

from simsoft.rng import Streams, stream_key
from simsoft.units import format_duration, parse_duration


@pytest.mark.parametrize(
    "text,seconds",
    [("90 s", 90.0), ("4 min", 240.0), ("1.5 h", 5400.0), ("2 d", 172800.0), (" 0.5min ", 30.0), ("1e2 s", 100.0), ("3 minutes", 180.0)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "value,message",
    [
        (90, "needs a unit"),
        ("90", "needs a unit"),
        ("90 parsecs", "has unknown unit 'parsecs'"),
        ("1e400 s", "must be a finite duration"),
        (True, "got bool"),
        (None, "got NoneType"),
    ],
)
def test_parse_duration_errors(value, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(value)


def test_format_duration():
    assert [format_duration(x) for x in (5, 95, 7260, float("inf"))] == ["5 s", "1 min 35 s", "2 h 1 min", "never"]


def test_streams_are_reproducible_and_independent():
    a, b = Streams(3), Streams(3)
    # Drawing from another stream first must not shift this one (common random numbers).
    b.stream("other").random(1000)
    assert np.array_equal(a.stream("egress.pre_movement").random(5), b.stream("egress.pre_movement").random(5))
    assert not np.array_equal(Streams(3).stream("x").random(5), Streams(4).stream("x").random(5))
    assert not np.array_equal(Streams(3).stream("x").random(5), Streams(3).stream("y").random(5))


def test_stream_key_is_stable_across_processes():
    # SHA-256 based, so this value never changes with PYTHONHASHSEED, platform or process.
    assert stream_key("egress.pre_movement") == (3244701059, 4148065858, 482744315, 4042691153)
    assert Streams(1).stream("egress.pre_movement").integers(0, 10**9) == Streams(1).stream("egress.pre_movement").integers(0, 10**9)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        Streams(seed)


def test_no_global_random_state_is_touched():
    import random

    np_state = np.random.get_state()[1].copy()
    py_state = random.getstate()
    Streams(5).stream("a").random(10)
    assert np.array_equal(np.random.get_state()[1], np_state)
    assert random.getstate() == py_state
