"""Reviews over GraphQL, in process: the 2025-Q4 cycle appraised, finalised and published; who
sees how much of each appraisal (the office in full, the appraisee their own, colleagues the
grade, a head those they manage today), the cycle's progress and history, the annual roll-up,
and the refusals.
"""

from __future__ import annotations

from typing import Any

from kernel.roles import Role
from tests.integration.graphql.client import Gql, invalid, outsider_refused, refused
from tests.integration.recorded import APPRAISED

CYCLE = """query($unit: ID!, $quarter: String!) {
  reviewCycle(unitId: $unit, quarter: $quarter) { id quarter status statusLabel
    participantCount openedOn publishedOn publicityEndsOn quota { participants limit top ok } } }"""
APPRAISALS = """query($id: ID!, $person: ID) { reviewCycle(id: $id) {
  appraisals(personId: $person) { totalCount
    nodes { name departmentName grade composite summary { extraWork }
      ratings { relation rater { name } } } } } }"""
PROGRESS = """query($id: ID!) { reviewCycle(id: $id) {
  progress { participants summaries fullyRated graded } } }"""
ANNUAL = """query($unit: ID!, $year: Int!) { annualAppraisal(unitId: $unit, year: $year) {
  year quarters { quarter status } candidates { appraised limit rows { name topQuarters } } } }"""


async def appraisals(gql: Gql, token: str) -> dict[str, dict[str, Any]]:
    found = (await gql.data(token, APPRAISALS, id=str(gql.world.cycle)))["reviewCycle"]
    return {a["name"]: a for a in found["appraisals"]["nodes"]}


async def test_a_units_cycles_and_one_by_unit_and_quarter(gql: Gql) -> None:
    unit = str(gql.world.unit)
    cycles = (
        await gql.data(gql.office, "query($u: ID!) { reviewCycles(unitId: $u) { id } }", u=unit)
    )["reviewCycles"]
    # Latest quarter first: this quarter's, opened only, then the appraised one.
    assert cycles == [{"id": str(gql.world.open_cycle)}, {"id": str(gql.world.cycle)}]
    cycle = (await gql.data(gql.office, CYCLE, unit=unit, quarter=APPRAISED))["reviewCycle"]
    assert (cycle["id"], cycle["quarter"], cycle["status"]) == (
        str(gql.world.cycle),
        APPRAISED,
        "PUBLISHED",
    )
    # The principal leader is appraised by the level above: five participants.
    assert cycle["participantCount"] == 5
    assert (cycle["publishedOn"], cycle["publicityEndsOn"]) == ("2026-01-05", "2026-01-12")
    assert cycle["quota"]["ok"] is True
    missing = await gql.data(gql.office, CYCLE, unit=unit, quarter="2025-Q1")
    assert missing["reviewCycle"] is None


async def test_the_office_sees_every_appraisal_in_full(gql: Gql) -> None:
    seen = await appraisals(gql, gql.office)
    assert set(seen) == {"副主任", "公车科长", "司机甲", "综合科长", "科员乙"}
    assert seen["司机甲"]["composite"] == "92.20"
    assert seen["科员乙"]["grade"] == "AVERAGE"
    assert (seen["综合科长"]["grade"], seen["副主任"]["grade"]) == ("FAIRLY_GOOD", "FAIRLY_GOOD")
    assert {r["rater"]["name"] for r in seen["司机甲"]["ratings"]} == {"公车科长", "副主任"}
    assert seen["科员乙"]["summary"] == {"extraWork": ["完成本季度日常工作"]}


async def test_once_published_an_appraisee_sees_their_own_in_full_and_colleagues_grades(
    gql: Gql,
) -> None:
    seen = await appraisals(gql, gql.as_("driver"))
    own = seen["司机甲"]
    assert own["composite"] == "92.20"
    assert own["ratings"] is not None
    colleague = seen["科员乙"]
    assert colleague["grade"] == "AVERAGE"
    assert (colleague["composite"], colleague["summary"], colleague["ratings"]) == (
        None,
        None,
        None,
    )


async def test_a_head_sees_in_full_those_they_manage_today(gql: Gql) -> None:
    # The clerk moved to the vehicles department after the quarter: his new head sees his
    # appraisal in full, his old head only its grade.
    new_head = (
        await appraisals(
            gql,
            gql.as_("head_v"),
        )
    )["科员乙"]
    assert new_head["composite"] is not None
    assert {r["rater"]["name"] for r in new_head["ratings"]} == {"综合科长", "副主任"}
    old_head = (await appraisals(gql, gql.as_("head_g")))["科员乙"]
    assert (old_head["grade"], old_head["composite"], old_head["ratings"]) == (
        "AVERAGE",
        None,
        None,
    )


async def test_before_publication_staff_see_their_own_and_those_they_manage_only(
    gql: Gql,
) -> None:
    async def names(token: str) -> dict[str, Any]:
        found = (await gql.data(token, APPRAISALS, id=str(gql.world.open_cycle)))["reviewCycle"]
        return {a["name"]: a for a in found["appraisals"]["nodes"]}

    # The principal leader is appraised by the level above; the auditor joined this year.
    every = await names(gql.office)
    assert set(every) == {"副主任", "公车科长", "司机甲", "综合科长", "科员乙", "审计员"}
    own = await names(gql.as_("driver"))
    assert list(own) == ["司机甲"]
    assert (own["司机甲"]["grade"], own["司机甲"]["ratings"]) == (None, None)
    assert set(await names(gql.as_("head_v", Role.DEPARTMENT_HEAD))) == {
        "公车科长",
        "司机甲",
        "科员乙",
    }


async def test_appraisals_page_with_cursors(gql: Gql) -> None:
    query = """query($id: ID!, $first: Int!, $after: String) { reviewCycle(id: $id) {
      appraisals(first: $first, after: $after) { nodes { name }
        pageInfo { hasNextPage endCursor } } } }"""
    pages = await gql.pages(
        gql.office, query, "reviewCycle.appraisals", id=str(gql.world.cycle), first=2
    )
    assert [len(page) for page in pages] == [2, 2, 1]
    names = [a["name"] for page in pages for a in page]
    assert sorted(names) == sorted({"副主任", "公车科长", "司机甲", "综合科长", "科员乙"})


async def test_appraisals_filtered_by_person(gql: Gql) -> None:
    found = (
        await gql.data(
            gql.office, APPRAISALS, id=str(gql.world.cycle), person=str(gql.world.people["clerk"])
        )
    )["reviewCycle"]["appraisals"]
    assert found["totalCount"] == 1
    assert [a["name"] for a in found["nodes"]] == ["科员乙"]


async def test_the_cycles_progress_is_for_the_office_and_auditors(gql: Gql) -> None:
    cycle = str(gql.world.cycle)
    for token in (
        gql.office,
        gql.auditor,
        gql.as_("principal", Role.PRINCIPAL_LEADER),
    ):
        progress = (await gql.data(token, PROGRESS, id=cycle))["reviewCycle"]["progress"]
        assert progress == {"participants": 5, "summaries": 5, "fullyRated": 5, "graded": 5}
    error = await gql.error(gql.as_("driver"), PROGRESS, id=cycle)
    refused(error, "reviews.progress_for_office", missing_role="APPRAISAL_OFFICE")


async def test_the_cycles_history_in_log_order(gql: Gql) -> None:
    query = """query($id: ID!) { reviewCycle(id: $id) { history { position event actorRole } } }"""
    history = (await gql.data(gql.office, query, id=str(gql.world.cycle)))["reviewCycle"]["history"]
    positions = [h["position"] for h in history]
    assert positions == sorted(positions)
    events = [h["event"] for h in history]
    assert events[0] == "CycleOpened"
    assert events[-1] == "ResultsPublished"
    error = await gql.error(gql.as_("clerk"), query, id=str(gql.world.cycle))
    refused(error, "reviews.history_for_office", missing_role="APPRAISAL_OFFICE")


async def test_a_persons_appraisals_over_the_year(gql: Gql) -> None:
    query = """query($p: ID!, $year: Int) { personAppraisals(personId: $p, year: $year) {
      quarter grade } }"""
    driver = str(gql.world.people["driver"])
    own = (await gql.data(gql.as_("driver"), query, p=driver, year=2025))["personAppraisals"]
    assert [a["quarter"] for a in own] == [APPRAISED]
    assert (await gql.data(gql.as_("driver"), query, p=driver, year=2024))["personAppraisals"] == []


async def test_the_annual_roll_up_counts_the_finalised_quarter(gql: Gql) -> None:
    year = (await gql.data(gql.office, ANNUAL, unit=str(gql.world.unit), year=2025))[
        "annualAppraisal"
    ]
    assert year["year"] == 2025
    assert [(q["quarter"], q["status"]) for q in year["quarters"]] == [
        ("2025-Q1", None),
        ("2025-Q2", None),
        ("2025-Q3", None),
        ("2025-Q4", "PUBLISHED"),
    ]
    assert year["candidates"]["appraised"] == 5
    assert len(year["candidates"]["rows"]) == 5


async def test_the_annual_roll_up_is_refused_to_staff_and_for_an_implausible_year(
    gql: Gql,
) -> None:
    unit = str(gql.world.unit)
    staff = await gql.error(gql.as_("head_v"), ANNUAL, unit=unit, year=2025)
    refused(staff, "reviews.year_for_office", missing_role="APPRAISAL_OFFICE")
    implausible = await gql.error(gql.office, ANNUAL, unit=unit, year=1066)
    invalid(implausible, "year", "kernel.year_plausible")


async def test_sanctions_are_for_the_office_only(gql: Gql) -> None:
    query = "query($u: ID!) { sanctions(unitId: $u) { kind } }"
    unit = str(gql.world.unit)
    assert (await gql.data(gql.office, query, u=unit))["sanctions"] == []
    error = await gql.error(gql.as_("leader"), query, u=unit)
    refused(error, "reviews.sanctions_for_office", missing_role="APPRAISAL_OFFICE")


async def test_another_units_caller_is_refused_the_units_cycles(gql: Gql) -> None:
    unit = str(gql.world.unit)
    await outsider_refused(
        gql,
        [
            ("query($u: ID!) { reviewCycles(unitId: $u) { id } }", {"u": unit}),
            (CYCLE, {"unit": unit, "quarter": APPRAISED}),
            (APPRAISALS, {"id": str(gql.world.cycle)}),
        ],
    )
