"""Import references: accounts, contacts, owners, deals, leads named in a file, found once.

A reference is tried as an external id first (ids that link the files of one export), then as a
name (case- and space-insensitive; e-mail for contacts), then, for deals, as a pipecli id.
Accounts and contacts that are not found are created once and counted; owners only with
`create_owners` (`--create-owner`: otherwise an unknown owner is refused, naming the closest
users, so a typo does not become a teammate); deals and leads must exist. Answers are cached,
so a name repeated on a million rows costs one query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select

from pipecli.core.errors import Invalid, NotFound
from pipecli.core.imports.fields import LOST_WORDS, WON_WORDS, norm
from pipecli.core.models import Account, Contact, Deal, Lead, Stage, new_uuid
from pipecli.core.services import pipelines
from pipecli.core.services.context import Ctx, acting_or_found, ensure_user, unknown_owner

MODELS: dict[str, Any] = {"account": Account, "contact": Contact, "deal": Deal, "lead": Lead}


def key(text: str) -> str:
    return " ".join(text.split()).lower()


class Refs:
    """Cached lookups of referenced records; `created` counts records made along the way."""

    def __init__(self, ctx: Ctx, create_owners: bool = False) -> None:
        self.ctx = ctx
        self.create_owners = create_owners
        self.cache: dict[tuple[str, str], int | None] = {}
        self.created: Counter[str] = Counter()

    def find(self, kind: str, text: str) -> int | None:
        k = (kind, key(text))
        if k not in self.cache:
            self.cache[k] = self._lookup(kind, text.strip())
        return self.cache[k]

    def _lookup(self, kind: str, text: str) -> int | None:
        model = MODELS[kind]
        conn = self.ctx.session.connection()
        t = model.__table__
        live = t.c.archived_at.is_(None)
        found = conn.execute(select(t.c.id).where(t.c.external_id == text, live)).first()
        if found:
            return int(found[0])
        if kind == "deal":
            if text.lstrip("#").isdigit():
                found = conn.execute(select(t.c.id).where(t.c.id == int(text.lstrip("#")))).first()
            return int(found[0]) if found else None
        if kind in ("contact", "lead") and "@" in text:
            cond = func.lower(t.c.email) == text.lower()
        else:
            cond = func.lower(t.c.name) == key(text)
        found = conn.execute(select(t.c.id).where(cond, live).order_by(t.c.id)).first()
        return int(found[0]) if found else None

    def prefetch(self, kind: str, texts: Iterable[str], *, create: bool = False) -> None:
        """Look up many references at once (a few queries per batch instead of per row);
        with `create`, accounts not found are made in one executemany."""
        todo = {key(t): t.strip() for t in texts if (kind, key(t)) not in self.cache}
        if not todo:
            return
        t = MODELS[kind].__table__
        live = t.c.archived_at.is_(None)
        conn = self.ctx.session.connection()
        by_ext: dict[str, int] = dict(
            conn.execute(
                select(t.c.external_id, t.c.id).where(
                    t.c.external_id.in_(list(todo.values())), live
                )
            ).all()
        )
        names: dict[str, int] = {}
        if kind in ("account", "contact", "lead"):
            query = select(func.lower(t.c.name), t.c.id).where(
                func.lower(t.c.name).in_(list(todo)), live
            )
            for name, rid in conn.execute(query.order_by(t.c.id.desc())):
                names[name] = rid  # the oldest wins, as in `_lookup`
        missing = []
        for k, text in todo.items():
            if text in by_ext:
                self.cache[(kind, k)] = int(by_ext[text])
            elif k in names and not (kind in ("contact", "lead") and "@" in text):
                self.cache[(kind, k)] = int(names[k])
            elif kind == "account":
                missing.append(text)
        if create and missing:
            self._create_many(Account, "account", missing)

    def _create_many(self, model: Any, kind: str, names: list[str]) -> None:
        now = self.ctx.now
        table = model.__table__
        rows = [{"uuid": new_uuid(), "name": " ".join(n.split()), "created_at": now,
                 "updated_at": now} for n in names]  # fmt: skip
        from pipecli.core.services.bulk import insert_returning_ids

        for name, new_id in zip(names, insert_returning_ids(self.ctx, table, rows), strict=True):
            self.cache[(kind, key(name))] = int(new_id)
        self.created[kind] += len(names)

    def need(self, kind: str, text: str) -> int:
        """An existing deal or lead, or NotFound (these are never created from a reference)."""
        found = self.find(kind, text)
        if found is None:
            raise NotFound(kind, text)
        return found

    def account(self, text: str, *, create: bool = True) -> int | None:
        found = self.find("account", text)
        if found is None and create:
            found = self._create(Account, "account", text)
        return found

    def contact(self, text: str, account_id: int | None, *, create: bool = True) -> int | None:
        found = self.find("contact", text)
        if found is None and create and "@" not in text:
            found = self._create(Contact, "contact", text, account_id=account_id)
        return found

    def owner(self, text: str) -> int:
        k = ("user", key(text))
        if k not in self.cache:
            if self.create_owners:
                self.cache[k] = ensure_user(self.ctx, text).id
            else:
                user = acting_or_found(self.ctx, text)
                self.cache[k] = user.id if user else None
        found = self.cache[k]
        if found is None:
            raise unknown_owner(self.ctx.session, text)
        return found

    def _create(self, model: Any, kind: str, name: str, **extra: Any) -> int:
        now = self.ctx.now
        row = {"uuid": new_uuid(), "name": " ".join(name.split()), "created_at": now,
               "updated_at": now, **extra}  # fmt: skip
        result = self.ctx.session.connection().execute(
            insert(model.__table__).returning(model.__table__.c.id), [row]
        )
        new_id = int(result.scalar_one())
        self.cache[(kind, key(name))] = new_id
        self.created[kind] += 1
        return new_id


class Stages:
    """Stage text from a file -> a stage of the pipeline, through `--stage-map` and won/lost words.

    An unknown name is added as an open stage before won/lost when `create` (probability 10;
    `pipe stage edit` changes it), else counted in `unknown` and returned as text.
    """

    def __init__(
        self, ctx: Ctx, pipeline: str | None, stage_map: dict[str, str], create: bool = False
    ) -> None:
        self.ctx = ctx
        self.pipe = pipelines.get_pipeline(ctx, pipeline)
        self.map = {key(k): v for k, v in stage_map.items()}
        self.create = create
        self.unknown: Counter[str] = Counter()
        self.created: list[str] = []
        self._seen: dict[str, int | str] = {}  # stage text -> its stage id (or unknown name)
        self._load()

    def _load(self) -> None:
        assert self.pipe.id is not None
        self.stages: list[Stage] = pipelines.stages_of(self.ctx, self.pipe.id)
        self.by_name = {key(s.name): s for s in self.stages}
        for outcome in ("won", "lost"):
            self.by_name[outcome] = pipelines.outcome_stage(self.ctx, self.pipe, outcome)

    def __call__(self, text: str) -> int | str:
        found = self._seen.get(text)
        if found is None or isinstance(found, str):
            found = self._seen[text] = self._resolve(text)
        return found

    def _resolve(self, text: str) -> int | str:
        target = " ".join(self.map.get(key(text), text).split())
        n = norm(target)
        word = "won" if n in WON_WORDS else "lost" if n in LOST_WORDS else key(target)
        stage = self.by_name.get(word)
        if stage is None and self.create:
            spec = pipelines.NewStage(name=target, pipeline=str(self.pipe.id), probability=10)
            stage = pipelines.add_stage(self.ctx, spec)
            self.created.append(target)
            self._load()
        if stage is not None:
            assert stage.id is not None
            return stage.id
        self.unknown[target] += 1
        return target

    def outcome(self, stage_id: int) -> str:
        return next(s.outcome for s in self.stages if s.id == stage_id)

    def refusal(self) -> Invalid:
        shown = ", ".join(f"{name!r} ({n} rows)" for name, n in self.unknown.items())
        return Invalid(
            "stage",
            None,
            f"unknown stages in pipeline {self.pipe.name!r}: {shown}; "
            "map them with --stage-map 'Name=stage,...' or add --create-stages",
        )
