"""Issue 12, done means: processes updating the same deals at once through the CLI, bounded
(4 processes x 15 updates on 3 deals), on SQLite and PostgreSQL; the invariants are listed in
tests/concurrency.py. bench/bench_concurrency.py runs the big one (8 x 200 on 5 deals)."""

from __future__ import annotations

from tests import concurrency


def test_concurrent_updates_lose_nothing(db_url: str) -> None:
    deal_ids = concurrency.setup(db_url, 3)
    outcome = concurrency.run(db_url, procs=4, per_proc=15, deal_ids=deal_ids)
    assert concurrency.check(db_url, outcome, deal_ids) == []
    assert outcome.acknowledged + outcome.stale + outcome.same_stage == 60
    assert outcome.acknowledged > 0 and outcome.reads > 0
