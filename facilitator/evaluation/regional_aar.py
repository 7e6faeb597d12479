"""The AAR/IP of a regional exercise: the venue AAR's machinery plus the region's findings.

Built with :func:`facilitator.evaluation.aar.build_aar` (overview, timeliness scoring against the exercise's
expected actions, proposed and confirmed ratings, hot wash, improvement plan), without the venue figure
(a region has no single venue), and with a section *Regional findings* before the conclusion: deaths by
site, time to hospital, hospital peak loads and admissions over capacity, shared units committed, idle and
short, from the played run's regional metrics.

Not built yet: outcome comparisons (the teams' decisions against doctrine and no action over seeded
replications of the region); the AAR says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.documents.render import DEFAULT_PAPER, write_print_document
from facilitator.evaluation.aar import build_aar, improvement_plan_csv, improvement_rows
from facilitator.evaluation.evaluator import evaluation_state
from facilitator.evaluation.scoring import score_session

if TYPE_CHECKING:
    from facilitator.conduct.regional import RegionalSession

__all__ = ["NO_OUTCOMES", "regional_blocks", "write_regional_aar"]

NO_OUTCOMES = ("Outcome comparisons (these decisions against doctrine and against no action, over seeded replications "
               "of the region) are not built for regional exercises yet: the findings above are the played run, one seed.")


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


def write_regional_aar(session: "RegionalSession", *, out: str | os.PathLike[str] | None = None, pdf: bool = False,
                       paper: str = DEFAULT_PAPER) -> Path:
    """Write the AAR/IP of the regional ``session`` into ``out`` (default ``SESSION/aar``) and return the folder."""
    folder = Path(out) if out is not None else (session.folder / "aar" if session.folder else Path("aar"))
    folder.mkdir(parents=True, exist_ok=True)
    doc = build_aar(session, scores=score_session(session), outcomes=None, folder=folder, figures=False)
    # The venue AAR's outcome section would say "--replications 0": say what is missing instead.
    out_at = next((k for k, b in enumerate(doc.blocks) if b[0] == "h" and str(b[2]).startswith("Outcomes")), None)
    if out_at is not None and out_at + 1 < len(doc.blocks) and doc.blocks[out_at + 1][0] == "p":
        doc.blocks[out_at + 1] = ("p", NO_OUTCOMES)
    at = next((k for k, b in enumerate(doc.blocks) if b[:3] == ("h", 1, "Conclusion")), len(doc.blocks))
    doc.blocks[at:at] = regional_blocks(session)
    write_print_document(folder, doc, "aar", paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        html_to_pdf(folder / "aar.html")
    rows = improvement_rows(evaluation_state(session), None)
    (folder / "improvement-plan.csv").write_text(improvement_plan_csv(rows), encoding="utf-8")
    return folder
