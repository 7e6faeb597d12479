"""The small test venue several model tests share: a yard with a street exit, hall ``a`` and room ``b`` behind it."""

from __future__ import annotations

from typing import Any


def yard_venue(*, lockable: bool = True, assets: bool = True) -> dict[str, Any]:
    """Yard -> street; yard -> a -> b -> back. Doors into and out of ``a`` and ``b`` lock when ``lockable``;
    with ``assets`` a staff post watches the yard and a camera the hall."""
    lock = {"lockable": True} if lockable else {}
    venue: dict[str, Any] = {
        "zones": [
            {"id": "yard", "kind": "outdoor", "area_m2": 200},
            {"id": "a", "kind": "hall", "area_m2": 100},
            {"id": "b", "kind": "room", "area_m2": 50},
        ],
        "exits": [{"id": "street"}, {"id": "back"}],
        "connections": [
            {"id": "yard_a", "from": "yard", "to": "a", "width_m": 2.0, **lock},
            {"id": "a_b", "from": "a", "to": "b", "width_m": 1.0, **lock},
            {"id": "yard_street", "from": "yard", "to": "street", "width_m": 3.0},
            {"id": "b_back", "from": "b", "to": "back", "width_m": 1.0, **lock},
        ],
    }
    if assets:
        venue["assets"] = [{"kind": "staff_post", "zone": "yard"}, {"kind": "cctv", "zone": "a"}]
    return venue
