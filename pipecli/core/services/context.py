"""Ctx: what every service call is given — the session, the settings, and the moment it runs.

"Now" is passed in, never read deep inside a rule: that is what makes `--as-of`, PIPE_NOW and
deterministic tests possible. The acting user is created on first need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from pipecli.core.config import Settings
from pipecli.core.models import User, new_uuid


@dataclass
class Ctx:
    session: Session
    settings: Settings
    now: datetime
    notices: list[str] = field(default_factory=list)
    _user: User | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("Ctx.now must be timezone-aware")

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def fiscal_year_start(self) -> int:
        return self.settings.fiscal_year_start

    def notice(self, text: str) -> None:
        """Something the user should hear about besides the result (a front end shows it),
        once, however many times the services that found it ran."""
        if text not in self.notices:
            self.notices.append(text)

    def user(self) -> User:
        """The user running pipecli (from config or login name), stored on first need."""
        if self._user is None:
            self._user = ensure_user(self, self.settings.user_name, self.settings.user_email)
        return self._user


def find_user(session: Session, name: str) -> User | None:
    key = " ".join(name.split()).lower()
    return session.exec(select(User).where(func.lower(User.name) == key)).first()


def match_user(session: Session, text: str, *, removed: bool = True) -> User | None:
    """The user `text` names, as stages are matched: the whole name ignoring case and spacing,
    then the e-mail address, then a unique prefix of a name (`Ann` -> "Ann Lee"). Prefixes only
    offer active users; `removed=False` leaves removed users out of every match. Conflict (exit 4)
    when a prefix fits several users."""
    from pipecli.core.errors import Conflict

    key = " ".join(text.split()).lower()
    if not key:
        return None
    active = [] if removed else [col(User.removed_at).is_(None)]
    exact = session.exec(select(User).where(func.lower(User.name) == key, *active)).first()
    if exact is not None:
        return exact
    if "@" in key:
        by_mail = session.exec(select(User).where(func.lower(User.email) == key, *active)).all()
        if len(by_mail) == 1:
            return by_mail[0]
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    starts = session.exec(
        select(User)
        .where(func.lower(User.name).like(escaped + "%", escape="\\"))
        .where(col(User.removed_at).is_(None))
        .order_by(User.name)
        .limit(6)
    ).all()
    if len(starts) > 1:
        names = ", ".join(u.name for u in starts[:5])
        raise Conflict(f"{text!r} matches several users: {names}; type more of the name")
    return starts[0] if starts else None


def acting_or_found(ctx: Ctx, name: str) -> User | None:
    """The stored user called `name`; the acting user (stored now if new) when that is you."""
    key = " ".join(name.split()).lower()
    if key == " ".join(ctx.settings.user_name.split()).lower():
        return ctx.user()
    return match_user(ctx.session, name)


def similar_users(session: Session, name: str, n: int = 3) -> list[str]:
    """The stored user names closest to `name` (difflib, ignoring case), best first."""
    import difflib

    names = list(session.exec(select(User.name).where(col(User.removed_at).is_(None))).all())
    by_key = {" ".join(x.split()).lower(): x for x in names}
    key = " ".join(name.split()).lower()
    return [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.5)]


def unknown_owner(session: Session, name: str) -> Exception:
    """NotFound for an owner nobody is called, naming the closest users (exit 3)."""
    from pipecli.core.errors import NotFound

    key = " ".join(name.split()).lower()
    gone = session.exec(
        select(User)
        .where(col(User.removed_at).is_not(None))
        .where(func.lower(User.name).startswith(key, autoescape=True))
    ).first()
    if gone is not None and gone.removed_at is not None:
        return NotFound("owner", " ".join(name.split()),
                        f"{gone.name} was removed on {gone.removed_at:%Y-%m-%d}")  # fmt: skip
    close = similar_users(session, name)
    hint = f"closest: {', '.join(close)}" if close else "no user has a similar name"
    return NotFound("owner", " ".join(name.split()), f"{hint}; --create-owner adds a new user")


def ensure_user(ctx: Ctx, name: str, email: str | None = None) -> User:
    """The user called `name` (case-insensitive), created if new."""
    name = " ".join(name.split())
    user = find_user(ctx.session, name)
    if user is None:
        # INSERT .. ON CONFLICT DO NOTHING: another process may add the same user meanwhile, and
        # a savepoint would not do (on SQLite it would commit this unit of work early)
        values = {"uuid": new_uuid(), "name": name, "email": email, "created_at": ctx.now}
        ctx.session.execute(_insert(ctx.session).values(values).on_conflict_do_nothing())
        user = find_user(ctx.session, name)
        assert user is not None
    return user


def _insert(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(User)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(User)
