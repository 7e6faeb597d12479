"""An experiment: one scenario, several variants, N seeded replications with common random numbers.

Replication ``i`` gets its seed from child ``i`` of one :class:`numpy.random.SeedSequence`, and every
variant of replication ``i`` runs with that same seed. Because simsoft draws each decision point from
its own named stream (:mod:`simsoft.rng`), variant ``a`` and variant ``b`` of replication ``i`` see the
same pre-movement times, delays and travel times wherever the variant does not change them: a
difference between them comes from the variant, not from noise (common random numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simsoft.errors import SimsoftError
from simsoft.rng import DEFAULT_SEED
from simsoft.schema import Scenario

__all__ = ["BASE", "Experiment", "Task", "replication_seeds"]

BASE = "base"
"""Name of the unmodified scenario among an experiment's variants."""


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Run seeds of replications ``0 .. replications-1``: child ``i`` of ``SeedSequence(seed)``.

    A replication's seed does not depend on how many replications there are, so growing an experiment
    from 50 to 200 replications keeps the first 50 runs unchanged.

    >>> replication_seeds(1, 3) == replication_seeds(1, 5)[:3]
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SimsoftError(f"experiment seed must be a non-negative integer, got {seed!r}")
    children = np.random.SeedSequence(int(seed)).spawn(int(replications))
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


@dataclass(frozen=True, slots=True)
class Task:
    """One run of an experiment: a variant (by position and name), a replication and its seed.

    ``overrides`` (``set:`` paths and values, applied after the variant's) are sampled parameter values
    of an uncertainty experiment; an ordinary experiment leaves them empty.
    """

    variant_index: int
    variant: str
    replication: int
    seed: int
    overrides: tuple[tuple[str, object], ...] = ()


class Experiment:
    """Replications x variants of one scenario.

    Args:
        scenario: a loaded scenario (:func:`simsoft.load_scenario`).
        variants: names of the scenario's variants to run; ``"base"`` is the unmodified scenario.
            Default: ``base`` and then every variant of the scenario, in file order. The first one is
            the reference of the paired differences.
        replications: runs per variant (the IMO MSC.1/Circ.1533 advanced analysis asks for >= 50).
        seed: the experiment seed; replication seeds derive from it (:func:`replication_seeds`).

    >>> from simsoft import load_scenario
    >>> exp = Experiment(load_scenario("scenarios/community-hall.yaml"), replications=50, seed=1)  # doctest: +SKIP
    >>> exp.variants  # doctest: +SKIP
    ('base', 'front_door_blocked', 'staff_direct_to_all_exits', 'wider_rear_exit')
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        variants: Sequence[str] | None = None,
        replications: int = 50,
        seed: int = DEFAULT_SEED,
    ) -> None:
        if isinstance(replications, bool) or not isinstance(replications, (int, np.integer)) or replications < 1:
            raise SimsoftError(f"replications must be a positive integer, got {replications!r}")
        known = list(scenario.variants)
        if variants is None:
            variants = [BASE, *known]
        variants = [v.strip() for v in variants]
        if not variants:
            raise SimsoftError("an experiment needs at least one variant (use 'base' for the scenario as written)")
        for v in variants:
            if v != BASE and v not in scenario.variants:
                listing = ", ".join([BASE, *sorted(known)])
                raise SimsoftError(f"unknown variant {v!r} of scenario {scenario.name!r} (variants: {listing})")
        dupes = sorted({v for v in variants if variants.count(v) > 1})
        if dupes:
            raise SimsoftError(f"variant {dupes[0]!r} is listed twice")
        self.scenario = scenario
        self.variants: tuple[str, ...] = tuple(variants)
        self.replications = int(replications)
        self.seed = int(seed)
        self.seeds: tuple[int, ...] = tuple(replication_seeds(self.seed, self.replications))

    @property
    def reference(self) -> str:
        """The variant the others are compared with (the first one)."""
        return self.variants[0]

    def tasks(self) -> list[Task]:
        """Every run, replication-major so that interrupted experiments keep whole replications."""
        return [
            Task(vi, v, rep, seed)
            for rep, seed in enumerate(self.seeds)
            for vi, v in enumerate(self.variants)
        ]

    def __len__(self) -> int:
        return self.replications * len(self.variants)

    def __repr__(self) -> str:
        return (f"Experiment({self.scenario.name!r}, variants={list(self.variants)!r}, "
                f"replications={self.replications}, seed={self.seed})")
