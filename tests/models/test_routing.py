"""The vectorised potentials give exactly the Dijkstra search's values (they must: results are byte-identical)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simsoft.models.egress import routing


def _graph(seed: int, n_nodes: int, n_exits: int, n_links: int) -> dict:
    rng = np.random.default_rng(seed)
    total = n_nodes + n_exits
    a = rng.integers(0, total, n_links)
    b = rng.integers(0, total, n_links)
    # Directed links in pairs (forward, backward), like the model's links.
    dl_src = np.stack([a, b], axis=1).ravel()
    dl_dst = np.stack([b, a], axis=1).ravel()
    return dict(
        n_nodes=n_nodes,
        n_exits=n_exits,
        dl_src=dl_src,
        dl_dst=dl_dst,
        usable=rng.random(2 * n_links) < 0.85,
        wait_s=np.where(rng.random(2 * n_links) < 0.3, rng.random(2 * n_links) * 40.0, 0.0),
        cross_s=rng.random(n_nodes) * 30.0 + 0.1,
        blocked=rng.random(n_nodes) < 0.1,
        allowed_exits=rng.random(n_exits) < 0.6,
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 60), n_exits=st.integers(1, 6), n_links=st.integers(0, 150))
def test_potentials_equal_dijkstra_bit_for_bit(seed: int, n_nodes: int, n_exits: int, n_links: int) -> None:
    kw = _graph(seed, n_nodes, n_exits, n_links)
    expected = routing._dijkstra(**kw)
    # Both ways of computing them: the numpy relaxation (no search) and the plain-Python search (always).
    for work in (0, 10**9):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(routing, "_SEARCH_MAX_WORK", work)
            np.testing.assert_array_equal(routing.potentials(**kw), expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 40), n_exits=st.integers(1, 5), n_links=st.integers(0, 100),
       n_sets=st.integers(1, 5))
def test_many_exit_sets_at_once_equal_one_at_a_time(seed: int, n_nodes: int, n_exits: int, n_links: int, n_sets: int) -> None:
    kw = _graph(seed, n_nodes, n_exits, n_links)
    sets = np.random.default_rng(seed + 1).random((n_sets, n_exits)) < 0.5
    kw.pop("allowed_exits")
    for work in (0, 10**9):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(routing, "_SEARCH_MAX_WORK", work)
            pot = routing.potentials(**kw, allowed_exits=sets)
        assert pot.shape == (n_sets, n_nodes + n_exits)
        for k in range(n_sets):
            np.testing.assert_array_equal(pot[k], routing._dijkstra(**kw, allowed_exits=sets[k]))


def test_deep_graph_falls_back_to_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    # A corridor of 80 nodes needs 80 relaxation rounds: more than the cap, so the search finishes it.
    n = 80
    a = np.arange(n)
    dl_src = np.stack([a, a + 1], axis=1).ravel()
    dl_dst = np.stack([a + 1, a], axis=1).ravel()
    kw = dict(
        n_nodes=n,
        n_exits=1,
        dl_src=dl_src,
        dl_dst=dl_dst,
        usable=np.ones(2 * n, dtype=bool),
        wait_s=np.zeros(2 * n),
        cross_s=np.full(n, 0.7),
        blocked=np.zeros(n, dtype=bool),
        allowed_exits=np.ones(1, dtype=bool),
    )
    calls = []
    real = routing._search
    monkeypatch.setattr(routing, "_search", lambda *args: calls.append(1) or real(*args))
    monkeypatch.setattr(routing, "_SEARCH_MAX_WORK", 0)  # a graph this small would be searched directly
    pot = routing.potentials(**kw)
    assert calls == [1]
    np.testing.assert_array_equal(pot, routing._dijkstra(**kw))
    assert pot[0] == pytest.approx(n * 0.7)


def test_deep_graph_searches_only_the_rows_left_unfinished(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two exit sets on an 80-node corridor: with the exit, 80 rounds (searched); without it, nothing to relax.
    n = 80
    a = np.arange(n)
    kw = dict(
        n_nodes=n,
        n_exits=1,
        dl_src=np.stack([a, a + 1], axis=1).ravel(),
        dl_dst=np.stack([a + 1, a], axis=1).ravel(),
        usable=np.ones(2 * n, dtype=bool),
        wait_s=np.zeros(2 * n),
        cross_s=np.full(n, 0.7),
        blocked=np.zeros(n, dtype=bool),
    )
    calls = []
    real = routing._search
    monkeypatch.setattr(routing, "_search", lambda *args: calls.append(1) or real(*args))
    monkeypatch.setattr(routing, "_SEARCH_MAX_WORK", 0)
    pot = routing.potentials(**kw, allowed_exits=np.array([[True], [False]]))
    assert calls == [1]
    np.testing.assert_array_equal(pot[0], routing._dijkstra(**kw, allowed_exits=np.ones(1, dtype=bool)))
    assert np.isinf(pot[1, :n]).all() and pot[1, n] == math.inf
