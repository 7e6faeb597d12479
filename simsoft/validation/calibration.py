"""Which published figures set model defaults: they can calibrate, never validate.

A figure that chose a default reproduces it by construction; counting that agreement as validation
would be circular (issue 16: police defaults were chosen to give a 3-minute median and then
"validated" against the same 3 minutes). Every case comparison that uses one of these figures must
have the role ``calibration``; :func:`simsoft.validation.cases.load_case` refuses anything else.
Add a figure here whenever a default is fitted to it, in the same commit.

>>> "blair2014.police_median" in CALIBRATED
True
"""

from __future__ import annotations

__all__ = ["CALIBRATED"]

CALIBRATED: dict[str, str] = {
    "blair2014.police_median": (
        "response.units[].dispatch and .travel defaults (lognormal, medians 45 s and 2 min 15 s) were chosen to give "
        "a 3-minute median arrival after the report (Blair, Martaindale & Nichols, FBI LEB, January 2014)"),
    "blair2014.police_spread": (
        "the p99 of the same defaults were chosen so that the 5-95 % range sits inside the ~1-12 min spread "
        "quoted for the same study"),
    "hirshberg2005.surge_immediate": (
        "medical.hospitals[].critical_per_hour default 4.6/h (Hirshberg et al., J Trauma 58(4):686, 2005)"),
    "hirshberg2005.surge_full_plan": (
        "medical.hospitals[].critical_per_hour_full_plan default 7.1/h (Hirshberg et al. 2005)"),
    "frykberg1988.critical_mortality": (
        "medical.survival.immediate.b1_min is calibrated by simulation of the case bombings-critical-mortality to a "
        "critical mortality of 12.4 % (Frykberg & Tepas, Ann Surg 208(5):569, 1988; issue 16)"),
    "baa2007.glasgow_reopening": (
        "recovery.reopening's no-death medians (investigation 8 h, light clean-up 4 h, preparation 3 h) reproduce "
        "Glasgow Airport 2007's ~16.5 h to reopening (BAA); Parsons Green 2017 validates them"),
}
"""Figure id -> the default it set."""
