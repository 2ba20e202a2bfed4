"""Delivering the digest as cron does (a real process, `env -i`-like environment): e-mail to
aiosmtpd on loopback, chat through apprise's json:// to a local HTTP server, once per day;
and `pipe digest cron`, whose crontab line runs as printed."""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from tests.conftest import not_none
from tests.digest.helpers import cron_env, run
from tests.servers import free_port, http_listener, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

NOW = "2026-11-23T10:00:00+00:00"
SECRET = "pw-Zq81-never-shown"


def _config(tmp_path: Path, port: int, auth: bool = False) -> Path:
    cfg = tmp_path / "config.toml"
    login = 'user = "ann"\npassword_env = "PIPE_TEST_SMTP_PW"\n' if auth else ""
    cfg.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'from = "Pipe <pipe@example.com>"\n{login}'
    )
    return cfg


def _ledger(db_url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT channel, recipient, day, digest_hash FROM digestdelivery ORDER BY id"
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _busy(pipe: Callable[..., Any]) -> None:
    assert pipe("add", "task", "Call Li about pricing", "--due", "2026-11-20").exit_code == 0
    assert pipe("add", "task", "Send the proposal", "--due", "today 9am").exit_code == 0


def _digest(db_url: str, cfg: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(["digest", *args], cron_env(db_url, cfg, NOW, TZ="UTC", **env))


def test_email_has_recipient_subject_and_both_parts_once_a_day(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _busy(pipe)
    with smtp_server(user="ann", password=SECRET) as (inbox, port):
        cfg = _config(tmp_path, port, auth=True)
        env = {"PIPE_TEST_SMTP_PW": SECRET}
        first = _digest(db_url, cfg, "--email", "ann@example.com", **env)
        assert (first.returncode, first.stdout) == (0, ""), first.stderr
        assert first.stderr == "email ann@example.com: digest delivered (2 items)\n"
        second = _digest(db_url, cfg, "--email", "ann@example.com", **env)
        assert (second.returncode, second.stdout) == (0, "")
        assert "delivered already" in second.stderr
        assert len(inbox.mails) == 1
        forced = _digest(db_url, cfg, "--email", "ann@example.com", "--force", "-q", **env)
        assert (forced.returncode, forced.stdout, forced.stderr) == (0, "", "")
        assert len(inbox.mails) == 2
    rcpts, msg = inbox.mails[0].rcpt_tos, inbox.mails[0].message
    assert rcpts == ["ann@example.com"] and msg["To"] == "ann@example.com"
    assert msg["Subject"] == "Digest for Ann, Mon 2026-11-23: 2 to look at"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    assert "  task 1  Call Li about pricing — due Fri 2026-11-20, 3 days overdue · pipe done 1" in (
        plain.get_content().splitlines()
    )
    assert "<h2>Due today (1)</h2>" in html.get_content()
    [(channel, recipient, day, digest_hash)] = _ledger(db_url)
    assert (channel, recipient, str(day)) == ("email", "ann@example.com", "2026-11-23")
    assert re.fullmatch(r"[0-9a-f]{64}", digest_hash)


def test_dead_smtp_server_exit_1_one_line_no_ledger_row(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _busy(pipe)
    cfg = _config(tmp_path, free_port(), auth=True)
    r = _digest(db_url, cfg, "--email", "ann@example.com", PIPE_TEST_SMTP_PW=SECRET)
    assert r.returncode == 1 and r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line.startswith("pipe: smtp: cannot send via 127.0.0.1:") and SECRET not in r.stderr
    assert _ledger(db_url) == []


def test_refused_login_never_shows_the_password(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _busy(pipe)
    with smtp_server(user="ann", password="another") as (inbox, port):
        cfg = _config(tmp_path, port, auth=True)
        r = _digest(db_url, cfg, "--email", "ann@example.com", PIPE_TEST_SMTP_PW=SECRET)
    assert r.returncode == 1 and r.stderr == "pipe: smtp: login refused for ann (535)\n"
    assert inbox.mails == [] and _ledger(db_url) == []


def test_empty_digest_sends_nothing(pipe: Callable[..., Any], db_url: str, tmp_path: Path) -> None:
    with smtp_server() as (inbox, port):
        r = _digest(db_url, _config(tmp_path, port), "--email", "ann@example.com")
    assert r.returncode == 0 and "nothing sent" in r.stderr
    assert inbox.mails == [] and _ledger(db_url) == []


def test_chat_through_apprise_json_once_a_day(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _busy(pipe)
    with http_listener() as (posts, port):
        url = f"json://127.0.0.1:{port}/"
        cfg = tmp_path / "config.toml"
        first = _digest(db_url, cfg, "--notify", url)
        assert first.returncode == 0, first.stderr
        second = _digest(db_url, cfg, "--notify", url)
        assert second.returncode == 0 and second.stderr.endswith(
            "today's digest was delivered already; --force sends it again\n"
        )
        assert pipe("add", "task", "One more", "--due", "today").exit_code == 0
        third = _digest(db_url, cfg, "--notify", url)
        assert third.returncode == 0 and "already (it has changed since)" in third.stderr
    [post] = posts
    assert post["title"] == "Digest for Ann, Mon 2026-11-23: 2 to look at"
    assert "task 2  Send the proposal — at 09:00 · pipe done 2" in post["message"]
    [(channel, recipient, _, _)] = _ledger(db_url)
    assert channel == "notify" and re.fullmatch(r"json://#[0-9a-f]{16}", recipient)


def test_long_chat_digest_is_split_to_the_service_limit(
    make_ctx: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    from pipecli.core.services import tasks

    with make_ctx() as ctx:
        for n in range(400):
            tasks.create(
                ctx, tasks.TaskInput(f"Call customer number {n:03d} " + "x" * 80, due="yesterday")
            )
        ctx.session.commit()
    with http_listener() as (posts, port):
        r = _digest(db_url, tmp_path / "config.toml", "--notify", f"json://127.0.0.1:{port}/")
    assert r.returncode == 0, r.stderr
    import apprise

    limit = not_none(apprise.Apprise.instantiate("json://127.0.0.1/")).body_maxlen
    assert len(posts) >= 2 and all(len(p["message"]) <= limit for p in posts)
    assert [p["title"][-5:] for p in posts] == [
        f"({n}/{len(posts)})" for n in range(1, len(posts) + 1)
    ]
    lines = [ln for p in posts for ln in p["message"].splitlines() if ln.startswith("  task ")]
    assert len(lines) == 400 and len(set(lines)) == 400


def test_failed_chat_exit_1_and_no_ledger_row(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _busy(pipe)
    with http_listener(status=500) as (posts, port):
        r = _digest(db_url, tmp_path / "config.toml", "--notify", f"json://127.0.0.1:{port}/")
    assert r.returncode == 1 and len(posts) == 1
    assert r.stderr.splitlines() == [
        f"pipe: notify: json://127.0.0.1:{port}/ did not accept the digest"
    ]
    assert _ledger(db_url) == []
    bad = _digest(db_url, tmp_path / "config.toml", "--notify", "nosuch://key")
    assert bad.returncode == 2 and "notify" in bad.stderr


def test_cron_prints_a_crontab_line_whose_command_runs_as_printed(
    pipe: Callable[..., Any], db_url: str, tmp_path: Path
) -> None:
    _busy(pipe)
    with smtp_server() as (inbox, port):
        cfg = _config(tmp_path, port)
        r = run(
            ["digest", "cron", "weekdays 8:00", "--email", "ann@example.com"],
            cron_env(db_url, cfg, NOW),
        )
        assert r.returncode == 0, r.stderr
        [line] = [ln for ln in r.stdout.splitlines() if ln[:1].isdigit()]
        fields = line.split(" ", 5)
        assert fields[:5] == ["0", "8", "*", "*", "1-5"]
        command = fields[5].replace("\\%", "%")  # cron's own unescaping of %
        words = shlex.split(command)
        assert words[0] == f"PIPE_CONFIG={cfg}" and words[1] == f"PIPE_DB={db_url}"
        assert words[-3:] == ["digest", "--email", "ann@example.com"]
        assert "OnCalendar=Mon..Fri *-*-* 08:00:00" in r.stdout
        # cron hands the command to /bin/sh with almost no environment
        done = subprocess.run(["/bin/sh", "-c", command], env={}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert len(inbox.mails) == 1 and inbox.mails[0].rcpt_tos == ["ann@example.com"]


@pytest.mark.parametrize(
    ("schedule", "fields", "calendar"),
    [
        ("daily 7:30", "30 7 * * *", "*-*-* 07:30:00"),
        ("weekends 10am", "0 10 * * 6,0", "Sat,Sun *-*-* 10:00:00"),
        ("mon,thu 6:15pm", "15 18 * * 1,4", "Mon,Thu *-*-* 18:15:00"),
        ("mon-wed 09:00", "0 9 * * 1,2,3", "Mon..Wed *-*-* 09:00:00"),
        ("8:00", "0 8 * * *", "*-*-* 08:00:00"),
    ],
)
def test_cron_schedules(
    db_url: str, tmp_path: Path, schedule: str, fields: str, calendar: str
) -> None:
    (tmp_path / "config.toml").write_text('[user]\ntimezone = "Asia/Shanghai"\n')
    r = run(["digest", "cron", schedule], cron_env(db_url, tmp_path / "config.toml", NOW))
    assert r.returncode == 0, r.stderr
    assert any(ln.startswith(fields + " ") for ln in r.stdout.splitlines())
    assert (
        f"OnCalendar={calendar} Asia/Shanghai" in r.stdout and "CRON_TZ=Asia/Shanghai" in r.stdout
    )


def test_cron_refuses_a_bad_schedule(db_url: str, tmp_path: Path) -> None:
    r = run(["digest", "cron", "someday 8:00"], cron_env(db_url, tmp_path / "c.toml", NOW))
    assert r.returncode == 2 and r.stderr.startswith("pipe: schedule: ") and r.stdout == ""
