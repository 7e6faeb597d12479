"""``simsoft venue check``: load a venue (or a scenario's venue), draw it to PNG and HTML, sum up its capacity."""

from __future__ import annotations

import base64
import os
from html import escape
from pathlib import Path

from pydantic import ValidationError

from simsoft.errors import ScenarioError
from simsoft.loader import known_keys, load_document, problems_from_validation, validate_file
from simsoft.plans.capacity import CapacitySummary, format_summary, summarise
from simsoft.plans.layout import layout
from simsoft.schema.common import FROM_FILE
from simsoft.schema.venue import Venue

__all__ = ["load_venue", "check_venue"]


def load_venue(path: str | os.PathLike[str]) -> Venue:
    """The venue of a venue file (``venue:`` only) or of a scenario file, validated as the loader does."""
    kind = validate_file(path)
    doc = load_document(path)
    if kind == "venue":
        data = doc.data["venue"]
        try:
            return Venue.model_validate(data, context=FROM_FILE)
        except ValidationError as exc:  # validate_file passed, so this is not expected; keep the message format
            raise ScenarioError(problems_from_validation(exc, data, doc.sources, keys=known_keys(Venue),
                                                         prefix=("venue",))) from None
    from simsoft.loader import load_scenario

    return load_scenario(path).venue


def check_venue(path: str | os.PathLike[str], *, out_dir: str | os.PathLike[str], density_p_m2: float = 2.0
                ) -> tuple[CapacitySummary, list[Path]]:
    """Draw the venue at ``path`` to ``out_dir/<name>.png`` and ``.html``; return its capacity summary and the files."""
    from simsoft.plots.venue_plan import venue_plan

    venue = load_venue(path)
    summary = summarise(venue, density_p_m2=density_p_m2)
    fig = venue_plan(venue, layout(venue), summary=summary)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(path).stem
    png = out / f"{stem}.png"
    fig.savefig(png, dpi=110, metadata={"Software": None})
    lines = format_summary(summary)
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    html = out / f"{stem}.html"
    html.write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(venue.name or stem)}: venue check</title>"
        "<style>body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em}"
        "img{max-width:100%;border:1px solid #ccc}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}</style>"
        f"</head><body><h1>{escape(venue.name or stem)}</h1>"
        f"<p>Drawn from <code>{escape(str(path))}</code> by <code>simsoft venue check</code>. Compare it with the "
        "building: outlines, areas, door widths, exits and stairs.</p>"
        f"<img alt=\"venue plan of {escape(venue.name or stem)}\" src=\"data:image/png;base64,{image}\">"
        f"<h2>Capacity</h2><pre>{escape(chr(10).join(lines))}</pre></body></html>\n", encoding="utf-8")
    return summary, [png, html]
