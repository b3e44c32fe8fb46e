"""The org chart over GraphQL, in process: units, departments, people, who managed whom at an
instant (the clerk moved from the general office to the vehicles department on 2026-04-01),
pages and cursors, malformed ids, and the refusals of another unit's caller.
"""

from __future__ import annotations

from uuid import uuid4

import pytest

from kernel.auth import AuthenticationError
from kernel.roles import Role
from tests.integration.graphql.client import Gql, invalid, outsider_refused

BEFORE_MOVE = "2026-01-15T10:00:00+08:00"

UNIT = """query($id: ID!, $first: Int!, $after: String) { unit(id: $id) { name code
  departments(first: $first, after: $after) {
    totalCount edges { cursor node { name category serviceKind } }
    pageInfo { hasNextPage endCursor } } } }"""
PEOPLE = """query($unit: ID!, $dept: ID, $name: String, $at: DateTime, $first: Int!,
  $after: String) {
  people(unitId: $unit, departmentId: $dept, nameContains: $name, at: $at, first: $first,
    after: $after) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }"""
MANAGERS = """query($person: ID!, $at: DateTime) { managers(personId: $person, at: $at) {
  on person { name } department { name } departmentHead { name } supervisingLeader { name }
  principalLeader { name } directManager { name } } }"""


async def test_me_is_the_caller_with_their_roles_labelled(gql: Gql) -> None:
    me = (await gql.data(gql.office, "{ me { person { name } roles { code label } unitId } }"))[
        "me"
    ]
    assert me["person"]["name"] == "综合科长"
    assert {r["code"] for r in me["roles"]} == {"APPRAISEE", "APPRAISAL_OFFICE"}
    assert me["unitId"] == str(gql.world.unit)


async def test_a_unit_member_sees_their_unit_only_and_the_administrator_every_unit(
    gql: Gql,
) -> None:
    ours = (await gql.data(gql.as_("driver"), "{ units { id } }"))["units"]
    assert [u["id"] for u in ours] == [str(gql.world.unit)]
    every = {u["id"] for u in (await gql.data(gql.admin, "{ units { id } }"))["units"]}
    assert {str(gql.world.unit), str(gql.world.other_unit)} <= every


async def test_a_platform_auditor_sees_every_unit_and_a_units_auditor_their_own(
    gql: Gql,
) -> None:
    platform = {
        u["id"] for u in (await gql.data(gql.platform_auditor, "{ units { id } }"))["units"]
    }
    assert {str(gql.world.unit), str(gql.world.other_unit)} <= platform
    own = (await gql.data(gql.auditor, "{ units { id } }"))["units"]
    assert [u["id"] for u in own] == [str(gql.world.unit)]


async def test_a_units_departments_page_by_name_with_cursors(gql: Gql) -> None:
    pages = await gql.pages(gql.office, UNIT, "unit.departments", id=str(gql.world.unit), first=1)
    assert len(pages) == 2
    nodes = {e["node"]["name"]: e["node"] for page in pages for e in page}
    assert set(nodes) == {"公车科", "综合科"}
    assert (nodes["公车科"]["category"], nodes["公车科"]["serviceKind"]) == ("SERVICE", "VEHICLES")


async def test_a_department_has_its_head_leader_and_members_at_an_instant(gql: Gql) -> None:
    query = """query($id: ID!, $at: DateTime) { department(id: $id) { name
      head(at: $at) { name } supervisingLeader(at: $at) { name } members(at: $at) { name } } }"""
    vehicles = str(gql.world.departments["vehicles"])
    now = (await gql.data(gql.office, query, id=vehicles))["department"]
    assert now["head"]["name"] == "公车科长"
    assert now["supervisingLeader"]["name"] == "副主任"
    assert {m["name"] for m in now["members"]} == {"公车科长", "司机甲", "科员乙"}
    then = (await gql.data(gql.office, query, id=vehicles, at=BEFORE_MOVE))["department"]
    assert {m["name"] for m in then["members"]} == {"公车科长", "司机甲"}


async def test_a_persons_department_and_memberships_follow_the_move(gql: Gql) -> None:
    query = """query($id: ID!, $at: DateTime) { person(id: $id) { name positionCategory
      positionCategoryLabel joinedOn department(at: $at) { name }
      memberships { startOn endOn department { name } } } }"""
    clerk = str(gql.world.people["clerk"])
    now = (await gql.data(gql.office, query, id=clerk))["person"]
    assert now["department"]["name"] == "公车科"
    assert now["positionCategory"] == "GENERAL"
    assert [(m["department"]["name"], m["startOn"], m["endOn"]) for m in now["memberships"]] == [
        ("综合科", "2025-01-01", "2026-04-01"),
        ("公车科", "2026-04-01", None),
    ]
    then = (await gql.data(gql.office, query, id=clerk, at=BEFORE_MOVE))["person"]
    assert then["department"]["name"] == "综合科"


async def test_people_are_filtered_by_department_at_an_instant_and_by_name(gql: Gql) -> None:
    unit, general = str(gql.world.unit), str(gql.world.departments["general"])

    async def names(**filters: object) -> set[str]:
        found = (await gql.data(gql.office, PEOPLE, unit=unit, first=50, **filters))["people"]
        return {e["node"]["name"] for e in found["edges"]}

    assert await names(dept=general) == {"综合科长", "审计员"}
    assert await names(dept=general, at=BEFORE_MOVE) == {"综合科长", "科员乙", "审计员"}
    assert await names(name="科长") == {"公车科长", "综合科长"}
    assert await names(name="无此人") == set()


async def test_people_pages_walk_the_whole_unit_once(gql: Gql) -> None:
    pages = await gql.pages(gql.office, PEOPLE, "people", unit=str(gql.world.unit), first=3)
    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [e["node"]["id"] for page in pages for e in page]
    assert set(seen) == {str(p) for k, p in gql.world.people.items() if k != "outsider"}
    total = await gql.data(gql.office, PEOPLE, unit=str(gql.world.unit), first=1)
    assert total["people"]["totalCount"] == 7


async def test_the_clerks_managers_before_and_after_his_move(gql: Gql) -> None:
    clerk = str(gql.world.people["clerk"])
    then = (await gql.data(gql.office, MANAGERS, person=clerk, at=BEFORE_MOVE))["managers"]
    assert then["on"] == "2026-01-15"
    assert then["department"]["name"] == "综合科"
    assert then["departmentHead"]["name"] == then["directManager"]["name"] == "综合科长"
    assert then["supervisingLeader"]["name"] == "副主任"
    assert then["principalLeader"]["name"] == "主任"
    now = (await gql.data(gql.office, MANAGERS, person=clerk))["managers"]
    assert now["departmentHead"]["name"] == now["directManager"]["name"] == "公车科长"


async def test_a_leader_is_managed_by_the_principal_leader_and_the_principal_by_nobody(
    gql: Gql,
) -> None:
    people = gql.world.people
    leader = (await gql.data(gql.office, MANAGERS, person=str(people["leader"])))["managers"]
    assert leader["departmentHead"] is None
    assert leader["supervisingLeader"] is None
    assert leader["directManager"]["name"] == "主任"
    principal = (await gql.data(gql.office, MANAGERS, person=str(people["principal"])))["managers"]
    assert principal["directManager"] is None


async def test_a_head_is_managed_by_the_supervising_leader(gql: Gql) -> None:
    head = (await gql.data(gql.office, MANAGERS, person=str(gql.world.people["head_v"])))[
        "managers"
    ]
    assert head["departmentHead"] is None
    assert head["directManager"]["name"] == "副主任"


async def test_unknown_records_are_null_and_unknown_people_have_no_managers(gql: Gql) -> None:
    missing = str(uuid4())
    data = await gql.data(
        gql.office,
        "query($id: ID!) { unit(id: $id) { name } }",
        id=str(gql.world.unit),
    )
    assert data["unit"]["name"] == "图测中心"
    none = await gql.data(
        gql.office,
        "query($id: ID!) { person(id: $id) { name } department(id: $id) { name } }",
        id=missing,
    )
    assert none == {"person": None, "department": None}
    error = await gql.error(gql.office, MANAGERS, person=missing)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "personId"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('{ person(id: "not-a-uuid") { name } }', "id"),
        ('{ managers(personId: "42") { on } }', "personId"),
        ('{ people(unitId: "x") { totalCount } }', "unitId"),
    ],
)
async def test_a_malformed_id_is_refused_naming_the_argument(
    gql: Gql, query: str, field: str
) -> None:
    invalid(await gql.error(gql.office, query), field, "uuid")


async def test_a_forged_cursor_and_a_page_too_large_are_refused(gql: Gql) -> None:
    unit = str(gql.world.unit)
    forged = await gql.error(gql.office, PEOPLE, unit=unit, first=5, after="bm90LWEtY3Vyc29y")
    invalid(forged, "after", "cursor")
    invalid(await gql.error(gql.office, PEOPLE, unit=unit, first=201), "first", "range")


async def test_another_units_caller_is_refused_the_units_records(gql: Gql) -> None:
    clerk = str(gql.world.people["clerk"])
    await outsider_refused(
        gql,
        [
            ("query($id: ID!) { unit(id: $id) { name } }", {"id": str(gql.world.unit)}),
            ("query($id: ID!) { person(id: $id) { name } }", {"id": clerk}),
            (MANAGERS, {"person": clerk}),
            (PEOPLE, {"unit": str(gql.world.unit), "first": 5}),
        ],
    )


async def test_a_token_claiming_a_role_the_org_chart_does_not_grant_is_refused(
    gql: Gql,
) -> None:
    # The gateway refuses it (401) before any resolver runs: no context is built.
    with pytest.raises(AuthenticationError) as refused:
        await gql.execute(gql.as_("driver", Role.APPRAISAL_OFFICE), "{ me { unitId } }")
    assert refused.value.rule == "kernel.grant_in_force"
