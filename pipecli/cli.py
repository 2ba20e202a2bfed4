"""The root `pipe` command: global options and the command groups.

Verb first, as people type it: `pipe add lead`, `pipe list deals`, `pipe move 3 proposal`.
Commands are listed in REGISTRY and built lazily: a run registers only the group or command it
invokes (Typer inspects every registered function's signature when it starts, so building all of
them for every run would cost start-up time); `pipe --help` builds them all. Command modules
import the core only inside their functions, so `pipe --help` and `pipe --version` never load
SQLModel (tests/test_import_hygiene.py). REGISTRY also names each command's help panel, so
`pipe --help` groups and orders them without importing a module to ask; each command's own
examples (its help epilog) live beside it in its module. How help names values: commands/_help.py.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pipecli import __version__, render
from pipecli.commands import _help
from pipecli.commands._run import GLOBAL_DB
from pipecli.commands.options import examples

_help.apply()

RECORDS = "Records"
WORK = "Deals and tasks"
REPORTS = "Reports"
DATA = "Data in and out"
SETUP = "Team and setup"

# name -> (module, attribute, is_group, help panel); `pipe --help` lists them in this order,
# grouped into their panels (known here, so that listing them imports no command module)
REGISTRY: dict[str, tuple[str, str, bool, str]] = {
    "add": ("pipecli.commands.add", "app", True, RECORDS),
    "list": ("pipecli.commands.records", "list_app", True, RECORDS),
    "show": ("pipecli.commands.records", "show", False, RECORDS),
    "edit": ("pipecli.commands.edit", "app", True, RECORDS),
    "delete": ("pipecli.commands.records", "delete", False, RECORDS),
    "undelete": ("pipecli.commands.records", "undelete", False, RECORDS),
    "merge": ("pipecli.commands.maintenance", "merge", False, RECORDS),
    "convert": ("pipecli.commands.workflow", "convert", False, RECORDS),
    "move": ("pipecli.commands.workflow", "move", False, WORK),
    "win": ("pipecli.commands.workflow", "win", False, WORK),
    "lose": ("pipecli.commands.workflow", "lose", False, WORK),
    "reopen": ("pipecli.commands.workflow", "reopen", False, WORK),
    "done": ("pipecli.commands.workflow", "done", False, WORK),
    "undone": ("pipecli.commands.workflow", "undone", False, WORK),
    "log": ("pipecli.commands.workflow", "log", False, WORK),
    "follow-up": ("pipecli.commands.followup", "app", True, WORK),
    "quote": ("pipecli.commands.quotes", "quote_app", True, WORK),
    "board": ("pipecli.commands.board", "board", False, WORK),
    "report": ("pipecli.commands.report", "report_app", True, REPORTS),
    "digest": ("pipecli.commands.digest", "app", True, REPORTS),
    "import": ("pipecli.commands.importing", "import_app", True, DATA),
    "export": ("pipecli.commands.exporting", "export", False, DATA),
    "backup": ("pipecli.commands.maintenance", "backup", False, DATA),
    "restore": ("pipecli.commands.maintenance", "restore", False, DATA),
    "schema": ("pipecli.commands.admin", "schema", False, DATA),
    "demo": ("pipecli.commands.demo", "demo", False, DATA),
    "user": ("pipecli.commands.users", "user_app", True, SETUP),
    "whoami": ("pipecli.commands.users", "whoami", False, SETUP),
    "pipeline": ("pipecli.commands.pipelines", "pipeline_app", True, SETUP),
    "stage": ("pipecli.commands.pipelines", "stage_app", True, SETUP),
    "fx": ("pipecli.commands.fx", "fx_app", True, SETUP),
    "db": ("pipecli.commands.admin", "db_app", True, SETUP),
    "calc": ("pipecli.commands.admin", "calc", False, SETUP),
}


class _InRegistryOrder(TyperGroup):
    """The root group: commands listed in REGISTRY's order (Typer lists commands before groups)."""

    def list_commands(self, ctx: Any) -> list[str]:
        order = list(REGISTRY)
        return sorted(
            super().list_commands(ctx), key=lambda n: order.index(n) if n in order else -1
        )


def _version(value: bool) -> None:
    if value:
        print(f"pipe {__version__}")
        raise typer.Exit()


def _root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Database: a SQLite file path or an SQLAlchemy URL (or PIPE_DB).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """pipecli: leads, accounts, contacts, deals and tasks, in the terminal."""
    GLOBAL_DB.set(db)


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with just `only` (the one this run invokes)."""
    root = typer.Typer(
        name="pipe",
        cls=_InRegistryOrder,
        help="pipecli: a sales-pipeline CRM that lives in the terminal.",
        no_args_is_help=True,
        epilog=examples(
            'pipe add deal "Acme – 40 seats" --account "Acme Ltd" --amount 12k --close eoq',
            "pipe list tasks --due today",
            "pipe COMMAND --help",
        ),
        add_completion=only is None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root.callback()(_root)
    for name, (module, attr, group, panel) in REGISTRY.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(module), attr)
        if group:
            root.add_typer(target, name=name, rich_help_panel=panel)
        else:
            root.command(
                name,
                context_settings=getattr(target, "context_settings", None),
                epilog=getattr(target, "epilog", None),
                rich_help_panel=panel,
            )(target)
    return root


def __getattr__(name: str) -> typer.Typer:
    """`pipecli.cli.app`, the whole CLI, built on first use (a run builds only what it invokes)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def _invoked(argv: Sequence[str]) -> str | None:
    """The command name this argv invokes, skipping global options; None if unclear."""
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--db":
            args = args[1:]
        elif arg.startswith("-"):
            continue
        else:
            return arg if arg in REGISTRY else None
    return None


def _started(argv: Sequence[str], invoked: str | None) -> None:
    """The end of start-up: the entry point (main.py) paused the garbage collector while modules
    load. Once the command is resolved, the core it will use is loaded too (not for help), all of
    it frozen out of later collections (it lives until exit), and the collector switched back on,
    so no command, short or long-running, does its work with the collector off."""
    if gc.isenabled():
        return
    if invoked is not None and not {"-h", "--help"} & set(argv):
        import pipecli.core.workspace  # noqa: F401  (every command but help opens the store)
    gc.freeze()
    gc.enable()


def run(argv: Sequence[str]) -> None:
    """Run the CLI and exit. Usage errors are one line on stderr (exit 2), like every error."""
    invoked = _invoked(argv)
    app = build_app(invoked)
    _started(argv, invoked)
    try:
        code = app(args=list(argv), prog_name="pipe", standalone_mode=False)
    except typer.Abort:
        render.error("aborted")
        raise SystemExit(1) from None
    except typer.TyperException as exc:  # Click's usage errors
        ctx: Any = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `pipe` or `pipe add`, help shown
            raise SystemExit(0) from None
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        render.error(f"{exc.format_message()}{hint}")
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    raise SystemExit(code if isinstance(code, int) else 0)
