"""`pipe pipeline ...` and `pipe stage ...`: the shape of the sales process."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli import render
from pipecli.commands import options as o
from pipecli.commands._run import session

pipeline_app = typer.Typer(
    epilog=o.examples(
        "pipe pipeline list", 'pipe pipeline add "Renewals"', "pipe pipeline default Renewals"
    ),
    help="Pipelines: list, add, make default.",
    no_args_is_help=True,
)
stage_app = typer.Typer(
    epilog=o.examples(
        "pipe stage list",
        'pipe stage add "Demo" --after qualification --probability 30',
        "pipe stage edit qualification --rot-days 30",
    ),
    help="Stages of a pipeline: list, add, edit, move, delete.",
    no_args_is_help=True,
)
Pipeline = Annotated[
    str | None, typer.Option("--pipeline", "-p", metavar="PIPELINE", help="Pipeline (default one).")
]


@pipeline_app.command("list")
def pipeline_list(as_json: o.Json = False, as_csv: o.Csv = False) -> None:
    """All pipelines with their stages."""
    from pipecli.core.services import listing

    with session() as ctx:
        rows = listing.pipeline_rows(ctx)
    render.rows("pipeline", rows, render.fmt_of(as_json, as_csv))


@pipeline_app.command("add")
def pipeline_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Pipeline name.")],
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
) -> None:
    """A new pipeline with the standard stages (edit them with `pipe stage`)."""
    from pipecli.core.services import pipelines

    with session() as ctx:
        pipe = pipelines.add_pipeline(ctx, name, default=default)
        pid, pname = pipe.id, pipe.name
    render.line(f"created pipeline {pid}: {pname}")


@pipeline_app.command("default")
def pipeline_default(
    name: Annotated[str, typer.Argument(metavar="PIPELINE", help="Pipeline name or id.")],
) -> None:
    """Make a pipeline the default one."""
    from pipecli.core.services import pipelines

    with session() as ctx:
        pipe = pipelines.get_pipeline(ctx, name)
        pipelines.set_default(ctx, pipe)
        pname = pipe.name
    render.line(f"default pipeline: {pname}")


@stage_app.command("list")
def stage_list(pipeline: Pipeline = None, as_json: o.Json = False, as_csv: o.Csv = False) -> None:
    """Stages of a pipeline in order, with probability, forecast category and rotting days."""
    from pipecli.core.services import listing

    with session() as ctx:
        rows = listing.stage_rows(ctx, pipeline)
    render.rows("stage", rows, render.fmt_of(as_json, as_csv))


@stage_app.command("add")
def stage_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Stage name.")],
    pipeline: Pipeline = None,
    after: Annotated[
        str | None, typer.Option(metavar="STAGE", help="Insert after this stage.")
    ] = None,
    probability: Annotated[
        str | None, typer.Option(metavar="PERCENT", help="Default probability, percent.")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            metavar="CATEGORY", help="pipeline, best_case, commit (default: by probability)."
        ),
    ] = None,
    rot_days: Annotated[
        int | None, typer.Option(metavar="DAYS", help="Stale after this many days.")
    ] = None,
) -> None:
    """Add an open stage to a pipeline."""
    from pipecli.core.services import pipelines

    spec = pipelines.NewStage(name, pipeline, after, probability, category, rot_days)
    with session() as ctx:
        stage = pipelines.add_stage(ctx, spec)
        sid, sname, pos = stage.id, stage.name, stage.position
    render.line(f"created stage {sid}: {sname} (position {pos})")


@stage_app.command("edit")
def stage_edit(
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="Stage name.")],
    pipeline: Pipeline = None,
    name: Annotated[str | None, typer.Option(metavar="NAME", help="New name.")] = None,
    probability: Annotated[
        str | None, typer.Option(metavar="PERCENT", help="Default probability.")
    ] = None,
    category: Annotated[
        str | None, typer.Option(metavar="CATEGORY", help="Forecast category.")
    ] = None,
    rot_days: Annotated[
        int | None, typer.Option(metavar="DAYS", help="Stale after N days (0 = never).")
    ] = None,
) -> None:
    """Rename a stage or change its probability, category or rotting threshold."""
    from pipecli.core.services import pipelines

    with session() as ctx:
        st = pipelines.edit_stage(
            ctx, pipeline, stage, name=name, probability_value=probability,
            category_value=category, rot_days=rot_days,
        )  # fmt: skip
        sname = st.name
    render.line(f"updated stage {sname}")


@stage_app.command("delete")
def stage_delete(
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="Stage name (an open stage).")],
    pipeline: Pipeline = None,
    move_to: Annotated[
        str | None,
        typer.Option("--move-to", metavar="STAGE", help="Open stage that takes the stage's deals."),
    ] = None,
) -> None:
    """Delete an open stage; its deals move to `--move-to` first, each with a history row.
    The deals' history still names the stage; `stage add` of the same name brings it back."""
    from pipecli.core.services import stage_layout

    with session() as ctx:
        st, moved = stage_layout.delete_stage(ctx, pipeline, stage, move_to)
        sname = st.name
    render.line(f"deleted stage {sname}" + (f"; moved {moved} deals to {move_to}" if moved else ""))


@stage_app.command("move")
def stage_move(
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="Stage name (an open stage).")],
    pipeline: Pipeline = None,
    after: Annotated[
        str | None, typer.Option("--after", metavar="STAGE", help="Put it after this stage.")
    ] = None,
    first: Annotated[bool, typer.Option("--first", help="Make it the first stage.")] = False,
) -> None:
    """Reorder the open stages: put one after another, or first."""
    from pipecli.core.services import stage_layout

    with session() as ctx:
        st = stage_layout.move_stage(ctx, pipeline, stage, after=after, first=first)
        sname, pos = st.name, st.position
    render.line(f"moved stage {sname} to position {pos}")
