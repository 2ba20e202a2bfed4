"""`pipe quote send` and pipecli.core.mail against a real SMTP server on loopback (aiosmtpd, the
harness of tests/servers.py): recipients, subject, the attached PDF byte for byte, the e-mail
activity; a stopped server, a refused login and a refused recipient leave the quote as it was."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import data, ok, refused
from tests.cli.test_quotes import COMPANY, make_quote
from tests.servers import Inbox, free_port, smtp_server

PASSWORD = "s3cret-pw"
USER = "sales@cloudsail.example"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, int]]:
    """The shared SMTP server (tests/servers.py), and pipe configured to send through it: login
    USER with PASSWORD; nobody@acme.example refused."""
    with smtp_server(user=USER, password=PASSWORD) as (inbox, port):
        inbox.refuse.add("nobody@acme.example")
        _config(port)
        monkeypatch.setenv("PIPE_SMTP_PASSWORD", PASSWORD)
        yield inbox, port


def _config(port: int) -> None:
    Path(os.environ["PIPE_CONFIG"]).write_text(
        COMPANY
        + f"""
[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
user = "{USER}"
password_env = "PIPE_SMTP_PASSWORD"
from = "Sales <sales@cloudsail.example>"
""",
        encoding="utf-8",
    )


def test_send_delivers_the_pdf_and_logs_the_email(
    pipe: Any, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, _ = smtp
    q = make_quote(pipe)
    rendered = tmp_path / "q.pdf"
    ok(pipe("quote", "render", q["number"], "-o", str(rendered)))
    cc = "Boss <boss@cloudsail.example>"
    sent = data(pipe("quote", "send", q["number"], "--to", "li.wei@acme.example", "--cc", cc,
                     "--message", "谢谢!", "--json"))  # fmt: skip
    assert (sent["status"], sent["sent_at"]) == ("sent", "2026-11-23T10:00:00+00:00")
    [env] = inbox.mails
    assert sorted(env.rcpt_tos) == ["boss@cloudsail.example", "li.wei@acme.example"]
    assert env.mail_from == "sales@cloudsail.example"
    msg = env.message
    assert msg["Subject"] == f"Quote {q['number']} from 上海云帆软件有限公司 Cloudsail"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == f"{q['number']}.pdf"
    assert attachment.get_content() == rendered.read_bytes()
    body = msg.get_body(("plain",))
    assert body is not None and "谢谢!" in body.get_content()
    assert "54,631.20 CNY" in body.get_content()
    assert PASSWORD not in env.raw.decode(errors="replace")
    acts = data(pipe("list", "activities", "--deal", "1", "--json"))
    assert [(a["type"], a["subject"]) for a in acts] == [("email", msg["Subject"])]


def test_send_defaults_to_the_contacts_address(pipe: Any, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    q = make_quote(pipe)
    ok(pipe("quote", "send", q["number"]))
    assert inbox.mails[0].rcpt_tos == ["li.wei@acme.example"]


@pytest.mark.parametrize("failure", ["stopped", "login", "recipient"])
def test_failed_send_leaves_the_quote_unsent(
    pipe: Any, smtp: tuple[Inbox, int], snapshot: Any, monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:  # fmt: skip
    inbox, port = smtp
    _config(free_port() if failure == "stopped" else port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", "wrong" if failure == "login" else PASSWORD)
    q = make_quote(pipe)
    to = "nobody@acme.example" if failure == "recipient" else "li.wei@acme.example"
    before = snapshot()
    needle = {"stopped": "cannot send via 127.0.0.1", "login": "login refused",
              "recipient": "recipient refused"}[failure]  # fmt: skip
    line = refused(pipe("quote", "send", q["number"], "--to", to), 1, needle)
    assert "wrong" not in line and PASSWORD not in line
    assert snapshot() == before
    assert inbox.mails == []
    assert data(pipe("show", "quote", q["number"], "--json"))["status"] == "draft"


def test_header_injection_and_bad_addresses_are_refused(pipe: Any, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    q = make_quote(pipe)
    refused(pipe("quote", "send", q["number"], "--to", "a@b.example\nBcc: x@evil.example"), 2,
            "to")  # fmt: skip
    refused(pipe("quote", "send", q["number"], "--to", "not-an-address"), 2, "to")
    assert inbox.mails == []


def test_sending_without_smtp_settings_is_refused(pipe: Any) -> None:
    Path(os.environ["PIPE_CONFIG"]).write_text(COMPANY, encoding="utf-8")
    q = make_quote(pipe)
    refused(pipe("quote", "send", q["number"], "--to", "li.wei@acme.example"), 2, "smtp")


def test_an_accepted_quote_is_not_sent_again(pipe: Any, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    q = make_quote(pipe)
    ok(pipe("quote", "send", q["number"]))
    ok(pipe("quote", "accept", q["number"]))
    refused(pipe("quote", "send", q["number"]), 4, "accepted", "revise")
    assert len(inbox.mails) == 1


def test_digest_lists_a_sent_quote_before_it_expires(pipe: Any, smtp: tuple[Inbox, int]) -> None:
    q = make_quote(pipe)  # valid for 30 days from 2026-11-23
    ok(pipe("quote", "send", q["number"]))
    soon = data(pipe("digest", "--days", "30", "--format", "json"))
    [section] = [s for s in soon["sections"] if s["key"] == "quotes_expiring"]
    [item] = section["items"]
    assert (item["kind"], item["title"], item["day"]) == ("quote", q["number"], "2026-12-23")
    assert (item["total"], item["currency"]) == ("54631.20", "CNY")
    assert item["command"] == f"pipe show quote {q['number']}"
    later = pipe("digest", "--days", "7", "--format", "json")  # it expires after that window
    assert later.exit_code == 0 and "quotes_expiring" not in later.stdout
