"""Pipelines and stages through the services: the seeded default, adding and finding stages,
editing a stage's probability (and the open deals that follow it), extra pipelines."""

from __future__ import annotations

from typing import Any

import pytest

from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.services import deals, listing, pipelines
from pipecli.core.services.common import id_of
from pipecli.core.services.context import Ctx
from pipecli.core.services.deals import DealChanges, DealInput
from pipecli.core.services.pipelines import NewStage
from tests.conftest import MakeCtx

DEFAULT = [
    # name, position, probability, category, outcome, rot_days
    ("Prospecting", 1, 10, "pipeline", "open", 14),
    ("Qualification", 2, 20, "pipeline", "open", 14),
    ("Proposal", 3, 50, "best_case", "open", 21),
    ("Negotiation", 4, 80, "commit", "open", 14),
    ("Won", 5, 100, "closed", "won", None),
    ("Lost", 6, 0, "omitted", "lost", None),
]
STAGE_LIST = "Prospecting, Qualification, Proposal, Negotiation, Won, Lost"


def stages(ctx: Ctx, pipeline: str | None = None) -> list[tuple[Any, ...]]:
    return [
        (r["name"], r["position"], r["probability"], r["category"], r["outcome"], r["rot_days"])
        for r in listing.stage_rows(ctx, pipeline)
    ]


def test_default_pipeline_is_seeded(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        assert stages(ctx) == DEFAULT
        rows = listing.pipeline_rows(ctx)
        pipe = pipelines.get_pipeline(ctx, None)
        assert pipelines.get_pipeline(ctx, "DEFAULT").id == pipe.id
        assert pipelines.get_pipeline(ctx, str(pipe.id)).id == pipe.id
    assert rows == [
        {
            "id": pipe.id,
            "name": "Default",
            "default": True,
            "stages": [s[0] for s in DEFAULT],
            "open_deals": 0,
        }
    ]


def test_add_stage_after_qualification_shifts_later_positions(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        new = pipelines.add_stage(
            ctx, NewStage("Discovery", after="qual", probability="30%", rot_days=7)
        )
    assert (new.position, new.probability, new.forecast_category, new.outcome) == (
        3,
        30,
        "pipeline",  # derived: below 50
        "open",
    )
    with make_ctx() as ctx:
        assert stages(ctx) == [
            ("Prospecting", 1, 10, "pipeline", "open", 14),
            ("Qualification", 2, 20, "pipeline", "open", 14),
            ("Discovery", 3, 30, "pipeline", "open", 7),
            ("Proposal", 4, 50, "best_case", "open", 21),
            ("Negotiation", 5, 80, "commit", "open", 14),
            ("Won", 6, 100, "closed", "won", None),
            ("Lost", 7, 0, "omitted", "lost", None),
        ]


def test_add_stage_without_after_goes_before_the_closing_stages(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        pipelines.add_stage(ctx, NewStage("Contract", probability=90))
        pipelines.add_stage(ctx, NewStage("Demo", probability=60, category="pipeline"))
    with make_ctx() as ctx:
        assert stages(ctx)[3:] == [
            ("Negotiation", 4, 80, "commit", "open", 14),
            ("Contract", 5, 90, "commit", "open", None),  # derived: 80 or more
            ("Demo", 6, 60, "pipeline", "open", None),  # given
            ("Won", 7, 100, "closed", "won", None),
            ("Lost", 8, 0, "omitted", "lost", None),
        ]


@pytest.mark.parametrize(
    ("spec", "error", "text"),
    [
        (NewStage("proposal", probability=40), Conflict, "already exists"),
        (NewStage(" NEGOTIATION ", probability=40), Conflict, "already exists"),
        (NewStage("Late", after="won", probability=40), Invalid, "closing stage"),
        (NewStage("Late", after="nowhere", probability=40), Invalid, "is not a stage"),
        (NewStage("Late"), Invalid, "is required"),
        (NewStage("Late", probability=140), Invalid, "from 0 to 100"),
        (NewStage("Late", probability=40, category="maybe"), Invalid, "forecast category"),
        (NewStage("Late", probability=40, rot_days=0), Invalid, "at least 1 day"),
        (NewStage("  ", probability=40), Invalid, "must not be empty"),
        (NewStage("Late", pipeline="Nope", probability=40), NotFound, "not found"),
    ],
)
def test_add_stage_refusals(
    make_ctx: MakeCtx, spec: NewStage, error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text), make_ctx() as ctx:
        pipelines.add_stage(ctx, spec)
    with make_ctx() as ctx:
        assert stages(ctx) == DEFAULT


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        ("Negotiation", "Negotiation"),
        ("nego", "Negotiation"),
        ("  QUAL ", "Qualification"),
        ("pros", "Prospecting"),
        ("w", "Won"),
        ("l", "Lost"),
    ],
)
def test_find_stage_by_name_or_unique_prefix(make_ctx: MakeCtx, ref: str, name: str) -> None:
    with make_ctx() as ctx:
        pipe = pipelines.get_pipeline(ctx, None)
        assert pipelines.find_stage(ctx, pipe, ref).name == name


@pytest.mark.parametrize(
    ("ref", "matches"), [("pro", "Prospecting, Proposal"), ("p", "Prospecting, Proposal")]
)
def test_ambiguous_stage_prefix_is_a_conflict_naming_the_matches(
    make_ctx: MakeCtx, ref: str, matches: str
) -> None:
    with pytest.raises(Conflict) as err, make_ctx() as ctx:
        pipelines.find_stage(ctx, pipelines.get_pipeline(ctx, None), ref)
    assert str(err.value) == f"stage: {ref!r} could be any of {matches}; type more of the name"


@pytest.mark.parametrize("ref", ["xyz", "", "Proposals"])
def test_unknown_stage_is_invalid_and_lists_the_stages(make_ctx: MakeCtx, ref: str) -> None:
    with pytest.raises(Invalid) as err, make_ctx() as ctx:
        pipelines.find_stage(ctx, pipelines.get_pipeline(ctx, None), ref)
    assert err.value.field == "stage"
    assert err.value.reason == f"is not a stage of pipeline 'Default' (stages: {STAGE_LIST})"


def test_exact_name_beats_prefix(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        pipelines.add_stage(ctx, NewStage("Pro", probability=40))
    with make_ctx() as ctx:
        pipe = pipelines.get_pipeline(ctx, None)
        assert pipelines.find_stage(ctx, pipe, "pro").name == "Pro"
        assert pipelines.find_stage(ctx, pipe, "prop").name == "Proposal"


def test_add_pipeline_and_set_default(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        ent = pipelines.add_pipeline(ctx, "Enterprise")
        assert not ent.is_default
        assert stages(ctx, "enterprise") == DEFAULT
        assert pipelines.get_pipeline(ctx, None).name == "Default"
        on_default = deals.create(ctx, DealInput(title="A"))
        on_ent = deals.create(ctx, DealInput(title="B", pipeline="Enterprise", stage="nego"))
    assert on_default.pipeline_id != ent.id
    assert on_ent.pipeline_id == ent.id and on_ent.probability == 80
    with make_ctx() as ctx:
        assert deals.stage_of(ctx, on_ent).pipeline_id == ent.id
        pipelines.set_default(ctx, ent)
    with make_ctx() as ctx:
        assert pipelines.get_pipeline(ctx, None).id == ent.id
        assert [(r["name"], r["default"]) for r in listing.pipeline_rows(ctx)] == [
            ("Default", False),
            ("Enterprise", True),
        ]
        fresh = deals.create(ctx, DealInput(title="C"))
        assert fresh.pipeline_id == ent.id
        assert deals.stage_of(ctx, fresh).name == "Prospecting"
        # a deal moves only within its own pipeline: stage names resolve there
        moved = deals.move(ctx, id_of(on_default), "proposal")
        assert deals.stage_of(ctx, moved).pipeline_id == on_default.pipeline_id


def test_add_pipeline_as_default_and_duplicates(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        smb = pipelines.add_pipeline(ctx, "SMB", default=True)
    with make_ctx() as ctx:
        assert pipelines.get_pipeline(ctx, None).id == smb.id
        # a pipeline's own name wins over the "default" alias
        assert pipelines.get_pipeline(ctx, "default").name == "Default"
        with pytest.raises(Conflict, match="already exists"):
            pipelines.add_pipeline(ctx, "smb")
        with pytest.raises(Conflict, match="already exists"):
            pipelines.add_pipeline(ctx, "DEFAULT")
        with pytest.raises(NotFound):
            pipelines.get_pipeline(ctx, "Enterprise")


def test_stage_rows_count_live_deals(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        a = deals.create(ctx, DealInput(title="A", stage="proposal"))
        deals.create(ctx, DealInput(title="B", stage="proposal"))
        deals.create(ctx, DealInput(title="C", stage="won"))
        from pipecli.core.services import records

        records.archive(ctx, "deal", id_of(a))
    with make_ctx() as ctx:
        counts = {r["name"]: r["deals"] for r in listing.stage_rows(ctx, None)}
        assert listing.pipeline_rows(ctx)[0]["open_deals"] == 1
    assert counts == {
        "Prospecting": 0,
        "Qualification": 0,
        "Proposal": 1,
        "Negotiation": 0,
        "Won": 1,
        "Lost": 0,
    }


# --- editing a stage ---------------------------------------------------------------------


def test_stage_probability_edit_updates_following_open_deals_only(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        follows = deals.create(ctx, DealInput(title="follows", stage="proposal"))
        manual = deals.create(ctx, DealInput(title="manual", stage="proposal", probability=60))
        edited = deals.create(ctx, DealInput(title="edited", stage="proposal"))
        deals.edit(ctx, id_of(edited), DealChanges(probability=50))  # hand-set, same value
        other = deals.create(ctx, DealInput(title="other", stage="negotiation"))
        won = deals.create(ctx, DealInput(title="won", stage="proposal"))
        deals.win(ctx, id_of(won))
    with make_ctx() as ctx:
        stage = pipelines.edit_stage(ctx, None, "proposal", probability_value="40")
        assert stage.probability == 40
        # the objects this session already holds see the new value too
        assert deals.get(ctx, id_of(follows)).probability == 40
    with make_ctx() as ctx:
        got = {d: deals.get(ctx, i).probability for d, i in [
            ("follows", id_of(follows)), ("manual", id_of(manual)), ("edited", id_of(edited)),
            ("other", id_of(other)), ("won", id_of(won)),
        ]}  # fmt: skip
        assert deals.get(ctx, id_of(follows)).probability_manual is False
    assert got == {"follows": 40, "manual": 60, "edited": 50, "other": 80, "won": 100}
    with make_ctx() as ctx:  # the changed deal's history says so; the others' does not
        from sqlmodel import col, select

        from pipecli.core.models import StageChange

        rows = ctx.session.exec(select(StageChange).order_by(col(StageChange.id))).all()
        last = {r.deal_id: (r.change, r.probability, r.note) for r in rows}
    assert last[id_of(follows)] == ("probability", 40, "stage Proposal now 40%")
    assert [last[id_of(d)][0] for d in (manual, edited, other, won)] == [
        "create", "create", "create", "win",
    ]  # fmt: skip
    with make_ctx() as ctx:  # a deal moved into the stage later takes the new value
        deals.move(ctx, id_of(other), "proposal")
        assert deals.get(ctx, id_of(other)).probability == 40
        new = deals.create(ctx, DealInput(title="new", stage="prop"))
        assert new.probability == 40


def test_edit_stage_other_fields(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        pipelines.edit_stage(
            ctx, None, "qual", name="Qualified", category_value="best case", rot_days=0
        )
    with make_ctx() as ctx:
        assert stages(ctx)[1] == ("Qualified", 2, 20, "best_case", "open", None)
        pipelines.edit_stage(ctx, None, "qualified", rot_days=30)
    with make_ctx() as ctx:
        assert stages(ctx)[1] == ("Qualified", 2, 20, "best_case", "open", 30)


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"ref": "won", "probability_value": 90}, Invalid, "is fixed"),
        ({"ref": "lost", "probability_value": 10}, Invalid, "is fixed"),
        ({"ref": "qual", "rot_days": -1}, Invalid, "must not be negative"),
        ({"ref": "qual", "category_value": "sure thing"}, Invalid, "forecast category"),
        ({"ref": "qual", "name": "proposal"}, Conflict, "already exists"),
        ({"ref": "qual", "name": "Won"}, Conflict, "already exists"),
        ({"ref": "qual", "name": " "}, Invalid, "must not be empty"),
    ],
)
def test_edit_stage_refusals(
    make_ctx: MakeCtx, kwargs: dict[str, Any], error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text), make_ctx() as ctx:
        pipelines.edit_stage(ctx, None, **kwargs)
    with make_ctx() as ctx:
        assert stages(ctx) == DEFAULT


def test_edit_stage_may_keep_its_own_name_in_other_case(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        pipelines.edit_stage(ctx, None, "proposal", name="PROPOSAL")
    with make_ctx() as ctx:
        assert stages(ctx)[2][0] == "PROPOSAL"
