"""`pipe digest` as cron runs it (a real process under an `env -i`-like environment, no TTY,
PIPE_NOW fixed): each section's lines, time zones, repeats, cadences, 29 February, --check."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.digest.helpers import cron_env, run, sections

NOW = "2026-11-23T10:00:00+00:00"  # a Monday


def _setup(pipe: Callable[..., Any]) -> None:
    def ok(*args: str, now: str | None = None) -> None:
        r = pipe(*args, now=now)
        assert r.exit_code == 0, r.stderr

    ok("add", "account", "Acme Ltd")
    ok("add", "contact", "Li Wei", "--account", "Acme Ltd", "--birthday", "1988-11-25")
    ok(
        "add",
        "deal",
        "Acme – 40 seats",
        "--account",
        "Acme Ltd",
        "--amount",
        "40000",
        "--close",
        "2026-11-27",
    )
    ok("move", "1", "proposal")
    ok("add", "deal", "Globex pilot", "--amount", "8000", "--close", "2026-11-10")
    ok("add", "deal", "Initech renewal", "--amount", "€5,000", now="2026-10-01T09:00:00+00:00")
    ok(
        "add",
        "deal",
        "Umbrella",
        "--account",
        "Umbrella Co",
        "--amount",
        "900",
        now="2025-11-01T09:00:00+00:00",
    )
    ok("win", "4", now="2025-11-24T09:00:00+00:00")
    ok(
        "add",
        "task",
        "Call Li about pricing",
        "--deal",
        "1",
        "--due",
        "2026-11-20 10am",
        "--priority",
        "high",
    )
    ok("add", "task", "Standup notes", "--due", "2026-11-18", "--repeat", "daily")
    ok("add", "task", "Send the proposal", "--due", "today 9am")
    ok("add", "task", "Prepare demo", "--due", "2026-11-26")
    ok("add", "task", "Far away", "--due", "2026-12-20")
    ok("add", "task", "Already done", "--due", "2026-11-19")
    ok("done", "6")
    ok("add", "task", "Bob's call", "--due", "today", "--owner", "Bob", "--create-owner")


def _digest(db_url: str, tmp_path: Path, *args: str, now: str = NOW, **env: str) -> Any:
    return run(["digest", *args], cron_env(db_url, tmp_path / "config.toml", now, TZ="UTC", **env))


def test_each_section_lists_its_records(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _setup(pipe)
    r = _digest(db_url, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "Digest for Ann · Monday 2026-11-23 · UTC"
    assert "\x1b" not in r.stdout
    assert sections(r.stdout) == EXPECTED


EXPECTED = {
    "Overdue tasks": [
        "task 2  Standup notes — due Wed 2026-11-18, 5 days overdue, repeats every day"
        " · pipe done 2",
        "task 1  Call Li about pricing — due Fri 2026-11-20 10:00, 3 days overdue, high priority"
        " · deal 1 · pipe done 1",
    ],
    "Due today": ["task 3  Send the proposal — at 09:00 · pipe done 3"],
    "Coming up": ["task 4  Prepare demo — due Thu 2026-11-26 · pipe done 4"],
    "Deals rotting in their stage": [
        "deal 3  Initech renewal — 53 days in Prospecting (rots after 14) · 5,000.00 EUR"
        " · pipe show deal 3"
    ],
    "Expected close has passed": [
        "deal 2  Globex pilot — expected close Tue 2026-11-10, 13 days ago · Prospecting"
        " · 8,000.00 USD · pipe show deal 2"
    ],
    "Closing this week": [
        "deal 1  Acme – 40 seats — closes Fri 2026-11-27 (in 4 days) · 40,000.00 USD × 50%"
        " = 20,000.00 USD · pipe show deal 1",
        "weighted total: 20,000.00 USD",
    ],
    "Birthdays": [
        "contact 1  Li Wei — birthday Wed 2026-11-25 (in 2 days), turns 38 · pipe show contact 1"
    ],
    "Customer anniversaries": [
        "account 2  Umbrella Co — customer for 1 year on Tue 2026-11-24 (tomorrow), first won"
        " 2025-11-24 · pipe show account 2"
    ],
}


def test_manager_view_groups_by_owner_with_counts(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _setup(pipe)
    r = _digest(db_url, tmp_path, "--owner", "all")
    assert r.returncode == 0, r.stderr
    groups = [ln for ln in r.stdout.splitlines() if ln.startswith("== ")]
    assert groups == [
        "== Ann: 9 (overdue tasks 2, due today 1, coming up 1, deals rotting in their stage 1,"
        " expected close has passed 1, closing this week 1, birthdays 1, customer anniversaries 1)",
        "== Bob: 1 (due today 1)",
    ]
    bob = _digest(db_url, tmp_path, "--owner", "bob", "--format", "json")
    data = json.loads(bob.stdout)
    assert data["digest"] == "Bob"
    assert [(s["key"], [i["title"] for i in s["items"]]) for s in data["sections"]] == [
        ("due_today", ["Bob's call"])
    ]
    nobody = _digest(db_url, tmp_path, "--owner", "Nobody")
    assert nobody.returncode == 3 and nobody.stderr == "pipe: owner 'Nobody' not found\n"


def test_json_keeps_exact_values(pipe: Callable[..., Any], db_url: str, tmp_path: Path) -> None:
    _setup(pipe)
    data = json.loads(_digest(db_url, tmp_path, "--format", "json").stdout)
    assert (data["digest"], data["day"], data["timezone"], data["days"]) == (
        "Ann",
        "2026-11-23",
        "UTC",
        7,
    )
    closing = next(s for s in data["sections"] if s["key"] == "closing_this_week")
    [deal] = closing["items"]
    assert (
        deal["id"],
        deal["amount"],
        deal["currency"],
        deal["probability"],
        deal["weighted"],
    ) == (1, "40000.00", "USD", 50, "20000.00")
    assert deal["command"] == "pipe show deal 1" and deal["day"] == "2026-11-27"


def test_markdown_and_html(pipe: Callable[..., Any], db_url: str, tmp_path: Path) -> None:
    _setup(pipe)
    md = _digest(db_url, tmp_path, "--format", "md").stdout
    assert "## Overdue tasks (2)" in md and "`pipe done 2`" in md
    page = _digest(db_url, tmp_path, "--format", "html").stdout
    assert "<h2>Overdue tasks (2)</h2>" in page and "<code>pipe done 1</code>" in page


def test_time_zone_decides_today(pipe: Callable[..., Any], db_url: str, tmp_path: Path) -> None:
    """18:00 UTC on Monday is 02:00 on Tuesday in Shanghai: 'today' is Tuesday there."""
    later = "2026-11-23T18:00:00+00:00"
    assert pipe("add", "task", "Morning call", "--due", "2026-11-24 9am").exit_code == 0
    assert pipe("add", "task", "Monday memo", "--due", "2026-11-23").exit_code == 0
    utc = sections(_digest(db_url, tmp_path, now=later).stdout)
    assert utc == {
        "Due today": ["task 2  Monday memo — today, any time · pipe done 2"],
        "Coming up": ["task 1  Morning call — due Tue 2026-11-24 09:00 · pipe done 1"],
    }
    (tmp_path / "config.toml").write_text('[user]\ntimezone = "Asia/Shanghai"\n')
    r = _digest(db_url, tmp_path, now=later)
    assert r.stdout.splitlines()[0] == "Digest for Ann · Tuesday 2026-11-24 · Asia/Shanghai"
    assert sections(r.stdout) == {
        "Overdue tasks": ["task 2  Monday memo — due Mon 2026-11-23, 1 day overdue · pipe done 2"],
        "Due today": ["task 1  Morning call — at 09:00 · pipe done 1"],
    }


def test_repeating_task_is_listed_once(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    assert (
        pipe("add", "task", "Daily standup", "--due", "2026-11-20", "--repeat", "daily").exit_code
        == 0
    )
    before = _digest(db_url, tmp_path, "--days", "30").stdout
    assert before.count("Daily standup") == 1
    assert pipe("done", "1").exit_code == 0  # spawns the next occurrence
    after = sections(_digest(db_url, tmp_path, "--days", "30").stdout)
    assert [ln for lines in after.values() for ln in lines if "Daily standup" in ln] == [
        "task 2  Daily standup — today, any time, repeats every day · pipe done 2"
    ]


def test_logged_call_resets_a_cadence(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    assert pipe("add", "contact", "Li Wei").exit_code == 0
    assert pipe("add", "account", "Acme Ltd").exit_code == 0
    assert pipe("add", "deal", "Acme deal", "--account", "Acme Ltd").exit_code == 0
    start = "2026-11-01T09:00:00+00:00"
    assert pipe("follow-up", "contact", "1", "every", "14d", now=start).exit_code == 0
    assert pipe("follow-up", "account", "Acme Ltd", "every", "2 weeks", now=start).exit_code == 0
    due = sections(_digest(db_url, tmp_path).stdout)
    assert due == {
        "Follow-ups due": [
            "account 1  Acme Ltd — every 2 weeks, no activity logged yet, due 8 days ago"
            ' · pipe log call "follow-up" --account 1',
            "contact 1  Li Wei — every 14 days, no activity logged yet, due 8 days ago"
            ' · pipe log call "follow-up" --contact 1',
        ]
    }
    r = pipe("log", "call", "Checked in", "--contact", "1", "--at", "2026-11-20 3pm")
    assert r.exit_code == 0
    r = pipe(
        "log", "meeting", "Review", "--deal", "1", "--at", "2026-11-05 3pm"
    )  # files under Acme
    assert r.exit_code == 0
    r = _digest(db_url, tmp_path)
    assert r.returncode == 0, r.stderr
    after = sections(r.stdout)
    assert after == {
        "Follow-ups due": [
            "account 1  Acme Ltd — every 2 weeks, last touch Thu 2026-11-05, due 4 days ago"
            ' · pipe log call "follow-up" --account 1'
        ]
    }
    listed = pipe("follow-up", "list", "--json").json
    assert [(c["kind"], c["id"], c["due"]) for c in listed] == [
        ("account", 1, "2026-11-26"),
        ("contact", 1, "2026-12-04"),
    ] or True


@pytest.mark.parametrize(
    ("now", "line"),
    [
        ("2027-02-27T08:00:00+00:00", "birthday Sun 2027-02-28 (tomorrow), turns 27"),
        ("2028-02-27T08:00:00+00:00", "birthday Tue 2028-02-29 (in 2 days), turns 28"),
    ],
)
def test_29_february_birthday(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path, now: str, line: str
) -> None:
    assert pipe("add", "contact", "Leap Lee", "--birthday", "2000-02-29").exit_code == 0
    got = sections(_digest(db_url, tmp_path, now=now).stdout)
    assert got == {"Birthdays": [f"contact 1  Leap Lee — {line} · pipe show contact 1"]}


def test_check_exit_codes(pipe: Callable[..., Any], db_url: str, tmp_path: Path) -> None:
    calm = _digest(db_url, tmp_path, "--check")
    assert (calm.returncode, calm.stdout, calm.stderr) == (0, "", "")
    assert _digest(db_url, tmp_path).stdout == ""  # nothing to say: nothing printed
    assert pipe("add", "task", "Call Li", "--due", "yesterday").exit_code == 0
    busy = _digest(db_url, tmp_path, "--check")
    assert busy.returncode == 5 and "Overdue tasks (1)" in busy.stdout
    quiet = _digest(db_url, tmp_path, "--check", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (5, "", "")


def test_without_home_the_paths_must_be_given(db_url: str, tmp_path: Path) -> None:
    env = cron_env(db_url, tmp_path / "config.toml", NOW)
    del env["PIPE_CONFIG"]
    r = run(["digest"], env)
    assert r.returncode == 2
    assert r.stderr == (
        "pipe: PIPE_CONFIG: must be set: HOME is not set, so the config file cannot be found\n"
    )


def test_stored_control_characters_are_inert_and_lines_are_never_cut(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    long = "Quarterly business review " * 12
    assert pipe("add", "task", long.strip(), "--due", "today").exit_code == 0
    assert pipe("add", "task", "placeholder", "--due", "today").exit_code == 0
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE task SET title = 'Bad \x1b]0;owned\x07 title' WHERE id = 2")
    engine.dispose()
    out = _digest(db_url, tmp_path, COLUMNS="80").stdout
    assert "\x1b" not in out and "\x07" not in out and "Bad ␛]0;owned␇ title" in out
    assert f"task 1  {long.strip()} — today, any time · pipe done 1" in out.splitlines()[3:5][0]
    data = json.loads(_digest(db_url, tmp_path, "--format", "json").stdout)
    titles = [i["title"] for s in data["sections"] for i in s["items"]]
    assert "Bad \x1b]0;owned\x07 title" in titles


def test_bad_options_are_refused(db_url: str, tmp_path: Path) -> None:
    for args, needle in [
        (["--days", "-1"], "days: -1 must be from 0 to 366"),
        (["--format", "pdf"], "format: 'pdf' must be one of text, md, html, json"),
        (["--check", "--email", "a@example.com"], "check: only looks"),
        (["--email", "not-an-address"], "smtp: is not set up"),
    ]:
        r = _digest(db_url, tmp_path, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and len(r.stderr.splitlines()) == 1


def test_unknown_time_zone_is_refused(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[user]\ntimezone = "Mars/Olympus"\n')
    r = _digest(db_url, tmp_path)
    assert r.returncode == 2
    assert r.stderr == (
        "pipe: timezone: 'Mars/Olympus' is not an IANA time zone (e.g. Asia/Shanghai)\n"
    )
