"""The fast writer for many deals and their history: imports and demo data generators use it.

Why it exists: writing a million deals through the ORM (one object, one flush per row) is far too
slow, so deals and their StageChange rows go in as batches of SQLAlchemy Core `insert()`
executemany, inside the caller's transaction. The rules are not copied: probabilities come from
`deals.stage_probability` and change kinds from `deals.change_kind`, as for single edits.

History rules (each deal gets a history consistent with its dates):
- a `create` row at `created_at`, in the first stage the deal is known in (its first event's
  stage, else its current stage);
- one row per later stage event (move, win, lose, reopen) at its time;
- a closed deal always ends with a win/lose row at `closed_at` in its won/lost stage;
- one `close_date` row per `CloseChange` (an expected close date set or moved, e.g. a slip), in
  the stage the deal was in then; rows before the first change carry `opening_close`, later
  rows the value set, and the last change's value is the deal's `expected_close`;
- `created_at` later than `closed_at` (bulk-loaded exports) is pulled back to `closed_at`, and
  event times are clamped between the two, so no history row predates the deal's creation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, text

from pipecli.core.models import Deal, Stage, StageChange, new_uuid
from pipecli.core.services.context import Ctx
from pipecli.core.services.deals import change_kind, stage_probability
from pipecli.core.services.inserts import executemany, insert_returning_ids

BATCH = 2000


@dataclass(frozen=True)
class StageEvent:
    """The deal entered `stage_id` at `at`."""

    at: datetime
    stage_id: int


@dataclass(frozen=True)
class CloseChange:
    """The deal's expected close date was set to `expected_close` at `at`."""

    at: datetime
    expected_close: date | None


@dataclass
class DealRecord:
    """One deal to write, everything already resolved to ids and typed values."""

    title: str
    pipeline_id: int
    stage_id: int
    currency: str
    created_at: datetime
    amount_minor: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None
    owner_id: int | None = None
    expected_close: date | None = None
    closed_at: datetime | None = None
    probability: int | None = None  # set by hand; None follows the stage
    external_id: str | None = None
    uuid: str | None = None
    source: str | None = None
    product: str | None = None
    notes: str | None = None
    lost_reason: str | None = None
    updated_at: datetime | None = None  # default: ctx.now
    events: list[StageEvent] = field(default_factory=list)
    # with close_changes: the expected close at creation, then each change in time order
    opening_close: date | None = None
    close_changes: list[CloseChange] = field(default_factory=list)


@dataclass(frozen=True)
class _StageInfo:
    outcome: str
    probability: int


def _stages(ctx: Ctx) -> dict[int, _StageInfo]:
    rows = ctx.session.connection().execute(
        select(Stage.__table__.c.id, Stage.__table__.c.outcome, Stage.__table__.c.probability)  # type: ignore[attr-defined]
    )
    return {r.id: _StageInfo(r.outcome, r.probability) for r in rows}


def _batches(items: Iterable[DealRecord], size: int) -> Iterator[list[DealRecord]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def write_deals(
    ctx: Ctx,
    records: Iterable[DealRecord],
    *,
    user_id: int | None = None,
    by_owner: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Insert `records` (any iterable, consumed in batches) with their history; returns new ids.

    History rows are attributed to `user_id` (default: the user running pipecli), or with
    `by_owner` to each deal's owner (made-up history: the owner worked the deal).
    `progress(n)` is called after each batch with the number of deals written in it.
    """
    stages = _stages(ctx)
    uid = ctx.user().id if user_id is None else user_id
    ids: list[int] = []
    for chunk in _batches(records, batch_size):
        plans = [_plan(rec, stages) for rec in chunk]
        deal_rows = [_deal_row(ctx, rec, plan) for rec, plan in zip(chunk, plans, strict=True)]
        new_ids = insert_returning_ids(ctx, Deal.__table__, deal_rows)  # type: ignore[attr-defined]
        history = [
            _history_row(deal_id, rec, step, rec.owner_id if by_owner and rec.owner_id else uid)
            for deal_id, rec, plan in zip(new_ids, chunk, plans, strict=True)
            for step in plan.steps
        ]
        executemany(ctx, StageChange.__table__, history)  # type: ignore[attr-defined]
        ids.extend(new_ids)
        if progress is not None:
            progress(len(chunk))
    return ids


def prepare_deals(
    ctx: Ctx,
    records: Iterable[DealRecord],
    deals: Prepared,
    history: Prepared,
    uid: int,
    stages: dict[int, _StageInfo],
) -> None:
    """Add `records` and their history rows to `deals` and `history`, ready for the driver.

    Nothing is written: the importer does this before it takes the write lock. Each record's
    `uuid` must be set; its id is given by `deals.new_id()`, and its history rows name it."""
    for rec in records:
        plan = _plan(rec, stages)
        row = _deal_row(ctx, rec, plan)
        row["id"] = deal_id = deals.new_id()
        deals.add(row)
        for step in plan.steps:
            history.add(_history_row(deal_id, rec, step, uid, history.uuid()))


def deal_columns() -> list[str]:
    """The columns `prepare_deals` fills for a deal (without its id)."""
    return list(_DEAL_KEYS)


def history_columns() -> list[str]:
    """The columns `prepare_deals` fills for a history row."""
    return list(_HISTORY_KEYS)


def stage_info(ctx: Ctx, extra: dict[int, tuple[str, int]] | None = None) -> dict[int, Any]:
    """Outcome and probability of every stage (for `prepare_deals`), with `extra` ones (stages
    the import adds once it writes, by the id given them)."""
    info = _stages(ctx)
    for sid, (outcome, prob) in (extra or {}).items():
        info[sid] = _StageInfo(outcome, prob)
    return info


# column -> the table whose ids it holds
REF_TABLES = {
    "account_id": "account", "contact_id": "contact", "owner_id": "user", "user_id": "user",
    "deal_id": "deal", "lead_id": "lead", "stage_id": "stage", "from_stage_id": "stage",
    "to_stage_id": "stage", "stage": "stage",
}  # fmt: skip


class Ids:
    """Ids for records not written yet, given out before the write lock is taken: per table, the
    next after the largest stored when first asked. Written with those very ids when nobody added
    rows to that table meanwhile (nothing to rewrite: the common case); otherwise `moved[table]`
    maps each given id to the one it got, and `Prepared.write` rewrites the rows that hold it."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.moved: dict[str, dict[int, int]] = {}

    def new(self, ctx: Ctx, table: Any) -> int:
        name = table.name
        if name not in self.last:
            top = ctx.session.connection().execute(select(func.max(table.c.id))).scalar()
            self.last[name] = int(top or 0)
        self.last[name] += 1
        return self.last[name]

    def made(self, table: str, given: int, real: int) -> None:
        """Record `real` as the id of the record given `given` (when they differ)."""
        if given != real:
            self.moved.setdefault(table, {})[given] = real

    def real(self, table: str, value: Any) -> Any:
        moved = self.moved.get(table)
        return moved.get(value, value) if moved else value


class Prepared:
    """Rows of one table made before the write lock is taken, so that writing them is all the
    write transaction does. Values are driver-ready (bind processors applied), in the insert
    statement's column order. On SQLite they go, a batch at a time, into a temporary table of
    the import's connection (the temp database: no lock on the main one, no Python objects kept),
    and the write is one `INSERT INTO table SELECT ... FROM temp`; elsewhere they are kept as
    tuples and written by executemany. Columns that refer to other records (`REF_TABLES`, and the
    row's own `id` when given by `ids`) are rewritten as written only if `ids` moved some.

    UUIDs come from `uuid()`: one random 64-bit prefix per table and import, then a counter,
    in UUID version 4 layout. They are unique like uuid4's, far cheaper to make, and each import's
    rows follow one another in the uuid index, which keeps the write transaction short."""

    def __init__(self, ctx: Ctx, table: Any, keys: list[str], ids: Ids):
        import uuid as uuid_mod

        conn = ctx.session.connection()
        self.ctx, self.table, self.ids, self.keys = ctx, table, ids, keys
        compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
        self.sql = compiled.string
        self.named = compiled.positiontup is None
        self.order: list[str] = list(keys if self.named else compiled.positiontup or [])
        dialect = conn.dialect
        self.procs = [table.c[k].type._cached_bind_processor(dialect) for k in self.order]
        self.refs = {i: REF_TABLES.get(k, table.name) for i, k in enumerate(self.order)
                     if k in REF_TABLES or k == "id"}  # fmt: skip
        self.id_at = self.order.index("id") if "id" in self.order else None
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.first_id: int | None = None
        self._prefix = (uuid_mod.uuid4().int >> 64) << 64
        self._count = 0
        self._uuid = uuid_mod.UUID
        self.staged: str | None = None  # the temporary table holding the rows (SQLite)
        if conn.dialect.name == "sqlite" and not self.named:
            self.staged = f"pipe_import_{table.name}_{uuid_mod.uuid4().hex[:8]}"
            self._raw: Any = conn.connection.driver_connection
            cols = ", ".join(self.order)
            conn.exec_driver_sql(
                f"CREATE TEMP TABLE {self.staged} AS SELECT {cols} FROM main.{table.name} WHERE 0"
            )
            marks = ", ".join("?" * len(self.order))
            self._stage_sql = f"INSERT INTO temp.{self.staged} ({cols}) VALUES ({marks})"

    def uuid(self) -> str:
        self._count += 1
        return str(self._uuid(int=self._prefix | self._count, version=4))

    def new_id(self) -> int:
        given = self.ids.new(self.ctx, self.table)
        if self.first_id is None:
            self.first_id = given
        return given

    def add(self, row: dict[str, Any]) -> None:
        procs = self.procs
        self.rows.append(
            tuple(
                procs[i](v) if (v := row[k]) is not None and procs[i] is not None else v
                for i, k in enumerate(self.order)
            )
        )
        if self.staged is not None and len(self.rows) >= BATCH:
            self._stage()

    def _stage(self) -> None:
        """Move the rows kept so far into the temporary table. Those writes touch only the temp
        database, so `db.begin_write` is told not to count them as the unit having written."""
        if not self.rows:
            return
        conn = self.ctx.session.connection()
        conn.exec_driver_sql(self._stage_sql, self.rows)
        if "pipe_changes_at_begin" in conn.info:
            conn.info["pipe_changes_at_begin"] += len(self.rows)
        self.rows = []

    def write(self, ctx: Ctx, batch_size: int = BATCH * 10) -> None:
        """Insert the rows (the write lock held): with the ids given, or, when this table got
        rows meanwhile, with new ones (`reserve_ids`); references moved are rewritten."""
        conn = ctx.session.connection()
        self._here()
        if self.staged is not None:
            self._stage()
        if self.staged is None and not self.rows:
            return
        if self.id_at is not None and self.first_id is not None:
            self._reserve(ctx)
        moved = [(i, m) for i, t in self.refs.items() if (m := self.ids.moved.get(t))]
        if self.staged is not None:
            self.written += self._insert_staged(conn, moved)
            return
        for start in range(0, len(self.rows), batch_size):
            chunk: list[Any] = self.rows[start : start + batch_size]
            if moved:
                chunk = [_rewrite(r, moved) for r in chunk]
            if self.named:
                chunk = [dict(zip(self.order, r, strict=True)) for r in chunk]
            conn.exec_driver_sql(self.sql, chunk)
        self.written += len(self.rows)
        self.rows = []

    def _here(self) -> None:
        """The write pass runs on another connection than the check did (a pool may hand out
        another one after `db.begin_write`'s commit): take the staged rows back from that one."""
        conn = self.ctx.session.connection()
        if self.staged is not None and conn.connection.driver_connection is not self._raw:
            staged = self._raw.execute(f"SELECT * FROM temp.{self.staged}").fetchall()
            self.rows = [*staged, *self.rows]
            self._raw.execute(f"DROP TABLE temp.{self.staged}")
            self.staged = None

    def _given(self) -> list[int]:
        at = self.id_at
        assert at is not None
        if self.staged is not None:
            conn = self.ctx.session.connection()
            query = f"SELECT {self.order[at]} FROM temp.{self.staged}"
            return [int(i) for (i,) in conn.exec_driver_sql(query)]
        return [r[at] for r in self.rows]

    def _reserve(self, ctx: Ctx) -> None:
        assert self.first_id is not None
        conn = ctx.session.connection()
        if conn.dialect.name != "postgresql":
            top = int(conn.execute(select(func.max(self.table.c.id))).scalar() or 0)
            if top < self.first_id:
                return  # the ids given are free: the common case, nothing to rewrite
        given = self._given()
        fresh = reserve_ids(ctx, self.table, len(given), self.first_id)
        for g, f in zip(given, fresh or given, strict=True):
            self.ids.made(self.table.name, g, f)

    def _insert_staged(self, conn: Any, moved: list[tuple[int, dict[int, int]]]) -> int:
        """INSERT .. SELECT from the temporary table; moved references through a mapping table
        each (rare: only when another writer added rows of that kind meanwhile)."""
        assert self.staged is not None
        exprs = [f"s.{c}" for c in self.order]
        maps = []
        for i, m in moved:
            tname = f"{self.staged}_map{i}"
            conn.exec_driver_sql(
                f"CREATE TEMP TABLE {tname} (given INTEGER PRIMARY KEY, real INTEGER)"
            )
            conn.exec_driver_sql(f"INSERT INTO temp.{tname} VALUES (?, ?)", list(m.items()))
            col = self.order[i]
            exprs[i] = f"coalesce((SELECT real FROM temp.{tname} WHERE given = s.{col}), s.{col})"
            maps.append(tname)
        cols = ", ".join(self.order)
        result = conn.exec_driver_sql(
            f"INSERT INTO main.{self.table.name} ({cols}) "
            f"SELECT {', '.join(exprs)} FROM temp.{self.staged} AS s ORDER BY s.rowid"
        )
        for tname in [*maps, self.staged]:
            conn.exec_driver_sql(f"DROP TABLE temp.{tname}")
        self.staged = None
        return int(result.rowcount)

    def drop(self, given: set[int]) -> None:
        """Leave out the rows given these ids (they stand for records found meanwhile)."""
        at = self.id_at
        if at is None or not given:
            return
        self._here()
        self.rows = [r for r in self.rows if r[at] not in given]
        if self.staged is not None:
            conn = self.ctx.session.connection()
            col = self.order[at]
            conn.exec_driver_sql(
                f"DELETE FROM temp.{self.staged} WHERE {col} = ?", [(g,) for g in given]
            )


def _rewrite(row: tuple[Any, ...], moved: list[tuple[int, dict[int, int]]]) -> tuple[Any, ...]:
    out = list(row)
    for i, m in moved:
        out[i] = m.get(out[i], out[i])
    return tuple(out)


def reserve_ids(ctx: Ctx, table: Any, n: int, first: int) -> list[int] | None:
    """Ids for `n` new rows of `table` given ids from `first` on: None when those are free (on
    SQLite, where the caller holds the write lock, nothing above `first` - 1 is stored), else `n`
    new ones: above the largest on SQLite, drawn from the id sequence on PostgreSQL (safe with
    other writers; the sequence never gives them out again)."""
    conn = ctx.session.connection()
    if conn.dialect.name == "postgresql":
        query = text(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
            "FROM generate_series(1, :n)"
        )
        return [int(i) for (i,) in conn.execute(query, {"n": n})]
    top = int(conn.execute(select(func.max(table.c.id))).scalar() or 0)
    if top < first:
        return None
    return list(range(top + 1, top + n + 1))


@dataclass
class _Step:
    at: datetime
    change: str
    from_stage_id: int | None
    to_stage_id: int
    probability: int
    expected_close: date | None = None


@dataclass
class _Plan:
    created_at: datetime
    closed_at: datetime | None
    steps: list[_Step]
    probability: int
    manual: bool


def _plan(rec: DealRecord, stages: dict[int, _StageInfo]) -> _Plan:
    """The deal's history steps under the rules of the module docstring."""
    final = stages[rec.stage_id].outcome
    closed = None if final == "open" else (rec.closed_at or rec.created_at)
    created = min(rec.created_at, closed) if closed else rec.created_at
    events = sorted(rec.events, key=lambda e: e.at)
    if not events or events[-1].stage_id != rec.stage_id:
        events.append(StageEvent(closed or (events[-1].at if events else created), rec.stage_id))
    current = events[0].stage_id
    steps = [_step(created, "create", None, current, stages, rec.probability)]
    for ev in events[1:]:
        at = min(max(ev.at, created), closed) if closed else max(ev.at, created)
        if ev.stage_id != current:
            kind = change_kind(stages[current].outcome, stages[ev.stage_id].outcome)
            steps.append(_step(at, kind, current, ev.stage_id, stages, rec.probability))
            current = ev.stage_id
    if closed is not None:
        if steps[-1].change in ("win", "lose"):
            steps[-1].at = closed
        else:
            steps.append(_step(closed, change_kind(final, final), current, current, stages, None))
    manual = final == "open" and rec.probability is not None
    return _Plan(
        created,
        closed,
        _with_close_dates(rec, steps, created, closed),
        steps[-1].probability,
        manual,
    )


def _with_close_dates(
    rec: DealRecord, steps: list[_Step], created: datetime, closed: datetime | None
) -> list[_Step]:
    """`steps` with each row's expected close, and a `close_date` row per CloseChange merged in
    by time (after a stage step at the same moment, before a win or loss)."""
    if not rec.close_changes:
        for s in steps:
            s.expected_close = rec.expected_close
        return steps
    if rec.close_changes[-1].expected_close != rec.expected_close:
        raise ValueError("the last close change must set the deal's expected_close")
    changes = sorted(rec.close_changes, key=lambda c: c.at)
    out: list[_Step] = []
    close, i = rec.opening_close, 0
    for step in steps:
        while (
            i < len(changes)
            and (
                changes[i].at < step.at
                or (changes[i].at == step.at and step.change in ("win", "lose"))
            )
            and out
        ):
            close = changes[i].expected_close
            prev = out[-1]
            at = min(max(changes[i].at, created), closed) if closed else max(changes[i].at, created)
            out.append(
                _Step(at, "close_date", prev.to_stage_id, prev.to_stage_id, prev.probability, close)
            )
            i += 1
        step.expected_close = close
        out.append(step)
    for c in changes[i:]:
        close = c.expected_close
        prev = out[-1]
        at = min(max(c.at, created), closed) if closed else max(c.at, created)
        out.append(
            _Step(at, "close_date", prev.to_stage_id, prev.to_stage_id, prev.probability, close)
        )
    return out


def _step(
    at: datetime,
    change: str,
    from_id: int | None,
    to_id: int,
    stages: dict[int, _StageInfo],
    manual: int | None,
) -> _Step:
    info = stages[to_id]
    prob, _ = stage_probability(info.outcome, info.probability, manual)
    return _Step(at, change, from_id, to_id, prob)


def _deal_row(ctx: Ctx, rec: DealRecord, plan: _Plan) -> dict[str, Any]:
    entered = next(s.at for s in reversed(plan.steps) if s.change != "close_date")
    return {
        "uuid": rec.uuid or new_uuid(),
        "external_id": rec.external_id,
        "title": rec.title,
        "pipeline_id": rec.pipeline_id,
        "stage_id": rec.stage_id,
        "account_id": rec.account_id,
        "contact_id": rec.contact_id,
        "lead_id": rec.lead_id,
        "owner_id": rec.owner_id,
        "amount_minor": rec.amount_minor,
        "currency": rec.currency,
        "probability": plan.probability,
        "probability_manual": plan.manual,
        "expected_close": rec.expected_close,
        "source": rec.source,
        "product": rec.product,
        "lost_reason": rec.lost_reason if plan.closed_at else None,
        "lost_note": None,
        "notes": rec.notes,
        "stage_entered_at": entered,
        "created_at": plan.created_at,
        "updated_at": rec.updated_at or ctx.now,
        "closed_at": plan.closed_at,
        "archived_at": None,
    }


_DEAL_KEYS = (
    "uuid", "external_id", "title", "pipeline_id", "stage_id", "account_id", "contact_id",
    "lead_id", "owner_id", "amount_minor", "currency", "probability", "probability_manual",
    "expected_close", "source", "product", "lost_reason", "lost_note", "notes",
    "stage_entered_at", "created_at", "updated_at", "closed_at", "archived_at",
)  # fmt: skip
_HISTORY_KEYS = (
    "uuid", "deal_id", "at", "user_id", "change", "from_stage_id", "to_stage_id", "amount_minor",
    "currency", "expected_close", "probability", "note",
)  # fmt: skip


def _history_row(
    deal_id: int, rec: DealRecord, step: _Step, user_id: int | None, uuid: str | None = None
) -> dict[str, Any]:
    return {
        "uuid": uuid or new_uuid(),
        "deal_id": deal_id,
        "at": step.at,
        "user_id": user_id,
        "change": step.change,
        "from_stage_id": step.from_stage_id,
        "to_stage_id": step.to_stage_id,
        "amount_minor": rec.amount_minor,
        "currency": rec.currency,
        "expected_close": step.expected_close,
        "probability": step.probability,
        "note": rec.lost_reason if step.change == "lose" else None,
    }
