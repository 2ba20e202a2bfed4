"""The one parser of human date text in pipecli.

Why it exists: dates are typed in many places (close dates, task due dates, report ranges,
filters), and every one of them must understand "fri", "eoq+2w" or "tomorrow 10am" the same
way, with the same fiscal-quarter rules and the same error messages. All front ends call
these functions; nothing else in pipecli parses date text.

The functions are pure: they never read the clock. The caller passes `today`, which keeps
them deterministic and lets the caller decide the time zone.

Grammar (case-insensitive, surrounding and repeated whitespace ignored):

    2026-12-20  2026/12/20  dec 20  20 dec  december 20 2026  20 December 2026
    today  tomorrow  yesterday  now
    fri  friday  this fri  next fri  last fri
    +3d  -2w  +1m  +1q  +1y  3d  in 3 days  3 days ago
    eow  eom  eoq  eoy  sow  som  soq  soy  end of month  start of quarter
    next week  next month  next quarter  next year  last week  ...
    any of the above followed by signed offsets: eoq+2w  2026-11-22-3d  today + 3d
    times (parse_when only): 10am  10:30am  10 am  14:30  noon  midnight  at 10am
        before or after the date: fri 10am  10am fri  2026-12-01T09:15

Meanings:

- A month-day with no year is the next such date on or after today.
- A bare weekday ("fri", "this fri") is the nearest such day on or after today; "next fri"
  is that weekday in the following ISO week (Monday first); "last fri" is the most recent
  one strictly before today.
- Offset units: d days, w weeks, m months, q quarters (3 months), y years. Months, quarters
  and years are clamped to the month end (Jan 31 +1m = Feb 28). Several offsets apply left
  to right.
- "next week" / "next month" / ... is today plus one unit; "last ..." is today minus one.
- eow/sow are the ISO week's Sunday/Monday, eom/som the calendar month's ends, and
  eoq/soq/eoy/soy the ends of the *fiscal* quarter and year, which start in the month
  `fiscal_year_start` (1 = January, so calendar quarters).
- "now" is today; the time of day is never known here, so it carries no time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from pipecli.core.errors import Invalid

__all__ = [
    "DAY_NAMES",
    "MONTHS",
    "MONTH_NAMES",
    "PERIOD_UNITS",
    "WEEKDAYS",
    "When",
    "add_period",
    "describe_period",
    "fiscal_year_bounds",
    "guess_dayfirst",
    "parse_date",
    "parse_import_date",
    "parse_import_datetime",
    "parse_iso_date",
    "parse_period",
    "parse_when",
    "quarter_bounds",
]

HINT = "is not a date; try 2026-12-20, today, fri, +3d, eoq or eoq+2w"

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Lower-case weekday name (full, 3-letter and common abbreviations) -> 0 (Monday) .. 6.
WEEKDAYS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{name[:3].lower(): i for i, name in enumerate(DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
# Lower-case month name (full, 3-letter, "sept") -> 1 .. 12.
MONTHS: dict[str, int] = {
    **{name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}


@dataclass(frozen=True)
class When:
    """A parsed date with an optional time of day."""

    date: datetime.date
    time: datetime.time | None  # None when the text named no time


class _Refused(Exception):
    """Internal: the text was refused for `reason`; the public functions add the field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _alternation(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_UNIT = r"(?P<unit>d|days?|w|wks?|weeks?|m|mos?|months?|q|qtrs?|quarters?|y|yrs?|years?)"
_NUM_UNIT = rf"(?P<n>\d+) ?{_UNIT}"
_MON = rf"(?P<mon>{_alternation(MONTHS)})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,? (?P<year>\d{4}))?"
_WD = rf"(?P<wd>{_alternation(WEEKDAYS)})"

_OFFSET_TAIL = re.compile(rf"(?P<rest>.*?) ?(?P<sign>[+-]) ?{_NUM_UNIT}", re.ASCII)
_ISO_T = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})t(?=\d)", re.ASCII)
_ISO_STRICT = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIME = re.compile(
    r"(?:^|(?<= ))(?:at |@ ?)?"
    r"(?:(?P<word>noon|midnight)"
    r"|(?P<h12>\d{1,2})(?::(?P<m12>\d{2}))? ?(?P<ampm>[ap])\.?m\.?"
    r"|(?P<h24>\d{1,2}):(?P<m24>\d{2})(?::(?P<s24>\d{2}))?)"
    r"(?= |$)",
    re.ASCII,
)


def _check_fiscal(fiscal_year_start: int) -> None:
    if not 1 <= fiscal_year_start <= 12:
        raise ValueError(f"fiscal_year_start must be 1..12, not {fiscal_year_start!r}")


def quarter_bounds(d: date, fiscal_year_start: int = 1) -> tuple[date, date]:
    """First and last day of the fiscal quarter holding `d`."""
    _check_fiscal(fiscal_year_start)
    months_in = (d.month - fiscal_year_start) % 12
    start = d.replace(day=1) - relativedelta(months=months_in % 3)
    return start, start + relativedelta(months=3, days=-1)


def fiscal_year_bounds(d: date, fiscal_year_start: int = 1) -> tuple[date, date]:
    """First and last day of the fiscal year holding `d`."""
    _check_fiscal(fiscal_year_start)
    start = d.replace(day=1) - relativedelta(months=(d.month - fiscal_year_start) % 12)
    return start, start + relativedelta(years=1, days=-1)


YEAR_MIN, YEAR_MAX = 1900, 2200
"""Every date read (options, --as-of, imports) lies in these years: anything else is a typing
slip or a broken file, and would only break reports and other databases' date types."""
TEXT_MAX = 100  # characters: longer text is no date


def in_range(day: date, text: str, field: str) -> date:
    """`day` if its year is within YEAR_MIN..YEAR_MAX; Invalid naming the field otherwise."""
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise Invalid(field, text, f"is outside the years {YEAR_MIN}–{YEAR_MAX}")
    return day


def _short(text: str, field: str) -> None:
    if len(text) > TEXT_MAX:
        raise Invalid(field, None, f"is {len(text):,} characters long; no date is")


def parse_iso_date(text: str, *, field: str = "date") -> date:
    """Strict YYYY-MM-DD, for machine input (import files, API arguments)."""
    _short(text, field)
    m = _ISO_STRICT.fullmatch(text)
    if m is None:
        raise Invalid(field, text, "is not a date in YYYY-MM-DD form")
    try:
        return in_range(date(int(m[1]), int(m[2]), int(m[3])), text, field)
    except ValueError as err:
        raise Invalid(field, text, str(err)) from None


def parse_date(text: str, today: date, *, field: str = "date", fiscal_year_start: int = 1) -> date:
    """Parse human date text relative to `today`; text naming a time of day is refused."""
    _check_fiscal(fiscal_year_start)
    _short(text, field)
    try:
        rest, at = _split_time(_normalize(text))
        if at is not None:
            raise _Refused("takes a date, not a time")
        return in_range(_parse_day(rest, today, fiscal_year_start), text, field)
    except _Refused as err:
        raise Invalid(field, text, err.reason) from None


def parse_when(text: str, today: date, *, field: str = "due", fiscal_year_start: int = 1) -> When:
    """Parse human date text with an optional time of day; a time alone means today."""
    _check_fiscal(fiscal_year_start)
    _short(text, field)
    try:
        rest, at = _split_time(_normalize(text))
        clock = None if at is None else _make_time(at)
        day = in_range(_parse_day(rest, today, fiscal_year_start), text, field)
        return When(day, clock)
    except _Refused as err:
        raise Invalid(field, text, err.reason) from None


def _normalize(text: str) -> str:
    s = " ".join(text.lower().split())
    if not s:
        raise _Refused(HINT)
    return _ISO_T.sub(r"\1 ", s)


def _split_time(s: str) -> tuple[str, re.Match[str] | None]:
    """Take the one time expression out of `s`; return the rest and the time's match."""
    found = list(_TIME.finditer(s))
    if not found:
        return s, None
    if len(found) > 1:
        raise _Refused("names more than one time")
    m = found[0]
    return " ".join((s[: m.start()] + " " + s[m.end() :]).split()), m


def _make_time(m: re.Match[str]) -> datetime.time:
    if m["word"]:
        return datetime.time(12) if m["word"] == "noon" else datetime.time(0)
    if m["ampm"]:
        hour, minute, second = int(m["h12"]), int(m["m12"] or 0), 0
        if not 1 <= hour <= 12:
            raise _Refused("hour must be 1..12 with am/pm")
        hour = hour % 12 + (12 if m["ampm"] == "p" else 0)
    else:
        hour, minute, second = int(m["h24"]), int(m["m24"]), int(m["s24"] or 0)
        if hour > 23:
            raise _Refused("hour must be 0..23")
    if minute > 59 or second > 59:
        raise _Refused("minute and second must be 0..59")
    return datetime.time(hour, minute, second)


def _parse_day(s: str, today: date, fys: int) -> date:
    """A base expression followed by any number of signed offsets."""
    offsets: list[tuple[int, str]] = []
    while m := _OFFSET_TAIL.fullmatch(s):
        offsets.append((int(m["sign"] + m["n"]), m["unit"]))
        s = m["rest"]
    day = _base(s, today, fys)
    for n, unit in reversed(offsets):
        day = _shift(day, n, unit)
    return day


def _shift(day: date, n: int, unit: str) -> date:
    """`day` moved by n units; unit is anything starting with d, w, m, q or y."""
    try:
        if unit[0] == "d":
            return day + timedelta(days=n)
        if unit[0] == "w":
            return day + timedelta(weeks=n)
        return day + relativedelta(months=n * {"m": 1, "q": 3, "y": 12}[unit[0]])
    except (OverflowError, ValueError):
        raise _Refused("is out of range") from None


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as err:
        raise _Refused(str(err)) from None


def _base(s: str, today: date, fys: int) -> date:
    if not s:  # only offsets or a time were given
        return today
    for pattern, handler in _BASES:
        m = pattern.fullmatch(s)
        if m:
            return handler(m, today, fys)
    raise _Refused(HINT)


def _relative_word(m: re.Match[str], today: date, fys: int) -> date:
    return today + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(m[0], 0))


def _iso(m: re.Match[str], today: date, fys: int) -> date:
    return _make_date(int(m["y"]), int(m["m"]), int(m["d"]))


def _month_day(m: re.Match[str], today: date, fys: int) -> date:
    month, day = MONTHS[m["mon"]], int(m["day"])
    if m["year"]:
        return _make_date(int(m["year"]), month, day)
    _make_date(2000, month, day)  # a leap year: refuses only days no year has
    for year in range(today.year, today.year + 9):  # Feb 29 recurs within 8 years
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise _Refused("is out of range")


def _weekday(m: re.Match[str], today: date, fys: int) -> date:
    wd, now = WEEKDAYS[m["wd"]], today.weekday()
    if m["rel"] == "next":
        return today + timedelta(days=7 - now + wd)
    if m["rel"] == "last":
        return today - timedelta(days=(now - wd - 1) % 7 + 1)
    return today + timedelta(days=(wd - now) % 7)


def _offset(m: re.Match[str], today: date, fys: int) -> date:
    if m["in"] and m["ago"]:
        raise _Refused(HINT)
    n = int(m["n"])
    return _shift(today, -n if m["ago"] else n, m["unit"])


def _next_unit(m: re.Match[str], today: date, fys: int) -> date:
    return _shift(today, 1 if m["rel"] == "next" else -1, m["unit"])


def _anchor(m: re.Match[str], today: date, fys: int) -> date:
    end, unit = m["edge"] in ("eo", "end"), m["unit"][0]
    if unit == "w":
        start = today - timedelta(days=today.weekday())
        return start + timedelta(days=6) if end else start
    if unit == "m":
        first = today.replace(day=1)
        return first + relativedelta(months=1, days=-1) if end else first
    bounds = quarter_bounds(today, fys) if unit == "q" else fiscal_year_bounds(today, fys)
    return bounds[1] if end else bounds[0]


_Handler = Callable[[re.Match[str], date, int], date]
_BASES: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(p, re.ASCII), h)
    for p, h in [
        (r"today|now|tomorrow|yesterday", _relative_word),
        (r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})", _iso),
        # the unambiguous forms import reads too: 20.12.2026 (day first) and 2026年12月20日
        (r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})", _iso),
        (r"(?P<y>\d{4}) ?年 ?(?P<m>\d{1,2}) ?月 ?(?P<d>\d{1,2}) ?[日号]?", _iso),
        (rf"{_MON} {_DAY}{_YEAR}", _month_day),
        (rf"{_DAY} (?:of )?{_MON}{_YEAR}", _month_day),
        (rf"(?:(?P<rel>next|last|this) )?{_WD}", _weekday),
        (rf"(?P<in>in )?{_NUM_UNIT}(?P<ago> ago)?", _offset),
        (r"(?P<rel>next|last) (?P<unit>week|month|quarter|year)", _next_unit),
        (r"(?P<edge>eo|so)(?P<unit>[wmqy])", _anchor),
        (
            r"(?P<edge>end|start|beginning) of (?:the |this )?"
            r"(?P<unit>week|month|quarter|year)",
            _anchor,
        ),
    ]
]


# --- dates in import files -------------------------------------------------------------------
# Files from other systems write dates in fixed, machine-made styles rather than the human text
# above: 2026-03-14, 3/14/2026 or 14/3/2026, 14.3.2026, 2026/3/14, 2026年3月14日, Excel serial
# day numbers, and timestamps like 2024-01-22T16:14:25.000+0000. Slash dates are ambiguous;
# `guess_dayfirst` settles the order for a whole column, `dayfirst` overrides it.

_IMPORT_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", re.ASCII)
_IMPORT_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_IMPORT_DOTS = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_IMPORT_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_IMPORT_SERIAL = re.compile(r"\d{5}(?:\.\d+)?", re.ASCII)
_IMPORT_TIME = re.compile(
    r"(?P<date>[^\sT]+)(?:[T ](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug kept)
_IMPORT_HINT = "is not a date (expected e.g. 2026-03-14, 3/14/2026, 14.3.2026 or 2026年3月14日)"


def guess_dayfirst(values: Iterable[str]) -> bool:
    """Whether a column's d/m/yyyy dates put the day first: True once any first part is over 12.

    A column where some value has its first part over 12 and another its second part over 12
    mixes orders; the values that do not fit the guess are refused when parsed.
    """
    for value in values:
        m = _IMPORT_SLASH.match(value.strip())
        if m and int(m[1]) > 12:
            return True
    return False


def parse_import_date(text: str, *, field: str = "date", dayfirst: bool = False) -> date:
    """A date from an import file in any style listed above; a time part is ignored."""
    _short(text, field)
    return in_range(_import_parts(text, field, dayfirst)[0], text, field)


def parse_import_datetime(
    text: str, *, field: str = "date", dayfirst: bool = False
) -> datetime.datetime:
    """A moment from an import file, in UTC; no time means noon UTC, no zone means UTC."""
    _short(text, field)
    day, clock, zone = _import_parts(text, field, dayfirst)
    in_range(day, text, field)
    moment = datetime.datetime.combine(day, clock or datetime.time(12))
    return moment.replace(tzinfo=zone or datetime.UTC).astimezone(datetime.UTC)


def _import_parts(
    text: str, field: str, dayfirst: bool
) -> tuple[date, datetime.time | None, datetime.tzinfo | None]:
    s = text.strip()
    if len(s) >= 10 and s[4] == "-" and s[7] == "-":  # ISO: the common case, read directly
        try:
            if len(s) == 10:
                return date.fromisoformat(s), None, None
            moment = datetime.datetime.fromisoformat(s)
            return moment.date(), moment.time().replace(tzinfo=None), moment.tzinfo
        except ValueError:
            pass  # the general path below gives the precise message
    if m := _IMPORT_CJK.fullmatch(s):
        return _import_date(text, field, int(m[1]), int(m[2]), int(m[3])), None, None
    if _IMPORT_SERIAL.fullmatch(s) and 20000 <= float(s) < 80000:  # 1954 .. 2119
        return _EXCEL_EPOCH + timedelta(days=int(float(s))), None, None
    m = _IMPORT_TIME.fullmatch(s)
    if m is None:
        raise Invalid(field, text, _IMPORT_HINT)
    day = _import_day(text, m["date"], field, dayfirst)
    if m["h"] is None:
        return day, None, None
    try:
        clock = datetime.time(int(m["h"]), int(m["m"]), int(m["s"] or 0))
    except ValueError:
        raise Invalid(field, text, "has an impossible time of day") from None
    return day, clock, _zone(m["tz"])


def _import_day(text: str, s: str, field: str, dayfirst: bool) -> date:
    if m := _IMPORT_YMD.fullmatch(s):
        return _import_date(text, field, int(m[1]), int(m[2]), int(m[3]))
    if m := _IMPORT_DOTS.fullmatch(s):
        return _import_date(text, field, int(m[3]), int(m[2]), int(m[1]))
    if m := _IMPORT_SLASH.fullmatch(s):
        a, b = int(m[1]), int(m[2])
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12:
            order = "day/month" if dayfirst else "month/day"
            raise Invalid(field, text, f"is not a date read as {order}/year (see --dayfirst)")
        return _import_date(text, field, int(m[3]), month, day)
    raise Invalid(field, text, _IMPORT_HINT)


def _import_date(text: str, field: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as err:
        raise Invalid(field, text, str(err)) from None


def _zone(tz: str | None) -> datetime.tzinfo | None:
    if tz is None or tz == "Z":
        return datetime.UTC if tz else None
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return datetime.timezone(-offset if tz[0] == "-" else offset)


# --- periods: "every 14d", "2 weeks", "1 month" (follow-up cadences) ---

_PERIOD = re.compile(rf"^(?:every )?(?:(?P<n>\d+) ?)?{_UNIT}$", re.ASCII)
PERIOD_UNITS = {"d": "day", "w": "week", "m": "month", "q": "quarter", "y": "year"}


def parse_period(text: str, *, field: str = "every") -> tuple[int, str]:
    """A repeating period as (count, unit letter d/w/m/q/y): `14d`, `every 2 weeks`, `1 month`,
    `month` (one). Refused when the count is 0 or over ten years."""
    m = _PERIOD.match(" ".join(text.lower().split()))
    if m is None:
        raise Invalid(field, text, "is not a period; try 14d, 2 weeks, 1 month or 1 quarter")
    n, unit = int(m["n"] or 1), m["unit"][0]
    if not 1 <= n * {"d": 1, "w": 7, "m": 31, "q": 92, "y": 366}[unit] <= 3660:
        raise Invalid(field, text, "must be between 1 day and 10 years")
    return n, unit


def add_period(day: date, n: int, unit: str) -> date:
    """`day` plus n units (months clamp to the month's end: Jan 31 + 1 month = Feb 28)."""
    try:
        return _shift(day, n, unit)
    except _Refused as err:
        raise Invalid("date", day.isoformat(), err.reason) from None


def describe_period(n: int, unit: str) -> str:
    """`14 days`, `1 month`."""
    name = PERIOD_UNITS[unit]
    return f"{n} {name}" + ("" if n == 1 else "s")
