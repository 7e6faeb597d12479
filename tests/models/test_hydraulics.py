"""SFPE hydraulic relations (Gwynne & Rosenbaum, SFPE Handbook 5th ed. ch. 59)."""

import math

import numpy as np
import pytest

from simsoft.models.egress import hydraulics as hy


@pytest.mark.parametrize(("density", "speed"), [(0.54, 1.199), (1.0, 1.028), (2.0, 0.655), (3.0, 0.283)])
def test_speed_density_law_matches_team_case_2(density, speed):
    assert hy.speed_m_s(density_p_m2=density, k_m_s=1.40) == pytest.approx(speed, abs=0.001)


def test_free_speed_below_054_and_floor_at_jam():
    assert hy.speed_m_s(density_p_m2=0.1, k_m_s=1.4) == pytest.approx(0.856 * 1.4)
    assert hy.speed_m_s(density_p_m2=5.0, k_m_s=1.4) == hy.MIN_SPEED_M_S
    assert hy.speed_m_s(density_p_m2=0.1, k_m_s=1.4, free_m_s=1.0) == 1.0
    assert hy.speed_m_s(density_p_m2=2.0, k_m_s=1.4, free_m_s=1.0) == pytest.approx(0.655, abs=1e-3)


def test_speed_array_broadcasts():
    out = hy.speed_array(np.array([[0.1], [2.0]]), np.array([[1.4], [1.4]]), free_m_s=np.array([[1.0, math.nan]]).clip(0, 1.0))
    assert out.shape == (2, 2)


@pytest.mark.parametrize(("riser", "tread", "k"), [(191, 254, 1.00), (178, 279, 1.08), (165, 305, 1.16), (165, 330, 1.23)])
def test_stair_k_table_and_closed_form_agree_within_2_percent(riser, tread, k):
    assert hy.stair_k_m_s(riser_mm=riser, tread_mm=tread) == k
    closed = 51.8 * math.sqrt(tread / riser) / 60
    assert closed == pytest.approx(k, rel=0.02)


def test_stair_k_default_and_bad_values():
    assert hy.stair_k_m_s() == 1.08
    with pytest.raises(ValueError, match="must be > 0 mm"):
        hy.stair_k_m_s(riser_mm=0, tread_mm=279)


def test_max_specific_flow_level_is_tabulated_and_stairs_are_k_over_4a():
    assert hy.max_specific_flow_p_s_m(k_m_s=1.40) == 1.3
    assert hy.max_specific_flow_p_s_m(k_m_s=1.00) == pytest.approx(0.94, abs=0.005)
    assert hy.max_specific_flow_p_s_m(k_m_s=1.08) == pytest.approx(1.01, abs=0.01)
    assert hy.max_specific_flow_p_s_m(k_m_s=1.23) == pytest.approx(1.16, abs=0.005)


def test_specific_flow_peaks_near_188():
    flows = [hy.specific_flow_p_s_m(density_p_m2=d, k_m_s=1.4) for d in np.linspace(0.6, 3.7, 311)]
    peak_d = np.linspace(0.6, 3.7, 311)[int(np.argmax(flows))]
    assert peak_d == pytest.approx(1 / (2 * hy.A_M2_P), abs=0.02)


def test_effective_width_and_door_flow():
    assert hy.boundary_layer_m("door") == 0.15
    assert hy.boundary_layer_m("corridor") == 0.20
    we = hy.effective_width_m(width_m=1.0, boundary_layer_m=hy.boundary_layer_m("door"))
    assert we == pytest.approx(0.70)
    assert 1.3 * we == pytest.approx(0.91)
    assert hy.effective_width_m(width_m=0.2, boundary_layer_m=0.15) == 0.0
    with pytest.raises(ValueError, match="unknown connection kind 'window'"):
        hy.boundary_layer_m("window")


def test_transition():
    assert hy.transition_specific_flow_p_s_m(fs_in_p_s_m=1.3, we_in_m=0.7, we_out_m=1.6) == pytest.approx(0.56875)
    with pytest.raises(ValueError):
        hy.transition_specific_flow_p_s_m(fs_in_p_s_m=1.3, we_in_m=0.7, we_out_m=0)


@pytest.mark.parametrize(
    ("density", "los"), [(0.0, "A"), (0.25, "A"), (0.35, "B"), (0.5, "C"), (0.8, "D"), (1.5, "E"), (2.5, "F"), (6.0, "F")]
)
def test_fruin_walkway_los(density, los):
    assert hy.fruin_los(density_p_m2=density) == los
