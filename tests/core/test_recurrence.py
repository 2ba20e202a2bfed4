"""pipecli.core.recurrence: phrases -> RRULE, RRULE -> text, and next due dates by hand.

Calendar used below (ISO weeks, Monday first):
    Nov 2026: Mon 2, 9, 16, 23, 30; Tue 24; Fri 27 (the month's last Friday)
    Dec 2026: Mon 7 (first Monday), 14, 21, 28; Tue 8, 22; Fri 25 (last Friday)
    Jan 2027: Mon 4, 18; Fri 29 (last Friday);  Feb 2027: Mon 1; Fri 26 (last Friday)
    2028 is a leap year; 2029-2031 are not; 2032 is.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipecli.core.errors import Invalid
from pipecli.core.recurrence import describe_repeat, next_occurrence, parse_repeat

HINT = "is not a repeat rule; try 'every 2 weeks' or 'monthly on the last friday'"
OUT_OF_RANGE = "day is out of range for month"
CLAMP_31 = "BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
FEB_29 = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


# phrase, RRULE, describe_repeat(RRULE)
PHRASES = [
    ("daily", "FREQ=DAILY", "every day"),
    ("weekly", "FREQ=WEEKLY", "every week"),
    ("monthly", "FREQ=MONTHLY", "every month"),
    ("yearly", "FREQ=YEARLY", "every year"),
    ("annually", "FREQ=YEARLY", "every year"),
    ("quarterly", "FREQ=MONTHLY;INTERVAL=3", "every quarter"),
    ("every day", "FREQ=DAILY", "every day"),
    ("every 3 days", "FREQ=DAILY;INTERVAL=3", "every 3 days"),
    ("every 1 day", "FREQ=DAILY", "every day"),
    ("every week", "FREQ=WEEKLY", "every week"),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
    ("every other week", "FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
    ("every month", "FREQ=MONTHLY", "every month"),
    ("every 2 months", "FREQ=MONTHLY;INTERVAL=2", "every 2 months"),
    ("every 3 months", "FREQ=MONTHLY;INTERVAL=3", "every quarter"),
    ("every year", "FREQ=YEARLY", "every year"),
    ("every 2 years", "FREQ=YEARLY;INTERVAL=2", "every 2 years"),
    ("every quarter", "FREQ=MONTHLY;INTERVAL=3", "every quarter"),
    ("every 2 quarters", "FREQ=MONTHLY;INTERVAL=6", "every 2 quarters"),
    ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
    ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU", "every weekend"),
    ("every mon", "FREQ=WEEKLY;BYDAY=MO", "every Monday"),
    ("every friday", "FREQ=WEEKLY;BYDAY=FR", "every Friday"),
    ("every mon,wed,fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "every Monday, Wednesday and Friday"),
    ("every mon, wed and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "every Monday, Wednesday and Friday"),
    ("every fri,mon", "FREQ=WEEKLY;BYDAY=MO,FR", "every Monday and Friday"),
    ("every monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH", "every Monday and Thursday"),
    ("every tues & thurs", "FREQ=WEEKLY;BYDAY=TU,TH", "every Tuesday and Thursday"),
    ("every mondays", "FREQ=WEEKLY;BYDAY=MO", "every Monday"),
    ("weekly on fri", "FREQ=WEEKLY;BYDAY=FR", "every Friday"),
    ("every 2 weeks on tue", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "every 2 weeks on Tuesday"),
    (
        "every 2 weeks on mon and thu",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "every 2 weeks on Monday and Thursday",
    ),
    (
        "every 2 weeks on weekdays",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR",
        "every 2 weeks on weekdays",
    ),
    ("monthly on the last friday", "FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Friday"),
    ("monthly on the first monday", "FREQ=MONTHLY;BYDAY=1MO", "every month on the first Monday"),
    (
        "every month on the 2nd tuesday",
        "FREQ=MONTHLY;BYDAY=2TU",
        "every month on the second Tuesday",
    ),
    ("monthly on the 4th thu", "FREQ=MONTHLY;BYDAY=4TH", "every month on the fourth Thursday"),
    ("monthly on the fifth friday", "FREQ=MONTHLY;BYDAY=5FR", "every month on the fifth Friday"),
    ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15", "every month on the 15th"),
    ("monthly on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", "every month on the 1st"),
    ("monthly on 2", "FREQ=MONTHLY;BYMONTHDAY=2", "every month on the 2nd"),
    ("monthly on the 23rd", "FREQ=MONTHLY;BYMONTHDAY=23", "every month on the 23rd"),
    ("monthly on the 11th", "FREQ=MONTHLY;BYMONTHDAY=11", "every month on the 11th"),
    ("monthly on the 28th", "FREQ=MONTHLY;BYMONTHDAY=28", "every month on the 28th"),
    ("monthly on the 29th", "FREQ=MONTHLY;BYMONTHDAY=28,29;BYSETPOS=-1", "every month on the 29th"),
    (
        "monthly on the 30th",
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1",
        "every month on the 30th",
    ),
    ("every month on the 31st", f"FREQ=MONTHLY;{CLAMP_31}", "every month on the 31st"),
    (
        "every 3 months on the 15th",
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
        "every quarter on the 15th",
    ),
    ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1", "every month on the last day"),
    (
        "quarterly on the last day",
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1",
        "every quarter on the last day",
    ),
    ("every year on dec 20", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "every year on Dec 20"),
    ("every year on 20 december", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "every year on Dec 20"),
    ("annually on december 20th", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "every year on Dec 20"),
    ("yearly on 1 jan", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1", "every year on Jan 1"),
    ("every year on apr 30", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=30", "every year on Apr 30"),
    (
        "every year on feb 29",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1",
        "every year on Feb 29",
    ),
    # typed case and spacing do not matter
    ("Every 2 Weeks On TUE", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "every 2 weeks on Tuesday"),
    ("  every   week  ", "FREQ=WEEKLY", "every week"),
    # an RRULE typed directly is validated and kept
    ("FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
    ("freq=monthly;byday=-1fr", "FREQ=MONTHLY;BYDAY=-1FR", "every month on the last Friday"),
    ("RRULE:FREQ=DAILY", "FREQ=DAILY", "every day"),
]


@pytest.mark.parametrize(("phrase", "rule", "text"), PHRASES)
def test_parse_repeat(phrase: str, rule: str, text: str) -> None:
    assert parse_repeat(phrase) == rule


@pytest.mark.parametrize(("phrase", "rule", "text"), PHRASES)
def test_describe_repeat(phrase: str, rule: str, text: str) -> None:
    assert describe_repeat(rule) == text


@pytest.mark.parametrize(("phrase", "rule", "text"), PHRASES)
def test_description_reads_back_to_the_same_rule(phrase: str, rule: str, text: str) -> None:
    assert parse_repeat(text) == rule


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=WEEKLY;WKST=MO", "every week"),  # Monday is the assumed week start
        ("FREQ=WEEKLY;BYDAY=FR,MO", "every Monday and Friday"),
        ("FREQ=MONTHLY;BYDAY=+1MO", "every month on the first Monday"),
        ("FREQ=MONTHLY;BYMONTHDAY=12", "every month on the 12th"),
        ("FREQ=MONTHLY;BYMONTHDAY=13", "every month on the 13th"),
        ("FREQ=MONTHLY;BYMONTHDAY=21", "every month on the 21st"),
        ("FREQ=MONTHLY;BYMONTHDAY=22", "every month on the 22nd"),
        ("FREQ=MONTHLY;BYMONTHDAY=3", "every month on the 3rd"),
    ],
)
def test_describe_other_written_rules(rule: str, text: str) -> None:
    assert describe_repeat(rule) == text


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=-2FR",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9",
        "FREQ=WEEKLY;WKST=SU",
        "FREQ=HOURLY",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1",
        "FREQ=MONTHLY;BYMONTHDAY=27,28;BYSETPOS=-1",
        "FREQ=DAILY;INTERVAL=0",
        "garbage",
        "",
    ],
)
def test_describe_leaves_unknown_rules_as_they_are(rule: str) -> None:
    assert describe_repeat(rule) == rule


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("", HINT),
        ("every", HINT),
        ("sometimes", HINT),
        ("hourly", HINT),
        ("every hour", HINT),
        ("every funday", HINT),
        ("every mon and funday", HINT),
        ("daily on mon", HINT),
        ("weekly on the 15th", HINT),
        ("monthly on fri", HINT),
        ("monthly on the last funday", HINT),
        ("monthly on the 6th friday", HINT),
        ("every mon on the 1st", HINT),
        ("every year on the 15th", HINT),
        ("every year on smarch 3", HINT),
        ("every 0 days", "needs an interval of at least 1"),
        ("monthly on the 32nd", OUT_OF_RANGE),
        ("monthly on the 0th", OUT_OF_RANGE),
        ("every year on feb 30", OUT_OF_RANGE),
        ("every year on apr 31", OUT_OF_RANGE),
        ("FREQ=HOURLY", "is not a valid RRULE: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=BOGUS", "is not a valid RRULE: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;COUNT=3", "is not a valid RRULE: COUNT and UNTIL are not supported"),
        ("FREQ=WEEKLY;UNTIL=20270101", "is not a valid RRULE: COUNT and UNTIL are not supported"),
        (
            "FREQ=WEEKLY;INTERVAL=0",
            "is not a valid RRULE: INTERVAL must be a whole number of at least 1",
        ),
        ("FREQ=WEEKLY;BYDAY=XX", "is not a valid RRULE: invalid 'BYDAY': XX"),
        ("FREQ=WEEKLY;FOO=1", "is not a valid RRULE: unknown parameter 'FOO'"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "is not a valid RRULE: it never happens"),
        ("FREQ=", "is not a valid RRULE: bad part 'FREQ='"),
    ],
)
def test_parse_repeat_refuses(phrase: str, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_repeat(phrase)
    err = caught.value
    assert err.field == "repeat"
    assert err.value == phrase
    assert err.reason == reason
    if phrase:
        assert str(err) == f"repeat: {phrase!r} {reason}"


def test_parse_repeat_custom_field() -> None:
    with pytest.raises(Invalid) as caught:
        parse_repeat("now and then", field="every")
    assert caught.value.field == "every"
    assert str(caught.value) == f"every: 'now and then' {HINT}"


# --- next_occurrence -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "due", "today", "expected"),
    [
        # every 2 weeks, due Monday Nov 23: occurrences Nov 23, Dec 7, Dec 21, Jan 4, Jan 18, Feb 1
        ("FREQ=WEEKLY;INTERVAL=2", "2026-11-23", "2026-11-23", "2026-12-07"),
        ("FREQ=WEEKLY;INTERVAL=2", "2026-11-23", "2026-11-20", "2026-12-07"),  # early
        ("FREQ=WEEKLY;INTERVAL=2", "2026-11-23", "2026-11-30", "2026-12-07"),  # late
        ("FREQ=WEEKLY;INTERVAL=2", "2026-11-23", "2026-12-07", "2026-12-07"),
        ("FREQ=WEEKLY;INTERVAL=2", "2026-11-23", "2026-12-08", "2026-12-21"),
        ("FREQ=WEEKLY;INTERVAL=2", "2026-11-23", "2027-01-20", "2027-02-01"),  # very late
        # every 2 weeks on Tuesday, due Tue Nov 24: Nov 24, Dec 8, Dec 22
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-11-24", "2026-11-24", "2026-12-08"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-11-24", "2026-12-03", "2026-12-08"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-11-24", "2026-12-09", "2026-12-22"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-11-23", "2026-11-23", "2026-11-24"),
        # several days a week
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-11-23", "2026-11-23", "2026-11-25"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "2026-11-27", "2026-11-27", "2026-11-30"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-11-27", "2026-11-27", "2026-11-30"),
        ("FREQ=WEEKLY", "2026-12-07", "2026-11-30", "2026-12-14"),  # early
        # daily
        ("FREQ=DAILY", "2026-11-23", "2026-11-23", "2026-11-24"),
        ("FREQ=DAILY", "2026-11-23", "2026-11-22", "2026-11-24"),
        ("FREQ=DAILY", "2026-11-23", "2026-11-30", "2026-11-30"),
        ("FREQ=DAILY;INTERVAL=3", "2026-11-23", "2026-11-30", "2026-12-02"),
        # monthly on the last Friday: Nov 27, Dec 25, Jan 29, Feb 26
        ("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-27", "2026-11-27", "2026-12-25"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2026-12-25", "2026-12-25", "2027-01-29"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2027-01-29", "2027-01-29", "2027-02-26"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-27", "2026-11-20", "2026-12-25"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-27", "2027-01-29", "2027-01-29"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-27", "2027-02-01", "2027-02-26"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-23", "2026-11-23", "2026-11-27"),
        # first Monday: Nov 2, Dec 7, Jan 4
        ("FREQ=MONTHLY;BYDAY=1MO", "2026-11-02", "2026-11-02", "2026-12-07"),
        ("FREQ=MONTHLY;BYDAY=1MO", "2026-11-02", "2026-12-10", "2027-01-04"),
        # the 31st, clamped to short months
        (f"FREQ=MONTHLY;{CLAMP_31}", "2026-01-31", "2026-01-31", "2026-02-28"),
        (f"FREQ=MONTHLY;{CLAMP_31}", "2026-02-28", "2026-02-28", "2026-03-31"),
        (f"FREQ=MONTHLY;{CLAMP_31}", "2026-03-31", "2026-03-31", "2026-04-30"),
        (f"FREQ=MONTHLY;{CLAMP_31}", "2026-04-30", "2026-04-30", "2026-05-31"),
        (f"FREQ=MONTHLY;{CLAMP_31}", "2028-01-31", "2028-01-31", "2028-02-29"),
        (f"FREQ=MONTHLY;{CLAMP_31}", "2026-01-31", "2026-04-10", "2026-04-30"),
        ("FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1", "2026-01-30", "2026-01-30", "2026-02-28"),
        ("FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1", "2026-02-28", "2026-02-28", "2026-03-30"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31", "2026-01-31", "2026-02-28"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-02-28", "2026-02-28", "2026-03-31"),
        # the 15th
        ("FREQ=MONTHLY;BYMONTHDAY=15", "2026-11-15", "2026-11-15", "2026-12-15"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "2026-11-20", "2026-11-20", "2026-12-15"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "2026-11-15", "2026-11-01", "2026-12-15"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "2026-11-15", "2027-02-16", "2027-03-15"),
        # plain monthly keeps the due date's day, clamped
        ("FREQ=MONTHLY", "2026-11-23", "2026-11-23", "2026-12-23"),
        ("FREQ=MONTHLY", "2026-01-31", "2026-01-31", "2026-02-28"),
        ("FREQ=MONTHLY", "2026-02-28", "2026-02-28", "2026-03-28"),
        ("FREQ=MONTHLY", "2026-03-31", "2026-03-31", "2026-04-30"),
        ("FREQ=MONTHLY", "2026-01-30", "2026-01-30", "2026-02-28"),
        ("FREQ=MONTHLY", "2026-01-31", "2026-03-05", "2026-03-31"),
        ("FREQ=MONTHLY;INTERVAL=3", "2026-11-30", "2026-11-30", "2027-02-28"),
        ("FREQ=MONTHLY;INTERVAL=3", "2026-12-31", "2026-12-31", "2027-03-31"),
        ("FREQ=MONTHLY;INTERVAL=3", "2026-01-15", "2026-08-01", "2026-10-15"),
        # yearly
        ("FREQ=YEARLY", "2026-12-20", "2026-12-20", "2027-12-20"),
        ("FREQ=YEARLY", "2028-02-29", "2028-02-29", "2029-02-28"),
        ("FREQ=YEARLY", "2024-12-20", "2026-11-23", "2026-12-20"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "2026-12-20", "2026-12-20", "2027-12-20"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20", "2026-12-01", "2026-12-01", "2026-12-20"),
        (FEB_29, "2028-02-29", "2028-02-29", "2029-02-28"),
        (FEB_29, "2029-02-28", "2029-02-28", "2030-02-28"),
        (FEB_29, "2031-02-28", "2031-02-28", "2032-02-29"),
    ],
)
def test_next_occurrence(rule: str, due: str, today: str, expected: str) -> None:
    assert next_occurrence(rule, d(due), d(today)) == d(expected)


def test_next_occurrence_from_parsed_phrases() -> None:
    rule = parse_repeat("monthly on the last friday")
    assert next_occurrence(rule, d("2026-11-27"), d("2026-11-27")) == d("2026-12-25")
    rule = parse_repeat("every month on the 31st")
    assert next_occurrence(rule, d("2026-01-31"), d("2026-01-31")) == d("2026-02-28")


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "garbage", "FREQ=WEEKLY;COUNT=2"])
def test_next_occurrence_refuses_rules_it_cannot_run(rule: str) -> None:
    with pytest.raises(ValueError):
        next_occurrence(rule, d("2026-11-23"), d("2026-11-23"))
