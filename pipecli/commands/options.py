"""Option types shared by commands, so a flag means the same thing everywhere."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

Command = Callable[..., None]


def one_format(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> bool:
    """--json and --csv exclude each other: refused (exit 2) before anything runs."""
    other = "as_csv" if param.name == "as_json" else "as_json"
    if value and ctx.params.get(other):
        raise typer.BadParameter("--json and --csv print different things; give one")
    return value


Json = Annotated[
    bool,
    typer.Option("--json", help="Print JSON (fields: `pipe schema KIND`).", callback=one_format),
]
Csv = Annotated[
    bool,
    typer.Option(
        "--csv", help="Print CSV with the JSON field names as header.", callback=one_format
    ),
]
Owner = Annotated[str | None, typer.Option("--owner", metavar="NAME", help="Owner name, or `me`.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", metavar="TAG", help="Tag (repeatable).")]
Untags = Annotated[
    list[str] | None, typer.Option("--untag", metavar="TAG", help="Remove a tag (repeatable).")
]
Notes = Annotated[str | None, typer.Option("--notes", metavar="TEXT", help="Free text.")]
Source = Annotated[
    str | None,
    typer.Option("--source", metavar="SOURCE", help="Where it came from (web, referral...)."),
]
Product = Annotated[
    str | None,
    typer.Option(
        "--product", metavar="PRODUCT", help="What the deal sells (product or product line)."
    ),
]
Email = Annotated[str | None, typer.Option("--email", metavar="EMAIL", help="E-mail address.")]
Phone = Annotated[str | None, typer.Option("--phone", metavar="PHONE", help="Phone number.")]
Currency = Annotated[
    str | None,
    typer.Option("--currency", metavar="CODE", help="ISO 4217 code (default from config)."),
]
Limit = Annotated[
    int, typer.Option("--limit", "-n", metavar="N", help="Show at most N rows (0 = all).", min=0)
]
Search = Annotated[str | None, typer.Option("--search", "-s", metavar="TEXT", help="Text search.")]
Archived = Annotated[bool, typer.Option("--archived", help="List deleted (archived) records.")]

# record fields shared by `add` and `edit` (and the tag filter of `list`)
Tag = Annotated[str | None, typer.Option("--tag", metavar="TAG", help="Tag.")]
JobTitle = Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Job title.")]
Company = Annotated[str | None, typer.Option("--company", metavar="NAME", help="Company name.")]
Value = Annotated[str | None, typer.Option("--value", metavar="AMOUNT", help="Estimated value.")]
LeadStatus = Annotated[
    str | None,
    typer.Option("--status", metavar="STATUS", help="new, contacted, qualified, disqualified."),
]
Domain = Annotated[
    str | None, typer.Option("--domain", metavar="DOMAIN", help="Web domain, e.g. acme.example.")
]
Industry = Annotated[str | None, typer.Option("--industry", metavar="TEXT", help="Industry.")]
Website = Annotated[str | None, typer.Option("--website", metavar="URL", help="Web site.")]
Address = Annotated[str | None, typer.Option("--address", metavar="TEXT", help="Postal address.")]
Region = Annotated[str | None, typer.Option("--region", metavar="TEXT", help="Region or country.")]
Employees = Annotated[str | None, typer.Option("--employees", metavar="N", help="Head count.")]
Birthday = Annotated[
    str | None, typer.Option("--birthday", metavar="DATE", help="Birthday, e.g. 1988-03-14.")
]
AccountRef = Annotated[
    str | None, typer.Option("--account", metavar="ACCOUNT", help="Account name or id.")
]
ContactRef = Annotated[
    str | None, typer.Option("--contact", metavar="CONTACT", help="Contact name or id.")
]
DealRef = Annotated[str | None, typer.Option("--deal", metavar="DEAL", help="Deal id or title.")]
Priority = Annotated[
    str | None, typer.Option("--priority", metavar="PRIORITY", help="low, normal, high, urgent.")
]
TaskType = Annotated[
    str | None, typer.Option("--type", metavar="TYPE", help="todo, call, email, meeting.")
]
CreateOwner = Annotated[
    bool,
    typer.Option("--create-owner", help="Add the --owner as a new user if nobody has that name."),
]


def examples(*lines: str) -> str:
    """A command's help epilog: "Examples:" and each command line as a user types it (no `[`,
    which Rich would read as markup)."""
    return "Examples:\n" + "\n".join(f"  $ {line}" for line in lines)


def with_examples(*lines: str) -> Callable[[Command], Command]:
    """Give a top-level command (a function `pipecli.cli` registers) its examples epilog."""

    def mark(fn: Command) -> Command:
        fn.__dict__["epilog"] = examples(*lines)
        return fn

    return mark


def given(**options: Any) -> dict[str, Any]:
    """The options given (not None), as keywords for an input or change model: one left out is
    not passed, so the model's default (None, or UNSET: not given) applies."""
    return {k: v for k, v in options.items() if v is not None}


def _params(fn: Callable[..., Any]) -> list[inspect.Parameter]:
    return list(inspect.signature(fn, eval_str=True).parameters.values())


def with_options(*groups: Callable[..., None]) -> Callable[[Command], Command]:
    """Give the decorated command the options of `groups` (functions whose parameters are
    options: a set declared once, shared by several commands) after its own parameters; its own
    `--untag`, `--json` and `--csv` stay last. The command takes the options given as `fields`,
    a dict without those left out (None)."""

    def decorate(fn: Command) -> Command:
        own = [p for p in _params(fn) if p.name != "fields"]
        last = [p for p in own if p.name in ("untags", "as_json", "as_csv")]
        first = [p for p in own if p not in last]
        names = {p.name for p in own}
        added: dict[str, inspect.Parameter] = {}
        for group in groups:
            for p in _params(group):
                if p.name not in names:
                    added.setdefault(p.name, p.replace(kind=inspect.Parameter.KEYWORD_ONLY))
        params = [*first, *added.values(), *(p.replace(kind=p.KEYWORD_ONLY) for p in last)]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> None:
            fields = given(**{k: kwargs.pop(k, None) for k in added})
            fn(**kwargs, fields=fields)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate
