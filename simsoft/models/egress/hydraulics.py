"""SFPE hydraulic relations of crowd movement: pure functions and constants.

Source of every relation and constant unless stated otherwise: S. M. V. Gwynne and E. R.
Rosenbaum, "Employing the Hydraulic Model in Assessing Emergency Movement", *SFPE Handbook of Fire
Protection Engineering*, 5th ed., ch. 59 (2016), doi:10.1007/978-1-4939-2565-0_59 (6th ed. ch. 67,
same values), after Nelson & Mowrer. D is density in persons/m^2, S speed in m/s, widths in m.

>>> round(speed_m_s(density_p_m2=2.0, k_m_s=K_LEVEL_M_S), 3)
0.655
>>> round(effective_width_m(width_m=1.0, boundary_layer_m=0.15) * max_specific_flow_p_s_m(k_m_s=K_LEVEL_M_S), 2)
0.91
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "A_M2_P",
    "K_LEVEL_M_S",
    "FREE_DENSITY_P_M2",
    "FREE_SPEED_FACTOR",
    "FSM_LEVEL_P_S_M",
    "MIN_SPEED_M_S",
    "DEFAULT_RISER_MM",
    "DEFAULT_TREAD_MM",
    "STAIR_K_TABLE",
    "CONNECTION_BOUNDARY_LAYER_M",
    "ZONE_BOUNDARY_LAYER_M",
    "FRUIN_WALKWAY_LOS",
    "stair_k_m_s",
    "free_speed_m_s",
    "speed_m_s",
    "speed_array",
    "specific_flow_p_s_m",
    "max_specific_flow_p_s_m",
    "effective_width_m",
    "boundary_layer_m",
    "transition_specific_flow_p_s_m",
    "fruin_los",
]

A_M2_P = 0.266
"""Constant a of the speed-density relation S = k (1 - a D), in m^2/person (SFPE ch. 59, Table 59.2)."""

K_LEVEL_M_S = 1.40
"""Speed constant k of corridors, aisles, ramps and doorways, m/s (SFPE ch. 59, Table 59.2)."""

FREE_DENSITY_P_M2 = 0.54
"""Below this density people walk at the free speed (SFPE ch. 59: relation valid 0.54-3.8 p/m^2)."""

FREE_SPEED_FACTOR = 0.856
"""Free speed = 0.856 k, the value of k (1 - a D) at D = 0.54 (SFPE ch. 59)."""

FSM_LEVEL_P_S_M = 1.3
"""Maximum specific flow of corridors, aisles, ramps and doorways, p/s per m of effective width.

SFPE ch. 59 Table 59.3 tabulates 1.3 (k / 4a = 1.32); IMO MSC.1/Circ.1238 Annex 1 App. 1 uses the
same 1.3 for corridors and doors.
"""

MIN_SPEED_M_S = 0.10
"""Lowest walking speed at any density, m/s.

SFPE's relation reaches zero at the jam density 1/a = 3.76 p/m^2, which would freeze a network
model; IMO MSC.1/Circ.1238 Annex 1 App. 1 keeps S = 0.10 m/s at D >= 3.5 p/m^2, and Helbing,
Johansson & Al-Abideen, Phys. Rev. E 75:046109 (2007) measured non-zero speeds up to 10 p/m^2.
"""

DEFAULT_RISER_MM = 178.0
"""Riser assumed when a stair gives none, mm (the 7 in / 11 in stair of SFPE Table 59.2)."""

DEFAULT_TREAD_MM = 279.0
"""Tread assumed when a stair gives none, mm (the 7 in / 11 in stair of SFPE Table 59.2)."""

STAIR_K_TABLE: dict[tuple[float, float], float] = {
    (191.0, 254.0): 1.00,
    (178.0, 279.0): 1.08,
    (165.0, 305.0): 1.16,
    (165.0, 330.0): 1.23,
}
"""Speed constant k (m/s) of stairs by (riser, tread) in mm, SFPE ch. 59 Table 59.2."""

CONNECTION_BOUNDARY_LAYER_M: dict[str, float] = {
    "door": 0.15,
    "gate": 0.15,
    "opening": 0.15,
    "corridor": 0.20,
    "stair": 0.15,
}
"""Boundary layer per side by connection kind, m (SFPE ch. 59 Table 59.1: doors and archways 0.15,
corridor and ramp walls 0.20, stair walls and tread sides 0.15; gates and openings as archways)."""

ZONE_BOUNDARY_LAYER_M: dict[str, float] = {
    "room": 0.20,
    "hall": 0.20,
    "corridor": 0.20,
    "concourse": 0.46,
    "stair": 0.15,
    "outdoor": 0.0,
    "shelter": 0.20,
}
"""Boundary layer per side of the walls of a zone by kind, m (SFPE ch. 59 Table 59.1: corridor walls
0.20, wide concourses up to 0.46, stair walls 0.15; open ground 0). Used for widths derived from zones."""

FRUIN_WALKWAY_LOS: tuple[tuple[str, float], ...] = (
    ("A", 3.25),
    ("B", 2.3),
    ("C", 1.4),
    ("D", 0.9),
    ("E", 0.45),
    ("F", 0.0),
)
"""Fruin walkway level of service: letter and the smallest space per person (m^2) it allows.

J. J. Fruin, "Designing for pedestrians: a level-of-service concept", Highway Research Record 355
(1971): A > 3.25 m^2, B 2.3-3.25, C 1.4-2.3, D 0.9-1.4, E 0.45-0.9, F < 0.45.
"""


def stair_k_m_s(*, riser_mm: float | None = None, tread_mm: float | None = None) -> float:
    """Speed constant k of a stair along its slope, m/s.

    Tabulated SFPE values (Table 59.2) when riser and tread match a row within 1 mm, otherwise the
    closed form k = 51.8 sqrt(T/R) m/min used by EvacuatioNZ and ``jupedsim-network`` (within ~1 %
    of the table).

    >>> stair_k_m_s(riser_mm=178, tread_mm=279)
    1.08
    >>> round(stair_k_m_s(riser_mm=180, tread_mm=280), 3)
    1.077
    """
    riser = DEFAULT_RISER_MM if riser_mm is None else float(riser_mm)
    tread = DEFAULT_TREAD_MM if tread_mm is None else float(tread_mm)
    if riser <= 0 or tread <= 0:
        raise ValueError(f"stair riser and tread must be > 0 mm, got {riser} / {tread}")
    for (r, t), k in STAIR_K_TABLE.items():
        if abs(r - riser) <= 1.0 and abs(t - tread) <= 1.0:
            return k
    return 51.8 * math.sqrt(tread / riser) / 60.0


def free_speed_m_s(*, k_m_s: float) -> float:
    """Unimpeded walking speed 0.856 k, m/s (SFPE ch. 59)."""
    return FREE_SPEED_FACTOR * k_m_s


def speed_m_s(*, density_p_m2: float, k_m_s: float, free_m_s: float | None = None) -> float:
    """Walking speed at a density: the free speed below 0.54 p/m^2, else k (1 - a D), at least 0.10 m/s.

    ``free_m_s`` overrides the free speed 0.856 k (a fixed walking speed in verification cases); it
    also caps the speed above 0.54 p/m^2.

    >>> [round(speed_m_s(density_p_m2=d, k_m_s=1.4), 3) for d in (0.54, 1.0, 2.0, 3.0)]
    [1.198, 1.028, 0.655, 0.283]
    """
    return float(speed_array(np.asarray([density_p_m2], dtype=float), np.asarray([k_m_s]), free_m_s=free_m_s)[0])


def speed_array(density_p_m2: np.ndarray, k_m_s: np.ndarray, *, free_m_s: np.ndarray | float | None = None) -> np.ndarray:
    """Vectorised :func:`speed_m_s` (broadcasting over densities, k and free speeds)."""
    density = np.asarray(density_p_m2, dtype=float)
    k = np.asarray(k_m_s, dtype=float)
    free = FREE_SPEED_FACTOR * k if free_m_s is None else np.asarray(free_m_s, dtype=float)
    congested = np.minimum(free, k * (1.0 - A_M2_P * density))
    speed = np.where(density < FREE_DENSITY_P_M2, free, congested)
    return np.maximum(speed, MIN_SPEED_M_S)


def specific_flow_p_s_m(*, density_p_m2: float, k_m_s: float) -> float:
    """Specific flow Fs = S D = k D (1 - a D), persons per second per metre of effective width."""
    return speed_m_s(density_p_m2=density_p_m2, k_m_s=k_m_s) * density_p_m2


def max_specific_flow_p_s_m(*, k_m_s: float) -> float:
    """Maximum specific flow Fsm, p/s/m: 1.3 tabulated for level elements (k = 1.40), else k / (4a).

    k / (4a) is the peak of k D (1 - a D) at D = 1/(2a) = 1.88 p/m^2 (SFPE ch. 59); for the stairs of
    Table 59.2 it gives the tabulated 0.94, 1.01, 1.09 and 1.16 p/s/m.

    >>> max_specific_flow_p_s_m(k_m_s=1.4), round(max_specific_flow_p_s_m(k_m_s=1.08), 2)
    (1.3, 1.02)
    """
    if abs(k_m_s - K_LEVEL_M_S) < 1e-9:
        return FSM_LEVEL_P_S_M
    return k_m_s / (4.0 * A_M2_P)


def boundary_layer_m(kind: str) -> float:
    """Boundary layer per side of a connection of ``kind`` (door, gate, opening, corridor, stair), m."""
    try:
        return CONNECTION_BOUNDARY_LAYER_M[kind]
    except KeyError:
        raise ValueError(f"unknown connection kind {kind!r} (known: {', '.join(CONNECTION_BOUNDARY_LAYER_M)})") from None


def effective_width_m(*, width_m: float, boundary_layer_m: float) -> float:
    """Effective width We = W - 2 b (never negative), m (SFPE ch. 59)."""
    return max(0.0, float(width_m) - 2.0 * float(boundary_layer_m))


def transition_specific_flow_p_s_m(*, fs_in_p_s_m: float, we_in_m: float, we_out_m: float) -> float:
    """Specific flow leaving a transition: Fs,out = Fs,in We,in / We,out (SFPE ch. 59).

    When it exceeds the outgoing element's Fsm a queue forms, growing at Fc,in - Fc,out.
    """
    if we_out_m <= 0:
        raise ValueError(f"outgoing effective width must be > 0 m, got {we_out_m}")
    return fs_in_p_s_m * we_in_m / we_out_m


def fruin_los(*, density_p_m2: float) -> str:
    """Fruin (1971) walkway level of service (A-F) of a density, from the space per person.

    >>> fruin_los(density_p_m2=0.2), fruin_los(density_p_m2=1.0), fruin_los(density_p_m2=4.0)
    ('A', 'D', 'F')
    """
    if density_p_m2 <= 0:
        return "A"
    space = 1.0 / density_p_m2
    for letter, lowest in FRUIN_WALKWAY_LOS:
        if space > lowest:
            return letter
    return "F"
