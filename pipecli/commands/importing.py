"""`pipe import KIND FILE` and the presets (`salesforce DIR`, `hubspot FILE`, `pipedrive FILE`).

Thin: options -> one import service call in one transaction -> counts per kind on stdout. Invalid
rows are listed on stderr (line, column, reason) before the one-line refusal. A progress bar is
drawn on stderr only when stderr is a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

import_app = typer.Typer(
    epilog=o.examples(
        "pipe import deals deals.csv --dry-run",
        'pipe import deals crm.xlsx --map "title=Opportunity,amount=Value"',
        "pipe import salesforce ./export/",
    ),
    help="Import records from CSV/TSV, JSON, JSON Lines or Excel files.",
    no_args_is_help=True,
)

File = Annotated[
    str, typer.Argument(metavar="FILE", help="The file to import (.csv .tsv .json .jsonl .xlsx).")
]
Map = Annotated[
    str | None,
    typer.Option(
        "--map", metavar="MAP", help="field=Column,... (fields: `pipe add` options, id...)."
    ),
]
StageMap = Annotated[
    str | None, typer.Option("--stage-map", metavar="MAP", help="'File stage=pipecli stage,...'.")
]
CreateStages = Annotated[bool, typer.Option("--create-stages", help="Add unknown stages.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Count what would change; write nothing.")]
SkipInvalid = Annotated[
    bool, typer.Option("--skip-invalid", help="Import valid rows; save others to FILE.rejects.csv.")
]
Match = Annotated[
    str | None,
    typer.Option("--match", metavar="FIELD", help="Match existing records by email, name or id."),
]
OnConflict = Annotated[
    str,
    typer.Option("--on-conflict", metavar="ACTION", help="A matched record: update, skip or fail."),
]
Encoding = Annotated[
    str | None,
    typer.Option("--encoding", metavar="ENCODING", help="Text encoding (default: detected)."),
]
Dayfirst = Annotated[
    bool | None, typer.Option("--dayfirst/--monthfirst", help="Order of 1/2/2026 dates.")
]
Pipeline = Annotated[
    str | None, typer.Option("--pipeline", metavar="PIPELINE", help="Pipeline for deals.")
]
Decimal = Annotated[
    str | None,
    typer.Option(
        "--decimal",
        metavar="SEP",
        help="Decimal point of amounts: , or . (default: from the column).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")]
CreateOwner = Annotated[
    bool, typer.Option("--create-owner", help="Add owners nobody is called yet as new users.")
]


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; otherwise no reporting at all."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(phase: str, n: int, total: int | None) -> None:
            if phase not in tasks:
                label = "importing rows" if phase == "import" else phase
                tasks[phase] = bar.add_task(label, total=total)
            bar.update(tasks[phase], advance=n, total=total)

        yield report


def _show(results: list[Any], as_json: bool) -> None:
    from pipecli.core.imports import summary

    rows = summary(results)
    if as_json:
        render.emit_json(rows)
    for r in [] if as_json else rows:
        counts = f"{r['created']} created, {r['updated']} updated, {r['skipped']} skipped"
        render.line(f"{r['kind']}: {counts}")
    dry = any(res.dry_run for res in results)
    for res in results:
        for note in res.left_out:
            render.message(f"{res.file}: {note}")
        if res.errors:
            render.message(f"{res.file}: {len(res.errors)} invalid rows skipped")
        if res.rejects:
            render.message(f"rejected rows saved to {res.rejects}")
        if res.created_stages:
            verb = "would be added" if dry else "added"
            render.message(f"stages {verb}: " + ", ".join(res.created_stages))
    if dry:
        render.message("dry run: nothing was written")


def _run(call: Callable[[Any, Any], list[Any]], as_json: bool) -> None:
    from pipecli.core.imports import InvalidRows

    refused: InvalidRows | None = None
    with _progress() as progress, session(write=False) as ctx:
        try:
            results = call(ctx, progress)
        except InvalidRows as err:
            # nothing of a refused file stays, and its lines are printed only after the unit
            # has let go of the database: a slow reader of stderr must not hold up other writers
            ctx.session.rollback()
            ctx.notices.clear()
            refused = err
    if refused is not None:
        for e in refused.errors:
            render.error(f"{e}")
        render.error(str(refused))
        raise typer.Exit(refused.exit_code)
    _show(results, as_json)


def _kind_command(kind: str) -> Callable[..., None]:
    def command(
        file: File,
        map: Map = None,
        stage_map: StageMap = None,
        create_stages: CreateStages = False,
        dry_run: DryRun = False,
        skip_invalid: SkipInvalid = False,
        match: Match = None,
        on_conflict: OnConflict = "update",
        encoding: Encoding = None,
        dayfirst: Dayfirst = None,
        pipeline: Pipeline = None,
        create_owner: CreateOwner = False,
        decimal: Decimal = None,
        as_json: Json = False,
    ) -> None:
        from pipecli.core import imports

        opts = imports.Options(
            kind, map, stage_map, create_stages, dry_run, skip_invalid, match, on_conflict,
            dayfirst, pipeline, create_owners=create_owner, decimal=decimal,
        )  # fmt: skip
        _run(lambda ctx, p: [imports.import_file(ctx, file, opts, encoding, p)], as_json)

    command.__doc__ = f"Import {kind}s from a file; headers match field names (see --map)."
    return command


for _kind in ("deal", "lead", "account", "contact", "task"):
    import_app.command(f"{_kind}s")(_kind_command(_kind))


@import_app.command("salesforce")
def import_salesforce(
    folder: Annotated[
        str, typer.Argument(metavar="FOLDER", help="Folder of a Salesforce CSV export.")
    ],
    dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False,
    pipeline: Pipeline = None,
    create_owner: CreateOwner = False,
    as_json: Json = False,
) -> None:
    """Import a Salesforce export: Account, Contact, Lead, Opportunity and Task CSV files."""
    from pipecli.core.imports import presets as import_presets

    opts = import_presets.PresetOptions(dry_run, skip_invalid, pipeline, create_owners=create_owner)
    _run(lambda ctx, p: import_presets.salesforce(ctx, folder, opts, p), as_json)


def _preset_file(name: str) -> Callable[..., None]:
    def command(
        file: File,
        dry_run: DryRun = False,
        skip_invalid: SkipInvalid = False,
        create_stages: Annotated[
            bool,
            typer.Option("--create-stages/--no-create-stages", help="Add unknown stages."),
        ] = True,
        pipeline: Pipeline = None,
        encoding: Encoding = None,
        create_owner: CreateOwner = False,
        as_json: Json = False,
    ) -> None:
        from pipecli.core.imports import presets as import_presets

        opts = import_presets.PresetOptions(
            dry_run, skip_invalid, pipeline, create_stages, create_owners=create_owner
        )
        call = {"hubspot": import_presets.hubspot, "pipedrive": import_presets.pipedrive}[name]
        _run(lambda ctx, p: call(ctx, file, opts, encoding, p), as_json)

    label = {"hubspot": "HubSpot", "pipedrive": "Pipedrive"}[name]
    command.__doc__ = f"Import a {label} deals export (its standard column names)."
    return command


for _name in ("hubspot", "pipedrive"):
    import_app.command(_name)(_preset_file(_name))


@import_app.command("all")
def import_all(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A backup written by `pipe export all`.")
    ],
) -> None:
    """Restore everything from `pipe export all` (UUIDs kept; a re-run adds nothing)."""
    from pipecli.core.services import backup_jsonl

    with session() as ctx:
        counts = backup_jsonl.load(ctx, file)
    for table, (added, existing) in counts.items():
        render.line(f"{table}: {added} added, {existing} already there")
