"""Real servers on loopback for delivery tests (quote send, the digest, core.mail): aiosmtpd for
SMTP, http.server for webhooks; one harness, so every sender is tested against the same server."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Mail:
    """One mail as the server took it: the envelope and the message, raw and parsed."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Inbox:
    """What the SMTP server received, a `Mail` each; addresses in `refuse` get a 550."""

    mails: list[Mail] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content)
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.mails.append(Mail(str(envelope.mail_from), list(envelope.rcpt_tos), msg, raw))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for `localhost` and 127.0.0.1 and its key, made by the openssl tool."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def smtp_server(
    user: str | None = None,
    password: str | None = None,
    tls: tuple[Path, Path] | None = None,
    implicit_tls: bool = False,
) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1; with `user`, AUTH LOGIN/PLAIN accepts only that password."""
    inbox = Inbox()

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == user
            and data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    port = free_port()
    kwargs: dict[str, Any] = {}
    if user is not None:
        kwargs = {
            "authenticator": check,
            # aiosmtpd counts only STARTTLS as TLS, not a socket wrapped from the start
            "auth_require_tls": tls is not None and not implicit_tls,
            "auth_required": True,
        }
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        if implicit_tls:
            kwargs["ssl_context"] = context
        else:
            kwargs |= {"tls_context": context, "require_starttls": True}
    ctl = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    ctl.start()
    try:
        yield inbox, port
    finally:
        ctl.stop()


@contextmanager
def http_listener(status: int = 200) -> Iterator[tuple[list[dict[str, Any]], int]]:
    """An HTTP server on 127.0.0.1 recording each POSTed JSON body."""
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            got.append(json.loads(self.rfile.read(length) or b"{}"))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield got, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
