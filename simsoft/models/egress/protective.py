"""Protective actions on the crowd: alert, evacuate, shelter, lock down, release, close and open.

The egress model carries them out; the shared sets of sheltering and locked-down zones (read by the
incident and recovery models) are kept in step here.
"""

from __future__ import annotations

from typing import Any

from simsoft.models.actions import ActionHandler, ActionTable

__all__ = ["protective_actions"]


def protective_actions(egress: Any, *, sheltering: set[str], locked: set[str]) -> ActionTable:
    """The egress model's action table; ``sheltering`` and ``locked`` are updated in place."""

    def alert(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.alert(zones, share=action.share)

    def evacuate(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.evacuate(zones, via=action.via)
        sheltering.difference_update(zones)
        if action.via:
            values["via"] = list(action.via)

    def shelter(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.shelter(zones)
        sheltering.update(zones)

    def lockdown(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.lockdown(zones)
        locked.update(zones)

    def release(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.release(zones)
        locked.difference_update(zones)
        sheltering.difference_update(zones)

    def close(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.close_connection(action.connection)
        values["connection"] = action.connection

    def open_(action: Any, zones: list[str], values: dict[str, Any]) -> None:
        egress.open_connection(action.connection)
        values["connection"] = action.connection

    return {"alert": ActionHandler(alert), "evacuate": ActionHandler(evacuate), "shelter": ActionHandler(shelter),
            "lockdown": ActionHandler(lockdown), "release": ActionHandler(release), "close": ActionHandler(close),
            "open": ActionHandler(open_)}
