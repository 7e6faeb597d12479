"""The egress (crowd movement) model: a macroscopic SFPE hydraulic network-flow model, in parts.

- :mod:`.hydraulics`: SFPE relations and constants (pure functions);
- :mod:`.network`: the venue as a flow network (nodes, links, capacities);
- :mod:`.population`: release units with pre-movement draws, and route classes;
- :mod:`.state`: the crowd state every part reads and writes (:class:`EgressState`);
- :mod:`.speeds`: SFPE walking speeds of every (node, class);
- :mod:`.routing`: time-to-exit potentials and the split of a crowd over doors (pure functions);
- :mod:`.plan`: when routes are re-planned and with which inputs;
- :mod:`.flow`: one time step of releases, walking, arrivals and link flows;
- :mod:`.skipping`: jumps over quiet steps (people only walking), byte-identical to stepping;
- :mod:`.actions`: alert, evacuate, shelter, lock down, release, close/open, remove people;
- :mod:`.protective`: the engine's action table of the protective actions;
- :mod:`.records`: events and time series written to the run's recorder;
- :mod:`.metrics`: egress metrics of a run, from its records;
- :mod:`.model`: :class:`EgressModel`, which composes the parts in one SimPy process.

See ``docs/egress-model.md`` for the equations, constants, assumptions and limits.
"""

from simsoft.models.egress.metrics import egress_metrics
from simsoft.models.egress.model import EgressModel
from simsoft.models.egress.protective import protective_actions
from simsoft.models.egress.records import DENSITY_THRESHOLDS_P_M2, MILESTONES_PCT
from simsoft.models.egress.state import EgressState

__all__ = ["EgressModel", "EgressState", "egress_metrics", "protective_actions", "MILESTONES_PCT", "DENSITY_THRESHOLDS_P_M2"]
