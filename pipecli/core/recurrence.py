"""Task repeat rules: human phrases <-> RFC 5545 RRULE strings, and the next due date.

Why it exists: a repeating task stores its rule as a plain RRULE string without DTSTART
("FREQ=WEEKLY;INTERVAL=2") - portable, what calendars speak, and what dateutil.rrule runs.
People type phrases instead ("every 2 weeks on tue"). This module is the only place that
translates between the two and decides when a completed task falls due again.

Decisions:

- Rules are date-only: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, and COUNT/UNTIL are
  refused (a repeat ends when the task's repeat is cleared), so there is always a next date.
- Weeks start on Monday (WKST=MO is assumed when a rule does not say), so "every 2 weeks on
  tue,fri" groups days the same way whatever the process's calendar settings are.
- "on the 29th/30th/31st" clamps to the month's last day where that day does not exist:
  it becomes BYMONTHDAY=28,...,N;BYSETPOS=-1 (plain rrule would skip such months). The
  same goes for "every year on feb 29". "on the last day" is BYMONTHDAY=-1.
- A rule with no day of its own ("monthly", "every 3 months", "yearly") repeats on the
  due date's day, clamped to the month end (due Jan 31 -> Feb 28). The next due date is
  then Feb 28 and the repeat carries on from there; use "monthly on the 31st" to keep
  month ends.
- "quarterly" / "every quarter" is FREQ=MONTHLY;INTERVAL=3.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil.rrule import rrule, rruleset, rrulestr

from pipecli.core.dates import DAY_NAMES, MONTH_NAMES, MONTHS, WEEKDAYS
from pipecli.core.errors import Invalid

__all__ = ["describe_repeat", "next_occurrence", "parse_repeat"]

HINT = "is not a repeat rule; try 'every 2 weeks' or 'monthly on the last friday'"
_LATE = datetime(9800, 1, 1)  # anchor for the "does it ever happen" check in parse_repeat

_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_ORDINAL_WORDS = {n: word for word, n in _ORDINALS.items()}
_ADVERBS = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "monthly": ("MONTHLY", 1),
    "quarterly": ("MONTHLY", 3),
    "yearly": ("YEARLY", 1),
    "annually": ("YEARLY", 1),
}
_UNITS = {
    "day": ("DAILY", 1),
    "week": ("WEEKLY", 1),
    "month": ("MONTHLY", 1),
    "quarter": ("MONTHLY", 3),
    "year": ("YEARLY", 1),
}
_UNIT_NAMES = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_GROUPS = {
    "weekday": (0, 1, 2, 3, 4),
    "weekdays": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
    "weekends": (5, 6),
}

_PHRASE = re.compile(
    rf"(?:(?P<adverb>{'|'.join(_ADVERBS)})"
    r"|every (?:(?P<n>\d+|other) )?(?P<unit>day|week|month|quarter|year)s?"
    r"|every (?P<days>[a-z, &]+?))"
    r"(?: on (?:the )?(?P<on>.+))?",
    re.ASCII,
)
_NTH_WEEKDAY = re.compile(
    rf"(?P<ord>{'|'.join(_ORDINALS)}|[1-5](?:st|nd|rd|th)) (?P<wd>[a-z]+)", re.ASCII
)
_MONTH_DAY = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?", re.ASCII)
_YEAR_DAY = re.compile(
    r"(?P<mon>[a-z]+)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"|(?P<day2>\d{1,2})(?:st|nd|rd|th)? (?:of )?(?P<mon2>[a-z]+)\.?",
    re.ASCII,
)


class _Refused(Exception):
    """Internal: the phrase was refused for `reason`; parse_repeat adds the field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_repeat(text: str, *, field: str = "repeat") -> str:
    """A human repeat phrase (or an RRULE typed directly) -> an RRULE string without DTSTART."""
    s = " ".join(text.lower().split())
    try:
        if s.removeprefix("rrule:").startswith("freq="):
            rule = "".join(s.split()).upper().removeprefix("RRULE:")
            # Anchored late so that a rule that never happens (Feb 30) is refused in
            # milliseconds: rrule searches up to year 9999 before giving up.
            if _load(rule, _LATE).after(_LATE, inc=True) is None:
                raise ValueError("it never happens")
            return rule
        return _phrase(s)
    except _Refused as err:
        raise Invalid(field, text, err.reason) from None
    except ValueError as err:
        raise Invalid(field, text, f"is not a valid RRULE: {err}") from None


def _phrase(s: str) -> str:
    m = _PHRASE.fullmatch(s)
    if m is None:
        raise _Refused(HINT)
    if m["days"]:
        if m["on"]:
            raise _Refused(HINT)
        return f"FREQ=WEEKLY;BYDAY={_weekday_list(m['days'])}"
    freq, step = _ADVERBS[m["adverb"]] if m["adverb"] else _UNITS[m["unit"]]
    count = 2 if m["n"] == "other" else int(m["n"] or 1)
    if count < 1:
        raise _Refused("needs an interval of at least 1")
    parts = [f"FREQ={freq}"]
    if count * step > 1:
        parts.append(f"INTERVAL={count * step}")
    if m["on"]:
        parts.append(_on(freq, m["on"]))
    return ";".join(parts)


def _weekday_list(text: str) -> str:
    """'mon, wed and fri' -> 'MO,WE,FR' (in week order, no repeats)."""
    days: set[int] = set()
    for word in re.split(r"[ ,&]+", text):
        if word in ("", "and"):
            continue
        if word in _GROUPS:
            days.update(_GROUPS[word])
        elif (wd := WEEKDAYS.get(word, WEEKDAYS.get(word.removesuffix("s")))) is not None:
            days.add(wd)
        else:
            raise _Refused(HINT)
    if not days:
        raise _Refused(HINT)
    return ",".join(_CODES[d] for d in sorted(days))


def _on(freq: str, on: str) -> str:
    """The 'on ...' part of a phrase, as RRULE BY* parts for the given frequency."""
    if freq == "WEEKLY":
        return f"BYDAY={_weekday_list(on)}"
    if freq == "MONTHLY":
        if on == "last day":
            return "BYMONTHDAY=-1"
        if m := _NTH_WEEKDAY.fullmatch(on):
            n = _ORDINALS.get(m["ord"]) or int(m["ord"][0])
            if m["wd"] not in WEEKDAYS:
                raise _Refused(HINT)
            return f"BYDAY={n}{_CODES[WEEKDAYS[m['wd']]]}"
        if m := _MONTH_DAY.fullmatch(on):
            return _month_days(int(m["day"]), None)
    if freq == "YEARLY" and (m := _YEAR_DAY.fullmatch(on)):
        month = MONTHS.get(m["mon"] or m["mon2"])
        if month is None:
            raise _Refused(HINT)
        return f"BYMONTH={month};{_month_days(int(m['day'] or m['day2']), month)}"
    raise _Refused(HINT)


def _month_days(day: int, month: int | None) -> str:
    """BYMONTHDAY for `day`, clamped to the month end in months too short for it."""
    longest = {None: 31, 2: 29, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
    shortest = 28 if month in (None, 2) else longest
    if not 1 <= day <= longest:
        raise _Refused("day is out of range for month")
    if day <= shortest:
        return f"BYMONTHDAY={day}"
    return f"BYMONTHDAY={','.join(str(d) for d in range(28, day + 1))};BYSETPOS=-1"


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, eq, value = part.partition("=")
        if not eq or not value or name in parts:
            raise ValueError(f"bad part {part!r}")
        parts[name] = value
    return parts


def _load(rule: str, start: datetime) -> rrule | rruleset:
    """The runnable rule anchored at `start`; ValueError when pipecli cannot run it."""
    parts = _parts(rule)
    if parts.get("FREQ") not in _UNIT_NAMES:
        raise ValueError("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    if "COUNT" in parts or "UNTIL" in parts:
        raise ValueError("COUNT and UNTIL are not supported")
    if not parts.get("INTERVAL", "1").isdigit() or int(parts.get("INTERVAL", "1")) < 1:
        raise ValueError("INTERVAL must be a whole number of at least 1")
    if "WKST" not in parts:
        rule += ";WKST=MO"
    return rrulestr(rule, dtstart=start)


def next_occurrence(rule: str, due: date, today: date) -> date:
    """The next due date after completing, on `today`, a task due `due` under `rule`.

    The rule is anchored at `due`. Completed late (today > due), the next date is the first
    occurrence on or after today, so missed periods are skipped; completed on time or early,
    it is the first occurrence after `due`.
    """
    start = datetime(due.year, due.month, due.day)
    loaded = _load(_with_due_day(rule, due), start)
    if today > due:
        found = loaded.after(datetime(today.year, today.month, today.day), inc=True)
    else:
        found = loaded.after(start, inc=False)
    if found is None:  # parse_repeat refuses rules that never happen
        raise ValueError(f"{rule!r} has no occurrence after {due}")
    return found.date()


def _with_due_day(rule: str, due: date) -> str:
    """Add month-end clamping to a monthly/yearly rule that repeats on the due date's day."""
    parts = _parts(rule)
    if any(name.startswith("BY") for name in parts):
        return rule
    if parts.get("FREQ") == "MONTHLY" and due.day > 28:
        return f"{rule};{_month_days(due.day, None)}"
    if parts.get("FREQ") == "YEARLY" and (due.month, due.day) == (2, 29):
        return f"{rule};BYMONTH=2;{_month_days(29, 2)}"
    return rule


def describe_repeat(rule: str) -> str:
    """An RRULE -> short human text that parse_repeat reads back to the same rule.

    Rules this module would not have written itself are returned unchanged.
    """
    try:
        parts = _parts(rule)
    except ValueError:
        return rule
    freq, interval = parts.pop("FREQ", ""), parts.pop("INTERVAL", "1")
    if parts.get("WKST") == "MO":
        del parts["WKST"]
    if freq not in _UNIT_NAMES or not interval.isdigit() or int(interval) < 1:
        return rule
    on = _describe_on(freq, parts)
    if on is None:
        return rule
    if freq == "WEEKLY" and interval == "1" and on:
        return f"every {on}"
    every = _describe_every(freq, int(interval))
    if freq == "WEEKLY" and on in ("weekday", "weekend"):
        on += "s"
    return f"{every} on {on}" if on else every


def _describe_every(freq: str, interval: int) -> str:
    if freq == "MONTHLY" and interval % 3 == 0:
        unit, interval = "quarter", interval // 3
    else:
        unit = _UNIT_NAMES[freq]
    return f"every {unit}" if interval == 1 else f"every {interval} {unit}s"


def _describe_on(freq: str, parts: dict[str, str]) -> str | None:
    """The 'on ...' text for the BY* parts, '' when there are none, None when unknown."""
    if not parts:
        return ""
    key = ";".join(f"{name}={value}" for name, value in parts.items())
    if freq == "WEEKLY" and set(parts) == {"BYDAY"}:
        return _describe_days(parts["BYDAY"])
    if freq == "MONTHLY":
        if key == "BYMONTHDAY=-1":
            return "the last day"
        if m := re.fullmatch(r"BYDAY=([+-]?[1-5])(MO|TU|WE|TH|FR|SA|SU)", key):
            word = _ORDINAL_WORDS.get(int(m[1]))
            return None if word is None else f"the {word} {DAY_NAMES[_CODES.index(m[2])]}"
        if (day := _clamped_day(key)) is not None:
            return f"the {_ordinal(day)}"
    if freq == "YEARLY" and (m := re.fullmatch(r"BYMONTH=(\d{1,2});(.*)", key)):
        month, day = int(m[1]), _clamped_day(m[2])
        if day is None or not 1 <= month <= 12:
            return None
        try:
            _month_days(day, month)
        except _Refused:
            return None
        return f"{MONTH_NAMES[month - 1][:3]} {day}"
    return None


def _clamped_day(key: str) -> int | None:
    """The day N of 'BYMONTHDAY=N' or of its clamped form 'BYMONTHDAY=28,..,N;BYSETPOS=-1'."""
    if m := re.fullmatch(r"BYMONTHDAY=([1-9]|[12]\d|3[01])", key):
        return int(m[1])
    if m := re.fullmatch(r"BYMONTHDAY=28((?:,\d\d)*);BYSETPOS=-1", key):
        days = [28, *(int(d) for d in m[1].split(",")[1:])]
        if days == list(range(28, days[-1] + 1)) and len(days) > 1:
            return days[-1]
    return None


def _describe_days(byday: str) -> str | None:
    codes = byday.split(",")
    if any(code not in _CODES for code in codes) or len(set(codes)) != len(codes):
        return None
    if codes == list(_CODES[:5]):
        return "weekday"
    if codes == list(_CODES[5:]):
        return "weekend"
    names = [DAY_NAMES[_CODES.index(code)] for code in sorted(codes, key=_CODES.index)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
