"""pipecli.core.dates: every grammar form, worked out by hand against fixed days.

Calendar used below (ISO weeks, Monday first):
    Nov 2026: Mon 2, 9, 16, 23, 30; Fri 6, 13, 20, 27; Sun 1, 8, 15, 22, 29
    Dec 2026: Mon 7, 14, 21, 28; Fri 4, 11, 18, 25; Thu 31
    Jan 2027: Fri 1; Mon 4
    2026-01-31 is a Saturday; 2028 is a leap year.
"""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest

from pipecli.core.dates import (
    When,
    fiscal_year_bounds,
    parse_date,
    parse_import_date,
    parse_iso_date,
    parse_when,
    quarter_bounds,
)
from pipecli.core.errors import Invalid

MON = date(2026, 11, 23)
FRI = date(2026, 11, 27)
SUN = date(2026, 11, 29)
DEC31 = date(2026, 12, 31)
JAN31 = date(2026, 1, 31)
LEAPDAY = date(2028, 2, 29)

HINT = "is not a date; try 2026-12-20, today, fri, +3d, eoq or eoq+2w"
OUT_OF_RANGE = "day is out of range for month"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


# --- absolute dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-20", "2026-12-20"),
        ("2026/12/20", "2026-12-20"),
        ("2026-1-5", "2026-01-05"),
        ("  2026-12-20  ", "2026-12-20"),
        ("2024-02-29", "2024-02-29"),
        ("dec 20", "2026-12-20"),
        ("Dec 20", "2026-12-20"),
        ("DEC 20", "2026-12-20"),
        ("dec. 20", "2026-12-20"),
        ("dec 20th", "2026-12-20"),
        ("20 dec", "2026-12-20"),
        ("20th of december", "2026-12-20"),
        ("december 20 2026", "2026-12-20"),
        ("December 20, 2026", "2026-12-20"),
        ("20 December 2026", "2026-12-20"),
        ("20  december   2027", "2027-12-20"),
        ("dec 20 2025", "2025-12-20"),  # an explicit year may be in the past
        ("nov 23", "2026-11-23"),  # no year: on or after today, so today itself
        ("nov 22", "2027-11-22"),  # yesterday's month-day is next year's
        ("jan 5", "2027-01-05"),
        ("sept 1", "2027-09-01"),
        ("sep 1", "2027-09-01"),
        ("march 1", "2027-03-01"),
        ("may 5", "2027-05-05"),
        ("feb 29", "2028-02-29"),  # next leap year
        ("feb 29 2028", "2028-02-29"),
    ],
)
def test_absolute_dates(text: str, expected: str) -> None:
    assert parse_date(text, MON) == d(expected)


def test_month_day_on_leap_day_itself_and_after() -> None:
    assert parse_date("feb 29", LEAPDAY) == LEAPDAY
    assert parse_date("feb 29", date(2028, 3, 1)) == date(2032, 2, 29)
    assert parse_date("jan 1", DEC31) == date(2027, 1, 1)
    assert parse_date("dec 31", DEC31) == DEC31


# --- relative words and weekdays ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", "2026-11-23"),
        ("Today", "2026-11-23"),
        ("now", "2026-11-23"),
        ("tomorrow", "2026-11-24"),
        ("yesterday", "2026-11-22"),
        # bare weekday: nearest on or after today (Monday itself counts)
        ("mon", "2026-11-23"),
        ("monday", "2026-11-23"),
        ("tue", "2026-11-24"),
        ("tues", "2026-11-24"),
        ("tuesday", "2026-11-24"),
        ("wed", "2026-11-25"),
        ("wednesday", "2026-11-25"),
        ("thu", "2026-11-26"),
        ("thur", "2026-11-26"),
        ("thurs", "2026-11-26"),
        ("thursday", "2026-11-26"),
        ("fri", "2026-11-27"),
        ("Friday", "2026-11-27"),
        ("sat", "2026-11-28"),
        ("sun", "2026-11-29"),
        ("sunday", "2026-11-29"),
        ("this fri", "2026-11-27"),
        # next: that weekday in the following ISO week (Nov 30 .. Dec 6)
        ("next mon", "2026-11-30"),
        ("next fri", "2026-12-04"),
        ("next sun", "2026-12-06"),
        # last: strictly before today
        ("last mon", "2026-11-16"),
        ("last fri", "2026-11-20"),
        ("last sun", "2026-11-22"),
    ],
)
def test_relative_words_on_a_monday(text: str, expected: str) -> None:
    assert parse_date(text, MON) == d(expected)


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (FRI, "fri", "2026-11-27"),  # the same day
        (FRI, "mon", "2026-11-30"),
        (FRI, "thu", "2026-12-03"),
        (FRI, "next fri", "2026-12-04"),
        (FRI, "next mon", "2026-11-30"),  # next ISO week starts Nov 30
        (FRI, "last fri", "2026-11-20"),
        (FRI, "last thu", "2026-11-26"),
        (FRI, "last sat", "2026-11-21"),
        (FRI, "yesterday", "2026-11-26"),
        (SUN, "sun", "2026-11-29"),
        (SUN, "fri", "2026-12-04"),
        (SUN, "next fri", "2026-12-04"),
        (SUN, "next mon", "2026-11-30"),
        (SUN, "last sun", "2026-11-22"),
        (DEC31, "tomorrow", "2027-01-01"),
        (DEC31, "fri", "2027-01-01"),
        (DEC31, "next mon", "2027-01-04"),
    ],
)
def test_weekdays_on_other_days(today: date, text: str, expected: str) -> None:
    assert parse_date(text, today) == d(expected)


# --- offsets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", "2026-11-26"),
        ("-2w", "2026-11-09"),
        ("+1m", "2026-12-23"),
        ("-1m", "2026-10-23"),
        ("+1q", "2027-02-23"),
        ("+1y", "2027-11-23"),
        ("+0d", "2026-11-23"),
        ("3d", "2026-11-26"),
        ("2w", "2026-12-07"),
        ("+10 days", "2026-12-03"),
        ("+1 week", "2026-11-30"),
        ("+2 months", "2027-01-23"),
        ("in 3 days", "2026-11-26"),
        ("in 1 day", "2026-11-24"),
        ("in 2 weeks", "2026-12-07"),
        ("in 1 month", "2026-12-23"),
        ("in 2 quarters", "2027-05-23"),
        ("in 1 year", "2027-11-23"),
        ("3 days ago", "2026-11-20"),
        ("2 weeks ago", "2026-11-09"),
        ("1 year ago", "2025-11-23"),
        ("next week", "2026-11-30"),
        ("next month", "2026-12-23"),
        ("next quarter", "2027-02-23"),
        ("next year", "2027-11-23"),
        ("last week", "2026-11-16"),
        ("last month", "2026-10-23"),
    ],
)
def test_offsets_from_today(text: str, expected: str) -> None:
    assert parse_date(text, MON) == d(expected)


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (JAN31, "+1m", "2026-02-28"),  # clamped to the month end
        (JAN31, "+2m", "2026-03-31"),
        (JAN31, "+1q", "2026-04-30"),
        (JAN31, "-2m", "2025-11-30"),
        (JAN31, "+1y", "2027-01-31"),
        (JAN31, "next month", "2026-02-28"),
        (JAN31, "+1m+1m", "2026-03-28"),  # offsets apply one after the other
        (date(2028, 1, 31), "+1m", "2028-02-29"),  # leap year
        (LEAPDAY, "+1y", "2029-02-28"),
        (LEAPDAY, "-1y", "2027-02-28"),
        (LEAPDAY, "+4y", "2032-02-29"),
        (LEAPDAY, "+1d", "2028-03-01"),
        (date(2028, 2, 10), "eom", "2028-02-29"),
        (date(2027, 2, 10), "eom", "2027-02-28"),
        (DEC31, "+1d", "2027-01-01"),
        (DEC31, "next month", "2027-01-31"),
        (DEC31, "+2m", "2027-02-28"),
        (DEC31, "next week", "2027-01-07"),
    ],
)
def test_month_end_clamping_and_leap_years(today: date, text: str, expected: str) -> None:
    assert parse_date(text, today) == d(expected)


# --- anchors and fiscal quarters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (MON, "eow", "2026-11-29"),
        (MON, "sow", "2026-11-23"),
        (SUN, "eow", "2026-11-29"),
        (SUN, "sow", "2026-11-23"),
        (DEC31, "eow", "2027-01-03"),
        (DEC31, "sow", "2026-12-28"),
        (MON, "eom", "2026-11-30"),
        (MON, "som", "2026-11-01"),
        (MON, "eoq", "2026-12-31"),
        (MON, "soq", "2026-10-01"),
        (MON, "eoy", "2026-12-31"),
        (MON, "soy", "2026-01-01"),
        (MON, "EOQ", "2026-12-31"),
        (MON, "end of week", "2026-11-29"),
        (MON, "end of month", "2026-11-30"),
        (MON, "end of the month", "2026-11-30"),
        (MON, "end of this quarter", "2026-12-31"),
        (MON, "end of quarter", "2026-12-31"),
        (MON, "end of year", "2026-12-31"),
        (MON, "start of week", "2026-11-23"),
        (MON, "start of month", "2026-11-01"),
        (MON, "start of quarter", "2026-10-01"),
        (MON, "beginning of quarter", "2026-10-01"),
        (MON, "start of year", "2026-01-01"),
        (JAN31, "eom", "2026-01-31"),
        (date(2026, 4, 1), "soq", "2026-04-01"),
        (date(2026, 3, 31), "eoq", "2026-03-31"),
    ],
)
def test_anchors(today: date, text: str, expected: str) -> None:
    assert parse_date(text, today) == d(expected)


@pytest.mark.parametrize(
    ("fys", "today", "text", "expected"),
    [
        # fiscal year from April: quarters Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar
        (4, MON, "eoq", "2026-12-31"),
        (4, MON, "soq", "2026-10-01"),
        (4, MON, "eoy", "2027-03-31"),
        (4, MON, "soy", "2026-04-01"),
        (4, MON, "end of year", "2027-03-31"),
        (4, MON, "eom", "2026-11-30"),  # months and weeks are not fiscal
        (4, MON, "eow", "2026-11-29"),
        (4, date(2026, 2, 10), "eoq", "2026-03-31"),
        (4, date(2026, 2, 10), "soq", "2026-01-01"),
        (4, date(2026, 2, 10), "eoy", "2026-03-31"),
        (4, date(2026, 2, 10), "soy", "2025-04-01"),
        (4, date(2026, 2, 10), "eoq+2w", "2026-04-14"),
        (4, date(2026, 4, 1), "eoq", "2026-06-30"),
        # fiscal year from October: quarters Oct-Dec, Jan-Mar, Apr-Jun, Jul-Sep
        (10, MON, "eoq", "2026-12-31"),
        (10, MON, "eoy", "2027-09-30"),
        (10, MON, "soy", "2026-10-01"),
        (10, date(2026, 9, 15), "eoq", "2026-09-30"),
        (10, date(2026, 9, 15), "soq", "2026-07-01"),
        (10, date(2026, 9, 15), "eoy", "2026-09-30"),
        (10, date(2026, 9, 15), "soy", "2025-10-01"),
        (10, date(2026, 9, 15), "eoq+1d", "2026-10-01"),
        (10, date(2026, 5, 5), "end of quarter", "2026-06-30"),
    ],
)
def test_fiscal_anchors(fys: int, today: date, text: str, expected: str) -> None:
    assert parse_date(text, today, fiscal_year_start=fys) == d(expected)


@pytest.mark.parametrize(
    ("day", "fys", "first", "last"),
    [
        ("2026-11-23", 1, "2026-10-01", "2026-12-31"),
        ("2026-01-01", 1, "2026-01-01", "2026-03-31"),
        ("2026-03-31", 1, "2026-01-01", "2026-03-31"),
        ("2026-04-01", 1, "2026-04-01", "2026-06-30"),
        ("2026-08-15", 1, "2026-07-01", "2026-09-30"),
        ("2026-11-23", 4, "2026-10-01", "2026-12-31"),
        ("2026-02-10", 4, "2026-01-01", "2026-03-31"),
        ("2026-04-01", 4, "2026-04-01", "2026-06-30"),
        ("2026-11-23", 10, "2026-10-01", "2026-12-31"),
        ("2026-09-30", 10, "2026-07-01", "2026-09-30"),
        ("2026-10-01", 10, "2026-10-01", "2026-12-31"),
        ("2026-01-15", 2, "2025-11-01", "2026-01-31"),  # Nov-Jan straddles the year
        ("2026-12-15", 11, "2026-11-01", "2027-01-31"),
        ("2027-02-28", 12, "2026-12-01", "2027-02-28"),
        ("2028-02-10", 12, "2027-12-01", "2028-02-29"),  # leap February
    ],
)
def test_quarter_bounds(day: str, fys: int, first: str, last: str) -> None:
    assert quarter_bounds(d(day), fys) == (d(first), d(last))


@pytest.mark.parametrize(
    ("day", "fys", "first", "last"),
    [
        ("2026-11-23", 1, "2026-01-01", "2026-12-31"),
        ("2026-01-01", 1, "2026-01-01", "2026-12-31"),
        ("2026-11-23", 4, "2026-04-01", "2027-03-31"),
        ("2026-02-10", 4, "2025-04-01", "2026-03-31"),
        ("2026-04-01", 4, "2026-04-01", "2027-03-31"),
        ("2026-11-23", 10, "2026-10-01", "2027-09-30"),
        ("2026-09-30", 10, "2025-10-01", "2026-09-30"),
        ("2027-06-15", 3, "2027-03-01", "2028-02-29"),  # ends on a leap day
    ],
)
def test_fiscal_year_bounds(day: str, fys: int, first: str, last: str) -> None:
    assert fiscal_year_bounds(d(day), fys) == (d(first), d(last))


def test_bounds_default_to_calendar_year() -> None:
    assert quarter_bounds(MON) == (date(2026, 10, 1), date(2026, 12, 31))
    assert fiscal_year_bounds(MON) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize("fys", [0, 13, -1])
def test_fiscal_year_start_out_of_range(fys: int) -> None:
    with pytest.raises(ValueError, match="fiscal_year_start"):
        quarter_bounds(MON, fys)
    with pytest.raises(ValueError, match="fiscal_year_start"):
        fiscal_year_bounds(MON, fys)
    with pytest.raises(ValueError, match="fiscal_year_start"):
        parse_date("today", MON, fiscal_year_start=fys)
    with pytest.raises(ValueError, match="fiscal_year_start"):
        parse_when("today", MON, fiscal_year_start=fys)


# --- compound expressions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eoq+2w", "2027-01-14"),
        ("2026-11-22-3d", "2026-11-19"),  # the ISO hyphens are not offsets
        ("2026-11-22 - 3 days", "2026-11-19"),
        ("2026-12-20+1 week", "2026-12-27"),
        ("2026/12/20-1d", "2026-12-19"),
        ("fri+1w", "2026-12-04"),
        ("tomorrow+2d", "2026-11-26"),
        ("eom-1d", "2026-11-29"),
        ("eom+1m", "2026-12-30"),
        ("eom + 1m - 1d", "2026-12-29"),
        ("eoq-1q", "2026-09-30"),  # Dec 31 - 3 months, clamped to Sep 30
        ("today + 3d", "2026-11-26"),
        ("today+1w+2d", "2026-12-02"),
        ("+1m+1d", "2026-12-24"),
        ("-2w +1d", "2026-11-10"),
        ("+3d-3d", "2026-11-23"),
        ("dec 20 - 1w", "2026-12-13"),
        ("20 dec 2027+1d", "2027-12-21"),
        ("next fri+1d", "2026-12-05"),
        ("last fri-1w", "2026-11-13"),
        ("in 3 days+1d", "2026-11-27"),
        ("3d+1d", "2026-11-27"),
        ("next month-1d", "2026-12-22"),
        ("end of month+1d", "2026-12-01"),
    ],
)
def test_compound(text: str, expected: str) -> None:
    assert parse_date(text, MON) == d(expected)


# --- times (parse_when) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("10am", "2026-11-23", time(10)),
        ("10AM", "2026-11-23", time(10)),
        ("10:30am", "2026-11-23", time(10, 30)),
        ("10 am", "2026-11-23", time(10)),
        ("10 a.m.", "2026-11-23", time(10)),
        ("14:30", "2026-11-23", time(14, 30)),
        ("09:15:30", "2026-11-23", time(9, 15, 30)),
        ("00:00", "2026-11-23", time(0)),
        ("23:59", "2026-11-23", time(23, 59)),
        ("2pm", "2026-11-23", time(14)),
        ("9:05 pm", "2026-11-23", time(21, 5)),
        ("12am", "2026-11-23", time(0)),
        ("12:15am", "2026-11-23", time(0, 15)),
        ("12pm", "2026-11-23", time(12)),
        ("noon", "2026-11-23", time(12)),
        ("midnight", "2026-11-23", time(0)),
        ("at 10am", "2026-11-23", time(10)),
        ("fri 10am", "2026-11-27", time(10)),
        ("fri at 2pm", "2026-11-27", time(14)),
        ("next fri @ 4pm", "2026-12-04", time(16)),
        ("10am fri", "2026-11-27", time(10)),
        ("at noon tomorrow", "2026-11-24", time(12)),
        ("tomorrow 14:30", "2026-11-24", time(14, 30)),
        ("2026-12-01 09:15", "2026-12-01", time(9, 15)),
        ("2026-12-01T09:15", "2026-12-01", time(9, 15)),
        ("2026-12-01t09:15:00", "2026-12-01", time(9, 15)),
        ("dec 20 10:30", "2026-12-20", time(10, 30)),
        ("20 dec 2026 9am", "2026-12-20", time(9)),
        ("eoq+2w 9am", "2027-01-14", time(9)),
        ("9am eom-1d", "2026-11-29", time(9)),
        ("in 2 days at 8:45", "2026-11-25", time(8, 45)),
    ],
)
def test_parse_when_with_time(text: str, day: str, at: time) -> None:
    assert parse_when(text, MON) == When(d(day), at)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("fri", "2026-11-27"),
        ("now", "2026-11-23"),  # the clock is never read: no time
        ("today", "2026-11-23"),
        ("eoq+2w", "2027-01-14"),
        ("2026-12-20", "2026-12-20"),
    ],
)
def test_parse_when_without_time(text: str, day: str) -> None:
    assert parse_when(text, MON) == When(d(day), None)


def test_when_is_frozen() -> None:
    when = When(MON, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        when.time = time(9)  # type: ignore[misc]


def test_parse_when_uses_fiscal_year() -> None:
    assert parse_when("eoy 5pm", MON, fiscal_year_start=4) == When(date(2027, 3, 31), time(17))


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-30", OUT_OF_RANGE),
        ("2027-02-29", OUT_OF_RANGE),
        ("2026-04-31", OUT_OF_RANGE),
        ("2026-13-01", "month must be in 1..12"),
        ("feb 30", OUT_OF_RANGE),
        ("dec 32", OUT_OF_RANGE),
        ("feb 29 2027", OUT_OF_RANGE),
        ("+99999y", "is out of range"),
        ("in 9999999999 days", "is out of range"),
        ("fri 10am", "takes a date, not a time"),
        ("10am", "takes a date, not a time"),
        ("2026-12-01T09:15", "takes a date, not a time"),
        ("blah", HINT),
        ("fri fri", HINT),
        ("next", HINT),
        ("+3", HINT),
        ("3x", HINT),
        ("+1h", HINT),
        ("in 3 days ago", HINT),
        ("2026-12-20-", HINT),
        ("20/12/2026", HINT),
        ("2026-12/20", HINT),
        ("funday", HINT),
        ("next funday", HINT),
        ("eod", HINT),
        ("today+", HINT),
        ("decmber 20", HINT),
        ("fri10am", HINT),
        ("at", HINT),
    ],
)
def test_parse_date_refuses(text: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_date(text, MON)
    err = caught.value
    assert err.field == "date"
    assert err.value == text
    assert err.reason == reason
    assert str(err) == f"date: {text!r} {reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", "hour must be 0..23"),
        ("24:00", "hour must be 0..23"),
        ("fri 25:00", "hour must be 0..23"),
        ("13pm", "hour must be 1..12 with am/pm"),
        ("0am", "hour must be 1..12 with am/pm"),
        ("10:60", "minute and second must be 0..59"),
        ("10:75am", "minute and second must be 0..59"),
        ("fri 10am 11am", "names more than one time"),
        ("2026-02-30 10am", OUT_OF_RANGE),
        ("funday 10am", HINT),
        ("blah", HINT),
    ],
)
def test_parse_when_refuses(text: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_when(text, MON)
    err = caught.value
    assert err.field == "due"
    assert err.reason == reason
    assert repr(text) in str(err)
    assert str(err).startswith("due: ")


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_date(text, MON)
    assert caught.value.field == "date"
    shown = f" {text!r}" if text else ""  # errors.Invalid leaves an empty value out
    assert str(caught.value) == f"date:{shown} {HINT}"
    with pytest.raises(Invalid, match="is not a date"):
        parse_when(text, MON)


def test_custom_field_names_the_error() -> None:
    with pytest.raises(Invalid) as caught:
        parse_date("nope", MON, field="close")
    assert caught.value.field == "close"
    assert str(caught.value) == f"close: 'nope' {HINT}"
    with pytest.raises(Invalid) as caught:
        parse_when("25:00", MON, field="remind")
    assert caught.value.field == "remind"
    assert str(caught.value) == "remind: '25:00' hour must be 0..23"


def test_error_message_is_one_line() -> None:
    with pytest.raises(Invalid) as caught:
        parse_date("  blah  ", MON)
    assert "\n" not in str(caught.value)
    assert caught.value.value == "  blah  "  # the text as typed


# --- strict ISO ----------------------------------------------------------------------------


def test_parse_iso_date_accepts_only_yyyy_mm_dd() -> None:
    assert parse_iso_date("2026-12-20") == date(2026, 12, 20)
    assert parse_iso_date("2028-02-29") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-29", OUT_OF_RANGE),
        ("2026-02-30", OUT_OF_RANGE),
        ("2026-13-01", "month must be in 1..12"),
        ("2026/12/20", "is not a date in YYYY-MM-DD form"),
        ("2026-1-5", "is not a date in YYYY-MM-DD form"),
        (" 2026-12-20", "is not a date in YYYY-MM-DD form"),
        ("20261220", "is not a date in YYYY-MM-DD form"),
        ("2026-12-20T10:00", "is not a date in YYYY-MM-DD form"),
        ("today", "is not a date in YYYY-MM-DD form"),
        ("٢٠٢٦-١٢-٢٠", "is not a date in YYYY-MM-DD form"),  # non-ASCII digits
    ],
)
def test_parse_iso_date_refuses(text: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_iso_date(text, field="since")
    assert caught.value.field == "since"
    assert caught.value.reason == reason
    assert str(caught.value) == f"since: {text!r} {reason}"


def test_parse_iso_date_empty() -> None:
    with pytest.raises(Invalid) as caught:
        parse_iso_date("")
    assert str(caught.value) == "date: is not a date in YYYY-MM-DD form"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年12月20日", "2026-12-20"),
        ("2026 年 1 月 5 号", "2026-01-05"),
        ("20.12.2026", "2026-12-20"),
        ("5.1.2027", "2027-01-05"),
        ("20.12.2026+1w", "2026-12-27"),
    ],
)
def test_the_unambiguous_import_forms_are_read_on_the_command_line(
    text: str, expected: str
) -> None:
    assert parse_date(text, date(2026, 12, 3)) == date.fromisoformat(expected)
    # the import reader gives the same day for the same text (one calendar for both)
    if "+" not in text:
        assert parse_import_date(text) == date.fromisoformat(expected)


def test_impossible_dotted_and_cjk_dates_are_refused_naming_the_field() -> None:
    for text in ("31.02.2026", "2026年13月1日"):
        with pytest.raises(Invalid, match="close"):
            parse_date(text, date(2026, 12, 3), field="close")
