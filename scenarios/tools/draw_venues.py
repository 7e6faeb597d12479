"""Render ``docs/img/<name>.png``: the venue map of each library scenario after one seeded run.

Run from the repository root: ``python scenarios/tools/draw_venues.py``. Uses
:func:`simsoft.plots.venue_map` (zones at their ``position``, coloured by peak density), seed 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from simsoft import load_scenario, run  # noqa: E402
from simsoft.plots import venue_map  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NAMES = tuple(sys.argv[1:]) or ("stadium", "shopping-mall", "festival", "transit-hub", "hotel-conference")


def main() -> int:
    out = ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        result = run(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), seed=1)
        fig = venue_map(result)
        fig.savefig(out / f"{name}.png", dpi=110, metadata={"Software": None})
        print(f"wrote {out / f'{name}.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
