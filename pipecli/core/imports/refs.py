"""Import references: accounts, contacts, owners, deals, leads named in a file, found once.

A reference is tried as an external id first (ids that link the files of one export), then as a
name (case- and space-insensitive; e-mail for contacts), then, for deals, as a pipecli id.
Accounts and contacts that are not found are created once and counted; owners only with
`create_owners` (`--create-owner`: otherwise an unknown owner is refused, naming the closest
users, so a typo does not become a teammate); deals and leads must exist. Answers are cached,
so a name repeated on a million rows costs one query.

Looking up writes nothing: a record still to be made (an account, a contact, an owner, a stage
added by `--create-stages`, the acting user on first use) is given an id (`bulk.Ids`) that the
importer's rows carry; `Refs.write` and `Stages.write`, run once the write lock is held, make
them (with that id, or another one recorded in `Ids.moved`). Accounts and contacts that
another writer added meanwhile under the same name are found again then (one query per kind for
the rows added since the check began) and used instead of a duplicate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from pipecli.core.errors import Invalid, NotFound
from pipecli.core.imports.fields import LOST_WORDS, WON_WORDS, norm
from pipecli.core.models import Account, Contact, Deal, Lead, Stage, User
from pipecli.core.services import pipelines
from pipecli.core.services.bulk import Ids, Prepared
from pipecli.core.services.context import Ctx, ensure_user, find_user, unknown_owner

MODELS: dict[str, Any] = {"account": Account, "contact": Contact, "deal": Deal, "lead": Lead}


def key(text: str) -> str:
    return " ".join(text.split()).lower()


class Refs:
    """Cached lookups of referenced records; `created` counts records made along the way."""

    def __init__(self, ctx: Ctx, create_owners: bool = False, ids: Ids | None = None) -> None:
        self.ctx = ctx
        self.create_owners = create_owners
        self.ids = ids or Ids()
        self.cache: dict[tuple[str, str], int | None] = {}
        self.created: Counter[str] = Counter()
        self.new: dict[str, Prepared] = {}  # kind -> the records to make
        self.new_keys: dict[int, tuple[str, str, str]] = {}  # id given -> kind, key, text
        self.new_owners: dict[int, str | None] = {}  # id given -> name (None: you)
        self.top: dict[str, int] = {}  # kind -> the largest id when first looked at

    def find(self, kind: str, text: str) -> int | None:
        k = (kind, key(text))
        if k not in self.cache:
            self.cache[k] = self._lookup(kind, text.strip())
        return self.cache[k]

    def _mark(self, kind: str) -> None:
        if kind not in self.top:
            t = MODELS[kind].__table__
            top = self.ctx.session.connection().execute(select(func.max(t.c.id))).scalar()
            self.top[kind] = int(top or 0)

    def _lookup(self, kind: str, text: str) -> int | None:
        self._mark(kind)
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
        with `create`, accounts not found are to be made (by `write`)."""
        todo = {key(t): t.strip() for t in texts if (kind, key(t)) not in self.cache}
        if not todo:
            return
        self._mark(kind)
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
        for k, text in todo.items():
            if text in by_ext:
                self.cache[(kind, k)] = int(by_ext[text])
            elif k in names and not (kind in ("contact", "lead") and "@" in text):
                self.cache[(kind, k)] = int(names[k])
            elif kind == "account" and create:
                self._create("account", text)

    def need(self, kind: str, text: str) -> int:
        """An existing deal or lead, or NotFound (these are never created from a reference)."""
        found = self.find(kind, text)
        if found is None:
            raise NotFound(kind, text)
        return found

    def account(self, text: str, *, create: bool = True) -> int | None:
        found = self.find("account", text)
        if found is None and create:
            found = self._create("account", text)
        return found

    def contact(self, text: str, account_id: int | None, *, create: bool = True) -> int | None:
        found = self.find("contact", text)
        if found is None and create and "@" not in text:
            found = self._create("contact", text, account_id=account_id)
        return found

    def owner(self, text: str) -> int:
        k = ("user", key(text))
        if k not in self.cache:
            user = find_user(self.ctx.session, text)
            if user is not None:
                self.cache[k] = user.id
            elif k[1] == key(self.ctx.settings.user_name):
                self.cache[k] = self.me()
            elif self.create_owners:
                pid = self.cache[k] = self.ids.new(self.ctx, User.__table__)  # type: ignore[attr-defined]
                self.new_owners[pid] = " ".join(text.split())
            else:
                self.cache[k] = None
        found = self.cache[k]
        if found is None:
            raise unknown_owner(self.ctx.session, text)
        return found

    def me(self) -> int:
        """The acting user's id (given now when they are not stored yet)."""
        k = ("user", key(self.ctx.settings.user_name))
        found = self.cache.get(k)
        if found is None:
            user = self.ctx._user or find_user(self.ctx.session, self.ctx.settings.user_name)
            if user is not None and user.id is not None:
                found = user.id
            else:
                found = self.ids.new(self.ctx, User.__table__)  # type: ignore[attr-defined]
                self.new_owners[found] = None
            self.cache[k] = found
        return found

    def _create(self, kind: str, name: str, **extra: Any) -> int:
        rows = self.new.get(kind)
        if rows is None:
            table = MODELS[kind].__table__
            keys = ["id", "uuid", "name", "created_at", "updated_at", *extra]
            rows = self.new[kind] = Prepared(self.ctx, table, keys, self.ids)
        now = self.ctx.now
        new_id = rows.new_id()
        rows.add({"id": new_id, "uuid": rows.uuid(), "name": " ".join(name.split()),
                  "created_at": now, "updated_at": now, **extra})  # fmt: skip
        self.cache[(kind, key(name))] = new_id
        self.new_keys[new_id] = (kind, key(name), name.strip())
        return new_id

    def write(self) -> None:
        """Make what the lookups left to make (the write lock held): owners, then accounts, then
        contacts; a record another writer added meanwhile under the same name is used instead."""
        for pid, name in self.new_owners.items():
            user = self.ctx.user() if name is None else ensure_user(self.ctx, name)
            assert user.id is not None
            self.ids.made("user", pid, user.id)
        for kind in ("account", "contact"):
            rows = self.new.get(kind)
            if rows is None:
                continue
            self._found_meanwhile(kind, rows)
            rows.write(self.ctx)
            self.created[kind] += rows.written

    def _found_meanwhile(self, kind: str, rows: Prepared) -> None:
        t = MODELS[kind].__table__
        added = (
            self.ctx.session.connection()
            .execute(
                select(t.c.id, func.lower(t.c.name), t.c.external_id)
                .where(t.c.id > self.top.get(kind, 0), t.c.archived_at.is_(None))
                .order_by(t.c.id)
            )
            .all()
        )
        if not added:
            return
        by_name = {name: int(rid) for rid, name, _ in reversed(added)}
        by_ext = {ext: int(rid) for rid, _, ext in reversed(added) if ext}
        found = set()
        for pid, (k, kkey, text) in self.new_keys.items():
            if k == kind and (hit := by_ext.get(text, by_name.get(kkey))) is not None:
                self.ids.made(kind, pid, hit)
                found.add(pid)
        rows.drop(found)


class Stages:
    """Stage text from a file -> a stage of the pipeline, through `--stage-map` and won/lost words.

    An unknown name is to be added as an open stage before won/lost when `create` (probability
    10; `pipe stage edit` changes it): given an id now (`bulk.Ids`), added by `write` under the
    write lock. Otherwise it is counted in `unknown` and refused (Invalid): the row is a bad row
    like any other, reported with its line (a reject under `--skip-invalid`).
    """

    NEW_PROBABILITY = 10

    def __init__(
        self,
        ctx: Ctx,
        pipeline: str | None,
        stage_map: dict[str, str],
        create: bool = False,
        ids: Ids | None = None,
    ) -> None:
        self.ctx = ctx
        self.pipe = pipelines.get_pipeline(ctx, pipeline)
        self.map = {key(k): v for k, v in stage_map.items()}
        self.create = create
        self.ids = ids or Ids()
        self.unknown: Counter[str] = Counter()
        self.created: list[str] = []
        self.new: dict[str, int] = {}  # name of a stage to add -> the id given it
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
        if stage is not None:
            assert stage.id is not None
            return stage.id
        if self.create:
            new = next((p for name, p in self.new.items() if key(name) == word), None)
            if new is None:
                new = self.new[target] = self.ids.new(self.ctx, Stage.__table__)  # type: ignore[attr-defined]
            return new
        self.unknown[target] += 1
        raise Invalid(
            "stage",
            target,
            f"is not a stage of pipeline {self.pipe.name!r}; map it with --stage-map "
            "'Name=stage,...' or add --create-stages",
        )

    def extra(self) -> dict[int, tuple[str, int]]:
        """Outcome and probability of the stages still to add, by the id given them."""
        return dict.fromkeys(self.new.values(), ("open", self.NEW_PROBABILITY))

    def write(self) -> None:
        """Add the stages the file named (the write lock held), in the order first seen."""
        for name, pid in self.new.items():
            spec = pipelines.NewStage(
                name=name, pipeline=str(self.pipe.id), probability=self.NEW_PROBABILITY
            )
            stage = pipelines.add_stage(self.ctx, spec)
            assert stage.id is not None
            self.ids.made("stage", pid, stage.id)
            self.created.append(name)
        if self.new:
            self._load()

    def summary(self) -> str:
        """The unknown stages with their row counts, for the refusal ("" if none)."""
        if not self.unknown:
            return ""
        shown = ", ".join(f"{name!r} ({n} rows)" for name, n in self.unknown.items())
        return (
            f"unknown stages in pipeline {self.pipe.name!r}: {shown} (map them with "
            "--stage-map 'Name=stage,...' or add --create-stages); "
        )

    def outcome(self, stage_id: int) -> str:
        if stage_id in self.new.values():
            return "open"
        return next(s.outcome for s in self.stages if s.id == stage_id)
