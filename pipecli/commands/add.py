"""`pipe add KIND ...`: create a lead, account, contact, deal or task.

One command per kind, made by `_add`: each kind's options are declared once in
`commands.record_options` (shared with `pipe edit`), and the options given become the kind's
input model, which one service call creates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands import record_options as ro
from pipecli.commands._run import session

app = typer.Typer(
    help="Create a record: lead, account, contact, deal or task.",
    no_args_is_help=True,
    epilog=o.examples(
        'pipe add lead "Li Wei" --company "Acme Ltd" --email li.wei@acme.example',
        'pipe add deal "Acme – 40 seats" --account "Acme Ltd" --amount 12k --close eoq',
        'pipe add task "Call Li about pricing" --deal 1 --due "fri 10am"',
    ),
)

# each kind's examples, ending its `pipe add KIND --help`
EXAMPLES: dict[str, tuple[str, ...]] = {
    "lead": (
        'pipe add lead "Li Wei" --company "Acme Ltd" --email li.wei@acme.example --source web',
        'pipe add lead "Ana Ruiz" --value 12000 --currency EUR --owner me --tag trade-fair',
    ),
    "account": (
        'pipe add account "Acme Ltd" --domain acme.example --industry manufacturing',
        'pipe add account "Acme Ltd" --region Germany --duplicate',
    ),
    "contact": (
        'pipe add contact "Li Wei" --account "Acme Ltd" --email li.wei@acme.example',
        'pipe add contact "Sam Park" --title CTO --birthday 1988-03-14',
    ),
    "deal": (
        'pipe add deal "Acme – 40 seats" --account "Acme Ltd" --amount 12k --close eoq',
        'pipe add deal "Globex – pilot" --amount 8000 --currency CNY --stage qualification',
        'pipe add deal "Initech – renewal" --amount "€5,000" --close eoq+2w --product Support',
    ),
    "task": (
        'pipe add task "Call Li about pricing" --deal 1 --due "fri 10am" --priority high',
        'pipe add task "Pipeline review" --due mon --repeat "every 2 weeks"',
        'pipe add task "Send the contract" --contact "Li Wei" --type email --due tomorrow',
    ),
    "product": (
        'pipe add product "Seat licence" --sku SEAT-1 --price 1200 --currency CNY --tax 13',
        'pipe add product "Onboarding" --price 8000 --unit day',
    ),
    "quote": (
        'pipe add quote --deal 3 --valid +30d --terms "Net 30"',
        "pipe add quote --deal 3",
    ),
}


def _named(name: Annotated[str, typer.Argument(help="Name.")]) -> None:
    """The name a lead, account or contact is created with."""


def _titled(title: Annotated[str, typer.Argument(help="Title.")]) -> None:
    """The title a deal or task is created with."""


def _duplicate(
    duplicate: Annotated[
        bool, typer.Option("--duplicate", help="Add it even if an account has this name.")
    ] = False,
) -> None:
    """`pipe add account --duplicate`."""


def _creates(kind: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The kind's input model and its create service."""
    from pipecli.core.services import accounts, contacts, deals, leads, tasks

    creates: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
        "lead": (leads.LeadInput, leads.create),
        "account": (accounts.AccountInput, accounts.create),
        "contact": (contacts.ContactInput, contacts.create),
        "deal": (deals.DealInput, deals.create),
        "task": (tasks.TaskInput, tasks.create),
    }
    return creates[kind]


def _add(kind: str, doc: str, *groups: Callable[..., None]) -> None:
    @o.with_options(*groups, ro.owned)
    def command(as_json: o.Json = False, as_csv: o.Csv = False, *, fields: dict[str, Any]) -> None:
        from pipecli.core.services import listing

        extra = {"duplicate": fields.pop("duplicate")} if "duplicate" in fields else {}
        model, create = _creates(kind)
        with session() as ctx:
            row = listing.get_row(ctx, kind, create(ctx, model(**fields), **extra))
        render.created(kind, row, render.fmt_of(as_json, as_csv))

    command.__doc__ = doc
    app.command(kind, epilog=o.examples(*EXAMPLES[kind]))(command)


_add("lead", "Capture a lead: someone who might buy.", _named, ro.lead)
_add(
    "account",
    "Add an account (a company); a name already in use is refused unless --duplicate.",
    _named,
    ro.account,
    _duplicate,
)
_add(
    "contact",
    "Add a contact (a person), optionally at an account (created if new).",
    _named,
    ro.contact,
)
_add("deal", "Open a deal in a pipeline.", _titled, ro.placement, ro.deal)
_add(
    "task",
    "Add a task, optionally repeating, linked to a deal, lead, contact or account.",
    _titled,
    ro.task,
    ro.links,
)


# products and quotes live in commands/quotes.py; registered here so `pipe add` offers them
from pipecli.commands import quotes as _quotes  # noqa: E402

app.command("product", epilog=o.examples(*EXAMPLES["product"]))(_quotes.add_product)
app.command("quote", epilog=o.examples(*EXAMPLES["quote"]))(_quotes.add_quote)
