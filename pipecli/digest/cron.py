"""`pipe digest cron "weekdays 8:00"`: the crontab line and the systemd timer that run the
digest on a schedule. Nothing is installed or changed: the user pastes what is printed.

The command is written to run under cron's bare environment: the absolute path of this `pipe`
(or of this Python with `-m pipecli`), and PIPE_CONFIG / PIPE_DB pointing at the files this run
uses, since cron may give no HOME. Each word is shell-quoted and `%` (which cron turns into a
newline) is escaped. A database URL holding a password is left out (the config file has it).

Schedules: `[DAYS] TIME`, DAYS one of daily / every day (default), weekdays, weekends, a day
(`mon`, `friday`) or a list or range of days (`mon,wed,fri`, `mon-thu`); TIME as `8:00`,
`08:30`, `8am`, `6:30pm` (read by pipecli.core.dates).
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from pipecli.core import dates
from pipecli.core.config import Settings
from pipecli.core.errors import Invalid

CRON_DAYS = {0: "1", 1: "2", 2: "3", 3: "4", 4: "5", 5: "6", 6: "0"}  # Monday=0 -> cron's 1
UNIT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NAMED = {"daily": list(range(7)), "every day": list(range(7)), "weekdays": list(range(5)),
         "weekends": [5, 6]}  # fmt: skip


@dataclass(frozen=True)
class Schedule:
    days: tuple[int, ...]  # Monday=0
    at: time

    def cron_fields(self) -> str:
        dow = "*" if len(self.days) == 7 else _cron_days(self.days)
        return f"{self.at.minute} {self.at.hour} * * {dow}"

    def on_calendar(self, tz: str | None) -> str:
        days = "" if len(self.days) == 7 else _systemd_days(self.days) + " "
        return f"{days}*-*-* {self.at:%H:%M}:00" + (f" {tz}" if tz else "")


def _cron_days(days: tuple[int, ...]) -> str:
    if days == tuple(range(5)):
        return "1-5"
    return ",".join(CRON_DAYS[d] for d in days)


def _systemd_days(days: tuple[int, ...]) -> str:
    if len(days) > 2 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{UNIT_DAYS[days[0]]}..{UNIT_DAYS[days[-1]]}"
    return ",".join(UNIT_DAYS[d] for d in days)


def parse_schedule(text: str) -> Schedule:
    words = " ".join(text.lower().split())
    if not words:
        raise Invalid("schedule", text, "is empty; try 'weekdays 8:00'")
    day_part, _, time_part = words.rpartition(" ")
    if not day_part and time_part in NAMED:
        raise Invalid("schedule", text, "needs a time: 'weekdays 8:00'")
    when = dates.parse_when(time_part, date(2000, 1, 3), field="schedule")
    if when.time is None or when.date != date(2000, 1, 3):
        raise Invalid("schedule", text, "must end with a time of day: 'weekdays 8:00'")
    return Schedule(_days(day_part or "daily", text), when.time.replace(second=0, microsecond=0))


def _days(text: str, original: str) -> tuple[int, ...]:
    if text in NAMED:
        return tuple(NAMED[text])
    found: set[int] = set()
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in dates.WEEKDAYS or (last and last not in dates.WEEKDAYS):
            raise Invalid("schedule", original, "names no days; try daily, weekdays, mon,thu")
        a = dates.WEEKDAYS[first]
        b = dates.WEEKDAYS[last] if last else a
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    return tuple(sorted(found))


def _program() -> list[str]:
    argv0 = Path(sys.argv[0])
    if argv0.name == "pipe" and argv0.exists():
        return [str(argv0.resolve())]
    return [sys.executable, "-m", "pipecli"]


def _environment(settings: Settings) -> tuple[list[str], list[str]]:
    """(VAR=value words, notes for stderr)."""
    from sqlalchemy.engine import make_url

    env, notes = [], []
    if settings.config_path is not None:
        env.append(f"PIPE_CONFIG={settings.config_path.resolve()}")
    if make_url(settings.db_url).password:
        notes.append("PIPE_DB left out: its URL holds a password; put it in [database] url")
    else:
        env.append(f"PIPE_DB={settings.db_url}")
    if os.environ.get("PIPE_USER"):
        env.append(f"PIPE_USER={os.environ['PIPE_USER']}")
    return env, notes


def _quote(env: list[str], words: list[str]) -> str:
    """A shell command line: VAR=value assignments (only the value quoted, or the shell would
    take the word for a command) and the command's words; `%` escaped for cron."""
    assigns = [f"{k}={shlex.quote(v)}" for k, _, v in (e.partition("=") for e in env)]
    return " ".join([*assigns, *(shlex.quote(w) for w in words)]).replace("%", "\\%")


@dataclass(frozen=True)
class CronText:
    text: str
    notes: list[str]


def render(schedule_text: str, settings: Settings, digest_args: list[str]) -> CronText:
    """What `pipe digest cron` prints: a crontab line and a systemd service + timer."""
    sch = parse_schedule(schedule_text)
    env, notes = _environment(settings)
    command = [*_program(), "digest", *digest_args]
    line = f"{sch.cron_fields()} {_quote(env, command)}"
    unit_env = "\n".join(f"Environment={shlex.quote(e)}".replace("%", "%%") for e in env)
    exec_start = " ".join(shlex.quote(w) for w in command).replace("%", "%%")
    tz_line = [f"CRON_TZ={settings.timezone}"] if settings.timezone else []
    text = "\n".join([
        f"# crontab -e, then add ({schedule_text.strip()}):",
        *tz_line,
        line,
        "",
        "# or a systemd user timer: ~/.config/systemd/user/pipe-digest.service",
        "[Unit]", "Description=pipe digest", "", "[Service]", "Type=oneshot", unit_env,
        f"ExecStart={exec_start}",
        "",
        "# ~/.config/systemd/user/pipe-digest.timer",
        "[Unit]", f"Description=pipe digest, {schedule_text.strip()}", "", "[Timer]",
        f"OnCalendar={sch.on_calendar(settings.timezone)}", "Persistent=true", "",
        "[Install]", "WantedBy=timers.target",
        "",
        "# then: systemctl --user daemon-reload && systemctl --user enable --now pipe-digest.timer",
    ])  # fmt: skip
    return CronText(text + "\n", notes)
