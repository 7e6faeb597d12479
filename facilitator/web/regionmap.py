"""The regional web view: an SVG map of the region and the panels beside it, built from a regional session.

The map (:func:`region_svg`) draws the road graph, each site with its state (incident, protective posture,
people inside and out, casualties), each shared hospital with a bed gauge (beds used, patients on their way,
capacity), ambulance bases and police stations, and every shared unit where it is at the session's clock:
moving along its road route between records (:mod:`simsoft.region.positions`). :func:`region_state` reads
the session once (one :class:`~simsoft.region.run.RegionView`) for the map, the hospital-load panel, the
units table and the sites table, so every part of a page shows the same moment. It reads records and
snapshots only, never the model's internals.
"""

from __future__ import annotations

from html import escape
from typing import Any

from simsoft.observation import count_people
from simsoft.region import positions_at, region_names, region_network

from facilitator.i18n import N_, Translator, translator
from facilitator.web.mapsvg import _swatch  # the venue map's key swatches: the same box

__all__ = ["region_state", "region_svg", "region_keys", "STATE_WORDS"]

_W, _H, _PADX, _PADY = 1000.0, 620.0, 150.0, 70.0
_ROAD, _SITE, _QUIET, _POSTURE, _AMB, _POL = "#c5cad1", "#d1495b", "#8c8c8c", "#e09f3e", "#2e933c", "#3d5a80"
_OK, _BUSY, _FULL = "#2e933c", "#e09f3e", "#c0392b"

STATE_WORDS = {"idle": N_("idle"), "en_route": N_("en route"), "at_scene": N_("at scene"),
               "at_hospital": N_("at hospital")}
"""What a unit does, as the pages say it (:data:`simsoft.region.positions.STATES`)."""
KIND_WORDS = {"ambulance": N_("ambulances"), "police": N_("police units")}
POSTURE_WORDS = {"lockdown": N_("locked down"), "close": N_("closed"), "postpone": N_("event postponed"),
                 "guard": N_("police guard")}

_NETS: dict[int, Any] = {}
"""Road networks by region object (a session's region never changes)."""


def _net(region: Any) -> Any:
    key = id(region)
    if key not in _NETS:
        if len(_NETS) > 8:
            _NETS.clear()
        _NETS[key] = (region, region_network(region))
    return _NETS[key][1]


def _name(items: Any, pid: str, names: dict[str, str]) -> str:
    for x in items:
        if x.id == pid:
            return names.get(x.id) or str(x.name or x.id)
    return pid


def region_state(ses: Any, tr: Translator | None = None) -> dict[str, Any]:
    """The region now, in ``tr``'s language: sites, hospitals, units (each with its position), totals; places by
    the region file's names in that language (:func:`simsoft.region.region_names`)."""
    tr = tr or translator("en")
    t, n = tr.gettext, tr.format_number
    run = ses.run
    region = run.loaded.region
    names = region_names(region, tr.lang)
    net = _net(region)
    view = run.observe()
    now = float(view.t_s)
    rows = _rows(run)
    handover = {sid: float(sim.scenario.medical.ambulances.handover_time) for sid, sim in run.sims.items()
                if sim.scenario.medical is not None}
    homes = {u.id: (u.kind, u.home) for u in run.pool.units.values()}
    units = positions_at(rows, region, now, net=net, handover_s=handover, homes=homes)
    posture: dict[str, str] = {}
    for _, e in rows:
        if e.kind == "region.decision" and e.subject == "posture" and not e.values.get("rejected"):
            for sid in e.values.get("sites", []):
                posture[sid] = str(e.values.get("measure"))
    sites = []
    for s in region.sites:
        sim = run.sims[s.id]
        counts = count_people(view.sites[s.id], sim.recorder.events)
        start = next((e for e in sim.recorder.events if e.kind == "incident.start"), None)
        end = next((e for e in sim.recorder.events if e.kind == "incident.end"), None)
        if sim.scenario.incident is None:
            state, key = t("no incident"), "quiet"
        elif start is None:
            state, key = t("incident not started"), "quiet"
        elif end is None:
            state, key = t("incident since %(t)s", t=tr.format_duration(start.t_s)), "incident"
        else:
            state, key = t("incident over at %(t)s", t=tr.format_duration(end.t_s)), "incident"
        x, y = net.xy(s.id, s.location)
        sites.append({"id": s.id, "name": names.get(s.id) or s.id, "x": x, "y": y, "state": state, "key": key,
                      "posture": t(POSTURE_WORDS[posture[s.id]]) if s.id in posture else "",
                      "inside": n(counts.inside), "out": n(counts.out), "casualties": n(counts.casualties),
                      "hurt": counts.casualties})
    hospitals = []
    for h in region.hospitals:
        hs = view.hospitals[h.id]
        share = (hs.beds_used + hs.en_route) / hs.beds if hs.beds else 1.0
        flags = [t("at capacity")] if hs.at_capacity else []
        flags += [t("diverted")] if hs.diverted else []
        x, y = net.xy(h.id, h.location)
        hospitals.append({"id": h.id, "name": names.get(h.id) or h.id, "x": x, "y": y, "beds": hs.beds,
                          "used": hs.beds_used, "en_route": hs.en_route, "share": share,
                          "beds_text": t("%(used)s of %(beds)s beds used", used=n(hs.beds_used), beds=n(hs.beds)),
                          "en_route_text": n(hs.en_route), "waiting": n(round(hs.backlog)),
                          "flags": ", ".join(flags), "level": "full" if hs.at_capacity else "busy" if share >= 0.75 else "ok"})
    places = []
    for group, kind in ((region.ambulance_bases, "ambulance"), (region.police, "police")):
        for b in group:
            x, y = net.xy(b.id, b.location)
            places.append({"id": b.id, "name": names.get(b.id) or b.id, "kind": kind, "x": x, "y": y})
    shortfall: dict[str, int] = {}
    for _, e in rows:
        if e.kind == "region.shortfall":
            k = str(e.values.get("unit_kind"))
            shortfall[k] = shortfall.get(k, 0) + int(e.values.get("wanted", 0)) - int(e.values.get("sent", 0))
    site_names = {s.id: names.get(s.id) or s.id for s in region.sites}
    table = []
    for kind in ("ambulance", "police"):
        mine = [u for u in units if u.kind == kind]
        if not mine and not view.units_total.get(kind):
            continue
        by = {k: sum(1 for u in mine if u.state == k) for k in STATE_WORDS}
        table.append({"kind": kind, "label": t(KIND_WORDS[kind]), "total": n(len(mine)),
                      **{k: n(v) for k, v in by.items()}, "queued": n(view.queued.get(kind, 0)),
                      "shortfall": n(shortfall.get(kind, 0)), "exhausted": view.units_exhausted(kind)})
    unit_rows = []
    for u in units:
        where = site_names.get(u.place) or _name(region.hospitals, u.place, names)
        if where == u.place:
            where = _name([*region.ambulance_bases, *region.police], u.place, names)
        unit_rows.append({"id": u.unit, "kind": u.kind, "state": u.state, "state_label": t(STATE_WORDS[u.state]),
                          "site": site_names.get(u.site or "", "–"), "place": where, "moving": u.moving,
                          "x": u.x_km, "y": u.y_km})
    return {"t": tr.format_duration(now), "sites": sites, "hospitals": hospitals, "places": places,
            "units": unit_rows, "table": table, "net": net, "region": region,
            "casualties": sum(s["hurt"] for s in sites),
            "at_hospital": sum(1 for sim in run.sims.values() for e in sim.recorder.events
                               if e.kind == "medical.at_hospital")}


def _rows(run: Any) -> list[tuple[str, Any]]:
    """Every record so far with its site, in the order of :meth:`RegionResult.all_events`."""
    order = {"": 0} | {s.id: i + 1 for i, s in enumerate(run.loaded.region.sites)}
    rows = [("", e) for e in run.recorder.events] + [(sid, e) for sid, sim in run.sims.items()
                                                     for e in sim.recorder.events]
    return sorted(rows, key=lambda r: (r[1].t_s, order[r[0]]))


class _Frame:
    """Region km -> map units (y up on the ground, down on the screen)."""

    def __init__(self, state: dict[str, Any]) -> None:
        g = state["net"].graph
        xs = [d["x_km"] for _, d in g.nodes(data=True)] + [p["x"] for k in ("sites", "hospitals", "places")
                                                          for p in state[k]]
        ys = [d["y_km"] for _, d in g.nodes(data=True)] + [p["y"] for k in ("sites", "hospitals", "places")
                                                          for p in state[k]]
        self.x0, self.y0 = min(xs), min(ys)
        dx, dy = max(max(xs) - self.x0, 1e-6), max(max(ys) - self.y0, 1e-6)
        self.s = min((_W - 2 * _PADX) / dx, (_H - 2 * _PADY) / dy)
        self.ox = (_W - dx * self.s) / 2
        self.oy = (_H - dy * self.s) / 2

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + (x - self.x0) * self.s, _H - self.oy - (y - self.y0) * self.s


_STEP = 21.0
"""Line height of a label (map units)."""
_GAUGE_W, _GAUGE_H = 150.0, 16.0


def _text_w(text: str, size: float) -> float:
    """Width of ``text`` at ``size`` map units, a generous estimate (average glyph 0.58 em in Latin script,
    0.5 em in Arabic, whose letters join)."""
    return size * sum(0.58 if ord(ch) < 0x0600 else 0.5 for ch in text)


class _Placer:
    """Places each label block beside its mark where it covers no mark or label placed before it."""

    def __init__(self, marks: list[tuple[float, float, float, float]], *,
                 heavy: list[tuple[float, float, float, float]] = ()) -> None:
        self.taken = list(marks)
        self.heavy = list(heavy)
        """Unit markers: a label over one hides how many units are there, so covering one costs more."""

    @staticmethod
    def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    def place(self, x: float, y: float, w: float, h: float) -> tuple[float, float, str]:
        """``(left, top, anchor side)`` of a ``w`` x ``h`` block beside the mark at ``(x, y)``."""
        gap = 22.0
        candidates = [(x + gap, y - h / 2), (x - gap - w, y - h / 2), (x + gap, y - h - 4), (x - gap - w, y - h - 4),
                      (x + gap, y + 4), (x - gap - w, y + 4), (x - w / 2, y - gap - h), (x - w / 2, y + gap)]
        # Then the same sides a line or two further up or down, before settling for the least overlap.
        candidates += [(cx, cy + k * _STEP) for k in (-1, 1, -2, 2, -3, 3) for cx, cy in candidates[:6]]
        best, best_cost = None, None
        for left, top in candidates:
            box = (left, top, left + w, top + h)
            outside = max(0.0, -left) + max(0.0, left + w - _W) + max(0.0, -top) + max(0.0, top + h - _H)
            cost = (sum(self._overlap(box, t) for t in self.taken) + 4 * sum(self._overlap(box, t) for t in self.heavy)
                    + outside * 1000.0)
            if best_cost is None or cost < best_cost - 1e-9:
                best, best_cost = box, cost
            if cost == 0:
                break
        assert best is not None
        left = max(0.0, min(_W - w, best[0]))
        top = max(0.0, min(_H - h, best[1]))
        self.taken.append((left, top, left + w, top + h))
        return left, top, "end" if left + w <= x else "start"


def _rtl_line(text: str) -> bool:
    """Whether ``text`` reads right to left: its first letter is Arabic (a first strong character, as
    ``unicode-bidi: plaintext`` would decide; a place the region file names in Arabic too)."""
    first = next((ch for ch in text if ch.isalpha()), "")
    return "\u0590" <= first <= "\u08ff"


def _block(left: float, top: float, w: float, anchor: str, lines: list[tuple[str, str]]) -> str:
    """One ``<text>`` per line (the tspans of one ``<text>`` form one bidirectional paragraph), each line in its
    own direction (``0 من 96`` keeps its number first in Arabic) while the block keeps the side of its mark: with
    ``direction="rtl"`` the anchor's meaning flips, so it is flipped back."""
    tx = left + w if anchor == "end" else left
    out = []
    for i, (cls, text) in enumerate(lines):
        rtl = _rtl_line(text)
        way = ' direction="rtl"' if rtl else ""
        side = ("start" if anchor == "end" else "end") if rtl else anchor
        out.append(f'<text class="lbl {cls}" x="{tx:.1f}" y="{top + 17 + i * _STEP:.1f}" text-anchor="{side}"{way}>'
                   f'{escape(text)}</text>')
    return "".join(out)


def region_svg(state: dict[str, Any], tr: Translator | None = None) -> str:
    """The region's map as an ``<svg>`` element (scales to its container; text sized for a projector)."""
    tr = tr or translator("en")
    t, n = tr.gettext, tr.format_number
    f = _Frame(state)
    g = state["net"].graph
    aria = escape(t("Region map at %(t)s", t=state["t"]))
    # direction="ltr": the map's geometry does not mirror in a right-to-left page (labels keep their side).
    out = [f'<svg class="venue-map region-map" viewBox="0 0 {_W:.0f} {_H:.0f}" role="img" aria-label="{aria}" '
           'direction="ltr" xmlns="http://www.w3.org/2000/svg">']
    done: set[frozenset[str]] = set()
    for a, b in sorted(g.edges()):
        if frozenset((a, b)) in done:
            continue
        done.add(frozenset((a, b)))
        (xa, ya), (xb, yb) = f(g.nodes[a]["x_km"], g.nodes[a]["y_km"]), f(g.nodes[b]["x_km"], g.nodes[b]["y_km"])
        out.append(f'<line class="road" x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{_ROAD}" '
                   f'stroke-width="9" stroke-linecap="round"><title>{escape(t("%(min)s min", min=n(g[a][b]["minutes"])))}'
                   '</title></line>')
    net = state["net"]
    for group in ("sites", "hospitals", "places"):  # dashed access line of a place off the road graph
        for p in state[group]:
            node = g.nodes[net.node_of(p["id"])]
            (x0, y0), (x1, y1) = f(p["x"], p["y"]), f(node["x_km"], node["y_km"])
            if (x0, y0) != (x1, y1):
                out.append(f'<line class="access" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                           f'stroke="{_ROAD}" stroke-width="4" stroke-dasharray="8 6"/>')
    marks = [(x - 20, y - 20, x + 20, y + 20) for x, y in
             (f(p["x"], p["y"]) for k in ("sites", "hospitals", "places") for p in state[k])]
    clusters: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for u in state["units"]:
        x, y = f(u["x"], u["y"])
        clusters.setdefault((u["kind"], round(x / 14), round(y / 14)), []).append({**u, "X": x, "Y": y})
    spots, unit_marks = [], []
    for (kind, _, _), group in sorted(clusters.items()):
        # Under the place they are at (ambulances right, police left), clear of its mark and its label.
        x = sum(u["X"] for u in group) / len(group) + (-14 if kind == "police" else 14)
        y = sum(u["Y"] for u in group) / len(group) + 34
        spots.append((kind, group, x, y))
        wide = 14 + (_text_w(str(len(group)), 17) if len(group) > 1 else 0)
        unit_marks.append((x - wide, y - 13, x + wide, y + 13))
    placer = _Placer([], heavy=marks + unit_marks)  # a label may cover a label before it covers a mark
    labels: list[str] = []
    for p in state["places"]:
        x, y = f(p["x"], p["y"])
        colour = _AMB if p["kind"] == "ambulance" else _POL
        out.append(f'<rect class="base" data-id="{escape(p["id"])}" x="{x - 9:.1f}" y="{y - 9:.1f}" width="18" '
                   f'height="18" fill="#fff" stroke="{colour}" stroke-width="4"><title>{escape(p["name"])}</title></rect>')
    for s in state["sites"]:
        x, y = f(s["x"], s["y"])
        fill = _SITE if s["key"] == "incident" else _POSTURE if s["posture"] else _QUIET
        out.append(f'<circle class="site" data-id="{escape(s["id"])}" data-state="{s["key"]}" cx="{x:.1f}" cy="{y:.1f}" '
                   f'r="17" fill="{fill}" stroke="#1b1f24" stroke-width="3"><title>{escape(s["name"])}</title></circle>')
        second = s["state"] + (f" · {s['posture']}" if s["posture"] else "")
        people = t("%(inside)s in · %(out)s out · %(hurt)s hurt", inside=s["inside"], out=s["out"], hurt=s["casualties"])
        lines = [("name", s["name"]), ("small", second), ("small", people)]
        w = max(_text_w(s["name"], 19), _text_w(second, 17), _text_w(people, 17))
        left, top, anchor = placer.place(x, y, w, _STEP * len(lines) + 2)
        labels.append(_block(left, top, w, anchor, lines))
    for h in state["hospitals"]:
        x, y = f(h["x"], h["y"])
        colour = {"ok": _OK, "busy": _BUSY, "full": _FULL}[h["level"]]
        words = h["beds_text"] + (f" · {h['flags']}" if h["flags"] else "")
        # "Royal Infirmary (major trauma centre)" on two lines: a long name would push the label off its mark.
        head, sep, rest = h["name"].partition(" (")
        lines = [("name", head)] + ([("small", "(" + rest)] if sep else [])
        lines.append(("small" + (" bad" if h["level"] == "full" else ""), words))
        w = max(max(_text_w(text, 19 if cls == "name" else 17) for cls, text in lines), _GAUGE_W)
        block_h = _STEP * len(lines) + 8 + _GAUGE_H
        left, top, anchor = placer.place(x, y, w, block_h)
        labels.append(_block(left, top, w, anchor, lines))
        out.append(f'<g class="hospital" data-id="{escape(h["id"])}" data-used="{h["used"]}" data-beds="{h["beds"]}" '
                   f'data-en-route="{h["en_route"]}">')
        out.append(f'<rect x="{x - 15:.1f}" y="{y - 15:.1f}" width="30" height="30" rx="4" fill="#1b6ca8"/>'
                   f'<path d="M{x - 9:.1f},{y:.1f} h18 M{x:.1f},{y - 9:.1f} v18" stroke="#fff" stroke-width="6"/>')
        # The bed gauge under the hospital's words: beds used (solid), patients on their way (light), the frame
        # is the capacity.
        gx = left + w - _GAUGE_W if anchor == "end" else left
        gy = top + _STEP * len(lines) + 2
        used = min(1.0, h["used"] / h["beds"]) if h["beds"] else 1.0
        coming = min(1.0 - used, h["en_route"] / h["beds"]) if h["beds"] else 0.0
        out.append(f'<rect class="gauge" x="{gx:.1f}" y="{gy:.1f}" width="{_GAUGE_W:.0f}" height="{_GAUGE_H:.0f}" '
                   'fill="#fff" stroke="#1b1f24" stroke-width="2"/>')
        out.append(f'<rect class="gauge-used" x="{gx:.1f}" y="{gy:.1f}" width="{_GAUGE_W * used:.1f}" '
                   f'height="{_GAUGE_H:.0f}" fill="{colour}"/>')
        if coming > 0:
            out.append(f'<rect class="gauge-coming" x="{gx + _GAUGE_W * used:.1f}" y="{gy:.1f}" '
                       f'width="{_GAUGE_W * coming:.1f}" height="{_GAUGE_H:.0f}" fill="{colour}" fill-opacity="0.35"/>')
        out.append("</g>")
    for kind, group, x, y in spots:
        ids = ", ".join(f"{u['id']} ({u['state_label']})" for u in group)
        states = " ".join(sorted({u["state"] for u in group}))
        moving = " moving" if any(u["moving"] for u in group) else ""
        out.append(f'<g class="unit {kind}{moving}" data-count="{len(group)}" data-states="{states}" '
                   f'data-ids="{escape(" ".join(u["id"] for u in group))}"><title>{escape(ids)}</title>')
        if kind == "ambulance":
            out.append(f'<rect x="{x - 10:.1f}" y="{y - 10:.1f}" width="20" height="20" rx="5" fill="{_AMB}" '
                       'stroke="#fff" stroke-width="2"/>')
        else:
            out.append(f'<polygon points="{x:.1f},{y - 12:.1f} {x + 11:.1f},{y + 9:.1f} {x - 11:.1f},{y + 9:.1f}" '
                       f'fill="{_POL}" stroke="#fff" stroke-width="2"/>')
        if len(group) > 1:
            out.append(f'<text class="lbl count" x="{x + (13 if kind == "ambulance" else -13):.1f}" y="{y + 6:.1f}" '
                       f'text-anchor="{"start" if kind == "ambulance" else "end"}">{n(len(group))}</text>')
        out.append("</g>")
    out += labels  # labels last: over roads and units, each with a white halo
    out.append("</svg>")
    return "".join(out)


def region_keys() -> list[tuple[str, str]]:
    """``(swatch svg, meaning)`` of every mark of the region map (meanings to translate)."""
    site = '<circle cx="20" cy="14" r="10" fill="{c}" stroke="#1b1f24" stroke-width="2"/>'
    return [
        (_swatch(site.format(c=_SITE)), N_("site with an incident")),
        (_swatch(site.format(c=_POSTURE)), N_("site with raised posture")),
        (_swatch(site.format(c=_QUIET)), N_("other site")),
        (_swatch(f'<rect x="2" y="8" width="36" height="12" fill="#fff" stroke="#1b1f24" stroke-width="2"/>'
                 f'<rect x="2" y="8" width="20" height="12" fill="{_OK}"/><rect x="22" y="8" width="8" height="12" '
                 f'fill="{_OK}" fill-opacity="0.35"/>'), N_("hospital beds: used, on their way, capacity")),
        (_swatch(f'<rect x="10" y="4" width="20" height="20" rx="5" fill="{_AMB}"/>'), N_("ambulance")),
        (_swatch(f'<polygon points="20,3 31,24 9,24" fill="{_POL}"/>'), N_("police unit")),
        (_swatch(f'<rect x="11" y="5" width="18" height="18" fill="#fff" stroke="{_AMB}" stroke-width="4"/>'),
         N_("ambulance base or police station")),
    ]


def regional_parts(ses: Any, tr: Translator, *, full: bool) -> dict[str, Any]:
    """What a page of a regional session shows in place of the venue's map, legend, zones and tiles.

    ``region``: the map, hospitals, the units table (every unit's row when ``full``) and the sites; ``numbers``:
    tiles for the whole region; ``watch`` is empty (a region has no zones to watch)."""
    t, n = tr.gettext, tr.format_number
    state = region_state(ses, tr)
    numbers = [("casualties", t("casualties"), n(state["casualties"])),
               ("at hospital", t("at hospital"), n(state["at_hospital"]))]
    for r in state["table"]:
        numbers.append((f"{r['kind']} idle", t("%(units)s idle", units=r["label"]), f"{r['idle']} / {r['total']}"))
    numbers.append(("decisions", t("decisions"), n(len(ses.decisions))))
    region = {k: state[k] for k in ("sites", "hospitals", "table", "t")}
    region["units"] = state["units"] if full else []
    return {"map": region_svg(state, tr), "legend": [], "watch": [], "numbers": numbers,
            "map_keys": [(swatch, t(text)) for swatch, text in region_keys()], "region": region}
