"""Delivering a digest: e-mail through the one SMTP path (pipecli.core.mail), chat through
apprise URLs (WeCom bots, Slack, Teams, Telegram, generic JSON webhooks...).

Targets are checked before anything is sent (addresses, the [smtp] section, each URL), so a
typo is exit 2 with nothing delivered. A chat digest longer than the service takes
(`body_maxlen` of apprise's plugin for it) is split at line breaks into numbered parts.
Apprise URLs carry secrets (bot keys, tokens): messages show them with apprise's privacy
masking, and the ledger keeps only a fingerprint.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from pipecli.core import mail
from pipecli.core.config import Settings
from pipecli.core.errors import Invalid
from pipecli.digest import formats
from pipecli.digest.sections import Digest


@dataclass(frozen=True)
class Target:
    channel: str  # "email" or "notify"
    recipient: str  # what the ledger keys on: the address, or the URL's fingerprint
    shown: str  # how messages name it (no secrets)
    url: str = ""
    plugin: Any = None


def targets(settings: Settings, emails: list[str], urls: list[str]) -> list[Target]:
    out = []
    if emails:
        mail.smtp_settings(settings)  # refused now, not after the first chat post
        for value in emails:
            for addr in mail.check_addresses("email", value):
                out.append(Target("email", addr, addr))
    if urls:
        import apprise

        logging.getLogger("apprise").setLevel(logging.CRITICAL + 1)
        for url in urls:
            plugin = apprise.Apprise.instantiate(url.strip())
            if plugin is None:
                scheme = url.split("://", 1)[0] if "://" in url else url[:20]
                raise Invalid("notify", scheme + "://…", "is not an apprise URL this version knows")
            fingerprint = hashlib.sha256(url.strip().encode()).hexdigest()[:16]
            scheme = url.strip().split("://", 1)[0].lower()
            out.append(Target("notify", f"{scheme}://#{fingerprint}", _shown(plugin), url, plugin))
    return out


def send(target: Target, settings: Settings, d: Digest) -> None:
    """Deliver `d` to `target`; DeliveryFailed (one line, no secrets) when it cannot."""
    if target.channel == "email":
        send_mail(settings, target.recipient, d)
    else:
        send_chat(target, d)


def send_mail(settings: Settings, to: str, d: Digest) -> None:
    smtp = mail.smtp_settings(settings)
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = formats.subject(d)
    msg.set_content(formats.text(d))
    msg.add_alternative(formats.html_page(d), subtype="html")
    mail.send(smtp, msg)


def chunks(body: str, limit: int) -> list[str]:
    """`body` in pieces of at most `limit` characters, cut at line breaks (a line longer than
    the limit is cut where it must)."""
    out: list[str] = []
    current = ""
    for line in body.splitlines():
        while len(line) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(line[:limit])
            line = line[limit:]
        joined = f"{current}\n{line}" if current else line
        if len(joined) > limit:
            out.append(current)
            current = line
        else:
            current = joined
    if current:
        out.append(current)
    return out


def send_chat(target: Target, d: Digest) -> None:
    from apprise import NotifyFormat

    plugin = target.plugin
    title = formats.subject(d)
    limit = int(plugin.body_maxlen)
    if not plugin.title_maxlen:  # the service has no title: apprise puts it into the body
        limit -= len(title) + 2
    parts = chunks(formats.text(d), max(limit - 16, 200))
    for n, part in enumerate(parts, start=1):
        label = f"{title} ({n}/{len(parts)})" if len(parts) > 1 else title
        if not plugin.notify(body=part, title=label, body_format=NotifyFormat.TEXT):
            where = f" (part {n} of {len(parts)})" if len(parts) > 1 else ""
            raise mail.DeliveryFailed(f"notify: {target.shown} did not accept the digest{where}")


def _shown(plugin: Any) -> str:
    """The URL with apprise's privacy masking, without its query options."""
    return str(plugin.url(privacy=True)).split("?", 1)[0]
