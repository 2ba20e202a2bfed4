"""Writing validated import rows: match each to a stored record, then insert or update in batches.

Two steps, so the write lock is held only while writing. `prepare` (the checking pass, nothing
written) matches each batch of rows to stored records, resolves references (records still to be
made are given ids, see `refs`), and turns each new row into a compact tuple of
driver-ready column values (`bulk.Prepared`): new deals with their history rows by the rules of
`services.bulk` (those of `pipe add deal`), other kinds with their defaults. `write` (the write
lock held) adds the stages, owners, accounts and contacts the file needs, checks with one query
per table that nobody added a matching record meanwhile, applies the updates, and inserts the
prepared rows in bulk (`bulk.Prepared.write`).

A matched deal is changed through `deals.edit` / `deals.move`, so its history records the change
like a hand edit; other matched records get only the fields that differ.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from pipecli.core.errors import Conflict, PipeError
from pipecli.core.imports.fields import REQUIRED
from pipecli.core.imports.refs import Refs, Stages, key
from pipecli.core.models import Account, Contact, Deal, Lead, StageChange, Task
from pipecli.core.services import bulk, common, deals, pipelines
from pipecli.core.services.context import Ctx

if TYPE_CHECKING:
    from pipecli.core.imports import Options, Result

MODELS: dict[str, Any] = {
    "deal": Deal, "lead": Lead, "account": Account, "contact": Contact, "task": Task,
}  # fmt: skip
# import field -> column, where they differ (per kind)
COLUMNS: dict[str, dict[str, str]] = {
    "deal": {"id": "external_id", "close": "expected_close", "amount": "amount_minor"},
    "lead": {"id": "external_id", "value": "amount_minor"},
    "account": {"id": "external_id"},
    "contact": {"id": "external_id"},
    "task": {"id": "external_id", "type": "kind", "due": "due_date", "done": "done_at"},
}
_REFS = ("account", "contact", "owner", "deal", "lead")
Batch = list[tuple[int, dict[str, Any]]]


def _seen(mkey: tuple[str, str]) -> str:
    """A match key as one string (a million of them take half the memory of tuples)."""
    return f"{mkey[0]}\x00{mkey[1]}"


class Writer:
    def __init__(self, ctx: Ctx, opts: Options, refs: Refs, stages: Stages, result: Result):
        self.ctx, self.opts, self.refs, self.stages, self.result = ctx, opts, refs, stages, result
        self.kind = opts.kind
        self.model = MODELS[opts.kind]
        self.name_col = "title" if opts.kind in ("deal", "task") else "name"
        self.seen: set[str] = set()  # match keys of the new rows (`_seen`: one string each)
        self.updates: list[tuple[int, int, dict[str, Any], dict[str, str]]] = []
        self.top = int(
            ctx.session.connection().execute(select(func.max(self.model.__table__.c.id))).scalar()
            or 0
        )  # rows above it were added after the check began
        self._first_open: int | None = None
        self.rows: bulk.Prepared | None = None
        self.history: bulk.Prepared | None = None
        self._stage_info: dict[int, Any] | None = None

    def prepare(
        self, batch: Batch, raw: dict[int, dict[str, str]] | None = None
    ) -> list[tuple[int, PipeError]]:
        """Match and resolve the rows of `batch` and keep what `write` will do with them;
        nothing is written. The rows refused (with why) are returned."""
        found = self._match(batch)
        create = self.opts.create_refs and self.kind != "task"
        names = [v["account"] for _, v in batch if "account" in v]
        self.refs.prefetch("account", names, create=create)
        refused: list[tuple[int, PipeError]] = []
        counts = self.result.count(self.kind)
        for (line, vals), (mkey, rid) in zip(batch, found, strict=True):
            if isinstance(vals.get("stage"), str):
                continue  # an unknown stage: the import is refused at the end, naming them all
            try:
                if rid is None and (mkey is None or _seen(mkey) not in self.seen):
                    self._add(self._resolve(vals))
                    if mkey:
                        self.seen.add(_seen(mkey))
                elif rid is None or self.opts.on_conflict == "skip":
                    counts.skipped += 1
                elif self.opts.on_conflict == "fail":
                    how = mkey[0] if mkey else "id"
                    raise Conflict(f"{self.kind} {rid} exists already (matched by {how})")
                else:
                    self.updates.append((line, rid, self._resolve(vals), (raw or {}).get(line, {})))
            except PipeError as err:
                refused.append((line, err))
        return refused

    def write(self) -> list[tuple[int, dict[str, str], PipeError]]:
        """Write what `prepare` kept (the write lock held); the updates refused are returned."""
        self.stages.write()
        self.refs.write()
        self._added_meanwhile()
        counts = self.result.count(self.kind)
        refused = []
        real = self.refs.ids.real
        for line, rid, vals, raw in self.updates:
            vals = {k: real(bulk.REF_TABLES[k], v) if k in bulk.REF_TABLES else v
                    for k, v in vals.items()}  # fmt: skip
            try:
                if self._update(rid, vals):
                    counts.updated += 1
                else:
                    counts.skipped += 1
            except PipeError as err:
                refused.append((line, raw, err))
        self.updates = []
        for rows in (self.rows, self.history):
            if rows is not None:
                rows.write(self.ctx)
        counts.created += self.rows.written if self.rows is not None else 0
        return refused

    def _added_meanwhile(self) -> None:
        """Refuse the import when another writer added, since the check began, a record one of
        the new rows matches (it would be a duplicate): one query, the rows added since."""
        if not self.seen:
            return
        t = self.model.__table__
        added = (
            self.ctx.session.connection()
            .execute(select(t).where(t.c.id > self.top, t.c.archived_at.is_(None)))
            .all()
        )
        for row in added:
            email = getattr(row, "email", None)
            keys = {(self.name_col, key(getattr(row, self.name_col)))}
            if row.external_id is not None:
                keys.add(("external_id", str(row.external_id)))
            if email:
                keys.add(("email", email.lower()))
            mkey = next((k for k in keys if _seen(k) in self.seen), None)
            if mkey is not None:
                raise Conflict(
                    f"{self.kind} {row.id} ({mkey[1]!r}) was added by someone else while this "
                    "file was being checked; nothing imported: run the import again"
                )

    # --- matching ------------------------------------------------------------------------

    def _match_key(self, vals: dict[str, Any]) -> tuple[str, str] | None:
        how = self.opts.match
        if how == "id" or (how is None and "id" in vals):
            return ("external_id", str(vals["id"])) if "id" in vals else None
        if (how == "email" or (how is None and self.kind in ("lead", "contact"))) and vals.get(
            "email"
        ):
            return ("email", vals["email"].lower())
        return (self.name_col, key(vals[REQUIRED[self.kind]]))

    def _match(self, batch: Batch) -> list[tuple[tuple[str, str] | None, int | None]]:
        keys = [self._match_key(vals) for _, vals in batch]
        t = self.model.__table__
        found: dict[tuple[str, str], int] = {}
        for column in {k[0] for k in keys if k}:
            values = list({k[1] for k in keys if k and k[0] == column})
            col = t.c[column] if column == "external_id" else func.lower(t.c[column])
            rows = self.ctx.session.connection().execute(
                select(col, t.c.id)
                .where(col.in_(values), t.c.archived_at.is_(None))
                .order_by(t.c.id.desc())
            )
            found.update({(column, str(v)): int(i) for v, i in rows})
        return [(k, found.get(k) if k else None) for k in keys]

    # --- values --------------------------------------------------------------------------

    def _resolve(self, vals: dict[str, Any]) -> dict[str, Any]:
        """Row values with references turned into ids (creating accounts/contacts/owners)."""
        out = dict(vals)
        create = self.opts.create_refs and self.kind != "task"  # a task names what exists
        if "account" in vals:
            name = vals["account"]
            out["account_id"] = (
                self.refs.account(name) if create else self.refs.need("account", name)
            )
        if "contact" in vals:
            name = vals["contact"]
            out["contact_id"] = (
                self.refs.contact(name, out.get("account_id"))
                if create
                else self.refs.need("contact", name)
            )
        for kind in ("deal", "lead"):
            if kind in vals:
                out[f"{kind}_id"] = self.refs.need(kind, vals[kind])
        out["owner_id"] = self.refs.owner(vals["owner"]) if "owner" in vals else self.refs.me()
        if self.kind == "deal":
            stage = vals.get("stage")
            if isinstance(stage, str):
                stage = self.stages(stage)
            if stage is None:
                if self._first_open is None:
                    self._first_open = pipelines.first_open_stage(self.ctx, self.stages.pipe).id
                stage = self._first_open
            out["stage"] = stage
        return out

    def _columns(self, vals: dict[str, Any]) -> dict[str, Any]:
        rename = COLUMNS[self.kind]
        skip = {*_REFS, "created", "stage", "closed", "probability"}
        if self.kind != "lead":
            skip.add("currency")
        return {rename.get(f, f): v for f, v in vals.items() if f not in skip}

    # --- writing -------------------------------------------------------------------------

    def _add(self, v: dict[str, Any]) -> None:
        """Keep a new row, ready for the driver (and a new deal's history rows)."""
        ids = self.refs.ids
        if self.kind == "deal":
            if self.rows is None or self.history is None:
                deal_keys = ["id", *bulk.deal_columns()]
                deal_table, history_table = Deal.__table__, StageChange.__table__  # type: ignore[attr-defined]
                self.rows = bulk.Prepared(self.ctx, deal_table, deal_keys, ids)
                self.history = bulk.Prepared(self.ctx, history_table, bulk.history_columns(), ids)
                self._stage_info = bulk.stage_info(self.ctx, self.stages.extra())
            assert self._stage_info is not None
            rec = self._deal(v)
            rec.uuid = self.rows.uuid()
            bulk.prepare_deals(
                self.ctx, [rec], self.rows, self.history, self.refs.me(), self._stage_info
            )
            return
        table = self.model.__table__
        if self.rows is None:
            # columns the server fills (a row's `version` starts at 1) are left to it
            keys = [c.name for c in table.columns if c.name != "id" and c.server_default is None]
            self.rows = bulk.Prepared(self.ctx, table, keys, ids)
            self._blank = dict.fromkeys(keys)  # executemany: every row has every column
        now = self.ctx.now
        defaults = {"lead": {"status": "new"}, "task": {"kind": "todo", "priority": "normal"}}
        self.rows.add(
            {**self._blank, **defaults.get(self.kind, {}), "uuid": self.rows.uuid(),
             "created_at": v.get("created", now), "updated_at": now, **self._columns(v)}
        )  # fmt: skip

    def _deal(self, v: dict[str, Any]) -> bulk.DealRecord:
        stage_id = v["stage"]
        closed = v.get("closed")
        if closed is None and self.stages.outcome(stage_id) != "open" and v.get("close"):
            closed = datetime.combine(v["close"], time(12), tzinfo=UTC)
        assert self.stages.pipe.id is not None
        return bulk.DealRecord(
            title=v["title"],
            pipeline_id=self.stages.pipe.id,
            stage_id=stage_id,
            currency=v["currency"],
            created_at=v.get("created", self.ctx.now),
            amount_minor=v.get("amount"),
            account_id=v.get("account_id"),
            contact_id=v.get("contact_id"),
            owner_id=v.get("owner_id"),
            expected_close=v.get("close"),
            closed_at=closed,
            probability=v.get("probability"),
            external_id=v.get("id"),
            source=v.get("source"),
            product=v.get("product"),
            notes=v.get("notes"),
            lost_reason=v.get("lost_reason"),
        )

    def _update(self, rid: int, vals: dict[str, Any]) -> bool:
        """Change what differs; True when something did."""
        if self.kind == "deal":
            return self._update_deal(rid, vals)
        obj = self.ctx.session.get(self.model, rid)
        if obj is None:
            raise Conflict(f"{self.kind} {rid} was removed while this file was being checked")
        changed = False
        for column, value in self._columns(vals).items():
            if column in ("currency",) and "amount_minor" not in self._columns(vals):
                continue
            if getattr(obj, column) != value:
                setattr(obj, column, value)
                changed = True
        if changed:
            common.touch(self.ctx, obj)
            self.ctx.session.add(obj)
            self.ctx.session.flush()
        return changed

    def _update_deal(self, rid: int, v: dict[str, Any]) -> bool:
        deal = self.ctx.session.get(Deal, rid)
        if deal is None:
            raise Conflict(f"deal {rid} was removed while this file was being checked")
        ch = deals.DealChanges()
        if v["title"] != deal.title:
            ch.title = v["title"]
        if "amount" in v and (v["amount"], v["currency"]) != (deal.amount_minor, deal.currency):
            from pipecli.core import money

            ch.amount, ch.currency = money.from_minor(v["amount"], v["currency"]), v["currency"]
        if "close" in v and v["close"] != deal.expected_close:
            ch.close = v["close"]
        if v.get("account_id") not in (None, deal.account_id):
            ch.account = v["account_id"]
        if v.get("contact_id") not in (None, deal.contact_id):
            ch.contact = v["contact_id"]
        for text in ("source", "product", "notes"):
            if v.get(text) not in (None, getattr(deal, text)):
                setattr(ch, text, v[text])
        stage = next(s for s in self.stages.stages if s.id == v["stage"])
        moved = stage.id != deal.stage_id
        if moved and stage.outcome != "open":  # a win at the file's past date precedes edits
            on = self._close_day(deal, v.get("closed"))
            if stage.outcome == "won":
                deals.win(self.ctx, rid, on=on, switch=True)
            else:
                deals.lose(self.ctx, rid, reason=v.get("lost_reason"), on=on, switch=True)
        edited = ch != deals.DealChanges()
        if edited:
            deals.edit(self.ctx, rid, ch)
        if moved and stage.outcome == "open":
            deals.move(self.ctx, rid, stage.name)
        return moved or edited

    def _close_day(self, deal: Deal, closed: datetime | None) -> date | None:
        """The file's close date for a win or loss, when it can stand in the deal's history
        (not before its last recorded change, not in the future); else None (now)."""
        day = closed.date() if closed else None
        if day is None or day > self.ctx.today:
            return None
        last = self.ctx.session.execute(
            select(func.max(StageChange.at)).where(StageChange.deal_id == deal.id)  # type: ignore[arg-type]
        ).scalar()
        return day if last is None or last.date() <= day else None
