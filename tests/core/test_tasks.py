"""Tasks (due dates, repeats, done/undone) and activities (the timeline) through the services.

Calendar (NOW is Monday 2026-11-23 10:00 UTC):
    Nov 2026: Tue 24, Fri 27 (the month's last Friday)
    Dec 2026: Fri 11, Tue 15, Fri 25 (last Friday);  Jan 2027: Tue 5, Fri 29 (last Friday)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, TypedDict

import pytest

from pipecli.core import dates
from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Activity, Task
from pipecli.core.services import activities, common, deals, leads, listing, records, tasks
from pipecli.core.services.activities import ActivityInput
from pipecli.core.services.common import id_of
from pipecli.core.services.listing import Filter
from pipecli.core.services.tasks import TaskChanges, TaskInput
from tests.conftest import MakeCtx, not_none

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def add_task(make_ctx: MakeCtx, now: datetime = NOW, **fields: Any) -> Task:
    fields.setdefault("title", "Call Li")
    with make_ctx(now=now) as ctx:
        return tasks.create(ctx, TaskInput(**fields))


def done(make_ctx: MakeCtx, task_id: int, now: datetime = NOW) -> tasks.Done:
    with make_ctx(now=now) as ctx:
        return tasks.done(ctx, task_id)


def load(make_ctx: MakeCtx, task_id: int) -> Task:
    with make_ctx() as ctx:
        return not_none(ctx.session.get(Task, task_id))


def open_ids(make_ctx: MakeCtx, **flt: Any) -> list[int]:
    with make_ctx() as ctx:
        return [r["id"] for r in listing.list_tasks(ctx, Filter(**flt)).rows]


# --- due dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "day", "clock"),
    [
        ("fri 10am", date(2026, 11, 27), time(10, 0)),
        ("tomorrow", date(2026, 11, 24), None),
        ("next mon 14:30", date(2026, 11, 30), time(14, 30)),
        ("2026-12-01", date(2026, 12, 1), None),
        (date(2026, 12, 2), date(2026, 12, 2), None),
        (dates.When(date(2026, 12, 3), time(9, 15)), date(2026, 12, 3), time(9, 15)),
        (None, None, None),
        ("  ", None, None),
    ],
)
def test_due_text_or_value(
    make_ctx: MakeCtx, due: str | date | dates.When | None, day: date | None, clock: time | None
) -> None:
    task = add_task(make_ctx, due=due)
    assert (task.due_date, task.due_time) == (day, clock)
    assert (task.kind, task.priority, task.done_at, task.repeat) == ("todo", "normal", None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"due": "someday"}, "due"),
        ({"repeat": "weekly"}, "repeat"),  # repeat without a due date
        ({"due": "fri", "repeat": "now and then"}, "repeat"),
        ({"priority": "asap"}, "priority"),
        ({"kind": "lunch"}, "type"),
    ],
)
def test_create_task_refusals(make_ctx: MakeCtx, fields: dict[str, Any], field: str) -> None:
    fields.setdefault("title", "Call Li")
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        tasks.create(ctx, TaskInput(**fields))
    assert err.value.field == field
    assert open_ids(make_ctx, status="all") == []


def test_repeat_without_due_says_why(make_ctx: MakeCtx) -> None:
    with pytest.raises(Invalid, match="needs a due date"), make_ctx() as ctx:
        tasks.create(ctx, TaskInput(title="x", repeat="every 2 weeks"))


def test_edit_adding_a_repeat_needs_a_due_date(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx)
    with pytest.raises(Invalid, match="needs a due date"), make_ctx() as ctx:
        tasks.edit(ctx, id_of(task), TaskChanges(repeat="weekly"))
    assert load(make_ctx, id_of(task)).repeat is None
    with make_ctx() as ctx:  # with a due date given in the same edit it is fine
        got = tasks.edit(ctx, id_of(task), TaskChanges(repeat="weekly", due="fri"))
    assert (got.repeat, got.due_date) == ("FREQ=WEEKLY", date(2026, 11, 27))
    with make_ctx() as ctx:
        assert tasks.edit(ctx, id_of(task), TaskChanges(repeat="none")).repeat is None


# --- repeating tasks -------------------------------------------------------------------------


class Linked(TypedDict):
    deal: int
    contact: int
    account: int
    lead: int


@pytest.fixture
def linked(make_ctx: MakeCtx) -> Linked:
    """A deal at an account with a contact, and a lead, for a task to link to."""
    from pipecli.core.services import contacts

    with make_ctx() as ctx:
        li = contacts.create(ctx, contacts.ContactInput(name="Li Wei", account="Acme"))
        deal = deals.create(ctx, deals.DealInput(title="Acme renewal", contact=li.id))
        lead = leads.create(ctx, leads.LeadInput(name="Bo Chen"))
    return {
        "deal": id_of(deal),
        "contact": id_of(li),
        "account": not_none(li.account_id),
        "lead": id_of(lead),
    }


def test_every_2_weeks_done_on_time_spawns_the_next(make_ctx: MakeCtx, linked: Linked) -> None:
    first = add_task(
        make_ctx,
        title="Check in with Acme",
        due="fri 10am",
        repeat="every 2 weeks",
        kind="call",
        priority="HIGH",
        notes="ask about seats",
        owner="Bob",
        create_owner=True,
        tags=["renewal", "VIP"],
        **linked,
    )
    assert first.repeat == "FREQ=WEEKLY;INTERVAL=2"
    result = done(make_ctx, id_of(first))
    assert result.next_task is not None and result.next_task.id is not None
    assert result.task.done_at == NOW
    nxt = load(make_ctx, result.next_task.id)
    assert (nxt.due_date, nxt.due_time) == (date(2026, 12, 11), time(10, 0))  # Nov 27 + 14
    assert (nxt.title, nxt.kind, nxt.priority, nxt.notes, nxt.repeat) == (
        "Check in with Acme",
        "call",
        "high",
        "ask about seats",
        "FREQ=WEEKLY;INTERVAL=2",
    )
    assert (nxt.deal_id, nxt.lead_id, nxt.contact_id, nxt.account_id) == (
        linked["deal"],
        linked["lead"],
        linked["contact"],
        linked["account"],
    )
    assert (nxt.owner_id, nxt.previous_id, nxt.done_at) == (first.owner_id, first.id, None)
    assert (nxt.created_at, nxt.archived_at) == (NOW, None)
    with make_ctx() as ctx:
        assert common.tags_of(ctx, "task", [id_of(nxt)])[id_of(nxt)] == ["renewal", "vip"]
        row = listing.get_row(ctx, "task", id_of(nxt))
    assert (row["repeat_text"], row["owner"], row["previous_id"]) == (
        "every 2 weeks",
        "Bob",
        first.id,
    )
    # and the chain goes on from the new due date
    again = done(make_ctx, id_of(nxt), now=datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
    assert again.next_task is not None
    assert again.next_task.due_date == date(2026, 12, 25)
    assert again.next_task.previous_id == nxt.id


def test_every_2_weeks_done_late_skips_missed_dates(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri 10am", repeat="every 2 weeks")
    # Nov 27, Dec 11, Dec 25: done on Tue Dec 15, the next on or after it is Dec 25
    result = done(make_ctx, id_of(task), now=datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
    assert result.next_task is not None
    assert result.next_task.due_date == date(2026, 12, 25)
    assert result.task.done_at == datetime(2026, 12, 15, 9, 0, tzinfo=UTC)


def test_monthly_on_the_last_friday(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri", repeat="monthly on the last friday")
    assert (task.due_date, task.repeat) == (date(2026, 11, 27), "FREQ=MONTHLY;BYDAY=-1FR")
    nxt = done(make_ctx, id_of(task)).next_task  # on time (early, even)
    assert nxt is not None and nxt.id is not None
    assert (nxt.due_date, nxt.due_time) == (date(2026, 12, 25), None)
    late = done(make_ctx, nxt.id, now=datetime(2027, 1, 5, 16, 0, tzinfo=UTC)).next_task
    assert late is not None
    assert late.due_date == date(2027, 1, 29)


def test_monthly_on_the_last_friday_done_weeks_late(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri", repeat="monthly on the last friday")
    # due Nov 27; done Jan 5 2027: Dec 25 was missed, the next is Jan 29
    nxt = done(make_ctx, id_of(task), now=datetime(2027, 1, 5, 8, 0, tzinfo=UTC)).next_task
    assert nxt is not None
    assert nxt.due_date == date(2027, 1, 29)


def test_done_without_repeat_spawns_nothing(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri")
    result = done(make_ctx, id_of(task))
    assert result.next_task is None
    assert open_ids(make_ctx) == [] and open_ids(make_ctx, status="done") == [task.id]


def test_done_twice_is_a_conflict(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri", repeat="weekly")
    done(make_ctx, id_of(task))
    with pytest.raises(Conflict, match="done already"), make_ctx() as ctx:
        tasks.done(ctx, id_of(task))
    with make_ctx() as ctx:
        assert listing.list_tasks(ctx, Filter(status="all")).total == 2  # no second successor


def test_undone_withdraws_the_untouched_successor(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri 10am", repeat="every 2 weeks")
    nxt = done(make_ctx, id_of(task)).next_task
    assert nxt is not None and nxt.id is not None
    later = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    with make_ctx(now=later) as ctx:
        result = tasks.undone(ctx, id_of(task))
        assert result.next_task is not None
    assert result.next_task.id == nxt.id
    got, withdrawn = load(make_ctx, id_of(task)), load(make_ctx, nxt.id)
    assert (got.done_at, got.updated_at) == (None, later)
    assert withdrawn.archived_at == later
    assert open_ids(make_ctx) == [task.id]
    # done again: a fresh successor, due as before
    again = done(make_ctx, id_of(task), now=later).next_task
    assert again is not None
    assert again.id != nxt.id and again.due_date == date(2026, 12, 11)
    assert open_ids(make_ctx) == [again.id]


def test_undone_keeps_a_successor_that_was_edited(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri", repeat="every 2 weeks")
    nxt = done(make_ctx, id_of(task)).next_task
    assert nxt is not None and nxt.id is not None
    with make_ctx(now=NOW + timedelta(hours=1)) as ctx:
        tasks.edit(ctx, nxt.id, TaskChanges(due="2026-12-14"))
    with make_ctx(now=NOW + timedelta(hours=2)) as ctx:
        result = tasks.undone(ctx, id_of(task))
    assert result.next_task is None
    assert load(make_ctx, nxt.id).archived_at is None
    assert open_ids(make_ctx) == [task.id, nxt.id]


def test_undone_keeps_a_successor_that_is_done(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri", repeat="weekly")
    nxt = done(make_ctx, id_of(task)).next_task
    assert nxt is not None and nxt.id is not None
    third = done(make_ctx, nxt.id, now=NOW + timedelta(hours=1)).next_task
    assert third is not None
    with make_ctx(now=NOW + timedelta(hours=2)) as ctx:
        assert tasks.undone(ctx, id_of(task)).next_task is None
    assert load(make_ctx, nxt.id).done_at is not None
    assert open_ids(make_ctx) == [task.id, third.id]


def test_undone_refusals(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri")
    with pytest.raises(Conflict, match="is not done"), make_ctx() as ctx:
        tasks.undone(ctx, id_of(task))
    done(make_ctx, id_of(task))
    with make_ctx() as ctx:
        records.archive(ctx, "task", id_of(task))
    with pytest.raises(Conflict, match="archived"), make_ctx() as ctx:
        tasks.undone(ctx, id_of(task))
    with pytest.raises(NotFound), make_ctx() as ctx:
        tasks.done(ctx, 999)


def test_purge_of_a_task_with_a_later_occurrence_is_refused(make_ctx: MakeCtx) -> None:
    task = add_task(make_ctx, due="fri", repeat="weekly")
    nxt = done(make_ctx, id_of(task)).next_task
    assert nxt is not None and nxt.id is not None
    with pytest.raises(Conflict, match=r"1 later occurrence\(s\)"), make_ctx() as ctx:
        records.purge(ctx, "task", id_of(task))
    with make_ctx() as ctx:
        records.purge(ctx, "task", nxt.id)
    with make_ctx() as ctx:
        records.purge(ctx, "task", id_of(task))
        assert listing.list_tasks(ctx, Filter(status="all")).total == 0


def test_list_tasks_by_due_and_status(make_ctx: MakeCtx) -> None:
    overdue = add_task(make_ctx, title="a", due="2026-11-20")
    today = add_task(make_ctx, title="b", due="today 9am")
    friday = add_task(make_ctx, title="c", due="fri", tags=["x"])
    undated = add_task(make_ctx, title="d")
    finished = add_task(make_ctx, title="e", due="today")
    done(make_ctx, id_of(finished))
    assert open_ids(make_ctx) == [overdue.id, today.id, friday.id, undated.id]  # no date: last
    assert open_ids(make_ctx, due="today") == [overdue.id, today.id]
    assert open_ids(make_ctx, due="overdue") == [overdue.id]
    assert open_ids(make_ctx, due="fri") == [overdue.id, today.id, friday.id]
    assert open_ids(make_ctx, status="done") == [finished.id]
    assert open_ids(make_ctx, status="all", due="today") == [overdue.id, today.id, finished.id]
    assert open_ids(make_ctx, tag="X") == [friday.id]
    assert open_ids(make_ctx, search="C") == [friday.id]
    assert open_ids(make_ctx, date_from="2026-11-23", date_to="2026-11-27") == [today.id, friday.id]
    assert open_ids(make_ctx, owner="me", limit=2) == [overdue.id, today.id]
    with pytest.raises(Invalid), make_ctx() as ctx:
        listing.list_tasks(ctx, Filter(status="later"))


# --- activities ------------------------------------------------------------------------------


def log(make_ctx: MakeCtx, now: datetime = NOW, **fields: Any) -> Activity:
    fields.setdefault("kind", "call")
    fields.setdefault("subject", "Talked pricing")
    with make_ctx(now=now) as ctx:
        return activities.log(ctx, ActivityInput(**fields))


def test_log_on_a_deal_files_it_under_its_account_and_contact(
    make_ctx: MakeCtx, linked: Linked
) -> None:
    act = log(make_ctx, deal=linked["deal"], body="wants 3 seats")
    assert (act.deal_id, act.account_id, act.contact_id, act.lead_id) == (
        linked["deal"],
        linked["account"],
        linked["contact"],
        None,
    )
    assert (act.kind, act.subject, act.body, act.at, act.created_at) == (
        "call",
        "Talked pricing",
        "wants 3 seats",
        NOW,
        NOW,
    )
    with make_ctx() as ctx:
        assert act.user_id == ctx.user().id
        row = listing.list_activities(ctx, Filter(), on=("deal", linked["deal"])).rows[0]
    assert (row["id"], row["user"], row["account_id"]) == (act.id, "Ann", linked["account"])


def test_log_on_a_deal_keeps_an_explicit_contact(make_ctx: MakeCtx, linked: Linked) -> None:
    from pipecli.core.services import contacts

    with make_ctx() as ctx:
        other = contacts.create(ctx, contacts.ContactInput(name="Bo Chen"))
    act = log(make_ctx, kind="E-mail", deal=str(linked["deal"]), contact="bo chen")
    assert (act.kind, act.contact_id, act.account_id) == ("email", other.id, linked["account"])


@pytest.mark.parametrize(
    ("at", "moment"),
    [
        ("yesterday 3pm", datetime(2026, 11, 22, 15, 0, tzinfo=UTC)),
        ("today 9am", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
        ("last fri", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),  # no time: now's time
        (datetime(2026, 11, 1, 8, 0, tzinfo=UTC), datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
        (
            datetime(2026, 11, 23, 11, 0, tzinfo=timezone(timedelta(hours=8))),
            datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
        ),
    ],
)
def test_log_at_a_past_moment(
    make_ctx: MakeCtx, linked: Linked, at: str | datetime, moment: datetime
) -> None:
    assert log(make_ctx, account=linked["account"], at=at).at == moment


@pytest.mark.parametrize(
    "at",
    [
        "today 11am",
        "fri",
        "tomorrow",
        datetime(2026, 11, 23, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 23, 19, 0, tzinfo=timezone(timedelta(hours=8))),  # 11:00 UTC
    ],
)
def test_log_in_the_future_is_refused(
    make_ctx: MakeCtx, linked: Linked, at: str | datetime
) -> None:
    with pytest.raises(Invalid, match="is in the future") as err:
        log(make_ctx, account=linked["account"], at=at)
    assert err.value.field == "at"
    with make_ctx() as ctx:
        assert listing.list_activities(ctx, Filter()).total == 0


def test_log_refusals(make_ctx: MakeCtx, linked: Linked) -> None:
    with pytest.raises(Invalid, match="needs --deal, --lead") as err:
        log(make_ctx)
    assert err.value.field == "record"
    with pytest.raises(Invalid) as err:
        log(make_ctx, kind="lunch", deal=linked["deal"])
    assert err.value.field == "kind"
    with pytest.raises(Invalid) as err:
        log(make_ctx, subject=" ", deal=linked["deal"])
    assert err.value.field == "subject"
    with pytest.raises(Invalid, match="needs a time zone"):
        log(make_ctx, deal=linked["deal"], at=datetime(2026, 11, 1, 8, 0))
    with pytest.raises(NotFound):
        log(make_ctx, lead="Nobody")
    with make_ctx() as ctx:
        records.archive(ctx, "deal", linked["deal"])
    with pytest.raises(Conflict, match="archived"):
        log(make_ctx, deal=linked["deal"])
    with make_ctx() as ctx:
        assert listing.list_activities(ctx, Filter()).total == 0


def test_activities_list_newest_first_and_by_kind(make_ctx: MakeCtx, linked: Linked) -> None:
    a = log(make_ctx, lead=linked["lead"], at="yesterday 9am")
    b = log(make_ctx, kind="note", subject="Follow-up", lead=linked["lead"])
    c = log(make_ctx, kind="meeting", subject="Demo", contact=linked["contact"], at="today 8am")
    with make_ctx() as ctx:
        rows = listing.list_activities(ctx, Filter()).rows
        notes = listing.list_activities(ctx, Filter(), kind="note").rows
        dated = listing.list_activities(ctx, Filter(date_to="yesterday")).rows
    assert [r["id"] for r in rows] == [b.id, c.id, a.id]
    assert [r["id"] for r in notes] == [b.id]
    assert [r["id"] for r in dated] == [a.id]
