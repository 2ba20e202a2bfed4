"""`pipe digest`: build today's digest and print it, check it, or deliver it once.

The digest is a front end of its own (like the board): it opens the store through the core
`Workspace`, reads in one unit of work, and writes only the ledger, one short unit per delivery
that succeeded. Exit codes: 0 done (or nothing to do), 5 `--check` found something, 1 a delivery
failed (the others still went out and were recorded), 2 bad options or settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pipecli.core.config import Settings, zone
from pipecli.core.errors import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, Invalid
from pipecli.core.mail import DeliveryFailed
from pipecli.core.services import digest as core
from pipecli.core.services import digest_ledger
from pipecli.core.workspace import Workspace
from pipecli.digest import deliver, formats
from pipecli.digest.sections import Digest, build

MAX_DAYS = 366


@dataclass
class Options:
    owner: str = "me"
    days: int = 7
    fmt: str = "text"
    emails: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    check: bool = False
    quiet: bool = False
    force: bool = False
    bold: bool = False


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str = ""


def local_moment(moment: datetime, settings: Settings) -> datetime:
    """`moment` in the user's zone: `[user] timezone`, else the system's."""
    tz = zone(settings)
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def check(opts: Options) -> None:
    if not 0 <= opts.days <= MAX_DAYS:
        raise Invalid("days", opts.days, f"must be from 0 to {MAX_DAYS}")
    if opts.fmt not in formats.FORMATS:
        raise Invalid("format", opts.fmt, "must be one of " + ", ".join(formats.FORMATS))
    if opts.check and (opts.emails or opts.urls):
        raise Invalid("check", None, "only looks: give --check or --email/--notify, not both")


def make(ws: Workspace, opts: Options, now: datetime) -> Digest:
    with ws.unit(now=now) as ctx:
        ids = core.owner_ids(ctx, opts.owner)
        found = core.collect(ctx, core.Window(now, opts.days, ids))
    if ids is None:
        return build(found, "everyone", by_owner=True)
    named = [found.owners[i] for i in ids if i in found.owners]  # the name as stored
    scope = named[0] if named else ws.settings.user_name
    return build(found, " ".join(scope.split()), by_owner=False)


Say = Callable[[str, bool], None]
"""How a message (False) or an error (True) reaches stderr as it happens."""


def _errors_only(say: Say) -> Say:
    def errors(text: str, is_error: bool) -> None:
        if is_error:
            say(text, True)

    return errors


def run(settings: Settings, moment: datetime, opts: Options, say: Say) -> Outcome:
    """The whole command. `--quiet` keeps stdout empty and stderr for errors only."""
    check(opts)
    say = _errors_only(say) if opts.quiet else say
    now = local_moment(moment, settings)
    targets = deliver.targets(settings, opts.emails, opts.urls)
    with Workspace.open(settings, now) as ws:
        d = make(ws, opts, now)
        if not targets:
            out = "" if d.empty or opts.quiet else formats.render(d, opts.fmt, opts.bold)
            return Outcome(EXIT_ATTENTION if opts.check and not d.empty else EXIT_OK, out)
        if d.empty:
            say("nothing needs attention today: nothing sent", False)
            return Outcome(EXIT_OK)
        return _deliver(ws, settings, d, targets, opts.force, now, say)


def _deliver(
    ws: Workspace,
    settings: Settings,
    d: Digest,
    targets: list[deliver.Target],
    force: bool,
    now: datetime,
    say: Say,
) -> Outcome:
    code, digest_hash = EXIT_OK, d.digest_hash()
    for t in targets:
        with ws.unit(now=now) as ctx:
            done = digest_ledger.delivered(ctx, t.channel, t.recipient, d.day)
            before = done.digest_hash if done is not None else None
        if before is not None and not force:
            since = "" if before == digest_hash else " (it has changed since)"
            say(
                f"{t.channel} {t.shown}: today's digest was delivered already{since}"
                "; --force sends it again",
                False,
            )
            continue
        try:
            deliver.send(t, settings, d)
        except DeliveryFailed as exc:
            say(str(exc), True)
            code = EXIT_ERROR
            continue
        with ws.unit(now=now) as ctx:
            digest_ledger.record(ctx, t.channel, t.recipient, d.day, digest_hash)
        say(f"{t.channel} {t.shown}: digest delivered ({d.count} items)", False)
    return Outcome(code)
