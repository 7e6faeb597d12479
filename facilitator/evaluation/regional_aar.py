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

from simsoft.region import region_names

from facilitator.documents.render import DEFAULT_PAPER, write_print_document
from facilitator.evaluation.aar import build_aar, improvement_plan_csv, improvement_rows
from facilitator.evaluation.outcomes import DEFAULT_REPLICATIONS
from facilitator.evaluation.evaluator import evaluation_state
from facilitator.evaluation.scoring import score_session
from facilitator.i18n import N_, Translator, translator

if TYPE_CHECKING:
    from facilitator.conduct.regional import RegionalSession

__all__ = ["NO_OUTCOMES", "REGIONAL_OUTCOMES", "regional_blocks", "write_regional_aar"]

NO_OUTCOMES = N_("Outcomes were not computed for this report (--replications 0): the regional findings below are the "
                 "played run, one seed.")

REGIONAL_OUTCOMES = N_("Each replication runs the whole region (every site, the shared hospitals and units) with its own "
                       "seed; deaths, preventable deaths and exposed person-minutes are summed over the sites. Time to "
                       "hospital runs from injury to arrival for every casualty of the region who reached one; the "
                       "highest peak load is the fullest hospital's peak beds used as a share of its beds. Thresholds: "
                       "1 min for time to hospital, 5 percentage points of load, half a person or vehicle for counts.")

_KINDS = {"ambulance": N_("ambulance"), "police": N_("police")}


def regional_blocks(session: "RegionalSession", tr: Translator | None = None) -> list[tuple[Any, ...]]:
    """The *Regional findings* section as document blocks, from the played run's regional metrics, in ``tr``'s
    language (English when ``None``)."""
    _ = tr or translator("en")
    en = _.lang == "en"
    run = session.run
    m = run.result().metrics
    region = run.loaded.region
    places = region_names(region, _.lang)  # the region file's names in the reader's language
    names = {s.id: places.get(s.id) or run.sims[s.id].scenario.name for s in region.sites}

    def num(v: Any, unit: str = "", digits: int = 0) -> str:
        if v is None:
            return "-"
        if en:
            return f"{v:.{digits}f}{unit}" if isinstance(v, float) else f"{v}{unit}"
        return _.fixed(float(v), digits if isinstance(v, float) else 0) + unit

    mins = " min" if en else f" {_.units[1]}"
    blocks: list[tuple[Any, ...]] = [
        ("h", 1, _("Regional findings")),
        ("p", _("%(region)s, seed %(seed)s: what the played run gave across the region.", region=places["region"],
                seed=run.seed))]
    blocks.append(("table", [_("Site"), _("Casualties"), _("Deaths"), _("Preventable deaths"), _("At hospital"),
                             _("Time to hospital (median, p90)")],
                   [(names[s.id], num(m.get(f"site.{s.id}.casualties", 0)), num(m.get(f"site.{s.id}.deaths", 0)),
                     num(m.get(f"site.{s.id}.preventable_deaths", 0)), num(m.get(f"site.{s.id}.at_hospital", 0)),
                     f"{num(m.get(f'site.{s.id}.time_to_hospital_median_min'), mins)}, "
                     f"{num(m.get(f'site.{s.id}.time_to_hospital_p90_min'), mins)}") for s in region.sites]))

    def share(v: Any) -> str:
        return "-" if v is None else f"{100 * v:.0f} %" if en else f"{_.fixed(100 * v, 0)} %"

    # the critical backlog is the fluid queue of the surge model: said in whole patients
    blocks.append(("table", [_("Hospital"), _("Beds"), _("Peak beds used"), _("Peak beds used (%% of beds)"),
                             _("Critical patients waiting (peak)"), _("Admitted over capacity")],
                   [(places.get(h.id) or h.id, num(m.get(f"hospital.{h.id}.beds")), num(m.get(f"hospital.{h.id}.peak_beds_used")),
                     share(m.get(f"hospital.{h.id}.peak_load_vs_beds")),
                     num(m.get(f"hospital.{h.id}.peak_backlog"), digits=0), num(m.get(f"hospital.{h.id}.over_capacity", 0)))
                    for h in region.hospitals]))
    units = [(kind if en else _(_KINDS[kind]), num(m.get(f"units.{kind}.total")), num(m.get(f"units.{kind}.committed", 0)),
              num(m.get(f"units.{kind}.idle", 0)), num(m.get(f"units.{kind}.shortfall", 0)))
             for kind in ("ambulance", "police") if m.get(f"units.{kind}.total")]
    if units:
        blocks.append(("table", [_("Shared units"), _("Total (with mutual aid)"), _("Committed"), _("Idle"),
                                 _("Short of a request")], units))
    return blocks


def region_figure(session: "RegionalSession", tr: Any = None) -> tuple[Any, str]:
    """The played run's regional map (:func:`simsoft.plots.region.region_map`) and its caption."""
    from simsoft.plots import region_map

    _ = tr or translator("en")
    run = session.run
    return region_map(run.result(), lang=_.lang), _("%(region)s, seed %(seed)s: sites (casualties, deaths), hospitals (peak load "
                                       "against beds), ambulance bases and police stations, as the played run ended.",
                                       region=region_names(run.loaded.region, _.lang)["region"], seed=run.seed)


def write_regional_aar(session: "RegionalSession", *, out: str | os.PathLike[str] | None = None, pdf: bool = False,
                       paper: str = DEFAULT_PAPER, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None,
                       executor: str | None = None, workers: int | None = None,
                       on_start: Callable[[int], None] | None = None,
                       on_runs: Callable[[int], None] | None = None, lang: str = "en") -> Path:
    """Write the AAR/IP of the regional ``session`` into ``out`` (default ``SESSION/aar``) and return the folder.

    ``replications`` (0: none) seeded replications of the region compare the teams' decisions with doctrine and no
    action (:func:`~facilitator.evaluation.regional_outcomes.regional_session_outcomes`, cached in the session folder;
    ``on_start``/``on_runs`` follow the runs), in ``lang``."""
    from facilitator.evaluation.evaluator import evaluation_state as _state
    from facilitator.evaluation.regional_outcomes import regional_session_outcomes

    from facilitator.evaluation.regional_outcomes import regional_metrics

    _ = translator(lang)
    folder = Path(out) if out is not None else (session.folder / "aar" if session.folder else Path("aar"))
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = None
    if replications:
        variants = sorted({i.variant for i in _state(session).improvements if i.variant})
        outcomes = regional_session_outcomes(session, replications=replications, seed=seed, executor=executor,
                                             workers=workers, variants=variants, on_start=on_start, on_runs=on_runs)
        outcomes.metrics = regional_metrics(session.loaded.region, _)  # the indicators' labels in the reader's language
    doc = build_aar(session, scores=score_session(session), outcomes=outcomes, folder=folder, lang=lang,
                    overview_figure=lambda tr: region_figure(session, tr))
    heading = _("Outcomes: your decisions / doctrine / no action")
    at = next((k for k, b in enumerate(doc.blocks) if b[:3] == ("h", 1, heading)), None)
    if at is not None and at + 1 < len(doc.blocks) and doc.blocks[at + 1][0] == "p":
        if outcomes is None:  # the venue text names only --replications 0; say it for a region
            doc.blocks[at + 1] = ("p", _(NO_OUTCOMES))
        else:
            doc.blocks.insert(at + 2, ("p", _(REGIONAL_OUTCOMES)))
    at = next((k for k, b in enumerate(doc.blocks) if b[:3] == ("h", 1, _("Conclusion"))), len(doc.blocks))
    doc.blocks[at:at] = regional_blocks(session, _)
    write_print_document(folder, doc, "aar", paper=paper)
    if pdf:
        from facilitator.documents.pdf import html_to_pdf

        html_to_pdf(folder / "aar.html")
    rows = improvement_rows(evaluation_state(session), outcomes)
    (folder / "improvement-plan.csv").write_text(improvement_plan_csv(rows), encoding="utf-8")
    return folder
