"""The abstention-threshold sweep: which questions a threshold refuses, and the threshold it chooses."""

from __future__ import annotations

from evals.gate_sweep import GateRow, choose, figures, refused_at

CURRENT = 0.38


def test_a_threshold_refuses_below_it_and_keeps_what_other_steps_refused() -> None:
    assert refused_at(GateRow("a", True, 0.40, False), 0.42, CURRENT)
    assert not refused_at(GateRow("a", True, 0.40, False), 0.40, CURRENT)
    assert refused_at(GateRow("a", False, 0.70, True), 0.30, CURRENT)  # refused by a check after the gate let it through
    assert refused_at(GateRow("a", False, None, True), 0.60, CURRENT)  # a guard refused it before any sentence was scored
    assert not refused_at(GateRow("a", True, None, False), 0.60, CURRENT)  # the tracker answered it
    # below the current threshold: refused by the gate, answered once the threshold is under its relevance
    assert refused_at(GateRow("a", True, 0.20, True), 0.30, CURRENT)
    assert not refused_at(GateRow("a", True, 0.20, True), 0.18, CURRENT)
    # answered at the current threshold although below it: another way answered it, at any threshold
    assert not refused_at(GateRow("a", True, 0.20, False), CURRENT, CURRENT)
    assert not refused_at(GateRow("a", True, 0.20, False), 0.50, CURRENT)


def test_the_chosen_threshold_keeps_false_refusals_within_five_percent() -> None:
    # relevances 0.30 to 0.69; those under the current threshold were refused by the gate
    answerable = [GateRow("a", True, 0.30 + 0.01 * i, 0.30 + 0.01 * i < CURRENT) for i in range(40)]
    unanswerable = [GateRow("a", False, 0.35 + 0.02 * i, 0.35 + 0.02 * i < CURRENT) for i in range(10)]
    rows = answerable + unanswerable
    chosen = choose(rows, CURRENT)
    assert figures(rows, chosen, CURRENT)[1] <= 0.05
    assert figures(rows, round(chosen + 0.02, 2), CURRENT)[1] > 0.05
    assert chosen == 0.32  # 0.30 and 0.31 are refused at 0.32: 2 of 40


def test_the_chosen_threshold_holds_on_every_gold_set_not_only_pooled() -> None:
    large = [GateRow("large", True, 0.60, False) for _ in range(95)]
    small = [GateRow("small", True, 0.40 + 0.04 * i, False) for i in range(5)]  # 0.40, 0.44, ... 0.56
    rows = large + small
    assert figures(rows, 0.44, CURRENT)[1] <= 0.05  # pooled, 0.44 refuses 1 of 100
    assert choose(rows, CURRENT) == 0.40  # but 1 of the small set's 5
