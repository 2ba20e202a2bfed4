"""The digest ledger: which digest went to whom, by which channel, on which day.

Cron may run `pipe digest --email ...` more than once a day (a retry, a second timer); the ledger
makes the second run send nothing. A row is written only after a delivery succeeded, so a failed
one is retried by the next run. `--force` delivers again and updates the day's row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from pipecli.core.models import DigestDelivery
from pipecli.core.services.context import Ctx


def delivered(ctx: Ctx, channel: str, recipient: str, day: date) -> DigestDelivery | None:
    """The day's delivery to `recipient` by `channel`, if there was one."""
    return ctx.session.exec(
        select(DigestDelivery).where(
            DigestDelivery.channel == channel,
            DigestDelivery.recipient == recipient,
            DigestDelivery.day == day,
        )
    ).first()


def record(ctx: Ctx, channel: str, recipient: str, day: date, digest_hash: str) -> None:
    """Note a successful delivery (a forced second one replaces the day's row)."""
    row = delivered(ctx, channel, recipient, day) or DigestDelivery(
        channel=channel, recipient=recipient, day=day, digest_hash=digest_hash
    )
    row.digest_hash, row.delivered_at = digest_hash, ctx.now
    ctx.session.add(row)
    try:
        ctx.session.flush()
    except IntegrityError:  # a run started at the same moment recorded it first
        ctx.session.rollback()
