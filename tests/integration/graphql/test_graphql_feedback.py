"""Feedback over GraphQL, in process: the appraised quarter's closed survey, praise, complaints
(one named and resolved, one anonymous, one a served cadre filed under their name), the
quarter's facts per department and person; who sees a complainant, and that an anonymous
complaint's filer is named to nobody.
"""

from __future__ import annotations

import json
from typing import Any

from tests.integration.graphql.client import Gql, invalid, outsider_refused
from tests.integration.graphql.world import COMPLAINANT
from tests.integration.recorded import APPRAISED, QUARTER

COMPLAINT = """query($id: ID!) { complaint(id: $id) {
  id status statusLabel targetKind targetName department { name } filedBy anonymous
  complainant { name agency contact } content handler { name } satisfaction late
  history { event actorId actorRole actor { name } handler { name } } } }"""
COMPLAINTS = """query($unit: ID!, $quarter: String, $status: ComplaintStatus, $dept: ID,
  $target: ID, $first: Int!, $after: String) {
  complaints(unitId: $unit, quarter: $quarter, status: $status, departmentId: $dept,
    targetId: $target, first: $first, after: $after) {
    totalCount edges { node { id content } } pageInfo { hasNextPage endCursor } } }"""
PRAISE = """query($unit: ID!, $quarter: String, $target: ID) {
  praise(unitId: $unit, quarter: $quarter, targetId: $target) {
    totalCount edges { node { whatHappened targetName source department { name } } } } }"""
SURVEYS = """query($unit: ID!) { surveys(unitId: $unit) { id quarter status statusLabel
  results { name count mean } responseCount } }"""
RESPONSES = """query($id: ID!) { survey(id: $id) { quarter
  responses { respondentAgency scores { score department { name } } } } }"""


async def complaint(gql: Gql, token: str, key: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(token, COMPLAINT, id=str(gql.world.complaints[key])))[
        "complaint"
    ]
    return found


async def test_no_policy_is_set_until_the_office_sets_one(gql: Gql) -> None:
    query = "query($unit: ID!) { feedbackPolicy(unitId: $unit) { handlingDays } }"
    assert (await gql.data(gql.office, query, unit=str(gql.world.unit)))["feedbackPolicy"] is None


async def test_the_appraised_quarters_survey_is_closed_with_its_result(gql: Gql) -> None:
    surveys = (await gql.data(gql.office, SURVEYS, unit=str(gql.world.unit)))["surveys"]
    assert [(s["quarter"], s["status"]) for s in surveys] == [(APPRAISED, "CLOSED")]
    (survey,) = surveys
    assert [(r["name"], r["count"], r["mean"]) for r in survey["results"]] == [
        ("公车科", 1, "92.00")
    ]
    assert survey["responseCount"] == 1


async def test_a_respondents_agency_is_shown_to_the_office_and_hidden_from_staff(
    gql: Gql,
) -> None:
    survey = (await gql.data(gql.office, SURVEYS, unit=str(gql.world.unit)))["surveys"][0]["id"]
    office = (await gql.data(gql.office, RESPONSES, id=survey))["survey"]
    assert office["quarter"] == APPRAISED
    assert [r["respondentAgency"] for r in office["responses"]] == ["市财政局"]
    staff = (await gql.data(gql.as_("driver"), RESPONSES, id=survey))["survey"]["responses"]
    assert [r["respondentAgency"] for r in staff] == [None]
    assert staff[0]["scores"][0]["department"]["name"] == "公车科"


async def test_praise_by_quarter_and_target(gql: Gql) -> None:
    unit, driver = str(gql.world.unit), str(gql.world.people["driver"])
    appraised = (await gql.data(gql.office, PRAISE, unit=unit, quarter=APPRAISED))["praise"]
    assert [e["node"]["whatHappened"] for e in appraised["edges"]] == ["雪天保障准时"]
    now = (await gql.data(gql.office, PRAISE, unit=unit, quarter=QUARTER))["praise"]
    assert [
        (e["node"]["whatHappened"], e["node"]["targetName"], e["node"]["department"]["name"])
        for e in now["edges"]
    ] == [("会议保障及时", "司机甲", "公车科")]
    every = (await gql.data(gql.office, PRAISE, unit=unit, target=driver))["praise"]
    assert every["totalCount"] == 2
    clerk = str(gql.world.people["clerk"])
    assert (await gql.data(gql.office, PRAISE, unit=unit, target=clerk))["praise"][
        "totalCount"
    ] == 0


async def test_complaints_filtered_by_status_target_and_department(gql: Gql) -> None:
    w = gql.world
    unit = str(w.unit)

    async def ids(**filters: object) -> set[str]:
        page = (await gql.data(gql.office, COMPLAINTS, unit=unit, first=50, **filters))[
            "complaints"
        ]
        assert page["totalCount"] == len(page["edges"])
        return {e["node"]["id"] for e in page["edges"]}

    every = {str(c) for c in w.complaints.values()}
    assert await ids(quarter=QUARTER) == every
    assert await ids(status="RESOLVED") == {str(w.complaints["named"])}
    assert await ids(target=str(w.people["clerk"])) == {str(w.complaints["by_cadre"])}
    # The clerk is in the vehicles department now: each complaint is about that department.
    assert await ids(dept=str(w.departments["vehicles"])) == every
    assert await ids(dept=str(w.departments["general"])) == set()
    assert await ids(quarter=APPRAISED) == set()


async def test_complaints_page_with_cursors(gql: Gql) -> None:
    pages = await gql.pages(gql.office, COMPLAINTS, "complaints", unit=str(gql.world.unit), first=2)
    assert [len(page) for page in pages] == [2, 1]
    seen = sorted(e["node"]["id"] for page in pages for e in page)
    assert seen == sorted(str(c) for c in gql.world.complaints.values())


async def test_a_resolved_complaint_and_its_handling(gql: Gql) -> None:
    named = await complaint(gql, gql.office, "named")
    assert (named["status"], named["statusLabel"]) == ("RESOLVED", "已办结")
    assert (named["targetKind"], named["targetName"]) == ("PERSON", "司机甲")
    assert named["department"]["name"] == "公车科"
    assert (named["handler"]["name"], named["satisfaction"], named["late"]) == (
        "公车科长",
        "SATISFIED",
        False,
    )
    assert [h["event"] for h in named["history"]] == [
        "ComplaintFiled",
        "ComplaintAssigned",
        "ComplaintResolved",
    ]
    assert named["history"][1]["handler"]["name"] == "公车科长"


async def test_the_complainant_is_shown_to_the_office_and_auditors_only(gql: Gql) -> None:
    for token in (gql.office, gql.auditor, gql.platform_auditor, gql.admin):
        assert (await complaint(gql, token, "named"))["complainant"] == COMPLAINANT
    hidden = {"name": None, "agency": None, "contact": None}
    for token in (gql.as_("head_v"), gql.as_("driver"), gql.as_("principal")):
        assert (await complaint(gql, token, "named"))["complainant"] == hidden


async def test_a_served_cadres_filing_names_them_to_the_office_only(gql: Gql) -> None:
    filer = str(gql.world.anonymous_filer)
    office = await complaint(gql, gql.office, "by_cadre")
    assert office["filedBy"] == "SERVED_CADRE"
    assert office["history"][0]["actorId"] == filer
    staff = await complaint(gql, gql.as_("head_v"), "by_cadre")
    assert staff["history"][0]["event"] == "ComplaintFiled"
    assert staff["history"][0]["actorId"] is None
    assert filer not in json.dumps(staff)


async def test_an_anonymous_complaints_filer_is_named_to_nobody(gql: Gql) -> None:
    filer = str(gql.world.anonymous_filer)
    for token in (
        gql.office,
        gql.auditor,
        gql.platform_auditor,
        gql.admin,
        gql.as_("head_v"),
        gql.as_("driver"),
    ):
        anonymous = await complaint(gql, token, "anonymous")
        assert anonymous["anonymous"] is True
        assert anonymous["complainant"] is None
        assert (anonymous["targetKind"], anonymous["targetName"]) == ("DEPARTMENT", "公车科")
        filed = anonymous["history"][0]
        assert (filed["event"], filed["actorId"], filed["actor"]) == ("ComplaintFiled", None, None)
        assert filer not in json.dumps(anonymous)
        assert "匿名者" not in json.dumps(anonymous, ensure_ascii=False)


async def test_the_quarters_feedback_facts_per_department_and_person(gql: Gql) -> None:
    query = """query($unit: ID!, $quarter: String!, $person: ID) {
      feedbackFacts(unitId: $unit, quarter: $quarter, personId: $person) {
        totalCount quarter edges { node { subjectKind name praiseCount complaints
          handledProperly open } } } }"""
    unit = str(gql.world.unit)
    facts = (await gql.data(gql.office, query, unit=unit, quarter=QUARTER))["feedbackFacts"]
    rows = {(e["node"]["subjectKind"], e["node"]["name"]): e["node"] for e in facts["edges"]}
    assert facts["quarter"] == QUARTER
    assert rows[("PERSON", "司机甲")]["praiseCount"] == 1
    assert rows[("PERSON", "司机甲")]["handledProperly"] == 1
    assert (rows[("PERSON", "科员乙")]["complaints"], rows[("PERSON", "科员乙")]["open"]) == (1, 1)
    assert rows[("DEPARTMENT", "公车科")]["complaints"] >= 1
    one = (
        await gql.data(
            gql.office, query, unit=unit, quarter=QUARTER, person=str(gql.world.people["clerk"])
        )
    )["feedbackFacts"]
    assert [e["node"]["name"] for e in one["edges"]] == ["科员乙"]


async def test_a_malformed_quarter_is_refused_naming_the_argument(gql: Gql) -> None:
    error = await gql.error(gql.office, PRAISE, unit=str(gql.world.unit), quarter="2026Q3")
    invalid(error, "quarter", "quarter_format")


async def test_another_units_caller_is_refused_the_feedback(gql: Gql) -> None:
    w = gql.world
    await outsider_refused(
        gql,
        [
            (COMPLAINTS, {"unit": str(w.unit), "first": 5}),
            (COMPLAINT, {"id": str(w.complaints["named"])}),
            (PRAISE, {"unit": str(w.unit)}),
            (SURVEYS, {"unit": str(w.unit)}),
        ],
    )
