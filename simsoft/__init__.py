"""simsoft: a seeded discrete-event world for tabletop exercises on the protection of soft targets.

Three verbs: :func:`load_scenario` (validate a scenario file), :func:`run` (simulate it with a seed),
and the :class:`RunResult` records (``.events``, ``.metrics``, ``.timeseries``).

>>> from simsoft import load_scenario, run
>>> result = run(load_scenario("scenarios/community-hall.yaml"), seed=1)  # doctest: +SKIP
>>> result.metrics["egress.t95_s"]  # doctest: +SKIP
"""

from simsoft.engine import RunResult, Simulation, run
from simsoft.errors import ActionError, Problem, ScenarioError, SimsoftError
from simsoft.loader import apply_variant, load_scenario
from simsoft.models.incident import exits_away_from
from simsoft.observation import Observation
from simsoft.rng import DEFAULT_SEED
from simsoft.schema import SCHEMA_VERSION, Scenario

__version__ = "0.1.0"

__all__ = [
    "ActionError",
    "DEFAULT_SEED",
    "Observation",
    "Problem",
    "RunResult",
    "SCHEMA_VERSION",
    "Scenario",
    "ScenarioError",
    "SimsoftError",
    "Simulation",
    "__version__",
    "apply_variant",
    "exits_away_from",
    "load_scenario",
    "run",
]
