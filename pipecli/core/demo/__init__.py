"""`pipe demo`: a year of made-up sales history, so the reports have something to show.

Everything comes from seeded random generators, anchored at the start of ctx.today: the same
seed on the same day gives the same rows in every table (only the random `uuid`s differ). All
of it is written in batches of SQLAlchemy Core executemany (deals and their history through
services.bulk), so a million deals take minutes.

- Accounts (about one per three deals): English and Chinese company names ("Northwind
  Logistics Ltd", "深圳星河科技有限公司") with a unique domain, industry, region and size; one to
  four contacts each, English and Chinese person names, e-mail on the account's domain.
- Deals: a title like "Acme Inc – 40 seats", linked to an account and one of its contacts,
  owned by a small team (mostly the account's owner), from web, referral, event, partner or
  outbound. Created over the past year; log-normal amounts in whole units of the default
  currency. Each deal's fate is drawn up front: won (win rate by source, about 25 % overall
  among closed deals, referrals best, outbound worst), or lost from some stage; its cycle is
  log-normal (lost deals die sooner). Its stage history walks the open stages (the odd skipped
  stage or step back) until that close moment; deals not closed by today stay open in the
  stage they reached, so stage ages follow.
- Expected close: the rep's estimate, often optimistic, often a month end, so close dates spread
  over the past and next quarters. When the date passes with the deal still open, the rep
  usually pushes it out (a `close_date` history row: `pipe report slipped`), up to four times;
  the rest stay overdue.
- Tasks: done follow-ups during each deal's life; for open deals a next step that is overdue,
  due this week or later. Activities: calls, e-mails, meetings and notes between creation and
  close, plus a closing note.

Refused on a database that holds deals, accounts, contacts or leads, unless forced: demo data
does not mix with real data by accident.

Written in transactions of COMMIT_EVERY deals (or accounts with their contacts), each committed
before the next starts: SQLite's write-ahead log is checkpointed as it goes instead of growing
to the size of the database, and another writer waits for one batch (well under the busy
timeout), not for the whole run. The checks above come first, so refused input writes nothing;
a run that is interrupted keeps the batches it committed (`--force` adds to them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import func, select

from pipecli.core import money
from pipecli.core.demo import names
from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Account, Activity, Contact, Deal, Lead, Task, new_uuid
from pipecli.core.services import bulk, common, inserts, pipelines
from pipecli.core.services.context import Ctx, ensure_user

OWNERS = ("Ann Lee", "Bo Chen", "Carla Diaz", "Dev Patel", "王芳")
SOURCES = ("web", "referral", "event", "partner", "outbound")
PRODUCTS = ("Platform", "Analytics", "Integrations", "Support plan", "Training")
PRODUCT_WEIGHTS = (45, 20, 15, 12, 8)
SOURCE_WEIGHTS = (35, 15, 15, 10, 25)
# share of deals of each source that are eventually won (won deals take longer, so among the
# deals closed by today the win rate comes out a few points lower, near 25 %)
WIN_SHARE = {"web": 0.27, "referral": 0.40, "event": 0.27, "partner": 0.34, "outbound": 0.18}
REASONS = ("price", "competitor", "timing", "no budget", "no decision")
MAX_DEALS = 5_000_000
DEALS_PER_ACCOUNT = 3
GOLDEN = (math.sqrt(5) - 1) / 2
COMMIT_EVERY = 1000  # deals (or accounts) per transaction


@dataclass(frozen=True)
class _Setup:
    pipeline_id: int
    open_ids: list[int]
    won_id: int
    lost_id: int
    owner_ids: list[int]
    currency: str
    anchor: datetime  # the start of today: every generated moment is before it


@dataclass
class _Book:
    """The accounts written so far: (id, short name, Chinese?, owner, first contact, contacts)
    and the contacts as (id, first name), in parallel lists."""

    accounts: list[tuple[int, str, bool, int, int, int]] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)
    contact_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Who:
    """What task and activity texts need about a deal."""

    account: str
    person: str


@dataclass
class Counts:
    deals: int = 0
    accounts: int = 0
    contacts: int = 0
    tasks: int = 0
    activities: int = 0


def _setup(ctx: Ctx) -> _Setup:
    pipe = pipelines.get_pipeline(ctx, None)
    stages = pipelines.stages_of(ctx, common.id_of(pipe))
    opened = [common.id_of(s) for s in stages if s.outcome == "open"]
    owners = [common.id_of(ensure_user(ctx, name)) for name in OWNERS]
    anchor = datetime.combine(ctx.today, time(0), tzinfo=ctx.now.tzinfo)
    return _Setup(
        common.id_of(pipe), opened,
        common.id_of(pipelines.outcome_stage(ctx, pipe, "won")),
        common.id_of(pipelines.outcome_stage(ctx, pipe, "lost")),
        owners, money.currency_code(ctx.settings.currency), anchor,
    )  # fmt: skip


def existing(ctx: Ctx) -> dict[str, int]:
    """How many deals, accounts, contacts and leads the database holds (archived included)."""
    out = {}
    for name, model in (("deals", Deal), ("accounts", Account), ("contacts", Contact),
                        ("leads", Lead)):  # fmt: skip
        n = ctx.session.execute(select(func.count()).select_from(model)).scalar_one()
        if n:
            out[name] = int(n)
    return out


def create(
    ctx: Ctx,
    count: int = 200,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> int:
    """Write `count` demo deals with their accounts, contacts, tasks and activities; returns the
    number of deals (the other counts go to ctx.notices). `progress(n)` after each batch of n
    deals. Refused on a database with records unless `force`."""
    if not 1 <= count <= MAX_DEALS:
        raise Invalid("deals", count, f"must be 1..{MAX_DEALS}")
    held = existing(ctx)
    if held and not force:
        what = ", ".join(f"{n} {name}" for name, n in held.items())
        raise Conflict(f"the database holds {what} already; use a new --db, or --force to add")
    counts = generate(ctx, count, seed, progress)
    ctx.notice(
        f"demo: {counts.accounts} accounts, {counts.contacts} contacts, {counts.tasks} tasks, "
        f"{counts.activities} activities"
    )
    return counts.deals


def generate(
    ctx: Ctx, count: int, seed: int, progress: Callable[[int], None] | None = None
) -> Counts:
    """Write the demo data (no emptiness check); the number of rows of each kind."""
    s = _setup(ctx)
    counts = Counts()
    book = _write_accounts(ctx, s, random.Random(f"{seed}/accounts"), count, counts)
    extra = random.Random(f"{seed}/tasks")
    deals = _deals(random.Random(seed), s, book, count, random.Random(f"{seed}/products"))
    while chunk := list(islice(deals, COMMIT_EVERY)):
        ids = bulk.write_deals(ctx, [rec for rec, _ in chunk], by_owner=True)
        tasks: list[dict[str, Any]] = []
        acts: list[dict[str, Any]] = []
        for deal_id, (rec, who) in zip(ids, chunk, strict=True):
            tasks.extend(_tasks(extra, s, deal_id, rec, who))
            acts.extend(_activities(extra, s, deal_id, rec, who))
        inserts.executemany(ctx, Task.__table__, tasks)  # type: ignore[attr-defined]
        inserts.executemany(ctx, Activity.__table__, acts)  # type: ignore[attr-defined]
        counts.deals += len(ids)
        counts.tasks += len(tasks)
        counts.activities += len(acts)
        ctx.session.commit()
        if progress is not None:
            progress(len(ids))
    return counts


# --- accounts and contacts ----------------------------------------------------------------


def _write_accounts(ctx: Ctx, s: _Setup, rng: random.Random, deals: int, counts: Counts) -> _Book:
    book = _Book()
    total = max(3, math.ceil(deals / DEALS_PER_ACCOUNT))
    # with --force, accounts already stored keep their names and domains to themselves
    stored = ctx.session.execute(select(Account.name, Account.domain)).all()  # type: ignore[call-overload]
    domains: dict[str, int] = {}
    used = {d for _, d in stored if d}
    taken: dict[str, int] = {name.lower(): 0 for name, _ in stored}  # unique, as `add` wants
    made = 0
    while made < total:
        size = min(COMMIT_EVERY, total - made)
        rows, people = [], []
        for _ in range(size):
            row, chinese, short = _account(rng, s, domains, used)
            row["name"] = _unique(row["name"], chinese, taken)
            rows.append(row)
            people.append((chinese, short, [_contact(rng, row, chinese) for _ in _n_contacts(rng)]))
        ids = inserts.insert_returning_ids(ctx, Account.__table__, rows)  # type: ignore[attr-defined]
        contact_rows = []
        for acc_id, row, (chinese, short, contacts) in zip(ids, rows, people, strict=True):
            first = len(book.contact_names)
            book.accounts.append((acc_id, short, chinese, row["owner_id"], first, len(contacts)))
            seen: set[str] = set()
            for c, first_name in contacts:
                c["account_id"] = acc_id
                local, _, domain = c["email"].partition("@")
                n = 1
                while c["email"] in seen:
                    n += 1
                    c["email"] = f"{local}{n}@{domain}"
                seen.add(c["email"])
                contact_rows.append(c)
                book.contact_names.append(first_name)
        book.contact_ids.extend(
            inserts.insert_returning_ids(ctx, Contact.__table__, contact_rows)  # type: ignore[attr-defined]
        )
        made += size
        counts.contacts += len(contact_rows)
        ctx.session.commit()
    counts.accounts = made
    return book


def _n_contacts(rng: random.Random) -> range:
    return range(1 + (rng.random() < 0.6) + (rng.random() < 0.3) + (rng.random() < 0.1))


def _unique(name: str, chinese: bool, taken: dict[str, int]) -> str:
    """`name`, or a branch of it when an account of that name exists (no random draw, so the
    rest of the data stays as the seed makes it). `taken` counts the uses of each base name
    and holds every name given out (lower case)."""
    n = taken.get(name.lower(), 0)
    candidate = name
    while candidate.lower() in taken:
        n += 1
        candidate = _branch(name, chinese, n)
    taken[name.lower()] = max(taken.get(name.lower(), 0), n)
    taken[candidate.lower()] = taken.get(candidate.lower(), 0)
    return candidate


def _branch(name: str, chinese: bool, n: int) -> str:
    if chinese:
        return f"{name}第{'二三四五六七八九十'[n - 1]}分公司" if n < 10 else f"{name}（{n + 1}）"
    branch = ("Europe", "Asia", "Americas", "Holdings", "Group", "International", "Partners")
    return f"{name} ({branch[n - 1]})" if n <= len(branch) else f"{name} ({n + 1})"


def _account(
    rng: random.Random, s: _Setup, domains: dict[str, int], used: set[str]
) -> tuple[dict[str, Any], bool, str]:
    industry, words, zh_word, zh_slug = rng.choice(names.INDUSTRIES)
    chinese = rng.random() < 0.3
    if chinese:
        city = rng.choice(names.ZH_CITIES)
        brand, pinyin = rng.choice(names.ZH_BRANDS)
        short = brand + zh_word
        name = city + short + rng.choice(names.ZH_SUFFIXES)
        base, tld = f"{pinyin}-{zh_slug}", rng.choice((".cn", ".com.cn", ".com"))
        region = "Greater China"
    else:
        region, suffixes, _ = rng.choices(names.EN_REGIONS, [w for *_, w in names.EN_REGIONS])[0]
        suffix, tld = rng.choice(suffixes)
        brand = rng.choice(names.EN_BRANDS)
        if rng.random() < 0.3:
            brand += " " + rng.choice(names.EN_SECOND)
        short = brand + (" " + rng.choice(words) if rng.random() < 0.6 else "")
        name = f"{short} {suffix}"
        base = "".join(ch for ch in short.lower() if ch.isalnum())
    n = domains.get(base + tld, 0) + 1
    while f"{base}{n if n > 1 else ''}{tld}" in used:
        n += 1
    domains[base + tld] = n
    domain = f"{base}{n if n > 1 else ''}{tld}"
    used.add(domain)
    created = s.anchor - timedelta(days=400 + rng.random() * 330)
    row = {
        "uuid": new_uuid(),
        "external_id": None,
        "name": name,
        "domain": domain,
        "industry": industry,
        "website": f"https://www.{domain}",
        "phone": _phone(rng, chinese),
        "address": None,
        "region": region,
        "employees": 5 + int(rng.lognormvariate(4.2, 1.3)),
        "source": rng.choices(SOURCES, SOURCE_WEIGHTS)[0],
        "notes": None,
        "owner_id": rng.choice(s.owner_ids),
        "lead_id": None,
        "created_at": created,
        "updated_at": created,
        "archived_at": None,
    }
    return row, chinese, short


def _phone(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return f"+86 1{rng.randint(30, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    return f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _contact(
    rng: random.Random, account: dict[str, Any], chinese_account: bool
) -> tuple[dict[str, Any], str]:
    """A contact row (account_id filled in later) and the first name tasks address them by."""
    chinese = rng.random() < (0.85 if chinese_account else 0.15)
    if chinese:
        surname, s_py = rng.choice(names.ZH_SURNAMES)
        given, g_py = rng.choice(names.ZH_GIVEN)
        name, first, local = surname + given, surname + given, f"{g_py}.{s_py}"
        title = rng.choice(names.ZH_TITLES if chinese_account else names.EN_TITLES)
    else:
        first, last = rng.choice(names.EN_FIRST), rng.choice(names.EN_LAST)
        name = f"{first} {last}"
        local = ".".join("".join(c for c in w.lower() if c.isascii() and c.isalnum())
                         for w in (first, last))  # fmt: skip
        title = rng.choice(names.EN_TITLES)
    created = account["created_at"] + timedelta(days=rng.random() * 30)
    row = {
        "uuid": new_uuid(),
        "external_id": None,
        "name": name,
        "email": f"{local}@{account['domain']}",
        "phone": _phone(rng, chinese_account),
        "title": title,
        "birthday": None,
        "source": account["source"],
        "notes": None,
        "account_id": None,
        "owner_id": account["owner_id"],
        "lead_id": None,
        "created_at": created,
        "updated_at": created,
        "archived_at": None,
    }
    return row, first


# --- deals --------------------------------------------------------------------------------


def _deals(
    rng: random.Random, s: _Setup, book: _Book, count: int, products: random.Random
) -> Iterator[tuple[bulk.DealRecord, _Who]]:
    """`count` deals created over the year before the anchor, oldest first. Products come from
    their own generator, so that adding them left every other drawn value as it was."""
    starts = sorted(s.anchor - timedelta(days=365 * rng.random() ** 1.2) for _ in range(count))
    phase = {src: rng.random() for src in SOURCES}
    seen = dict.fromkeys(SOURCES, 0)
    for start in starts:
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        # an equidistributed sequence per source: the won share is near its target for any seed
        won = (phase[source] + seen[source] * GOLDEN) % 1 < WIN_SHARE[source]
        seen[source] += 1
        acc_id, short, chinese, acc_owner, first, n = book.accounts[
            int(len(book.accounts) * rng.random() ** 1.5)
        ]
        pick = first + rng.randrange(n)
        owner = acc_owner if rng.random() < 0.8 else rng.choice(s.owner_ids)
        rec = _deal(rng, s, start, won, source, owner)
        rec.account_id, rec.contact_id = acc_id, book.contact_ids[pick]
        rec.title = _title(rng, short, chinese, rec, s.currency)
        rec.product = products.choices(PRODUCTS, PRODUCT_WEIGHTS)[0]
        yield rec, _Who(short, book.contact_names[pick])


def _deal(
    rng: random.Random, s: _Setup, start: datetime, won: bool, source: str, owner: int
) -> bulk.DealRecord:
    last = len(s.open_ids) - 1
    first = 1 if source in ("referral", "partner") and rng.random() < 0.5 else 0
    if won:
        final = last
        cycle = rng.lognormvariate(math.log(55), 0.5)
    else:
        final = max(first, rng.choices(range(last + 1), (40, 28, 20, 12)[: last + 1])[0])
        cycle = rng.lognormvariate(math.log(15 + 10 * final), 0.6)
    if rng.random() < 0.08:  # stalls: sits for months
        cycle *= 3
    cycle = max(cycle, 0.5)
    ends = start + timedelta(days=cycle)
    visits = _visits(rng, first, final)
    weights = [rng.expovariate(1) for _ in visits]
    total, acc = sum(weights) + rng.expovariate(1), 0.0
    events = []
    for pos, w in zip(visits, weights, strict=True):
        at = start + timedelta(days=cycle * acc / total)
        if at >= s.anchor:
            break
        events.append(bulk.StageEvent(at, s.open_ids[pos]))
        acc += w
    closed = ends if ends < s.anchor else None
    stage = (s.won_id if won else s.lost_id) if closed else events[-1].stage_id
    opening, close, changes = _close_dates(rng, start, cycle, closed or s.anchor)
    touched = closed or max(events[-1].at, changes[-1].at if changes else start)
    return bulk.DealRecord(
        title="", pipeline_id=s.pipeline_id, stage_id=stage, currency=s.currency,
        created_at=start, amount_minor=0, owner_id=owner, expected_close=close,
        closed_at=closed, source=source,
        lost_reason=rng.choice(REASONS) if closed and not won else None, events=events,
        opening_close=opening, close_changes=changes, updated_at=touched,
    )  # fmt: skip


def _visits(rng: random.Random, first: int, final: int) -> list[int]:
    """The open stages (positions) a deal passes through, with the odd skip or step back."""
    out = [first]
    pos = first
    while pos < final:
        pos += 2 if pos + 2 <= final and rng.random() < 0.08 else 1
        if pos > first + 1 and rng.random() < 0.05:
            out += [pos, pos - 1]
        out.append(pos)
    return out


def _close_dates(
    rng: random.Random, start: datetime, cycle: float, end: datetime
) -> tuple[date, date, list[bulk.CloseChange]]:
    """The rep's first estimate, the close date now, and the slips in between."""
    guess = max(7.0, rng.lognormvariate(math.log(min(cycle, 45)), 0.4))
    first = _month_end_maybe(rng, (start + timedelta(days=guess)).date())
    close, changes = first, list[bulk.CloseChange]()
    while close < end.date() and len(changes) < 4 and rng.random() < 0.5:
        at = datetime.combine(close, time(9), tzinfo=start.tzinfo) + timedelta(
            hours=rng.random() * 9
        )
        if at <= start or at >= end:
            break
        close = _month_end_maybe(rng, close + timedelta(days=rng.choice((14, 21, 30, 45, 60))))
        changes.append(bulk.CloseChange(at, close))
    return first, close, changes


def _month_end_maybe(rng: random.Random, day: date) -> date:
    if rng.random() >= 0.35:
        return day
    nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _title(rng: random.Random, short: str, chinese: bool, rec: bulk.DealRecord, cur: str) -> str:
    """Pick the deal's kind, set its amount (whole currency units) and return its title."""
    base = rng.lognormvariate(9.3, 0.85)
    roll = rng.random()
    if roll < 0.6:
        price = rng.choice((240, 300, 360, 480, 600))
        seats = max(5, round(base / price))
        units = seats * price
        what = f"{seats} 个席位" if chinese else f"{seats} seats"
    else:
        kind = 0 if roll < 0.75 else 1 if roll < 0.85 else 2 if roll < 0.95 else 3
        factor = (1.0, 0.3, 1.5, 0.8)[kind]
        units = max(500, int(base * factor) // 100 * 100)
        labels = (("annual renewal", "年度续约"), ("pilot", "试点项目"),
                  ("implementation", "实施服务"), ("expansion", "扩容"))  # fmt: skip
        what = labels[kind][1 if chinese else 0]
    rec.amount_minor = units * 10 ** money.minor_units(cur)
    return f"{short} – {what}"


# --- tasks and activities -----------------------------------------------------------------

TASKS = (
    ("call", "Call {p} about next steps"), ("email", "Send proposal to {a}"),
    ("meeting", "Book a demo with {p}"), ("todo", "Prepare pricing for {a}"),
    ("email", "Follow up with {p}"), ("call", "Check budget with {p}"),
    ("todo", "Draft contract for {a}"), ("meeting", "Review requirements with {p}"),
)  # fmt: skip
ACTIVITIES = (
    ("email", "Sent intro deck to {p}"), ("email", "Re: pricing for {a}"),
    ("email", "Sent proposal to {p}"), ("call", "Discovery call with {p}"),
    ("call", "Call with {p}: budget and timing"), ("meeting", "Demo for {a}"),
    ("meeting", "On-site meeting at {a}"), ("note", "{p} is comparing two vendors"),
    ("note", "Legal review at {a}"),
)  # fmt: skip
ACTIVITY_WEIGHTS = (14, 13, 13, 16, 14, 8, 7, 8, 7)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_WEIGHTS = (10, 60, 25, 5)


def _span(s: _Setup, rec: bulk.DealRecord) -> tuple[datetime, datetime]:
    return rec.created_at, rec.closed_at or s.anchor


def _tasks(
    rng: random.Random, s: _Setup, deal_id: int, rec: bulk.DealRecord, who: _Who
) -> Iterator[dict[str, Any]]:
    start, end = _span(s, rec)
    days = (end - start).total_seconds() / 86400
    today = s.anchor.date()
    for _ in range(min(3, int(days / 25 + rng.random()))):
        due = start + timedelta(days=rng.random() * days)
        done = min(due + timedelta(hours=rng.random() * 48), end - timedelta(minutes=1))
        yield _task(rng, deal_id, rec, who, due.date(), start, max(done, start))
    if rec.closed_at is None and rng.random() < 0.85:
        roll = rng.random()
        if roll < 0.25:
            due_day = today - timedelta(days=rng.randint(1, 21))
        elif roll < 0.6:
            due_day = today + timedelta(days=rng.randint(0, 6 - today.weekday()))
        else:
            due_day = today + timedelta(days=rng.randint(7, 35))
        made = max(start, s.anchor - timedelta(days=rng.random() * 14))
        yield _task(rng, deal_id, rec, who, due_day, made, None)


def _task(
    rng: random.Random,
    deal_id: int,
    rec: bulk.DealRecord,
    who: _Who,
    due: date,
    created: datetime,
    done: datetime | None,
) -> dict[str, Any]:
    kind, text = rng.choice(TASKS)
    return {
        "uuid": new_uuid(),
        "external_id": None,
        "title": text.format(p=who.person, a=who.account),
        "kind": kind,
        "priority": rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0],
        "due_date": due,
        "due_time": time(rng.randint(9, 16)) if rng.random() < 0.3 else None,
        "repeat": None,
        "notes": None,
        "done_at": done,
        "previous_id": None,
        "deal_id": deal_id,
        "lead_id": None,
        "contact_id": rec.contact_id,
        "account_id": rec.account_id,
        "owner_id": rec.owner_id,
        "created_at": created,
        "updated_at": done or created,
        "archived_at": None,
    }


def _activities(
    rng: random.Random, s: _Setup, deal_id: int, rec: bulk.DealRecord, who: _Who
) -> Iterator[dict[str, Any]]:
    start, end = _span(s, rec)
    days = (end - start).total_seconds() / 86400
    n = 1 + min(6, int(days / 15 * rng.random() * 2))
    moments = sorted(start + timedelta(days=rng.random() * days) for _ in range(n))
    for at in moments:
        kind, text = rng.choices(ACTIVITIES, ACTIVITY_WEIGHTS)[0]
        yield _activity(deal_id, rec, kind, text.format(p=who.person, a=who.account), at)
    if rec.closed_at is not None:
        won = rec.stage_id == s.won_id
        text = "Contract signed" if won else f"Closed lost: {rec.lost_reason}"
        yield _activity(deal_id, rec, "note", text, rec.closed_at)


def _activity(
    deal_id: int, rec: bulk.DealRecord, kind: str, subject: str, at: datetime
) -> dict[str, Any]:
    return {
        "uuid": new_uuid(),
        "external_id": None,
        "kind": kind,
        "subject": subject,
        "body": None,
        "at": at,
        "user_id": rec.owner_id,
        "deal_id": deal_id,
        "lead_id": None,
        "contact_id": rec.contact_id,
        "account_id": rec.account_id,
        "created_at": at,
        "archived_at": None,
    }
