"""Lists through the services: `--stage` across pipelines, and the converted leads a default
lead list leaves out (Page.hidden).

NOW is Monday 2026-11-23 10:00 UTC; the acting user is Ann.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipecli.core.errors import Conflict, Invalid, NotFound
from pipecli.core.models import Pipeline
from pipecli.core.services import deals, leads, listing, pipelines, records
from pipecli.core.services.leads import LeadInput
from pipecli.core.services.listing import Filter
from tests.conftest import MakeCtx, not_none

# --- deals: --stage without --pipeline -------------------------------------------------------


@pytest.fixture
def two_pipelines(make_ctx: MakeCtx) -> None:
    """Default and Renewals (standard stages; Renewals adds Legal review), plus Old, archived.

    Deals: 1 Default/Proposal, 2 Renewals/Proposal, 3 Default/Prospecting,
    4 Renewals/Legal review, 5 Old/Proposal, 6 Renewals/Proposal then won.
    """
    with make_ctx() as ctx:
        pipelines.add_pipeline(ctx, "Renewals")
        pipelines.add_stage(ctx, pipelines.NewStage("Legal review", "Renewals", probability=60))
        old = pipelines.add_pipeline(ctx, "Old")
        specs = [
            ("D proposal", None, "proposal"),
            ("R proposal", "Renewals", "proposal"),
            ("D prospecting", None, "prospecting"),
            ("R legal", "Renewals", "legal review"),
            ("Old proposal", "Old", "proposal"),
            ("R won", "Renewals", "proposal"),
        ]
        for title, pipe, stage in specs:
            deals.create(ctx, deals.DealInput(title=title, pipeline=pipe, stage=stage))
        deals.win(ctx, 6)
        old.archived_at = ctx.now
        ctx.session.add(old)


def _titles(make_ctx: MakeCtx, **flt: Any) -> list[str]:
    with make_ctx() as ctx:
        return [r["title"] for r in listing.list_deals(ctx, Filter(**flt)).rows]


def test_stage_without_pipeline_matches_every_live_pipeline(
    make_ctx: MakeCtx, two_pipelines: None
) -> None:
    assert _titles(make_ctx, stage="proposal") == ["D proposal", "R proposal"]
    assert _titles(make_ctx, stage="PROPOSAL") == ["D proposal", "R proposal"]
    assert _titles(make_ctx, stage="propo") == ["D proposal", "R proposal"]  # unique prefix
    assert _titles(make_ctx, stage="won") == ["R won"]  # a stage filter implies every status
    assert _titles(make_ctx, stage="proposal", status="open", owner="me") == [
        "D proposal", "R proposal",
    ]  # fmt: skip


def test_a_stage_only_one_pipeline_has_is_found_there(
    make_ctx: MakeCtx, two_pipelines: None
) -> None:
    assert _titles(make_ctx, stage="legal") == ["R legal"]
    assert _titles(make_ctx, stage="Legal Review") == ["R legal"]


def test_pipeline_still_restricts_the_stage(make_ctx: MakeCtx, two_pipelines: None) -> None:
    assert _titles(make_ctx, stage="proposal", pipeline="renewals") == ["R proposal"]
    assert _titles(make_ctx, stage="proposal", pipeline="Default") == ["D proposal"]
    assert _titles(make_ctx, stage="legal", pipeline="Renewals") == ["R legal"]
    with make_ctx() as ctx, pytest.raises(Invalid) as err:
        listing.list_deals(ctx, Filter(stage="legal", pipeline="Default"))
    assert err.value.field == "stage" and "'Default'" in str(err.value)
    with make_ctx() as ctx, pytest.raises(NotFound):
        listing.list_deals(ctx, Filter(stage="proposal", pipeline="Old"))  # archived


def test_unknown_stage_is_invalid_and_names_the_field(
    make_ctx: MakeCtx, two_pipelines: None
) -> None:
    with make_ctx() as ctx, pytest.raises(Invalid) as err:
        listing.list_deals(ctx, Filter(stage="signed"))
    assert err.value.field == "stage" and err.value.value == "signed"
    assert str(err.value).startswith("stage: 'signed' is not a stage of any pipeline")
    assert "Legal review" in str(err.value)


def test_ambiguous_in_one_pipeline_is_a_conflict(make_ctx: MakeCtx, two_pipelines: None) -> None:
    with make_ctx() as ctx, pytest.raises(Conflict, match="Prospecting, Proposal"):
        listing.list_deals(ctx, Filter(stage="pro"))
    with make_ctx() as ctx:  # ambiguous in Renewals only, even though Default has no match
        pipelines.add_stage(ctx, pipelines.NewStage("Legal sign-off", "Renewals", probability=70))
    with make_ctx() as ctx, pytest.raises(Conflict, match="'Renewals'") as err:
        listing.list_deals(ctx, Filter(stage="legal"))
    assert "Legal review, Legal sign-off" in str(err.value)
    assert _titles(make_ctx, stage="legal review") == ["R legal"]  # exact names still work


def test_an_exact_name_wins_over_other_pipelines_prefixes(
    make_ctx: MakeCtx, two_pipelines: None
) -> None:
    """Default gets "Demo"; Renewals has "Demo booked" and "Demo done": `--stage demo` means
    Default's Demo only (neither a conflict in Renewals nor its prefix matches)."""
    with make_ctx() as ctx:
        pipelines.add_stage(ctx, pipelines.NewStage("Demo", None, probability=30))
        for name in ("Demo booked", "Demo done"):
            pipelines.add_stage(ctx, pipelines.NewStage(name, "Renewals", probability=30))
        deals.create(ctx, deals.DealInput(title="D demo", stage="demo"))
        deals.create(ctx, deals.DealInput(title="R booked", pipeline="Renewals", stage="demo b"))
    assert _titles(make_ctx, stage="demo") == ["D demo"]
    assert _titles(make_ctx, stage="demo b") == ["R booked"]


def test_one_pipeline_keeps_its_own_message(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx, pytest.raises(Invalid, match="not a stage of pipeline 'Default'"):
        listing.list_deals(ctx, Filter(stage="signed"))


def test_archived_pipelines_are_left_out(make_ctx: MakeCtx, two_pipelines: None) -> None:
    with make_ctx() as ctx:
        assert not_none(ctx.session.get(Pipeline, 3)).archived_at is not None
    assert "Old proposal" not in _titles(make_ctx, stage="proposal")
    assert "Old proposal" in _titles(make_ctx, status="all")  # the deal itself is still listed


# --- leads: converted ones left out by default -----------------------------------------------


@pytest.fixture
def converted(make_ctx: MakeCtx) -> None:
    """Leads: 1 Ann open, 2 Bo converted, 3 Cy converted, 4 Di disqualified, 5 Ed converted and
    archived; 6 Flo open."""
    with make_ctx() as ctx:
        for name in ("Ann", "Bo", "Cy", "Di", "Ed", "Flo"):
            leads.create(ctx, LeadInput(name=name, company=f"{name} Ltd"))
        for lead_id in (2, 3, 5):
            leads.convert(ctx, lead_id)
        leads.edit(ctx, 4, leads.LeadChanges(name="Di", status="disqualified"))
        records.archive(ctx, "lead", 5)


def _leads(make_ctx: MakeCtx, **flt: Any) -> tuple[list[str], int]:
    with make_ctx() as ctx:
        page = listing.list_leads(ctx, Filter(**flt))
    return [r["name"] for r in page.rows], page.hidden


def test_open_leads_count_the_converted_and_disqualified_ones_left_out(
    make_ctx: MakeCtx, converted: None
) -> None:
    assert _leads(make_ctx) == (["Ann", "Flo"], 3)  # Bo, Cy, Di; Ed is archived
    assert _leads(make_ctx, status="open") == (["Ann", "Flo"], 3)
    assert _leads(make_ctx, status=" Open ") == (["Ann", "Flo"], 3)
    assert _leads(make_ctx, limit=1) == (["Ann"], 3)  # the limit is not what hides them


def test_hidden_follows_the_other_filters(make_ctx: MakeCtx, converted: None) -> None:
    assert _leads(make_ctx, search="bo ltd") == ([], 1)
    assert _leads(make_ctx, search="ann") == (["Ann"], 0)
    assert _leads(make_ctx, archived=True) == ([], 1)  # Ed
    assert _leads(make_ctx, owner="nobody") == ([], 0)
    assert _leads(make_ctx, date_from="2026-11-24") == ([], 0)


def test_chosen_statuses_hide_nothing(make_ctx: MakeCtx, converted: None) -> None:
    assert _leads(make_ctx, status="converted") == (["Bo", "Cy"], 0)
    assert _leads(make_ctx, status="all") == (["Ann", "Bo", "Cy", "Di", "Flo"], 0)
    assert _leads(make_ctx, status="disqualified") == (["Di"], 0)


def test_no_converted_leads_hides_nothing(make_ctx: MakeCtx) -> None:
    with make_ctx() as ctx:
        leads.create(ctx, LeadInput(name="Solo"))
    assert _leads(make_ctx) == (["Solo"], 0)
