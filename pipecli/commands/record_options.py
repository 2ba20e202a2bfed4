"""Each kind's record options, declared once and given to both `pipe add KIND` and `pipe edit KIND`.

A group is a function whose parameters are the options (typed `Annotated[...]` declarations from
`commands.options`), named as the fields of the kind's input model (`services.deals.DealInput`,
...). `with_options(group)` gives a command those parameters besides its own (Typer reads the
merged signature) and hands the ones given to the command as `fields`, a dict ready for the model:
options left out (None) are not in it, so the model's defaults apply and "not given" stays
distinct from an empty value, which clears a field on edit. Adding a field to a kind means adding
it to the model and to its group here, once.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from pipecli.commands import options as o

Command = Callable[..., None]

Amount = Annotated[str | None, typer.Option("--amount", help="Deal value, e.g. 12000 or 12k.")]
Close = Annotated[str | None, typer.Option("--close", help="Expected close: 2026-12-20, eoq...")]
Probability = Annotated[
    str | None, typer.Option("--probability", help="Percent; default follows the stage; `auto`.")
]
Due = Annotated[str | None, typer.Option("--due", help="Due: fri 10am, tomorrow, +3d, 2026-12-01.")]
Repeat = Annotated[str | None, typer.Option("--repeat", help="e.g. 'every 2 weeks'; or `none`.")]
LeadRef = Annotated[str | None, typer.Option("--lead", help="Lead id or name.")]


def _owned(
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


def _params(fn: Callable[..., Any]) -> list[inspect.Parameter]:
    return list(inspect.signature(fn, eval_str=True).parameters.values())


def with_options(*groups: Callable[..., None]) -> Callable[[Command], Command]:
    """Give the decorated command the options of `groups` (then the common owner, notes and tag
    options) after its own parameters; `--json`/`--csv` stay last. The command takes the given
    ones as `fields`."""

    def decorate(fn: Command) -> Command:
        own = [p for p in _params(fn) if p.name != "fields"]
        last = [p for p in own if p.name in ("untags", "as_json", "as_csv")]
        first = [p for p in own if p not in last]
        names = {p.name for p in own}
        added: dict[str, inspect.Parameter] = {}
        for group in (*groups, _owned):
            for p in _params(group):
                if p.name not in names:
                    added.setdefault(p.name, p.replace(kind=inspect.Parameter.KEYWORD_ONLY))
        params = [*first, *added.values(), *(p.replace(kind=p.KEYWORD_ONLY) for p in last)]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> None:
            fields = {k: kwargs.pop(k) for k in added if kwargs.get(k) is not None}
            for k in added:
                kwargs.pop(k, None)
            fn(**kwargs, fields=fields)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate
