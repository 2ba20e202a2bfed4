"""Reshaping a pipeline as a user types it: `pipe stage delete NAME --move-to OTHER` moves the
stage's deals (each with a history row) and retires the stage; `pipe stage move NAME --after X`
and `--first` reorder the open stages. Won and Lost stay; refusals change nothing."""

from __future__ import annotations

from tests.cli.helpers import add_deal, ok, refused
from tests.conftest import Pipe, Snapshot


def _stages(pipe: Pipe) -> list[tuple[int, str, int]]:
    rows = ok(pipe("stage", "list", "--json")).json
    return [(r["position"], r["name"], r["deals"]) for r in rows]


def test_delete_moves_deals_with_history_and_keeps_won_and_lost(
    pipe: Pipe, snapshot: Snapshot
) -> None:
    ok(pipe("add", "deal", "In prospecting", "--amount", "100", now="2026-11-01T09:00:00Z"))
    ok(pipe("add", "deal", "In qualification", "--amount", "50", now="2026-11-01T09:00:00Z"))
    ok(pipe("move", "2", "qualification", now="2026-11-02T09:00:00Z"))
    before = snapshot()
    refused(pipe("stage", "delete", "prospecting"), 4, "holds 1 deals", "--move-to")
    refused(pipe("stage", "delete", "won", "--move-to", "proposal"), 2, "won stage")
    refused(pipe("stage", "delete", "prospecting", "--move-to", "lost"), 2, "move-to")
    refused(pipe("stage", "delete", "prospecting", "--move-to", "prosp"), 2, "being deleted")
    refused(pipe("stage", "delete", "nowhere", "--move-to", "proposal"), 2, "not a stage")
    assert snapshot() == before
    out = ok(pipe("stage", "delete", "prospecting", "--move-to", "proposal",
                  now="2026-11-03T09:00:00Z")).stdout  # fmt: skip
    assert "moved 1 deals" in out
    assert _stages(pipe) == [(1, "Qualification", 1), (2, "Proposal", 1), (3, "Negotiation", 0),
                             (4, "Won", 0), (5, "Lost", 0)]  # fmt: skip
    shown = ok(pipe("show", "deal", "1", "--json")).json
    assert shown["stage"] == "Proposal" and shown["probability"] == 50
    last = shown["history"][-1]
    assert (last["change"], last["from_stage"], last["to_stage"]) == (
        "move", "Prospecting", "Proposal"
    )  # fmt: skip
    assert last["note"] == "stage Prospecting deleted"
    # the board, lists and forecast see the deal in its new stage
    weighted = ok(pipe("report", "forecast", "--json")).json["rows"]
    assert sum(float(r["weighted"]) for r in weighted) == 100 * 0.5 + 50 * 0.2
    # a new deal starts in the first open stage there is now
    assert add_deal(pipe, "New")["stage"] == "Qualification"


def test_delete_the_last_open_stage_is_refused_and_an_empty_stage_needs_no_target(
    pipe: Pipe,
) -> None:
    ok(pipe("stage", "delete", "negotiation"))
    ok(pipe("stage", "delete", "proposal"))
    ok(pipe("stage", "delete", "qualification"))
    refused(pipe("stage", "delete", "prospecting"), 4, "last open stage")
    # the same name again brings the stage back, at the place asked for
    ok(pipe("stage", "add", "Proposal", "--probability", "40"))
    assert [n for _, n, _ in _stages(pipe)] == ["Prospecting", "Proposal", "Won", "Lost"]


def test_move_reorders_open_stages(pipe: Pipe, snapshot: Snapshot) -> None:
    ok(pipe("stage", "move", "negotiation", "--after", "prospecting"))
    names = [n for _, n, _ in _stages(pipe)]
    assert names == ["Prospecting", "Negotiation", "Qualification", "Proposal", "Won", "Lost"]
    ok(pipe("stage", "move", "proposal", "--first"))
    assert [p for p, _, _ in _stages(pipe)] == [1, 2, 3, 4, 5, 6]
    assert _stages(pipe)[0][1] == "Proposal"
    before = snapshot()
    refused(pipe("stage", "move", "won", "--first"), 2, "won stage")
    refused(pipe("stage", "move", "proposal", "--after", "lost"), 2, "after")
    refused(pipe("stage", "move", "proposal"), 2, "--after STAGE or --first")
    refused(pipe("stage", "move", "proposal", "--after", "proposal"), 2, "being moved")
    assert snapshot() == before
    assert add_deal(pipe, "Starts first")["stage"] == "Proposal"
