"""The audit read side over GraphQL, in process: the trail over the raw service logs, a person's
dossier for a quarter, the access log of who read whose records, and records as they stood at a
past instant; for auditors (the unit's own, confined to it; the platform's, every unit), refused
to everyone else naming the missing role.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.audit.checkpoints import latest_checkpoints, snapshot
from services.audit.keys import published_keys
from services.feedback.anonymity import ANONYMOUS_FILER
from tests.integration.graphql.client import Gql, invalid, refused
from tests.integration.graphql.world import DRIVER_GOAL_SET_EVENTS
from tests.integration.recorded import QUARTER

TRAIL = """query($services: [String!], $unit: ID, $stream: ID, $actor: ID, $first: Int!,
  $after: String, $from: DateTime) {
  auditTrail(services: $services, unitId: $unit, streamId: $stream, actorId: $actor,
    first: $first, after: $after, from: $from) {
    edges { cursor node { service position stream eventType unitId actorId
      actorRole { code } payload } }
    pageInfo { hasNextPage endCursor } } }"""
DOSSIER = """query($person: ID!, $quarter: String!) {
  dossier(personId: $person, quarter: $quarter) {
  person { name } quarter departments { name } entries { why event { service eventType } } } }"""
ACCESS = """query($viewer: ID, $subject: ID, $first: Int!, $after: String) {
  accessLog(viewerId: $viewer, subjectId: $subject, first: $first, after: $after) {
    edges { cursor node { id viewerId subjectId record recordLabel query viewer { name }
      subject { name } viewerRoles { code } } }
    pageInfo { hasNextPage endCursor } } }"""
GOAL_SET = "query($id: ID!) { goalSet(id: $id) { status } }"


async def trail(gql: Gql, token: str, **variables: Any) -> list[dict[str, Any]]:
    found = (await gql.data(token, TRAIL, first=200, **variables))["auditTrail"]
    return [e["node"] for e in found["edges"]]


async def test_a_units_auditor_reads_the_goal_sets_events_in_order(gql: Gql) -> None:
    stream = str(gql.world.goal_sets["driver"])
    events = await trail(gql, gql.auditor, services=["goals"], stream=stream)
    assert [e["stream"] for e in events] == [stream] * len(events)
    assert [e["eventType"].rsplit(".", 1)[-1] for e in events] == DRIVER_GOAL_SET_EVENTS
    positions = [e["position"] for e in events]
    assert positions == sorted(positions)
    assert events[2]["actorId"] == str(gql.world.people["head_v"])
    assert events[2]["actorRole"]["code"] == "DEPARTMENT_HEAD"


async def test_a_units_auditor_is_confined_to_their_unit(gql: Gql) -> None:
    w = gql.world
    events = await trail(gql, gql.auditor, services=["directory"])
    # The directory records a unit's org chart in one stream, the unit's.
    assert {e["stream"] for e in events} == {str(w.unit)}
    error = await gql.error(gql.auditor, TRAIL, first=5, unit=str(w.other_unit))
    refused(error, "gateway.read_own_unit", missing_relation="MEMBER_OF_UNIT")


async def test_a_platform_auditor_reads_any_unit(gql: Gql) -> None:
    other = str(gql.world.other_unit)
    events = await trail(gql, gql.platform_auditor, services=["directory"], unit=other)
    assert {e["stream"] for e in events} == {other}


async def test_the_trail_pages_forward_with_cursors(gql: Gql) -> None:
    unit = str(gql.world.unit)
    pages = await gql.pages(gql.auditor, TRAIL, "auditTrail", unit=unit, first=7)
    assert len(pages) > 3
    assert all(len(page) == 7 for page in pages[:-1])
    seen = [(e["node"]["service"], e["node"]["position"]) for page in pages for e in page]
    every = [(e["service"], e["position"]) for e in await trail(gql, gql.auditor, unit=unit)]
    assert seen == every


async def test_an_anonymous_filing_shows_the_pseudonym_not_the_filer(gql: Gql) -> None:
    complaint = str(gql.world.complaints["anonymous"])
    events = await trail(gql, gql.platform_auditor, services=["feedback"], stream=complaint)
    assert events[0]["actorId"] == str(ANONYMOUS_FILER)
    assert str(gql.world.anonymous_filer) not in str(events)
    by_filer = await trail(
        gql, gql.platform_auditor, services=["feedback"], actor=str(gql.world.anonymous_filer)
    )
    # The named filing by the same cadre is theirs; the anonymous one is not.
    assert complaint not in {e["stream"] for e in by_filer}


@pytest.mark.parametrize(
    ("variables", "field", "rule"),
    [
        ({"services": ["payroll"]}, "services", "known_service"),
        ({"after": "bm90LWEtY3Vyc29y"}, "after", "cursor"),
        ({"from": "2026-01-01T00:00:00"}, "from", "instant_with_offset"),
        ({"stream": "stream-1"}, "streamId", "uuid"),
    ],
)
async def test_bad_trail_arguments_are_refused_naming_the_argument(
    gql: Gql, variables: dict[str, Any], field: str, rule: str
) -> None:
    invalid(await gql.error(gql.auditor, TRAIL, first=5, **variables), field, rule)


async def test_anyone_but_an_auditor_is_refused_the_audit_queries(gql: Gql) -> None:
    driver = str(gql.world.people["driver"])
    for token in (gql.office, gql.admin, gql.as_("driver")):
        for query, variables in (
            (TRAIL, {"first": 5}),
            (DOSSIER, {"person": driver, "quarter": QUARTER}),
            (ACCESS, {"first": 5}),
        ):
            error = await gql.error(token, query, **variables)
            refused(error, "gateway.auditor_only", missing_role="AUDITOR")


async def test_a_persons_dossier_for_the_quarter_and_its_read_recorded(gql: Gql) -> None:
    w = gql.world
    driver = str(w.people["driver"])
    dossier = (await gql.data(gql.auditor, DOSSIER, person=driver, quarter=QUARTER))["dossier"]
    assert dossier["person"]["name"] == "司机甲"
    assert dossier["quarter"] == QUARTER
    assert [d["name"] for d in dossier["departments"]] == ["公车科"]
    services = {e["event"]["service"] for e in dossier["entries"]}
    assert {"goals", "feedback"} <= services
    types = [e["event"]["eventType"].rsplit(".", 1)[-1] for e in dossier["entries"]]
    assert "RevisionApproved" in types
    assert all(e["why"] for e in dossier["entries"])
    logged = (
        await gql.data(
            gql.auditor, ACCESS, viewer=str(w.people["auditor"]), subject=driver, first=50
        )
    )["accessLog"]["edges"]
    assert ("DOSSIER", "dossier") in {(e["node"]["record"], e["node"]["query"]) for e in logged}


async def test_a_dossier_of_another_units_person_is_refused_to_a_units_auditor(
    gql: Gql,
) -> None:
    outsider = str(gql.world.people["outsider"])
    error = await gql.error(gql.auditor, DOSSIER, person=outsider, quarter=QUARTER)
    refused(error, "gateway.read_own_unit", missing_relation="MEMBER_OF_UNIT")


async def test_reading_someone_elses_goal_set_is_in_the_access_log_and_ones_own_is_not(
    gql: Gql,
) -> None:
    w = gql.world
    head, driver = w.people["head_v"], w.people["driver"]
    goal_set = str(w.goal_sets["driver"])
    await gql.data(gql.as_("head_v"), GOAL_SET, id=goal_set)
    await gql.data(gql.as_("driver"), GOAL_SET, id=goal_set)
    by_head = (
        await gql.data(gql.auditor, ACCESS, viewer=str(head), subject=str(driver), first=50)
    )["accessLog"]["edges"]
    read = next(e["node"] for e in by_head if e["node"]["query"] == "goalSet")
    assert (read["record"], read["recordLabel"]) == ("GOAL_SET", "目标")
    assert (read["viewer"]["name"], read["subject"]["name"]) == ("公车科长", "司机甲")
    assert {r["code"] for r in read["viewerRoles"]} == {"APPRAISEE"}
    own = await gql.data(gql.auditor, ACCESS, viewer=str(driver), subject=str(driver), first=5)
    assert own["accessLog"]["edges"] == []


async def test_the_access_log_pages_latest_first(gql: Gql) -> None:
    goal_set = str(gql.world.goal_sets["driver"])
    for _ in range(3):
        await gql.data(gql.as_("head_v"), GOAL_SET, id=goal_set)
    head = str(gql.world.people["head_v"])
    pages = await gql.pages(gql.auditor, ACCESS, "accessLog", viewer=head, first=2)
    assert len(pages) >= 2
    ids = [int(e["node"]["id"]) for page in pages for e in page]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(set(ids)) >= 3


async def test_a_goal_set_as_it_stood_before_its_approval(gql: Gql) -> None:
    query = """query($id: ID!, $at: DateTime!) { goalSetAsOf(id: $id, asOf: {instant: $at}) {
      asOf { service position } goalSet { status currentVersionNumber } } }"""
    then = (
        await gql.data(
            gql.auditor,
            query,
            id=str(gql.world.goal_sets["driver"]),
            at=gql.world.before_approval.isoformat(),
        )
    )["goalSetAsOf"]
    assert then["asOf"]["service"] == "goals"
    assert then["goalSet"] == {"status": "SUBMITTED", "currentVersionNumber": None}


async def test_managers_as_the_org_chart_was_recorded_before_the_move(gql: Gql) -> None:
    query = """query($p: ID!, $at: DateTime!) {
      managersAsOf(personId: $p, asOf: {instant: $at}, at: null) {
        asOf { service } directManager { name } } }"""
    clerk = str(gql.world.people["clerk"])
    then = (await gql.data(gql.office, query, p=clerk, at=gql.world.before_move.isoformat()))[
        "managersAsOf"
    ]
    assert then["asOf"]["service"] == "directory"
    assert then["directManager"]["name"] == "综合科长"
    outsider = await gql.error(
        gql.as_("outsider"), query, p=clerk, at=gql.world.before_move.isoformat()
    )
    refused(outsider, "gateway.read_own_unit", missing_relation="MEMBER_OF_UNIT")


COMPLAINT_AS_OF = """query($id: ID!, $at: DateTime!) {
  complaintAsOf(id: $id, asOf: {instant: $at}) { asOf { service }
    complaint { status anonymous complainant { name } history { event actorId } } } }"""


async def test_a_complaint_as_it_stood_hides_the_filer_by_the_same_rules(gql: Gql) -> None:
    w = gql.world
    now = datetime.now(UTC).isoformat()
    filer = str(w.anonymous_filer)
    office = await gql.data(gql.office, COMPLAINT_AS_OF, id=str(w.complaints["by_cadre"]), at=now)
    assert office["complaintAsOf"]["asOf"]["service"] == "feedback"
    then = office["complaintAsOf"]["complaint"]
    assert (then["status"], then["complainant"]["name"]) == ("FILED", "钱女士")
    assert then["history"][0]["actorId"] == filer
    staff = await gql.data(
        gql.as_("head_v"), COMPLAINT_AS_OF, id=str(w.complaints["by_cadre"]), at=now
    )
    assert staff["complaintAsOf"]["complaint"]["complainant"] == {"name": None}
    assert staff["complaintAsOf"]["complaint"]["history"][0]["actorId"] is None
    for token in (gql.platform_auditor, gql.office):
        anonymous = await gql.data(
            token, COMPLAINT_AS_OF, id=str(w.complaints["anonymous"]), at=now
        )
        assert anonymous["complaintAsOf"]["complaint"]["anonymous"] is True
        assert filer not in str(anonymous)


async def test_a_cycle_as_it_stood_before_its_publication(gql: Gql) -> None:
    cycle = str(gql.world.cycle)
    events = await trail(gql, gql.auditor, services=["reviews"], stream=cycle)
    assert events[-1]["eventType"].endswith("ResultsPublished")
    query = """query($id: ID!, $position: Int!) {
      reviewCycleAsOf(id: $id, asOf: {position: $position}) {
        asOf { position } status appraisals { name grade } } }"""
    before = events[-2]["position"]
    then = (await gql.data(gql.office, query, id=cycle, position=before))["reviewCycleAsOf"]
    assert (then["asOf"]["position"], then["status"]) == (before, "FINALISED")
    assert {a["name"]: a["grade"] for a in then["appraisals"]}["科员乙"] == "AVERAGE"
    now = await gql.data(gql.office, query, id=cycle, position=events[-1]["position"])
    assert now["reviewCycleAsOf"]["status"] == "PUBLISHED"


async def test_checkpoints_and_keys_are_for_auditors(gql: Gql) -> None:
    query = "{ auditCheckpoints { service size } auditKeys { keyId } }"
    # The session's database is shared: end-to-end tests that ran before may have signed
    # checkpoints. The answer is what the audit schema and the key folder hold, whatever it is.
    with snapshot(gql.settings.database_url) as conn:
        signed = sorted((c.service, c.tree_size) for c in latest_checkpoints(conn))
    keys = [k.key_id for k in published_keys(gql.settings.key_dir)]
    answer = await gql.data(gql.auditor, query)
    assert sorted((c["service"], c["size"]) for c in answer["auditCheckpoints"]) == signed
    assert [k["keyId"] for k in answer["auditKeys"]] == keys
    refused(await gql.error(gql.office, query), "gateway.auditor_only", missing_role="AUDITOR")


async def test_quarantined_events_are_for_the_office_auditors_and_administrators(
    gql: Gql,
) -> None:
    query = "{ quarantinedEvents { service position } }"
    for token in (gql.office, gql.auditor, gql.admin):
        assert (await gql.data(token, query))["quarantinedEvents"] == []
    error = await gql.error(gql.as_("driver"), query)
    refused(error, "gateway.quarantine_readers", missing_role="APPRAISAL_OFFICE")
