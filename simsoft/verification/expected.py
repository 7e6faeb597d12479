"""The expected values of the verification cases: literal numbers, each with its source or arithmetic.

Published figures (IMO MSC.1/Circ.1533 Annex 3, RiMEA 3.0, NIST TN 1822) or hand calculations from
the published SFPE constants, the arithmetic in the comment above each. This module imports nothing:
an expectation computed from the model's own constants moves with them, and then no case can fail.

>>> round(1.3 * (1.0 - 2 * 0.15), 2) == FC_DOOR_1M_P_S
True
"""

from __future__ import annotations

__all__ = [
    "FC_DOOR_1M_P_S",
    "FC_DOOR_2M_P_S",
    "FC_CORRIDOR_2M_P_S",
    "FC_CORRIDOR_1M_P_S",
    "FC_STAIR_1_2M_P_S",
    "STAIR_QUEUE_GROWTH_P_S",
    "STAIR_10M_S",
    "FREE_LEVEL_M_S",
    "SPEED_AT_DENSITY_M_S",
    "H_T4_S",
    "H_T2_S",
    "H_COUNTERFLOW_0_S",
    "H_COUNTERFLOW_100_S",
    "H_NEAR_SHARE",
    "H_FAR_SHARE",
]

# Every expectation below is a literal: a published figure (IMO MSC.1/Circ.1533 Annex 3, RiMEA 3.0,
# NIST TN 1822) or a hand calculation from the published SFPE constants (Gwynne & Rosenbaum, SFPE
# Handbook 5th ed. ch. 59, Tables 59.1-59.3: k = 1.40 m/s level, 1.08 m/s stair 178/279 mm;
# a = 0.266 m2/p; free speed 0.856 k; Fsm = 1.3 p/s/m level, k/4a on stairs; boundary layer per
# side 0.15 m doors and stairs, 0.20 m corridors), written out with the constants as numbers.
# tests/test_verification.py parses this module's and cases.py's imports to keep them free of the model.

# SFPE: door 1 m: We = 1.0 - 2 x 0.15 = 0.70 m; Fc = 1.3 p/s/m x 0.70 m = 0.91 p/s.
FC_DOOR_1M_P_S = 0.91
# SFPE: door 2 m: We = 2.0 - 2 x 0.15 = 1.70 m; Fc = 1.3 x 1.70 = 2.21 p/s.
FC_DOOR_2M_P_S = 2.21
# SFPE: corridor 2 m: We = 2.0 - 2 x 0.20 = 1.60 m; Fc = 1.3 x 1.60 = 2.08 p/s.
FC_CORRIDOR_2M_P_S = 2.08
# SFPE: corridor 1 m: We = 1.0 - 2 x 0.20 = 0.60 m; Fc = 1.3 x 0.60 = 0.78 p/s.
FC_CORRIDOR_1M_P_S = 0.78
# SFPE: stair 178/279 mm, 1.2 m wide: Fsm = k / 4a = 1.08 / (4 x 0.266) = 1.015 p/s/m (Table 59.3
# rounds it to 1.01); We = 1.2 - 2 x 0.15 = 0.90 m; Fc = 1.015 x 0.90 = 0.914 p/s.
FC_STAIR_1_2M_P_S = 0.914
# SFPE: queue growth at the stair foot = Fc,in - Fc,out = 2.08 - 0.914 = 1.166 p/s.
STAIR_QUEUE_GROWTH_P_S = 1.166
# SFPE: stair free speed 0.856 x 1.08 m/s = 0.9245 m/s along the slope; 10 m / 0.9245 m/s = 10.82 s.
STAIR_10M_S = 10.82
# SFPE: level free speed 0.856 x 1.40 m/s = 1.198 m/s (40 m: 33.38 s; 60 m: 50.07 s).
FREE_LEVEL_M_S = 1.198
# SFPE: S = k (1 - a D) = 1.40 x (1 - 0.266 D) m/s, the free speed below D = 0.54 p/m2, and at
# least 0.10 m/s (IMO MSC.1/Circ.1238 Annex 1 App. 1: S = 0.10 m/s at D >= 3.5 p/m2):
#   D 0.5 -> free 1.198; 0.54 -> 1.40 x 0.8564 = 1.199; 0.6 -> 1.40 x 0.8404 = 1.177;
#   1 -> 1.40 x 0.734 = 1.028; 2 -> 1.40 x 0.468 = 0.655; 3 -> 1.40 x 0.202 = 0.283;
#   6 -> 1.40 x (1 - 1.596) < 0 -> the minimum 0.10.
SPEED_AT_DENSITY_M_S = {0.5: 1.198, 0.54: 1.199, 0.6: 1.177, 1.0: 1.028, 2.0: 0.655, 3.0: 0.283, 6.0: 0.100}

# SFPE: 1000 people through four 1 m doors, 1000 / (4 x 0.91 p/s) = 274.7 s; through two,
# 1000 / (2 x 0.91) = 549.5 s (the DES lets the first out at once: (N - 1) / Fc, 0.1 % less).
H_T4_S = 274.7
H_T2_S = 549.5
# SFPE, IMO 8 without opposing flow: the first person crosses the left room (10 m at 1 p/m2,
# 1.40 x (1 - 0.266) = 1.028 m/s: 9.7 s), then the corridor and the right room at the free speed
# (20 m / 1.198 m/s = 16.7 s): 26.4 s; the other 99 follow through the corridor at
# Fc = 1.3 x (2.0 - 2 x 0.20) = 2.08 p/s, 47.6 s: last arrival 74.0 s. +-3 %: the crowd in the
# corridor walks slower than the first person did.
H_COUNTERFLOW_0_S = 74.0
# IMO 8 and NIST Verif.2.8 only ask that counter-flow delays the last arrival. Finite, hand-computed
# bounds instead of "later": with 100 opposing, 200 people share the one corridor of 2.08 p/s, so
# the last arrival cannot come before 9.7 s + 200 / 2.08 p/s = 105.9 s (a model where opposing
# streams do not share the corridor's capacity fails); everyone must be out within the 10 min run.
H_COUNTERFLOW_100_S = (105.9, 600.0)
# RiMEA 11: nearest exit preferred, some diversion. SFPE: both 1 m doors pass 0.91 p/s, the far
# route adds 20 m at 1.198 m/s = 16.7 s, so the two exits finish together when
# near - far = 0.91 p/s x 16.7 s = 15.2 people: near share (1000 + 15.2) / 2000 = 0.508, far 0.492.
# "> 0.5" alone would pass a model that barely weighs the queue; +-5 people (0.005) does not.
H_NEAR_SHARE = 0.508
H_FAR_SHARE = 0.492
