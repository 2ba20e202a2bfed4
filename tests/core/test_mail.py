"""core/mail.py against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

from pipecli.core.config import load_settings
from pipecli.core.errors import Invalid
from pipecli.core.mail import DeliveryFailed, SmtpSettings, check_addresses, send, smtp_settings
from tests.servers import free_port, self_signed, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
SECRET = "s3cret-Pa55"


def _smtp(port: int, **kw: object) -> SmtpSettings:
    base = SmtpSettings(
        host="127.0.0.1", port=port, security="none", sender="Sales <sales@example.com>"
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _msg(to: str = "li@example.com") -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = "Hello"
    msg.set_content("plain body")
    msg.add_alternative("<p>html body</p>", subtype="html")
    return msg


def test_sends_both_parts_with_from_date_and_message_id() -> None:
    with smtp_server() as (inbox, port):
        send(_smtp(port), _msg())
    [mail] = inbox.mails
    rcpts, got = mail.rcpt_tos, mail.message
    assert rcpts == ["li@example.com"]
    assert got["From"] == "Sales <sales@example.com>" and got["Subject"] == "Hello"
    assert got["Date"] and got["Message-ID"]
    plain, html = got.get_body(("plain",)), got.get_body(("html",))
    assert plain is not None and plain.get_content().strip() == "plain body"
    assert html is not None and "<p>html body</p>" in html.get_content()


def test_login_with_password_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPE_TEST_SMTP_PW", SECRET)
    with smtp_server(user="sales", password=SECRET) as (inbox, port):
        send(_smtp(port, user="sales", password_env="PIPE_TEST_SMTP_PW"), _msg())
    assert len(inbox.mails) == 1


def test_login_with_password_command(tmp_path: Path) -> None:
    script = tmp_path / "pw.sh"
    script.write_text(f"#!/bin/sh\necho {SECRET}\necho second-line\n")
    script.chmod(0o755)
    with smtp_server(user="sales", password=SECRET) as (inbox, port):
        send(_smtp(port, user="sales", password_command=str(script)), _msg())
    assert len(inbox.mails) == 1


def test_refused_login_never_shows_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPE_TEST_SMTP_PW", SECRET)
    with (
        smtp_server(user="sales", password="other") as (inbox, port),
        pytest.raises(DeliveryFailed) as err,
    ):
        send(_smtp(port, user="sales", password_env="PIPE_TEST_SMTP_PW"), _msg())
    assert "login refused" in str(err.value) and SECRET not in str(err.value)
    assert "\n" not in str(err.value) and inbox.mails == []


def test_user_without_a_password_source_is_refused_before_connecting() -> None:
    with pytest.raises(DeliveryFailed, match="neither password_env nor password_command"):
        send(_smtp(free_port(), user="sales"), _msg())


def test_missing_password_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPE_TEST_SMTP_PW", raising=False)
    with pytest.raises(DeliveryFailed, match="PIPE_TEST_SMTP_PW is not set"):
        send(_smtp(free_port(), user="sales", password_env="PIPE_TEST_SMTP_PW"), _msg())


def test_one_refused_recipient_of_several_fails_the_send() -> None:
    with smtp_server() as (inbox, port):
        inbox.refuse.add("gone@example.com")
        with pytest.raises(DeliveryFailed, match=r"gone@example\.com"):
            send(_smtp(port), _msg("li@example.com, gone@example.com"))


def test_every_recipient_refused() -> None:
    with smtp_server() as (inbox, port):
        inbox.refuse.add("gone@example.com")
        with pytest.raises(DeliveryFailed, match=r"recipient refused: gone@example\.com"):
            send(_smtp(port), _msg("gone@example.com"))


def test_dead_server_is_one_line() -> None:
    with pytest.raises(DeliveryFailed) as err:
        send(_smtp(free_port()), _msg())
    assert str(err.value).startswith("smtp: cannot send via 127.0.0.1:") and "\n" not in str(
        err.value
    )


def test_header_injection_refused() -> None:
    msg = EmailMessage()
    msg["To"] = "li@example.com"
    msg["Subject"] = "x\x07"
    with pytest.raises(Invalid):
        send(_smtp(free_port()), msg)
    with pytest.raises(Invalid):
        check_addresses("to", "li@example.com\nBcc: evil@example.com")
    assert check_addresses("to", "Li Wei <li@example.com>, ann@example.com") == [
        "Li Wei <li@example.com>",
        "ann@example.com",
    ]


def test_settings_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "smtp.toml"
    cfg.write_text('[smtp]\nhost = "mail.example.com"\nsecurity = "ssl"\nfrom = "a@example.com"\n')
    monkeypatch.setenv("PIPE_CONFIG", str(cfg))
    smtp = smtp_settings(load_settings())
    assert (smtp.host, smtp.port, smtp.security, smtp.sender) == (
        "mail.example.com",
        465,
        "ssl",
        "a@example.com",
    )
    cfg.write_text('[smtp]\nhost = "h"\nsecurity = "tls"\nfrom = "a@example.com"\n')
    with pytest.raises(Invalid, match=r"smtp\.security"):
        smtp_settings(load_settings())


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_login_with_a_trusted_certificate(
    security: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the system's trust store, for this test
    monkeypatch.setenv("PIPE_TEST_SMTP_PW", SECRET)
    tls = {"tls": (cert, key), "implicit_tls": security == "ssl"}
    with smtp_server(user="sales", password=SECRET, **tls) as (inbox, port):  # type: ignore[arg-type]
        smtp = _smtp(port, host="localhost", security=security, user="sales",
                     password_env="PIPE_TEST_SMTP_PW")  # fmt: skip
        send(smtp, _msg())
    assert len(inbox.mails) == 1


def test_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    with smtp_server(tls=(cert, key)) as (inbox, port), pytest.raises(DeliveryFailed) as err:
        send(_smtp(port, host="localhost", security="starttls"), _msg())
    assert "CERTIFICATE_VERIFY_FAILED" in str(err.value) and inbox.mails == []
