"""Dates in import files: the styles other systems write, day/month order, and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pipecli.core.dates import guess_dayfirst, parse_import_date, parse_import_datetime
from pipecli.core.errors import Invalid

MARCH_14 = date(2026, 3, 14)


@pytest.mark.parametrize(
    "text",
    ["2026-03-14", "2026-3-14", "2026/3/14", "2026.03.14", "3/14/2026", "14.3.2026",
     "2026年3月14日", "2026 年 3 月 14 号", "46095", "46095.5", "2026-03-14T09:30:00",
     " 3/14/2026 10:30 "],
)  # fmt: skip
def test_styles(text: str) -> None:
    assert parse_import_date(text) == MARCH_14


def test_day_first() -> None:
    assert parse_import_date("4/3/2026", dayfirst=True) == date(2026, 3, 4)
    assert parse_import_date("4/3/2026") == date(2026, 4, 3)
    assert guess_dayfirst(["1/2/2026", "", "25/12/2026"]) is True
    assert guess_dayfirst(["1/2/2026", "12/25/2026"]) is False
    with pytest.raises(Invalid, match="month/day/year"):
        parse_import_date("25/12/2026")


def test_timestamps_are_utc() -> None:
    assert parse_import_datetime("2024-01-22T16:14:25.000+0000") == datetime(
        2024, 1, 22, 16, 14, 25, tzinfo=UTC
    )
    assert parse_import_datetime("2024-01-22T16:14:25+08:00") == datetime(
        2024, 1, 22, 8, 14, 25, tzinfo=UTC
    )
    assert parse_import_datetime("1/22/2024 16:14 -0500") == datetime(
        2024, 1, 22, 21, 14, tzinfo=UTC
    )
    assert parse_import_datetime("2024-01-22") == datetime(2024, 1, 22, 12, tzinfo=UTC)
    moment = parse_import_datetime("2024-01-22T16:14:25Z")
    assert moment.tzinfo is not None and moment.utcoffset() == timezone(timedelta(0)).utcoffset(
        None
    )


@pytest.mark.parametrize(
    "text", ["2026-02-30", "13.13.2026", "soon", "2024", "31/31/2026", "2026-03-14T25:00"]
)
def test_refused_naming_field_and_value(text: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_import_date(text, field="close")
    assert str(err.value).startswith(f"close: {text!r}")
