"""Users: the team that owns records — list, add, edit, merge a duplicate, remove one who leaves.

Rules kept here and nowhere else:
- A user is named once (case- and space-insensitively) and e-mail addresses are unique too;
  `--owner` finds users by name, e-mail or a unique prefix (`context.match_user`).
- Merging moves every reference to the duplicate (owners of every kind, the authors of history
  rows and activities) to the user kept, then deletes the duplicate: nothing points at it after.
- Removing a user who still owns open work needs someone to take it over (`reassign_to`): open
  deals, leads that are neither converted nor disqualified, open tasks, running follow-ups,
  draft or sent quotes, and the accounts and contacts (the customers stay with the company).
  Closed deals, lost or converted leads, done tasks and history keep the name, so reports still
  say who won what. A removed user is kept, marked `removed_at`, and is offered as an owner no more.
- The acting user cannot remove or merge away themselves (the next command would bring them back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, true, update
from sqlmodel import SQLModel, col, select

from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import (
    Account,
    Contact,
    Deal,
    FollowUp,
    Lead,
    Quote,
    Stage,
    Task,
    User,
    new_uuid,
)
from pipecli.core.rows import Role, UserRow
from pipecli.core.services import common
from pipecli.core.services.context import Ctx, find_user, match_user, unknown_owner
from pipecli.core.text import EMAIL_MAX

NAME_MAX = 200


@dataclass(frozen=True)
class WhoAmI:
    """The acting user, where the name came from, and whether the database knows them yet."""

    name: str
    source: str
    email: str | None
    role: Role | None
    stored: bool


def _name(text: str) -> str:
    name = common.clean(text, "name")
    if name is None:
        raise Invalid("name", text, "must not be empty")
    if len(name) > NAME_MAX:
        raise Invalid("name", name[:40] + "…", f"is longer than {NAME_MAX} characters")
    return name


def _email(ctx: Ctx, text: str | None, keep: User | None = None) -> str | None:
    email = common.clean(text, "email")
    if email is None:
        return None
    if len(email) > EMAIL_MAX or not common.EMAIL_RE.match(email):
        raise Invalid("email", email, "is not an e-mail address")
    taken = ctx.session.exec(select(User).where(func.lower(User.email) == email.lower())).first()
    if taken is not None and (keep is None or taken.id != keep.id):
        raise Conflict(f"email: {email} belongs to {taken.name} already")
    return email


def _role(text: str | None) -> Role | None:
    if text is None:
        return None
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise Invalid("role", text, "must be rep, manager or admin") from None


def get(ctx: Ctx, who: str, *, removed: bool = False) -> User:
    """The user `who` names (name, e-mail, unique prefix); removed users only when `removed`."""
    user = match_user(ctx.session, who, removed=removed)
    if user is None:
        raise unknown_owner(ctx.session, who) if removed else _unknown_user(ctx, who)
    return user


def _unknown_user(ctx: Ctx, who: str) -> NotFound:
    gone = match_user(ctx.session, who)
    if gone is not None and gone.removed_at is not None:
        return NotFound("user", who, f"{gone.name} was removed on {gone.removed_at:%Y-%m-%d}")
    error = unknown_owner(ctx.session, who)
    assert isinstance(error, NotFound)
    return error


def add(ctx: Ctx, name: str, email: str | None = None, role: str | None = None) -> User:
    """A new teammate; a name or e-mail in use (removed users included) is a Conflict."""
    name = _name(name)
    existing = find_user(ctx.session, name)
    if existing is not None:
        gone = f" (removed on {existing.removed_at:%Y-%m-%d})" if existing.removed_at else ""
        raise Conflict(f"user: {existing.name} exists already{gone}")
    user = User(
        uuid=new_uuid(),
        name=name,
        email=_email(ctx, email),
        role=_role(role) or Role.rep,
        created_at=ctx.now,
    )
    ctx.session.add(user)
    ctx.session.flush()
    return user


def edit(
    ctx: Ctx,
    who: str,
    *,
    name: str | None = None,
    email: str | None = None,
    role: str | None = None,
) -> User:
    """Rename, re-address or change the role of a user; None leaves a field, "" clears e-mail."""
    user = get(ctx, who)
    if name is not None:
        new = _name(name)
        other = find_user(ctx.session, new)
        if other is not None and other.id != user.id:
            raise Conflict(f"name: {other.name} is another user; `pipe user merge` joins two")
        user.name = new
    if email is not None:
        user.email = _email(ctx, email, keep=user)
    if role is not None:
        user.role = _role(role) or user.role
    ctx.session.add(user)
    ctx.session.flush()
    return user


def _user_columns() -> list[tuple[Any, Any]]:
    """(table, column) of every column that refers to a user, read from the models' metadata so
    a table added later is covered without a change here."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _not_me(ctx: Ctx, user: User, verb: str) -> None:
    me = find_user(ctx.session, ctx.settings.user_name)
    if me is not None and me.id == user.id:
        raise Conflict(
            f"user: {user.name} is you ({ctx.settings.user_source}); {verb} yourself as another"
            " user (PIPE_USER=NAME)"
        )


def merge(ctx: Ctx, duplicate: str, keep: str) -> tuple[User, dict[str, int]]:
    """Move everything of `duplicate` to `keep` and delete `duplicate`; returns the user kept and
    how many rows of each table moved."""
    gone = get(ctx, duplicate, removed=True)
    kept = get(ctx, keep)
    if gone.id == kept.id:
        raise Invalid("user", duplicate, "names the same user as the one to keep")
    _not_me(ctx, gone, "merge away")
    moved: dict[str, int] = {}
    for table, column in _user_columns():
        result = ctx.session.execute(
            update(table)
            .where(column == gone.id)
            .values(common.bump(table, {column.name: kept.id}))
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            moved[table.name] = moved.get(table.name, 0) + count
    if kept.email is None and gone.email is not None:
        email, gone.email = gone.email, None
        ctx.session.add(gone)
        ctx.session.flush()
        kept.email = email
    ctx.session.delete(gone)
    ctx.session.add(kept)
    ctx.session.flush()
    return kept, moved


def _open_work() -> dict[str, Any]:
    """Statements picking what a user owns that is still being worked, per kind."""
    open_stages = select(Stage.id).where(Stage.outcome == "open")
    return {
        "deals": (Deal, col(Deal.stage_id).in_(open_stages)),
        "leads": (Lead, col(Lead.status).not_in(("converted", "disqualified"))),
        "tasks": (Task, col(Task.done_at).is_(None)),
        "follow-ups": (FollowUp, col(FollowUp.stopped_at).is_(None)),
        "quotes": (Quote, col(Quote.status).in_(("draft", "sent"))),
        "accounts": (Account, true()),
        "contacts": (Contact, true()),
    }


def open_counts(ctx: Ctx, user: User) -> dict[str, int]:
    uid = common.id_of(user)
    counts = {}
    for kind, (model, where) in _open_work().items():
        n = ctx.session.exec(
            select(func.count()).select_from(model).where(model.owner_id == uid).where(where)
        ).one()
        if n:
            counts[kind] = int(n)
    return counts


def remove(ctx: Ctx, who: str, reassign_to: str | None = None) -> tuple[User, dict[str, int]]:
    """Mark `who` removed, handing their open work to `reassign_to` first; returns the user
    removed and how many records of each kind moved. Conflict while they own open work and
    nobody takes it over."""
    user = get(ctx, who)
    _not_me(ctx, user, "remove")
    counts = open_counts(ctx, user)
    if counts and reassign_to is None:
        owned = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        raise Conflict(f"user: {user.name} still owns {owned}; add --reassign-to NAME")
    if reassign_to is not None:
        heir = get(ctx, reassign_to)
        if heir.id == user.id:
            raise Invalid("reassign-to", reassign_to, "is the user being removed")
        uid = common.id_of(user)
        for model, where in _open_work().values():
            ctx.session.execute(
                update(model)
                .where(model.owner_id == uid)
                .where(where)
                .values(common.bump(model, {"owner_id": heir.id}))
                .execution_options(synchronize_session=False)
            )
    user.removed_at = ctx.now
    ctx.session.add(user)
    ctx.session.flush()
    return user, counts


def user_rows(ctx: Ctx, *, removed: bool = False) -> list[UserRow]:
    """Every active user (and the removed ones with `removed`) with the open work they own."""
    query = select(User).order_by(func.lower(User.name))
    if not removed:
        query = query.where(col(User.removed_at).is_(None))
    users = ctx.session.exec(query).all()
    tallies: dict[str, dict[int, int]] = {}
    for kind in ("deals", "leads", "tasks"):
        model, where = _open_work()[kind]
        tallies[kind] = {
            int(uid): int(n)
            for uid, n in ctx.session.execute(
                select(model.owner_id, func.count()).where(where).group_by(model.owner_id)
            ).all()
            if uid is not None
        }
    return [
        UserRow(
            id=common.id_of(u),
            name=u.name,
            email=u.email,
            role=Role(u.role),
            open_deals=tallies["deals"].get(common.id_of(u), 0),
            open_leads=tallies["leads"].get(common.id_of(u), 0),
            open_tasks=tallies["tasks"].get(common.id_of(u), 0),
            created_at=u.created_at,
            removed_at=u.removed_at,
        )
        for u in users
    ]


def whoami(ctx: Ctx) -> WhoAmI:
    """Who pipecli acts as here; reads only (the user is stored with their first record)."""
    user = find_user(ctx.session, ctx.settings.user_name)
    return WhoAmI(
        name=user.name if user else " ".join(ctx.settings.user_name.split()),
        source=ctx.settings.user_source,
        email=(user.email if user else None) or ctx.settings.user_email,
        role=Role(user.role) if user else None,
        stored=user is not None,
    )
