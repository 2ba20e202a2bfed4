"""Sending e-mail: the one SMTP code path that quote sending and the cron digest share.

Settings come from `[smtp]` in config.toml:

    [smtp]
    host = "smtp.example.com"
    port = 587
    security = "starttls"                   # "ssl" or "none"
    user = "sales@example.com"
    password_env = "PIPE_SMTP_PASSWORD"     # or password_command = "pass show smtp"
    from = "Sales <sales@example.com>"

The password is read at send time from the environment variable or the command's first output
line; it is never stored, printed, or put into an error message. Header values are checked here
(no CR/LF, addresses well formed) so no caller can build a message that smuggles headers. A
failed send raises `DeliveryFailed` (exit 1) with a one-line reason and sends nothing further.
Only the standard library is used: smtplib and email are what the job needs.
"""

from __future__ import annotations

import os
import re
import shlex
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr

from pipecli.core.config import Settings
from pipecli.core.errors import EXIT_ERROR, Invalid, PipeError

SECURITY = ("starttls", "ssl", "none")
TIMEOUT = 30.0


class DeliveryFailed(PipeError):
    """A message or a chat post could not be delivered (server down, login refused...)."""

    exit_code = EXIT_ERROR


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password_env: str | None = None
    password_command: str | None = None


def smtp_settings(settings: Settings) -> SmtpSettings:
    """The `[smtp]` section, checked; Invalid naming the key when it is missing or wrong."""
    raw = settings.extra.get("smtp")
    if not isinstance(raw, dict) or not raw.get("host"):
        raise Invalid("smtp", None, "is not set up: add an [smtp] section to config.toml")
    security = str(raw.get("security", "starttls")).lower()
    if security not in SECURITY:
        raise Invalid("smtp.security", security, f"must be one of {', '.join(SECURITY)}")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    port = raw.get("port", default_port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise Invalid("smtp.port", port, "must be a port number (1-65535)")
    sender = str(raw.get("from") or raw.get("user") or "")
    if not sender:
        raise Invalid("smtp.from", None, "is required (the From address)")
    check_addresses("smtp.from", sender)
    return SmtpSettings(
        host=str(raw["host"]),
        port=port,
        security=security,
        sender=sender,
        user=_opt(raw.get("user")),
        password_env=_opt(raw.get("password_env")),
        password_command=_opt(raw.get("password_command")),
    )


def _opt(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


_ADDR = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def check_header(field: str, value: str) -> str:
    """A header value with no line breaks or other control characters (header injection)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise Invalid(field, value, "must not contain line breaks or control characters")
    return value


def check_addresses(field: str, value: str | Iterable[str]) -> list[str]:
    """Addresses from 'Name <a@b.c>, d@e.f' (or a list of such strings), each well formed."""
    values = [value] if isinstance(value, str) else list(value)
    for v in values:
        check_header(field, v)
    found = [(name, addr) for name, addr in getaddresses(values) if name or addr]
    if not found:
        raise Invalid(field, ", ".join(values), "is not an e-mail address")
    out = []
    for name, addr in found:
        if not _ADDR.match(addr):
            raise Invalid(field, addr or name, "is not an e-mail address")
        out.append(str(Address(display_name=name, addr_spec=addr)) if name else addr)
    return out


def password(smtp: SmtpSettings) -> str | None:
    """The SMTP password from the environment or the password command, read now."""
    if smtp.password_env:
        value = os.environ.get(smtp.password_env)
        if not value:
            raise DeliveryFailed(f"smtp: the environment variable {smtp.password_env} is not set")
        return value
    if smtp.password_command:
        try:
            done = subprocess.run(
                shlex.split(smtp.password_command),
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeliveryFailed(f"smtp: password_command failed: {type(exc).__name__}") from None
        if done.returncode != 0 or not done.stdout.strip():
            raise DeliveryFailed(f"smtp: password_command exited {done.returncode}")
        return done.stdout.splitlines()[0]
    return None


def send(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Send `message` (its From is set from the settings when missing). Raises DeliveryFailed
    with a one-line reason; the password never appears in it."""
    if "From" not in message:
        message["From"] = smtp.sender
    if "Date" not in message:  # servers and spam filters expect both
        message["Date"] = formatdate(localtime=True)
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=_domain(smtp.sender))
    for name in ("From", "To", "Cc", "Subject", "Reply-To"):
        for value in message.get_all(name, []):
            check_header(name.lower(), str(value))
    if smtp.user and not (smtp.password_env or smtp.password_command):
        raise DeliveryFailed(
            "smtp: user is set but neither password_env nor password_command says its password"
        )
    secret = password(smtp) if smtp.user else None
    try:
        _deliver(smtp, message, secret)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(f"smtp: login refused for {smtp.user} ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(sorted(exc.recipients))
        raise DeliveryFailed(f"smtp: recipient refused: {refused}") from None
    except smtplib.SMTPResponseException as exc:
        text = _safe(exc.smtp_error, secret)
        raise DeliveryFailed(f"smtp: server said {exc.smtp_code} {text}") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        reason = _safe(str(exc) or type(exc).__name__, secret)
        raise DeliveryFailed(f"smtp: cannot send via {smtp.host}:{smtp.port}: {reason}") from None


def _deliver(smtp: SmtpSettings, message: EmailMessage, secret: str | None) -> None:
    client: smtplib.SMTP
    if smtp.security == "ssl":
        context = ssl.create_default_context()
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT, local_hostname=_local())
    with client:
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if smtp.user and secret is not None:
            client.login(smtp.user, secret)
        refused = client.send_message(message)
    if refused:  # some recipients were accepted, these were not: the send is not complete
        raise smtplib.SMTPRecipientsRefused(refused)


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _local() -> str:
    try:
        return socket.getfqdn() or "localhost"
    except OSError:
        return "localhost"


def _safe(text: bytes | str, secret: str | None) -> str:
    value = text.decode(errors="replace") if isinstance(text, bytes) else text
    first = (value.strip().splitlines() or [""])[0]
    return first.replace(secret, "***") if secret else first
