"""A short plain-text summary of a run for the terminal."""

from __future__ import annotations

from simsoft.engine import RunResult
from simsoft.units import format_duration

__all__ = ["LABEL_WIDTH", "summary_lines"]


def _t(value: object) -> str:
    return "not reached" if value is None else format_duration(float(value))  # type: ignore[arg-type]


LABEL_WIDTH = 20
"""Width of the label column, shared with the CLI's last line (the run folder)."""


def _not_out(m: dict, total: int, exited: float) -> str:
    """Who did not leave, in words: casualties on scene and people still inside."""
    inside = float(m.get("egress.inside_end", 0) or 0)
    rest = max(0.0, float(total or 0) - float(exited or 0) - inside)
    return f"{rest:,.0f} casualties on scene, {inside:,.0f} still inside at the end"


def summary_lines(result: RunResult) -> list[str]:
    """Lines of a two-column table: what a trainer wants to see first."""
    m = result.metrics
    total = m.get("run.population", 0)
    exited = m.get("egress.exited", 0)
    rows = [
        ("scenario", result.scenario.name + (f"  [variant {result.variant}]" if result.variant else "")),
        ("seed", str(result.seed)),
        ("people", f"{total:,}"),
        ("out of the venue", f"{exited:,.0f} ({100 * exited / total:.1f} %)" if total else "0"),
        ("not out", _not_out(m, total, exited)),
        ("50 % out", _t(m.get("egress.t50_s"))),
        ("90 % out", _t(m.get("egress.t90_s"))),
        ("95 % out", _t(m.get("egress.t95_s"))),
        ("everyone out", _t(m.get("egress.t100_s"))),
    ]
    if result.scenario.recovery is None:  # with recovery the run ends at reopening, listed below
        rows.append(("run ended", f"{_t(m.get('run.end_s'))} ({m.get('run.end_reason', '?')})"))
    peaks = sorted(
        ((k.split(".")[2], v) for k, v in m.items() if k.startswith("egress.zone.") and k.endswith(".peak_density_p_m2") and v),
        key=lambda kv: (-kv[1], kv[0]),
    )[:3]
    if peaks:
        rows.append(("densest zones", ", ".join(f"{z} {v:.1f} p/m²" for z, v in peaks)))
    crush = sorted(k.split(".")[2] for k, v in m.items() if k.endswith(".time_above_4_s") and v)
    rows.append(("zones above 4 p/m²", ", ".join(crush) if crush else "none"))
    if result.scenario.incident is not None:
        rows += [
            ("incident", f"{result.scenario.incident.label} at {_t(m.get('incident.t_start_s'))}"),
            ("venue control knew", _t(m.get("incident.t_known_venue_control_s"))),
            ("first alert", _t(m.get("incident.t_first_alert_s"))),
            ("police on scene", _t(m.get("response.t_police_on_scene_s"))),
            ("contained", _t(m.get("response.t_contained_s"))),
            ("all clear", _t(m.get("response.t_all_clear_s"))),
            ("exposed person-min", f"{m.get('incident.exposed_person_min') or 0:,.1f}"),
            ("casualties", f"{m.get('casualties.total', 0)} (incident {m.get('casualties.cause.incident', 0)}, "
                           f"crowd crush {m.get('casualties.cause.crowd_crush', 0)})"),
        ]
    if result.scenario.medical is not None:
        rows += [
            ("medics entered", f"{_t(m.get('medical.t_access_s'))} ({m.get('medical.access_policy') or 'no access'})"),
            ("first/last transport", f"{_t(m.get('medical.t_first_transport_s'))} / {_t(m.get('medical.t_last_transport_s'))}"),
            ("last immediate hosp.", _t(m.get("medical.t_last_immediate_at_hospital_s"))),
            ("deaths", f"{m.get('medical.deaths', 0)} (scene {m.get('medical.deaths.scene', 0)}, transport "
                       f"{m.get('medical.deaths.transport', 0)}, hospital {m.get('medical.deaths.hospital', 0)}); "
                       f"preventable {m.get('medical.preventable_deaths', 0)}"),
        ]
    if result.scenario.recovery is not None:
        rows += [
            ("everyone accounted", _t(m.get("recovery.t_everyone_accounted_s"))),
            ("reunification done", _t(m.get("recovery.reunification.t_complete_s"))),
            ("venue reopened", _t(m.get("recovery.t_reopened_s"))),
        ]
    return [f"{k.ljust(LABEL_WIDTH)} {v}" for k, v in rows]
