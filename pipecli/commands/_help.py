"""How `--help` names values: `TEXT`, `DATE`, `N`..., never Python types, and nothing for flags.

Typer 0.27+ (its vendored Click) prints an option's Python type in the help's type column:
`<str>`, `<list[str]>`, `<int range> [x>=0]`, and `<bool>` for every flag, its own `--help` and
`--install-completion` included; a required argument is `{title}` in the usage line. Typer
takes an option's `metavar=` instead of the type when one is given, so the options declare
theirs where they are declared (`commands.options`, `commands.record_options`, the command
modules). What no declaration can reach is adjusted here, once, by `apply()` (run when
`pipecli.cli` is imported):

- a flag (an option that takes no value: `--json`, `--help`) shows no type at all;
- an option without a metavar shows a plain name for its type (`TEXT`, `N`, `FILE`...);
- a ranged option with a metavar states its bounds in its help, so no `[x>=0]` is added;
- an argument is named by its metavar (or its name in capitals), `TITLE` in the usage line
  (`[TITLE]` when optional), and shows no type beside it.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperArgument, TyperOption

# a Python type as Typer labels it -> the name a person reads
PLAIN = {
    "str": "TEXT",
    "int": "N",
    "int range": "N",
    "float": "NUMBER",
    "float range": "NUMBER",
    "Decimal": "AMOUNT",
    "Path": "FILE",
    "file": "FILE",
    "dir": "DIR",
    "path": "PATH",
    "datetime": "WHEN",
}


def plain_type(label: str) -> str:
    """`<list[str]>` -> `TEXT`, `<int range>` -> `N`, `<a|b>` -> `a|b`: a Typer type label in
    words (an unknown one in capitals)."""
    inner = label.strip("<>")
    listed = re.fullmatch(r"list\[(.*)\]", inner)
    if listed:
        inner = listed.group(1)
    if "|" in inner:
        return inner
    return PLAIN.get(inner, inner.upper())


def _option_type(self: TyperOption, ctx: Any) -> str | None:
    if self.is_flag or self.count:
        return None
    if self.metavar is not None:
        return self.metavar
    label = TyperOption.display_type(self, ctx)
    return plain_type(label) + ("..." if self.nargs != 1 else "")


def _option_range(self: TyperOption) -> str | None:
    return None if self.metavar is not None else _ORIGINAL_RANGE(self)


def _argument_name(self: TyperArgument) -> str:
    return self.metavar if self.metavar is not None else (self.name or "").upper()


def _argument_type(self: TyperArgument, ctx: Any) -> str | None:
    return None


def _argument_usage(self: TyperArgument) -> str:
    name = _argument_name(self)
    name = name if self.required else f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


_ORIGINAL_RANGE = TyperOption._get_number_range_help_str


def apply() -> None:
    """Install the adjustments above on Typer's option and argument classes (idempotent)."""
    TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    TyperOption._get_number_range_help_str = _option_range  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign,assignment]
    TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
    TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[assignment]
