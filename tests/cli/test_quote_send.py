"""`pipe quote send` and pipecli.core.mail against a real SMTP server on loopback (aiosmtpd):
recipients, subject, the attached PDF byte for byte, the e-mail activity; a stopped server, a
refused login and a refused recipient leave the quote as it was."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import data, ok, refused
from tests.cli.test_quotes import COMPANY, make_quote

PASSWORD = "s3cret-pw"


class Handler:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:  # fmt: skip
        if address.startswith("nobody@"):
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    good = isinstance(auth, LoginPassword) and auth.password == PASSWORD.encode()
    return AuthResult(success=good, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    from aiosmtpd.controller import Controller

    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            authenticator=_authenticator, auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _config(port: int) -> None:
    Path(os.environ["PIPE_CONFIG"]).write_text(
        COMPANY
        + f"""
[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
user = "sales@cloudsail.example"
password_env = "PIPE_SMTP_PASSWORD"
from = "Sales <sales@cloudsail.example>"
""",
        encoding="utf-8",
    )


def _parsed(envelope: Any) -> EmailMessage:
    msg = message_from_bytes(envelope.original_content, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_send_delivers_the_pdf_and_logs_the_email(
    pipe: Any, smtp: tuple[Handler, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = smtp
    _config(port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", PASSWORD)
    q = make_quote(pipe)
    rendered = tmp_path / "q.pdf"
    ok(pipe("quote", "render", q["number"], "-o", str(rendered)))
    cc = "Boss <boss@cloudsail.example>"
    sent = data(pipe("quote", "send", q["number"], "--to", "li.wei@acme.example", "--cc", cc,
                     "--message", "谢谢!", "--json"))  # fmt: skip
    assert (sent["status"], sent["sent_at"]) == ("sent", "2026-11-23T10:00:00+00:00")
    [env] = handler.envelopes
    assert sorted(env.rcpt_tos) == ["boss@cloudsail.example", "li.wei@acme.example"]
    assert env.mail_from == "sales@cloudsail.example"
    msg = _parsed(env)
    assert msg["Subject"] == f"Quote {q['number']} from 上海云帆软件有限公司 Cloudsail"
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == f"{q['number']}.pdf"
    assert attachment.get_content() == rendered.read_bytes()
    body = msg.get_body(("plain",))
    assert body is not None and "谢谢!" in body.get_content()
    assert "54,631.20 CNY" in body.get_content()
    assert PASSWORD not in env.original_content.decode(errors="replace")
    acts = data(pipe("list", "activities", "--deal", "1", "--json"))
    assert [(a["type"], a["subject"]) for a in acts] == [("email", msg["Subject"])]


def test_send_defaults_to_the_contacts_address(
    pipe: Any, smtp: tuple[Handler, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = smtp
    _config(port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", PASSWORD)
    q = make_quote(pipe)
    ok(pipe("quote", "send", q["number"]))
    assert handler.envelopes[0].rcpt_tos == ["li.wei@acme.example"]


@pytest.mark.parametrize("failure", ["stopped", "login", "recipient"])
def test_failed_send_leaves_the_quote_unsent(
    pipe: Any, smtp: tuple[Handler, int], snapshot: Any, monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:  # fmt: skip
    handler, port = smtp
    _config(_free_port() if failure == "stopped" else port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", "wrong" if failure == "login" else PASSWORD)
    q = make_quote(pipe)
    to = "nobody@acme.example" if failure == "recipient" else "li.wei@acme.example"
    before = snapshot()
    needle = {"stopped": "cannot send via 127.0.0.1", "login": "login refused",
              "recipient": "recipient refused"}[failure]  # fmt: skip
    line = refused(pipe("quote", "send", q["number"], "--to", to), 1, needle)
    assert "wrong" not in line and PASSWORD not in line
    assert snapshot() == before
    assert handler.envelopes == []
    assert data(pipe("show", "quote", q["number"], "--json"))["status"] == "draft"


def test_header_injection_and_bad_addresses_are_refused(
    pipe: Any, smtp: tuple[Handler, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = smtp
    _config(port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", PASSWORD)
    q = make_quote(pipe)
    refused(pipe("quote", "send", q["number"], "--to", "a@b.example\nBcc: x@evil.example"), 2,
            "to")  # fmt: skip
    refused(pipe("quote", "send", q["number"], "--to", "not-an-address"), 2, "to")
    assert handler.envelopes == []


def test_sending_without_smtp_settings_is_refused(pipe: Any) -> None:
    Path(os.environ["PIPE_CONFIG"]).write_text(COMPANY, encoding="utf-8")
    q = make_quote(pipe)
    refused(pipe("quote", "send", q["number"], "--to", "li.wei@acme.example"), 2, "smtp")


def test_an_accepted_quote_is_not_sent_again(
    pipe: Any, smtp: tuple[Handler, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = smtp
    _config(port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", PASSWORD)
    q = make_quote(pipe)
    ok(pipe("quote", "send", q["number"]))
    ok(pipe("quote", "accept", q["number"]))
    refused(pipe("quote", "send", q["number"]), 4, "accepted", "revise")
    assert len(handler.envelopes) == 1


def test_digest_lists_a_sent_quote_before_it_expires(
    pipe: Any, smtp: tuple[Handler, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, port = smtp
    _config(port)
    monkeypatch.setenv("PIPE_SMTP_PASSWORD", PASSWORD)
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
