"""Each kind's record options, declared once and given to both `pipe add KIND` and `pipe edit KIND`.

A group is a function whose parameters are the options (typed `Annotated[...]` declarations from
`commands.options`), named as the fields of the kind's input model (`services.deals.DealInput`,
...). `with_options(group)` gives a command those parameters besides its own (Typer reads the
merged signature) and hands the ones given to the command as `fields`, a dict ready for the model:
options left out (None) are not in it, so the model's defaults apply and "not given" stays
distinct from an empty value, which clears a field on edit. `owned` holds the options every kind
ends with. Adding a field to a kind means adding it to the model and to its group here, once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli.commands import options as o

Amount = Annotated[
    str | None, typer.Option("--amount", metavar="AMOUNT", help="Deal value, e.g. 12000 or 12k.")
]
Close = Annotated[
    str | None, typer.Option("--close", metavar="DATE", help="Expected close: 2026-12-20, eoq...")
]
Probability = Annotated[
    str | None,
    typer.Option(
        "--probability", metavar="PERCENT", help="Percent; default follows the stage; `auto`."
    ),
]
Due = Annotated[
    str | None,
    typer.Option("--due", metavar="WHEN", help="Due: fri 10am, tomorrow, +3d, 2026-12-01."),
]
Repeat = Annotated[
    str | None, typer.Option("--repeat", metavar="RULE", help="e.g. 'every 2 weeks'; or `none`.")
]
LeadRef = Annotated[str | None, typer.Option("--lead", metavar="LEAD", help="Lead id or name.")]


def owned(
    owner: o.Owner = None,
    create_owner: o.CreateOwner = False,
    notes: o.Notes = None,
    tags: o.Tags = None,
) -> None:
    """The options every kind ends with."""


def lead(
    company: o.Company = None,
    email: o.Email = None,
    phone: o.Phone = None,
    title: o.JobTitle = None,
    source: o.Source = None,
    value: o.Value = None,
    currency: o.Currency = None,
    status: o.LeadStatus = None,
) -> None:
    """A lead's options."""


def account(
    domain: o.Domain = None,
    industry: o.Industry = None,
    website: o.Website = None,
    phone: o.Phone = None,
    address: o.Address = None,
    region: o.Region = None,
    employees: o.Employees = None,
    source: o.Source = None,
) -> None:
    """An account's options."""


def contact(
    account: o.AccountRef = None,
    email: o.Email = None,
    phone: o.Phone = None,
    title: o.JobTitle = None,
    birthday: o.Birthday = None,
    source: o.Source = None,
) -> None:
    """A contact's options."""


def deal(
    account: o.AccountRef = None,
    contact: o.ContactRef = None,
    amount: Amount = None,
    currency: o.Currency = None,
    close: Close = None,
    probability: Probability = None,
    source: o.Source = None,
    product: o.Product = None,
) -> None:
    """A deal's options."""


def task(
    due: Due = None,
    priority: o.Priority = None,
    kind: o.TaskType = None,
    repeat: Repeat = None,
    deal: o.DealRef = None,
) -> None:
    """A task's options."""


def placement(
    stage: Annotated[
        str | None, typer.Option(metavar="STAGE", help="Stage (default: the first).")
    ] = None,
    pipeline: Annotated[
        str | None, typer.Option(metavar="PIPELINE", help="Pipeline (default: default).")
    ] = None,
) -> None:
    """Where `pipe add deal` opens the deal."""


def links(lead: LeadRef = None, contact: o.ContactRef = None, account: o.AccountRef = None) -> None:
    """What `pipe add task` links the task to, besides a deal."""
