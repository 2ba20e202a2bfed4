"""core/mail.py: settings and header checks, no server (delivery: tests/core/test_mail.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pipecli.core import mail
from pipecli.core.config import Settings
from pipecli.core.errors import Invalid


def _settings(**smtp: Any) -> Settings:
    base = {"host": "smtp.example.com", "from": "Sales <sales@example.com>"}
    return replace(Settings(db_url="sqlite://", user_name="Ann"), extra={"smtp": base | smtp})


def test_settings_defaults_follow_security() -> None:
    assert mail.smtp_settings(_settings()).port == 587
    assert mail.smtp_settings(_settings(security="ssl")).port == 465
    assert mail.smtp_settings(_settings(security="none")).port == 25


@pytest.mark.parametrize(
    ("smtp", "field"),
    [
        ({"port": True}, "smtp.port"),
        ({"port": 70000}, "smtp.port"),
        ({"security": "tls1"}, "smtp.security"),
        ({"from": "not an address"}, "smtp.from"),
    ],
)
def test_bad_settings_name_the_key(smtp: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as err:
        mail.smtp_settings(_settings(**smtp))
    assert err.value.field == field


def test_headers_refuse_line_breaks_and_addresses_are_checked() -> None:
    with pytest.raises(Invalid):
        mail.check_header("subject", "Quote\r\nBcc: x@evil.example")
    assert mail.check_addresses("to", "李伟 <li.wei@acme.example>, b@c.example") == [
        "李伟 <li.wei@acme.example>",
        "b@c.example",
    ]
    with pytest.raises(Invalid):
        mail.check_addresses("to", "li.wei@")


def test_password_is_read_at_send_time_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    smtp = mail.smtp_settings(_settings(user="u", password_env="PIPE_TEST_PW"))
    monkeypatch.delenv("PIPE_TEST_PW", raising=False)
    with pytest.raises(mail.DeliveryFailed) as err:
        mail.password(smtp)
    assert "PIPE_TEST_PW" in str(err.value)
    monkeypatch.setenv("PIPE_TEST_PW", "pw-123")
    assert mail.password(smtp) == "pw-123"
    cmd = mail.smtp_settings(_settings(user="u", password_command="printf 'pw-456\\nrest'"))
    assert mail.password(cmd) == "pw-456"
