"""City-wide exercises: several venue scenarios in one region, one SimPy environment, shared resources.

Parts, one concept each:

- :mod:`~simsoft.region.schema`: the region language (sites, roads, hospitals, ambulance bases, police,
  coordination, variants);
- :mod:`~simsoft.region.loader`: ``load_region`` (safe YAML, every problem at once, the variants' scope guard);
- :mod:`~simsoft.region.network`: driving times on the road graph with time-of-day congestion;
- :mod:`~simsoft.region.pool`: the shared hospitals and units, and what each site borrows;
- :mod:`~simsoft.region.run`: ``run_region`` and the per-site seeds;
- :mod:`~simsoft.region.metrics`: regional metrics from records;
- :mod:`~simsoft.region.output`: the regional run folder and its summary;
- :mod:`~simsoft.region.positions`: where each shared unit is at a moment, read from its records;
- :mod:`~simsoft.region.names`: display names of the region's places per language (``names:``).
"""

from simsoft.region.loader import LoadedRegion, apply_region_variant, load_region
from simsoft.region.metrics import region_metrics
from simsoft.region.names import missing_names, names_by_language, region_names
from simsoft.region.network import RoadNetwork
from simsoft.region.output import region_events_jsonl
from simsoft.region.positions import UnitPosition, positions_at, region_network
from simsoft.region.run import RegionalRun, RegionResult, RegionView, run_region, site_seed
from simsoft.region.schema import Region, RegionAction

__all__ = ["LoadedRegion", "Region", "RegionAction", "RegionResult", "RegionView", "RegionalRun", "RoadNetwork",
           "UnitPosition", "apply_region_variant", "load_region", "positions_at", "region_events_jsonl", "region_metrics",
           "region_network", "run_region", "site_seed", "region_names", "names_by_language", "missing_names"]
