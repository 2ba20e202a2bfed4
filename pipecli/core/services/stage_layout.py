"""Reshaping a pipeline: delete an open stage (its deals move to another first) and reorder one.

Rules kept here and nowhere else:
- Only open stages are deleted or moved; Won and Lost close every pipeline and stay at its end.
- A stage that holds deals (archived deals too) is deleted only with `move_to`: each deal moves
  there with a history row, as `pipe move` writes, so reports from history still add up. The
  stage itself is archived, not dropped: the deals' history rows name it. Reports lay deals out
  over the pipeline's current stages (a funnel `--as-of` an earlier day counts a deal that sat
  in the deleted stage in the first stage). Adding a stage of the same name later brings it
  back (`pipelines.add_stage`).
- A pipeline keeps at least one open stage. Positions of the open stages stay 1..n in order.
"""

from __future__ import annotations

from sqlmodel import col, select

from pipecli.core.errors import Conflict, Invalid
from pipecli.core.models import Deal, Stage
from pipecli.core.services import deals, pipelines
from pipecli.core.services.common import id_of
from pipecli.core.services.context import Ctx


def _open_stage(ctx: Ctx, pipeline: str | None, ref: str, field: str) -> tuple[Stage, list[Stage]]:
    pipe = pipelines.get_pipeline(ctx, pipeline)
    stage = pipelines.find_stage(ctx, pipe, ref, field=field)
    if stage.outcome != "open":
        raise Invalid(field, ref, f"is the {stage.outcome} stage, which every pipeline keeps")
    opened = [s for s in pipelines.stages_of(ctx, id_of(pipe)) if s.outcome == "open"]
    return stage, opened


def _renumber(ctx: Ctx, ordered: list[Stage]) -> None:
    """Open stages 1..n in the order given, then the closing stages after them."""
    pipeline_id = ordered[0].pipeline_id
    closing = [s for s in pipelines.stages_of(ctx, pipeline_id) if s.outcome != "open"]
    for position, stage in enumerate([*ordered, *closing], start=1):
        if stage.position != position:
            stage.position = position
            ctx.session.add(stage)
    ctx.session.flush()


def delete_stage(
    ctx: Ctx, pipeline: str | None, ref: str, move_to: str | None = None
) -> tuple[Stage, int]:
    """Archive an open stage, moving its deals to the open stage `move_to` first; returns the
    stage and how many deals moved."""
    stage, opened = _open_stage(ctx, pipeline, ref, "stage")
    held = list(
        ctx.session.exec(select(Deal).where(Deal.stage_id == stage.id).order_by(col(Deal.id)))
    )
    if len(opened) == 1:
        raise Conflict(f"stage {stage.name!r} is the last open stage of its pipeline")
    target = None
    if move_to is not None:
        target, _ = _open_stage(ctx, pipeline, move_to, "move-to")
        if target.id == stage.id:
            raise Invalid("move-to", move_to, "is the stage being deleted")
    if held and target is None:
        raise Conflict(f"stage {stage.name!r} holds {len(held)} deals; add --move-to STAGE")
    if target is not None:
        note = f"stage {stage.name} deleted"
        for deal in held:
            deals.move_to(ctx, deal, target, note)
    stage.archived_at = ctx.now
    ctx.session.add(stage)
    _renumber(ctx, [s for s in opened if s.id != stage.id])
    return stage, len(held)


def move_stage(
    ctx: Ctx, pipeline: str | None, ref: str, *, after: str | None = None, first: bool = False
) -> Stage:
    """Put an open stage right after the open stage `after`, or first."""
    if (after is None) == (not first):
        raise Invalid("after", after, "give either --after STAGE or --first")
    stage, opened = _open_stage(ctx, pipeline, ref, "stage")
    rest = [s for s in opened if s.id != stage.id]
    if first:
        _renumber(ctx, [stage, *rest])
        return stage
    assert after is not None
    anchor, _ = _open_stage(ctx, pipeline, after, "after")
    if anchor.id == stage.id:
        raise Invalid("after", after, "is the stage being moved")
    at = next(i for i, s in enumerate(rest) if s.id == anchor.id) + 1
    _renumber(ctx, [*rest[:at], stage, *rest[at:]])
    return stage
