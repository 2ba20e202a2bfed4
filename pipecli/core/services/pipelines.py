"""Pipelines and their stages: the default pipeline, adding stages, and finding a stage by name.

A stage's outcome is open, won or lost. Each pipeline has exactly one won and one lost stage, which
close a deal. Stage order is `position`; won and lost always sort last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Deal, Pipeline, Stage, StageChange, new_uuid
from pipecli.core.services import inserts
from pipecli.core.services.common import clean, id_of, required
from pipecli.core.services.context import Ctx

CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")

# name, probability, forecast category, outcome, rotting threshold in days
DEFAULT_STAGES: tuple[tuple[str, int, str, str, int | None], ...] = (
    ("Prospecting", 10, "pipeline", "open", 14),
    ("Qualification", 20, "pipeline", "open", 14),
    ("Proposal", 50, "best_case", "open", 21),
    ("Negotiation", 80, "commit", "open", 14),
    ("Won", 100, "closed", "won", None),
    ("Lost", 0, "omitted", "lost", None),
)


def seed_default(session: Session, now: datetime) -> Pipeline:
    """Create the default pipeline unless any pipeline exists (first use of a database)."""
    existing = session.exec(select(Pipeline)).first()
    if existing is not None:
        return existing
    pipe = Pipeline(name="Default", is_default=True, created_at=now)
    session.add(pipe)
    session.flush()
    _add_stages(session, pipe, DEFAULT_STAGES)
    return pipe


def _add_stages(
    session: Session, pipe: Pipeline, stages: tuple[tuple[str, int, str, str, int | None], ...]
) -> None:
    for pos, (name, prob, cat, outcome, rot) in enumerate(stages, start=1):
        session.add(
            Stage(
                pipeline_id=id_of(pipe),
                name=name,
                position=pos,
                probability=prob,
                forecast_category=cat,
                outcome=outcome,
                rot_days=rot,
            )
        )
    session.flush()


def category(text: str | None, probability: int, field: str = "category") -> str:
    """A forecast category; when not given, derived from the probability."""
    if text is None or not text.strip():
        return "commit" if probability >= 80 else "best_case" if probability >= 50 else "pipeline"
    key = "_".join(text.strip().lower().replace("-", " ").split())
    if key not in CATEGORIES:
        raise Invalid(field, text, "is not a forecast category: " + ", ".join(CATEGORIES))
    return key


def probability(value: int | str | None, field: str = "probability") -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().rstrip("%")
    if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or len(text) > 10:
        raise Invalid(field, value, "must be a whole number from 0 to 100")
    prob = int(text)
    if not 0 <= prob <= 100:
        raise Invalid(field, value, "must be from 0 to 100")
    return prob


def list_pipelines(ctx: Ctx) -> list[Pipeline]:
    return list(
        ctx.session.exec(
            select(Pipeline).where(col(Pipeline.archived_at).is_(None)).order_by(col(Pipeline.id))
        )
    )


def get_pipeline(ctx: Ctx, ref: str | int | None) -> Pipeline:
    """By id or name (case-insensitive); None, or 'default' when no pipeline is called so,
    gives the default pipeline."""
    pipes = list_pipelines(ctx)
    key = "" if ref is None else str(ref).strip().lower()
    for p in pipes:
        if key and (str(p.id) == key or p.name.lower() == key):
            return p
    if key in ("", "default"):
        for p in pipes:
            if p.is_default:
                return p
        if pipes:
            return pipes[0]
    raise NotFound("pipeline", ref if ref is not None else "default")


def stages_of(ctx: Ctx, pipeline_id: int, *, include_archived: bool = False) -> list[Stage]:
    query = select(Stage).where(Stage.pipeline_id == pipeline_id)
    if not include_archived:
        query = query.where(col(Stage.archived_at).is_(None))
    stages = list(ctx.session.exec(query))
    return sorted(stages, key=lambda s: (s.outcome != "open", s.outcome == "lost", s.position))


def find_stage(ctx: Ctx, pipeline: Pipeline, ref: str, field: str = "stage") -> Stage:
    """A stage of `pipeline` by exact name, then by unique prefix, case-insensitive."""
    key = " ".join(ref.split()).lower()
    stages = stages_of(ctx, id_of(pipeline))
    exact = [s for s in stages if s.name.lower() == key]
    if exact:
        return exact[0]
    prefix = [s for s in stages if key and s.name.lower().startswith(key)]
    if len(prefix) == 1:
        return prefix[0]
    if len(prefix) > 1:
        matches = ", ".join(s.name for s in prefix)
        raise Conflict(f"{field}: {ref!r} could be any of {matches}; type more of the name")
    names = ", ".join(s.name for s in stages)
    raise Invalid(field, ref, f"is not a stage of pipeline {pipeline.name!r} (stages: {names})")


def first_open_stage(ctx: Ctx, pipeline: Pipeline) -> Stage:
    for stage in stages_of(ctx, id_of(pipeline)):
        if stage.outcome == "open":
            return stage
    raise Conflict(f"pipeline {pipeline.name!r} has no open stage")


def outcome_stage(ctx: Ctx, pipeline: Pipeline, outcome: str) -> Stage:
    for stage in stages_of(ctx, id_of(pipeline)):
        if stage.outcome == outcome:
            return stage
    raise Conflict(f"pipeline {pipeline.name!r} has no {outcome} stage")


@dataclass(frozen=True)
class NewStage:
    name: str
    pipeline: str | None = None
    after: str | None = None
    probability: int | str | None = None
    category: str | None = None
    rot_days: int | None = None


def add_stage(ctx: Ctx, spec: NewStage) -> Stage:
    """Insert an open stage, after `after` (or before the closing stages); later stages shift."""
    pipe = get_pipeline(ctx, spec.pipeline)
    name = required(spec.name, "name")
    stages = stages_of(ctx, id_of(pipe))
    if any(s.name.lower() == name.lower() for s in stages):
        raise Conflict(f"stage {name!r} already exists in pipeline {pipe.name!r}")
    open_stages = [s for s in stages if s.outcome == "open"]
    if spec.after:
        anchor = find_stage(ctx, pipe, spec.after, field="after")
        if anchor.outcome != "open":
            raise Invalid("after", spec.after, "is a closing stage; new stages go before won/lost")
        pos = anchor.position + 1
    else:
        pos = max((s.position for s in open_stages), default=0) + 1
    prob = probability(spec.probability)
    if prob is None:
        raise Invalid("probability", None, "is required for a new stage (0-100)")
    if spec.rot_days is not None and spec.rot_days < 1:
        raise Invalid("rot_days", spec.rot_days, "must be at least 1 day")
    for s in stages:
        if s.position >= pos:
            s.position += 1
            ctx.session.add(s)
    # a deleted stage of that name comes back: history rows still name it (stage_layout)
    gone = [s for s in stages_of(ctx, id_of(pipe), include_archived=True) if s.archived_at]
    stage = next((s for s in gone if s.name.lower() == name.lower()), None) or Stage(
        pipeline_id=id_of(pipe), name=name, position=pos, probability=prob,
        forecast_category="", rot_days=spec.rot_days,
    )  # fmt: skip
    stage.name, stage.position, stage.probability = name, pos, prob
    stage.forecast_category = category(spec.category, prob)
    stage.rot_days, stage.archived_at = spec.rot_days, None
    ctx.session.add(stage)
    ctx.session.flush()
    return stage


def add_pipeline(ctx: Ctx, name: str, *, default: bool = False) -> Pipeline:
    """A new pipeline with the standard stages, which can then be edited."""
    name = required(name, "name")
    taken = ctx.session.exec(select(Pipeline).where(func.lower(Pipeline.name) == name.lower()))
    if taken.first() is not None:
        raise Conflict(f"pipeline {name!r} already exists")
    pipe = Pipeline(name=name, is_default=False, created_at=ctx.now)
    ctx.session.add(pipe)
    ctx.session.flush()
    _add_stages(ctx.session, pipe, DEFAULT_STAGES)
    if default:
        set_default(ctx, pipe)
    return pipe


def set_default(ctx: Ctx, pipe: Pipeline) -> None:
    for p in list_pipelines(ctx):
        p.is_default = p.id == pipe.id
        ctx.session.add(p)
    ctx.session.flush()


def stage_deal_counts(ctx: Ctx, pipeline_id: int) -> dict[int, int]:
    rows = ctx.session.exec(
        select(Deal.stage_id, func.count())
        .where(Deal.pipeline_id == pipeline_id, col(Deal.archived_at).is_(None))
        .group_by(col(Deal.stage_id))
    ).all()
    return dict(rows)


def edit_stage(
    ctx: Ctx,
    pipeline: str | None,
    ref: str,
    *,
    name: str | None = None,
    probability_value: int | str | None = None,
    category_value: str | None = None,
    rot_days: int | None = None,
) -> Stage:
    pipe = get_pipeline(ctx, pipeline)
    stage = find_stage(ctx, pipe, ref)
    if name is not None:
        new_name = required(name, "name")
        others = stages_of(ctx, id_of(pipe), include_archived=True)
        if any(s.id != stage.id and s.name.lower() == new_name.lower() for s in others):
            raise Conflict(f"stage {new_name!r} already exists in pipeline {pipe.name!r}")
        stage.name = new_name
    prob = probability(probability_value)
    if prob is not None:
        if stage.outcome != "open":
            raise Invalid("probability", prob, f"of closing stage {stage.name!r} is fixed")
        stage.probability = prob
        follow_stage_probability(ctx, stage)
    if clean(category_value, "category"):
        if stage.outcome != "open":
            raise Invalid("category", category_value, f"of closing stage {stage.name!r} is fixed")
        stage.forecast_category = category(category_value, stage.probability)
    if rot_days is not None:
        if rot_days < 0:
            raise Invalid("rot_days", rot_days, "must not be negative (0 turns rotting off)")
        stage.rot_days = rot_days or None
    ctx.session.add(stage)
    ctx.session.flush()
    return stage


def follow_stage_probability(ctx: Ctx, stage: Stage) -> int:
    """Open deals in `stage` that follow it (no hand-set probability) take its new probability;
    each changed deal gets a history row (change `probability`), as a hand edit would, so that
    reports from history (`--as-of`) agree with today's. Batched: a stage may hold many deals."""
    d = Deal.__table__.c  # type: ignore[attr-defined]
    which = (
        d.stage_id == stage.id,
        d.probability_manual.is_(False),
        d.closed_at.is_(None),
        d.probability != stage.probability,
    )
    found = ctx.session.connection().execute(
        core_select(d.id, d.amount_minor, d.currency, d.expected_close).where(*which)
    )
    user_id = ctx.user().id
    note = f"stage {stage.name} now {stage.probability}%"
    changed = 0
    while batch := found.fetchmany(5000):
        rows = [
            {"uuid": new_uuid(), "deal_id": r.id, "at": ctx.now, "user_id": user_id,
             "change": "probability", "from_stage_id": stage.id, "to_stage_id": stage.id,
             "amount_minor": r.amount_minor, "currency": r.currency,
             "expected_close": r.expected_close, "probability": stage.probability, "note": note}
            for r in batch
        ]  # fmt: skip
        inserts.executemany(ctx, StageChange.__table__, rows)  # type: ignore[attr-defined]
        changed += len(rows)
    ctx.session.exec(
        update(Deal)
        .where(*which)
        .values(
            probability=stage.probability,
            updated_at=ctx.now,
            updated_by=ctx.settings.user_name,
            version=col(Deal.version) + 1,
        )
    )
    return changed
