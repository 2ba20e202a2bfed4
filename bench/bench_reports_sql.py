"""Report benchmark against hand-written SQL: funnel, forecast, winrate and stale as real `pipe`
runs, which must agree with the hand SQL on every number compared.

Generates --deals N demo deals (default 1,000,000) with their history through the bulk writer
(core/demo) into a SQLite file, or reuses --db PATH when that file already holds deals
(generation of 1M deals takes minutes; its time is printed). The clock (PIPE_NOW) is derived
from the data: 10:00 UTC on the day after the latest history row, the day `pipe demo` ran, so
the reports and the hand SQL see the demo's open deals as open and its recent past as recent
(a fixed clock before the data made every number disagree). Then, for each of

- funnel (reached mode, default pipeline, all history),
- forecast (by quarter, 4 periods, as of PIPE_NOW),
- winrate (all history),
- stale (the default table limit: 25 rows, and the summary of every stale deal),

it times `python -m pipecli report X --json` as a subprocess (stdout to DEVNULL) against the
same numbers computed by plain hand-written SQL over the same tables, run through the sqlite3
module in a `python -c` subprocess, so both sides pay interpreter start-up. Each side's time is
the median of --runs runs, taken alternately; the peak memory (max RSS) of the pipe process is
recorded too. One untimed run of each side first checks that they agree (and warms the page
cache): on any difference both values are printed and the benchmark exits 1.

The hand queries, reviewed for fairness (each the plainest SQL that computes the numbers, no
correlated subquery, no work the report does not need):
- funnel: one GROUP BY over the history joined to its stage (the top open position each deal
  visited, a win above all), joined to today's deals, then counted per (outcome, top); each
  stage's "reached" is a sum over those few rows.
- forecast: one pass over today's deals joined to their stage, grouped by (kind, period,
  category): the periods are CASEs over the close date / won moment.
- winrate: today's won and lost deals grouped by outcome.
- stale: today's open deals past their stage's rot days or their expected close, as one
  materialised set: its 25 longest in stage (ORDER BY ... LIMIT) and a GROUP BY stage.
The hand SQL reads today's state from the deal table (what a deal's last history snapshot holds:
every write updates both) and the history only where the report needs it (stages a deal visited,
for the funnel). Demo data is all in the default currency, so the hand SQL sums minor units with
no conversion; the forecast's quarters are calendar quarters (fiscal year starting in January).
`--results FILE` writes the rows as JSON (bench/run.py puts them into bench/RESULTS.md).
Run: `python bench/bench_reports_sql.py [--deals 1000000] [--runs 3] [--db PATH]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

TARGET = 1.2

# Deals as they stand now: not archived, already created. `d` is the deal, `s` its stage.
DEALS = "deal d JOIN stage s ON s.id = d.stage_id"
LIVE = "d.archived_at IS NULL AND d.created_at <= :now"
CURRENT = f"FROM {DEALS} WHERE {LIVE}"

# Per deal of the default pipeline: its outcome now, and the highest open stage position its
# history visited (a win counts above every open stage). A deal has reached stage P when that
# top is >= P. Then one row per open stage (deals reached), the won row, cohort and lost.
FUNNEL_SQL = f"""
WITH pipe AS (SELECT id FROM pipeline WHERE is_default AND archived_at IS NULL),
tops AS (
  SELECT h.deal_id,
         max(CASE WHEN v.outcome = 'won' THEN 1000000
                  WHEN v.outcome = 'open' AND v.archived_at IS NULL THEN v.position END) AS top
  FROM stagechange h JOIN stage v ON v.id = h.to_stage_id
  WHERE h.at <= :now
  GROUP BY h.deal_id
),
counts AS MATERIALIZED (
  SELECT s.outcome AS outcome, t.top AS top, count(*) AS n
  FROM {DEALS} JOIN tops t ON t.deal_id = d.id
  WHERE {LIVE} AND d.pipeline_id = (SELECT id FROM pipe)
  GROUP BY s.outcome, t.top
)
SELECT 'stage', st.name,
       (SELECT coalesce(sum(n), 0) FROM counts WHERE counts.top >= st.position)
FROM stage st
WHERE st.pipeline_id = (SELECT id FROM pipe) AND st.outcome = 'open' AND st.archived_at IS NULL
UNION ALL SELECT 'won', NULL, (SELECT coalesce(sum(n), 0) FROM counts WHERE outcome = 'won')
UNION ALL SELECT 'cohort', NULL, (SELECT coalesce(sum(n), 0) FROM counts)
UNION ALL SELECT 'lost', NULL, (SELECT coalesce(sum(n), 0) FROM counts WHERE outcome = 'lost')
"""

# Today's open deals past their stage's rot days (entered before the start of the day minus
# rot days) or their expected close: the 25 longest in stage, then a count and sum per stage.
STALE_SQL = f"""
WITH m AS MATERIALIZED (
  SELECT d.id AS id, s.name AS stage, d.amount_minor AS amount,
         date(d.stage_entered_at) AS entered
  {CURRENT} AND s.outcome = 'open'
    AND (d.expected_close < :day
         OR (s.rot_days IS NOT NULL
             AND d.stage_entered_at < datetime(:day, printf('-%d days', s.rot_days))))
)
SELECT * FROM (SELECT 'row', id, stage, amount FROM m ORDER BY entered, id LIMIT 25)
UNION ALL SELECT 'stage', count(*), stage, coalesce(sum(amount), 0) FROM m GROUP BY stage
"""

# One pass over today's deals: open ones with an amount, not in an omitted category, expected
# to close before today (overdue) or inside the periods, and deals won inside the
# periods; {won_bucket} and {open_bucket} are CASEs giving the 0-based period index. Rows:
# (kind, period index (-1: overdue), category (open only), deals, sum of minor units,
# sum of minor units x probability).
FORECAST_SQL = f"""
SELECT kind, bucket, category, count(*), coalesce(sum(amount), 0), coalesce(sum(weighted), 0)
FROM (
  SELECT CASE WHEN s.outcome = 'won' THEN 'won'
              WHEN d.expected_close < :day THEN 'overdue' ELSE 'open' END AS kind,
         CASE WHEN s.outcome = 'won' THEN {{won_bucket}}
              WHEN d.expected_close < :day THEN -1 ELSE {{open_bucket}} END AS bucket,
         CASE WHEN s.outcome = 'open' THEN s.forecast_category END AS category,
         d.amount_minor AS amount,
         CASE WHEN s.outcome = 'open' THEN d.amount_minor * d.probability END AS weighted
  {CURRENT}
    AND ((s.outcome = 'open' AND d.amount_minor IS NOT NULL
          AND s.forecast_category != 'omitted' AND d.expected_close < :end)
      OR (s.outcome = 'won' AND d.stage_entered_at >= :start AND d.stage_entered_at < :end))
)
GROUP BY kind, bucket, category
"""

WINRATE_SQL = f"""
SELECT s.outcome, count(*), coalesce(sum(d.amount_minor), 0)
{CURRENT} AND s.outcome IN ('won', 'lost')
GROUP BY s.outcome
"""

RUN_SQL = """\
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()
print(json.dumps(rows))
"""


def quarters(day: date, count: int) -> list[tuple[str, date, date]]:
    """(label, first day, first day of the next) of `count` calendar quarters from `day`'s."""
    out = []
    year, q = day.year, (day.month - 1) // 3
    for _ in range(count):
        nxt_year, nxt_q = (year + 1, 0) if q == 3 else (year, q + 1)
        out.append((f"{year}-Q{q + 1}", date(year, 3 * q + 1, 1), date(nxt_year, 3 * nxt_q + 1, 1)))
        year, q = nxt_year, nxt_q
    return out


def _forecast_sql(periods: list[tuple[str, date, date]]) -> str:
    def bucket(column: str) -> str:
        whens = " ".join(f"WHEN {column} < '{hi}' THEN {i}" for i, (_, _, hi) in enumerate(periods))
        return f"CASE {whens} END"

    sql = FORECAST_SQL.replace("{won_bucket}", bucket("d.stage_entered_at"))
    sql = sql.replace("{open_bucket}", bucket("d.expected_close"))
    return sql.replace(":start", f"'{periods[0][1]}'").replace(":end", f"'{periods[-1][2]}'")


def _generate(path: Path, deals: int) -> None:
    from pipecli.core import demo
    from pipecli.core.config import load_settings
    from pipecli.core.db import open_store
    from pipecli.core.services.context import Ctx

    url = f"sqlite:///{path}"
    now = datetime.now(UTC)
    store = open_store(url, now)
    settings = load_settings(url)
    start = time.perf_counter()
    with store.session() as session:
        made = demo.create(Ctx(session, settings, now), deals, seed=1)
    store.dispose()
    print(f"generated {made} deals in {time.perf_counter() - start:.1f}s")


def clock(path: Path) -> datetime:
    """10:00 UTC on the day after the latest history row: the day the demo data was made."""
    con = sqlite3.connect(path)
    try:
        last = con.execute("SELECT max(at) FROM stagechange").fetchone()[0]
    finally:
        con.close()
    day = date.fromisoformat(str(last)[:10]) if last else datetime.now(UTC).date()
    return datetime.combine(day + timedelta(days=1), dtime(10), tzinfo=UTC)


def _stale_ours(doc: dict[str, Any], places: int) -> dict[str, Any]:
    s = doc["summary"]
    return {
        "top": [r["deal_id"] for r in doc["rows"]],
        "deals": s["deals"],
        "value": _minor(s["value"], places),
        "by_stage": {g["name"]: (g["deals"], _minor(g["value"], places)) for g in s["by_stage"]},
    }


def _stale_hand(rows: list[list[Any]], places: int) -> dict[str, Any]:
    by_stage = {stage: (n, Decimal(total)) for kind, n, stage, total in rows if kind == "stage"}
    return {
        "top": [i for kind, i, _, _ in rows if kind == "row"],
        "deals": sum(n for n, _ in by_stage.values()),
        "value": sum((v for _, v in by_stage.values()), Decimal(0)),
        "by_stage": by_stage,
    }


def _deal_count(path: Path) -> int:
    if not path.exists():
        return 0
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM deal").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def _ours(path: Path, report: list[str]) -> list[str]:
    return [sys.executable, "-m", "pipecli", "report", *report, "--json"]


def _hand(path: Path, sql: str, params: dict[str, Any]) -> list[str]:
    return [sys.executable, "-c", RUN_SQL, str(path), sql, json.dumps(params)]


def _run(cmd: list[str], env: dict[str, str], capture: bool = False) -> str:
    out = subprocess.run(
        cmd,
        env=env,
        check=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        text=True,
    )
    return out.stdout if capture else ""


def _minor(value: str, places: int) -> Decimal:
    return Decimal(value).scaleb(places)


def _funnel_ours(doc: dict[str, Any], places: int) -> dict[str, Any]:
    stages = [(r["stage"], r["deals"]) for r in doc["rows"]]
    return {
        "stages": stages[:-1],
        "won": stages[-1][1],
        "cohort": doc["cohort"],
        "lost": doc["lost"],
    }


def _funnel_hand(rows: list[list[Any]], places: int) -> dict[str, Any]:
    by_kind = {k: n for k, _, n in rows if k != "stage"}
    stages = [(name, n) for k, name, n in rows if k == "stage"]
    return {
        "stages": stages,
        "won": by_kind["won"],
        "cohort": by_kind["cohort"],
        "lost": by_kind["lost"],
    }


FIELDS = ("closed_won", "commit", "best_case", "pipeline", "weighted", "open_deals", "won_deals")


def _forecast_ours(doc: dict[str, Any], places: int) -> dict[str, Any]:
    return {
        r["period"]: {f: r[f] if f.endswith("_deals") else _minor(r[f], places) for f in FIELDS}
        for r in doc["rows"]
    }


def _forecast_hand_for(periods: list[tuple[str, date, date]]) -> Callable[..., dict[str, Any]]:
    bucket = {"commit": "commit", "closed": "commit", "best_case": "best_case"}

    def parse(rows: list[list[Any]], places: int) -> dict[str, Any]:
        zero: dict[str, Any] = {f: 0 if f.endswith("_deals") else Decimal(0) for f in FIELDS}
        out = {label: dict(zero) for label, _, _ in periods}
        for kind, i, category, n, total, weighted in rows:
            if kind == "overdue" and n == 0:
                continue
            label = "overdue" if kind == "overdue" else periods[i][0]
            slot = out.setdefault(label, dict(zero))
            if kind == "won":
                slot["closed_won"] += total
                slot["won_deals"] += n
                continue
            slot[bucket.get(category, "pipeline")] += total
            slot["weighted"] += Decimal(weighted) / 100
            slot["open_deals"] += n
        for slot in out.values():
            slot["weighted"] = slot["weighted"].quantize(Decimal(1), ROUND_HALF_UP)
        # ours lists the overdue row first
        return dict(sorted(out.items(), key=lambda kv: kv[0] != "overdue"))

    return parse


def _winrate_ours(doc: dict[str, Any], places: int) -> dict[str, Any]:
    rows = doc["rows"]
    if not rows:
        return {"won": 0, "lost": 0, "won_value": Decimal(0), "lost_value": Decimal(0)}
    r = rows[0]
    return {
        "won": r["won"],
        "lost": r["lost"],
        "won_value": _minor(r["won_value"], places),
        "lost_value": _minor(r["lost_value"], places),
    }


def _winrate_hand(rows: list[list[Any]], places: int) -> dict[str, Any]:
    got = {outcome: (n, Decimal(total)) for outcome, n, total in rows}
    won, lost = got.get("won", (0, Decimal(0))), got.get("lost", (0, Decimal(0)))
    return {"won": won[0], "lost": lost[0], "won_value": won[1], "lost_value": lost[1]}


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    return _measured(cmd, env)[0]


def _measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak memory (max RSS, MB) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return took, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="SQLite file: reused if it holds deals, else generated into")
    parser.add_argument("--explain", action="store_true", help="print the hand SQL query plans")
    parser.add_argument("--results", help="write the result rows to this JSON file")
    args = parser.parse_args()
    from bench_cli import compile_bytecode  # pipe as installed: its modules' bytecode compiled

    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.db"
        have = _deal_count(path)
        if have:
            print(f"reusing {path}: {have} deals (generation skipped)")
        else:
            _generate(path, args.deals)
            have = _deal_count(path)
        history = sqlite3.connect(path).execute("SELECT count(*) FROM stagechange").fetchone()[0]
        now = clock(path)
        pipe_now = now.isoformat()
        print(
            f"database: {have} deals, {history} history rows; PIPE_NOW={pipe_now} (from the data)"
        )
        env = {**os.environ, "PIPE_DB": str(path), "PIPE_NOW": pipe_now}
        periods = quarters(now.date(), 4)
        # how SQLite holds the DATETIME columns
        params = {"now": now.strftime("%Y-%m-%d %H:%M:%S.%f"), "day": now.date().isoformat()}
        cases: list[tuple[str, list[str], str, Callable[..., Any], Callable[..., Any]]] = [
            ("funnel", ["funnel"], FUNNEL_SQL, _funnel_ours, _funnel_hand),
            (
                "forecast",
                ["forecast", "--by", "quarter", "--periods", "4"],
                _forecast_sql(periods),
                _forecast_ours,
                _forecast_hand_for(periods),
            ),
            ("winrate", ["winrate"], WINRATE_SQL, _winrate_ours, _winrate_hand),
            ("stale", ["stale", "--limit", "25"], STALE_SQL, _stale_ours, _stale_hand),
        ]
        from pipecli.core import money

        startup = statistics.median(
            _timed([sys.executable, "-c", "import sqlite3"], env) for _ in range(args.runs)
        )
        print(f"interpreter start-up (python -c 'import sqlite3'): {startup * 1000:.0f} ms")
        mods = "pipecli.cli, pipecli.core.db, pipecli.render.reports, pipecli.core.reports."
        imports = (
            f"import {mods}funnel, pipecli.core.reports.forecast, pipecli.core.reports.winrate"
        )
        fixed = statistics.median(
            _timed([sys.executable, "-c", imports], env) for _ in range(args.runs)
        )
        print(f"pipe's imports alone (python -c 'import pipecli...'): {fixed * 1000:.0f} ms")
        results = []
        for name, report, sql, ours_of, hand_of in cases:
            if args.explain:
                plan = sqlite3.connect(path).execute("EXPLAIN QUERY PLAN " + sql, params)
                print(f"-- {name} hand SQL plan:")
                for row in plan.fetchall():
                    print("   ", row)
            ours_cmd, hand_cmd = _ours(path, report), _hand(path, sql, params)
            doc = json.loads(_run(ours_cmd, env, capture=True))
            rows = json.loads(_run(hand_cmd, env, capture=True))
            places = money.minor_units(doc["currency"])
            mine, theirs = ours_of(doc, places), hand_of(rows, places)
            agree = mine == theirs
            verdict = "agree" if agree else "DISAGREE"
            print(f"{name}: pipe and hand SQL {verdict} ({_summary(name, mine)})")
            if not agree:
                print(f"    pipe: {mine}\n    hand: {theirs}")
            ours_t, hand_t, peak = [], [], 0.0
            for _ in range(args.runs):
                took, rss = _measured(ours_cmd, env)
                ours_t.append(took)
                peak = max(peak, rss)
                hand_t.append(_timed(hand_cmd, env))
            results.append(
                (name, statistics.median(ours_t), statistics.median(hand_t), agree, peak)
            )
        print(
            f"{'report':10} {'pipe ms':>9} {'hand SQL ms':>12} {'ratio':>7} {'peak MB':>8}"
            f"  target <= {TARGET:.2f}"
        )
        rows_out = []
        for name, ours, hand, agree, peak in results:
            ratio = ours / hand
            mark = "ok" if ratio <= TARGET else "OVER"
            note = "" if agree else "  (results DISAGREE)"
            print(
                f"{name:10} {ours * 1000:9.0f} {hand * 1000:12.0f} {ratio:7.2f} {peak:8.0f}"
                f"  {mark}{note}"
            )
            rows_out.append({
                "bench": "reports_sql", "case": name, "deals": have, "pipe_ms": round(ours * 1000),
                "hand_ms": round(hand * 1000), "ratio": round(ratio, 2),
                "peak_mb": round(peak), "agree": agree,
            })  # fmt: skip
        if args.results:
            Path(args.results).write_text(json.dumps(rows_out, indent=1))
        if not all(agree for *_, agree, _ in results):
            sys.exit("pipe and the hand SQL disagree (both values printed above)")


def _summary(name: str, value: dict[str, Any]) -> str:
    if name == "funnel":
        stages = ", ".join(f"{s}={n}" for s, n in value["stages"])
        return f"{stages}, won={value['won']}, cohort={value['cohort']}, lost={value['lost']}"
    if name == "winrate":
        return f"won={value['won']}, lost={value['lost']}"
    if name == "stale":
        return f"deals={value['deals']}, value={value['value']}, top={value['top'][:3]}..."
    return ", ".join(
        f"{p}: weighted={v['weighted']} won={v['closed_won']}" for p, v in value.items()
    )


if __name__ == "__main__":
    main()
