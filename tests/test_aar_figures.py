"""The AAR/IP and forecast figures as an evaluator reads them (issue 19): decision labels never print
over each other, long times read in hours, a panel where every arm is zero says so."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

from facilitator.evaluation.plots import forecast_figure, outcomes_figure, timeline_figure  # noqa: E402

METRICS = [("medical.preventable_deaths", "Preventable deaths", "people"),
           ("recovery.t_everyone_accounted_s", "Everyone accounted for", "min"),
           ("egress.t95_s", "95 % evacuation time", "min")]


def _arms(names, mean_of):
    return {m: {"arms": {a: {"mean": mean_of(m), "mean_ci_low": mean_of(m), "mean_ci_high": mean_of(m), "n": 8}
                         for a in names}} for m, _, _ in METRICS}


def _value(metric):
    return {"medical.preventable_deaths": 0.0, "recovery.t_everyone_accounted_s": 33300.0, "egress.t95_s": 570.0}[metric]


def test_decisions_at_the_same_moment_share_one_label_and_no_labels_overlap():
    decisions = [(f"D{i}", "venue", 390.0, 390.0 + 5 * (i % 3), verb)
                 for i, verb in enumerate(["close", "close", "close", "alert", "close", "evacuate"], start=1)]
    decisions += [("D9", "police", 0.0, 0.0, "dispatch"), ("D10", "police", 420.0, 420.0, "dispatch"),
                  ("D11", "police", 1800.0, 1800.0, "declare")]
    fig = timeline_figure(injects=[("I1", 0.0, "scheduled"), ("I2", 390.0, "trigger")], decisions=decisions,
                          expected=[], teams=["venue", "police"], title="t",
                          team_names={"venue": "Stadium control room (safety officer and stewards)"})
    ax = fig.axes[0]
    lanes = [t.get_text() for t in ax.get_yticklabels()]
    assert lanes == ["injects", "Stadium control room\n(safety officer and\nstewards)", "police"]  # names, wrapped
    labels = [t for t in ax.texts if t.get_text().startswith("D")]
    lines = [line for t in labels for line in t.get_text().split("\n")]
    assert "D3, D1, D2, D5 close" in lines  # one line for the four closures, in the order they took effect
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in labels]
    assert not [(a, b) for a, b in itertools.combinations(range(len(boxes)), 2) if boxes[a].overlaps(boxes[b])]
    shown = {ident.strip() for t in labels for line in t.get_text().split("\n") for ident in line.rsplit(" ", 1)[0].split(",")}
    assert {d[0] for d in decisions} <= {s.split(" ")[0] for s in shown}  # every decision is named once


def test_outcome_panels_read_in_hours_past_90_min_and_say_when_every_arm_is_zero():
    fig = outcomes_figure(_arms(("team", "doctrine", "no_action"), _value), metrics=METRICS, replications=8)
    zero, hours, minutes = fig.axes[:3]
    assert hours.get_ylabel() == "h" and 9.0 < hours.get_ylim()[1] < 11.0
    assert minutes.get_ylabel() == "min"
    assert zero.get_ylim() == (0.0, 1.0) and list(zero.get_yticks()) == [0, 1]
    assert "0 in every arm" in [t.get_text() for t in zero.texts]


def test_forecast_panels_follow_the_same_rules():
    arms = [("proposed", "proposed now"), ("no_further_action", "no further action"), ("doctrine", "doctrine")]
    fig = forecast_figure(_arms([a for a, _ in arms], _value), metrics=METRICS, arms=arms, replications=6)
    zero, hours = fig.axes[:2]
    assert hours.get_ylabel() == "h" and "0 in every arm" in [t.get_text() for t in zero.texts]


def test_variant_effects_say_when_no_variant_moves_any_outcome():
    from facilitator.evaluation.plots import variant_effects_figure

    summary = {m: {"arms": {"team": {"mean": _value(m) or 1.0}},
                   "variant_minus_team": {v: {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0} for v in ("voice_pa_fast", "b")}}
               for m, _, _ in METRICS}
    ax = variant_effects_figure(summary, metrics=METRICS, variants=["voice_pa_fast", "b"]).axes[0]
    assert ax.get_xlim() == (-5.0, 5.0)
    assert any("no modelled effect on any outcome" in t.get_text() for t in ax.texts)
    assert "95 % evacuation time (voice pa fast)" in [t.get_text() for t in ax.get_yticklabels()]
    marks = [ln for ln in ax.get_lines() if ln.get_marker() == "|" and ln.get_markersize() == 9]
    assert len(marks) == 2 * len(METRICS)  # every zero effect is drawn
