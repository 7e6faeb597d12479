"""The AAR/IP of a regional exercise: the venue AAR's machinery plus the region's findings.

Built with :func:`facilitator.evaluation.aar.build_aar` (overview, timeliness scoring against the exercise's
expected actions, proposed and confirmed ratings, outcomes, contrary actions, hot wash, improvement plan),
with the region's map instead of the venue figure, and with a section *Regional findings* before the
conclusion: deaths by site, time to hospital, hospital peak loads and admissions over capacity, shared units
committed, idle and short, from the played run's regional metrics.

The outcome section compares the teams' decisions with doctrine and no action over seeded replications of the
region (:mod:`facilitator.evaluation.regional_outcomes`), with the region's indicators and their figure; the overview shows the region's map.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.documents.render import DEFAULT_PAPER, write_print_document
from facilitator.evaluation.aar import build_aar, improvement_plan_csv, improvement_rows
from facilitator.evaluation.outcomes import DEFAULT_REPLICATIONS
from facilitator.evaluation.evaluator import evaluation_state
from facilitator.evaluation.scoring import score_session

if TYPE_CHECKING:
    from facilitator.conduct.regional import RegionalSession

__all__ = ["NO_OUTCOMES", "REGIONAL_OUTCOMES", "regional_blocks", "write_regional_aar"]

NO_OUTCOMES = ("Outcomes were not computed for this report (--replications 0): the regional findings below are the "
               "played run, one seed.")

REGIONAL_OUTCOMES = ("Each replication runs the whole region (every site, the shared hospitals and units) with its own "
                     "seed; deaths, preventable deaths and exposed person-minutes are summed over the sites. Time to "
                     "hospital runs from injury to arrival for every casualty of the region who reached one; the "
                     "highest peak load is the fullest hospital's peak beds used as a share of its beds. Thresholds: "
                     "1 min for time to hospital, 5 percentage points of load, half a person or vehicle for counts.")


def regional_blocks(session: "RegionalSession") -> list[tuple[Any, ...]]:
    """The *Regional findings* section as document blocks, from the played run's regional metrics."""
    run = session.run
    m = run.result().metrics
    region = run.loaded.region
    names = {s.id: s.name or run.sims[s.id].scenario.name for s in region.sites}

    def num(v: Any, unit: str = "", digits: int = 0) -> str:
        return "-" if v is None else f"{v:.{digits}f}{unit}" if isinstance(v, float) else f"{v}{unit}"

    blocks: list[tuple[Any, ...]] = [("h", 1, "Regional findings"),
                                     ("p", f"{region.name}, seed {run.seed}: what the played run gave across the region.")]
    blocks.append(("table", ["Site", "Casualties", "Deaths", "Preventable deaths", "At hospital", "Time to hospital (median, p90)"],
                   [(names[s.id], num(m.get(f"site.{s.id}.casualties", 0)), num(m.get(f"site.{s.id}.deaths", 0)),
                     num(m.get(f"site.{s.id}.preventable_deaths", 0)), num(m.get(f"site.{s.id}.at_hospital", 0)),
                     f"{num(m.get(f'site.{s.id}.time_to_hospital_median_min'), ' min')}, "
                     f"{num(m.get(f'site.{s.id}.time_to_hospital_p90_min'), ' min')}") for s in region.sites]))
    def share(v: Any) -> str:
        return "-" if v is None else f"{100 * v:.0f} %"

    # the critical backlog is the fluid queue of the surge model: said in whole patients
    blocks.append(("table", ["Hospital", "Beds", "Peak beds used", "Peak beds used (% of beds)",
                             "Critical patients waiting (peak)", "Admitted over capacity"],
                   [(h.name or h.id, num(m.get(f"hospital.{h.id}.beds")), num(m.get(f"hospital.{h.id}.peak_beds_used")),
                     share(m.get(f"hospital.{h.id}.peak_load_vs_beds")),
                     num(m.get(f"hospital.{h.id}.peak_backlog"), digits=0), num(m.get(f"hospital.{h.id}.over_capacity", 0)))
                    for h in region.hospitals]))
    units = [(kind, num(m.get(f"units.{kind}.total")), num(m.get(f"units.{kind}.committed", 0)),
              num(m.get(f"units.{kind}.idle", 0)), num(m.get(f"units.{kind}.shortfall", 0)))
             for kind in ("ambulance", "police") if m.get(f"units.{kind}.total")]
    if units:
        blocks.append(("table", ["Shared units", "Total (with mutual aid)", "Committed", "Idle", "Short of a request"], units))
    return blocks


def region_figure(session: "RegionalSession", tr: Any = None) -> tuple[Any, str]:
    """The played run's regional map (:func:`simsoft.plots.region.region_map`) and its caption."""
    from simsoft.plots import region_map

    _ = tr or (lambda text, **v: text % v if v else text)
    run = session.run
    return region_map(run.result()), _("%(region)s, seed %(seed)s: sites (casualties, deaths), hospitals (peak load "
                                       "against beds), ambulance bases and police stations, as the played run ended.",
                                       region=run.loaded.region.name, seed=run.seed)


def write_regional_aar(session: "RegionalSession", *, out: str | os.PathLike[str] | None = None, pdf: bool = False,
                       paper: str = DEFAULT_PAPER, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None,
                       executor: str | None = None, workers: int | None = None,
                       on_start: Callable[[int], None] | None = None,
                       on_runs: Callable[[int], None] | None = None) -> Path:
    """Write the AAR/IP of the regional ``session`` into ``out`` (default ``SESSION/aar``) and return the folder.

    ``replications`` (0: none) seeded replications of the region compare the teams' decisions with doctrine and no
    action (:func:`~facilitator.evaluation.regional_outcomes.regional_session_outcomes`, cached in the session folder;
    ``on_start``/``on_runs`` follow the runs)."""
    from facilitator.evaluation.evaluator import evaluation_state as _state
    from facilitator.evaluation.regional_outcomes import regional_session_outcomes

    folder = Path(out) if out is not None else (session.folder / "aar" if session.folder else Path("aar"))
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = None
    if replications:
        variants = sorted({i.variant for i in _state(session).improvements if i.variant})
        outcomes = regional_session_outcomes(session, replications=replications, seed=seed, executor=executor,
                                             workers=workers, variants=variants, on_start=on_start, on_runs=on_runs)
    doc = build_aar(session, scores=score_session(session), outcomes=outcomes, folder=folder,
                    overview_figure=lambda tr: region_figure(session, tr))
    at = next((k for k, b in enumerate(doc.blocks) if b[0] == "h" and str(b[2]).startswith("Outcomes")), None)
    if at is not None and at + 1 < len(doc.blocks) and doc.blocks[at + 1][0] == "p":
        if outcomes is None:  # the venue text names only --replications 0; say it for a region
            doc.blocks[at + 1] = ("p", NO_OUTCOMES)
        else:
            doc.blocks.insert(at + 2, ("p", REGIONAL_OUTCOMES))
    at = next((k for k, b in enumerate(doc.blocks) if b[:3] == ("h", 1, "Conclusion")), len(doc.blocks))
    doc.blocks[at:at] = regional_blocks(session)
    write_print_document(folder, doc, "aar", paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        html_to_pdf(folder / "aar.html")
    rows = improvement_rows(evaluation_state(session), outcomes)
    (folder / "improvement-plan.csv").write_text(improvement_plan_csv(rows), encoding="utf-8")
    return folder
