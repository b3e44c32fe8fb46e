"""Goal sets over GraphQL, in process: the driver's approved then revised (two versions, the
second in force), the clerk's awaiting his new head; lists, versions at an instant, history,
the approval queue, and the refusals.
"""

from __future__ import annotations

from uuid import uuid4

from tests.integration.graphql.client import Gql, invalid, outsider_refused
from tests.integration.graphql.world import DRIVER_GOAL_SET_EVENTS
from tests.integration.recorded import QUARTER

GOAL_SETS = """query($unit: ID!, $person: ID, $period: String, $status: GoalSetStatus,
  $first: Int!, $after: String) {
  goalSets(unitId: $unit, personId: $person, period: $period, status: $status, first: $first,
    after: $after) {
    totalCount edges { cursor node { id status person { name } } }
    pageInfo { hasNextPage endCursor } } }"""
GOAL_SET = """query($id: ID!, $at: DateTime) { goalSet(id: $id) {
  period periodKind status statusLabel version currentVersionNumber department { name }
  items { itemId what status percent }
  versions { versionNumber relation relationLabel comment approvedBy { name }
    items { itemId } }
  versionInForce(at: $at) { versionNumber }
  pendingRevision { reason }
  history { event eventLabel actorRole actor { name } text percent versionNumber } } }"""


async def test_a_units_goal_sets_for_the_quarter_filtered_by_status_and_person(
    gql: Gql,
) -> None:
    unit, people = str(gql.world.unit), gql.world.people

    async def found(**filters: object) -> list[tuple[str, str]]:
        page = (await gql.data(gql.office, GOAL_SETS, unit=unit, first=50, **filters))["goalSets"]
        assert page["totalCount"] == len(page["edges"])
        return sorted((e["node"]["person"]["name"], e["node"]["status"]) for e in page["edges"])

    assert await found(period=QUARTER) == [("司机甲", "APPROVED"), ("科员乙", "SUBMITTED")]
    assert await found(status="SUBMITTED") == [("科员乙", "SUBMITTED")]
    assert await found(person=str(people["driver"])) == [("司机甲", "APPROVED")]
    assert await found(period="2019-Q1") == []


async def test_goal_sets_page_with_cursors(gql: Gql) -> None:
    pages = await gql.pages(gql.office, GOAL_SETS, "goalSets", unit=str(gql.world.unit), first=1)
    assert [len(page) for page in pages] == [1, 1]
    ids = {e["node"]["id"] for page in pages for e in page}
    assert ids == {str(g) for g in gql.world.goal_sets.values()}


async def test_a_revised_goal_set_has_two_versions_the_second_in_force(gql: Gql) -> None:
    driver = (await gql.data(gql.office, GOAL_SET, id=str(gql.world.goal_sets["driver"])))[
        "goalSet"
    ]
    assert (driver["period"], driver["periodKind"]) == (QUARTER, "QUARTER")
    assert driver["status"] == "APPROVED"
    assert driver["currentVersionNumber"] == 2
    assert driver["department"]["name"] == "公车科"
    versions = driver["versions"]
    assert [v["versionNumber"] for v in versions] == [1, 2]
    assert [[i["itemId"] for i in v["items"]] for v in versions] == [["a", "b"], ["a", "c"]]
    assert {(v["relation"], v["approvedBy"]["name"]) for v in versions} == {
        ("DEPARTMENT_HEAD", "公车科长")
    }
    assert [v["comment"] for v in versions] == ["同意", "同意调整"]
    assert driver["versionInForce"] == {"versionNumber": 2}
    assert driver["pendingRevision"] is None
    assert [i["itemId"] for i in driver["items"]] == ["a", "c"]


async def test_no_version_was_in_force_before_the_approval(gql: Gql) -> None:
    before = gql.world.before_approval.isoformat()
    driver = (
        await gql.data(gql.office, GOAL_SET, id=str(gql.world.goal_sets["driver"]), at=before)
    )["goalSet"]
    assert driver["versionInForce"] is None


async def test_a_goal_sets_history_in_log_order_with_its_actors(gql: Gql) -> None:
    driver = (await gql.data(gql.office, GOAL_SET, id=str(gql.world.goal_sets["driver"])))[
        "goalSet"
    ]
    history = driver["history"]
    assert [h["event"] for h in history] == DRIVER_GOAL_SET_EVENTS
    staff, head = "司机甲", "公车科长"
    assert [h["actor"]["name"] for h in history] == [staff, staff, head, staff, staff, head]
    progress = next(h for h in history if h["event"] == "ProgressRecorded")
    assert (progress["percent"], progress["text"], progress["actor"]["name"]) == (
        40,
        "进行中",
        "司机甲",
    )


async def test_the_approval_queue_holds_what_awaits_the_direct_manager_only(gql: Gql) -> None:
    query = "{ myApprovalQueue { id status person { name } } }"
    queue = (
        await gql.data(
            gql.as_("head_v"),
            query,
        )
    )["myApprovalQueue"]
    assert [(g["person"]["name"], g["status"]) for g in queue] == [("科员乙", "SUBMITTED")]
    # His old head, and the leader who supervises both departments, are not his direct manager.
    assert (await gql.data(gql.as_("head_g"), query))["myApprovalQueue"] == []
    assert (await gql.data(gql.as_("leader"), query))["myApprovalQueue"] == []


async def test_a_persons_goal_history_and_an_unknown_persons(gql: Gql) -> None:
    query = "query($p: ID!) { goalHistory(personId: $p) { period status } }"
    history = await gql.data(gql.office, query, p=str(gql.world.people["driver"]))
    assert history["goalHistory"] == [{"period": QUARTER, "status": "APPROVED"}]
    assert (await gql.data(gql.office, query, p=str(uuid4())))["goalHistory"] == []


async def test_an_unknown_goal_set_is_null_and_a_malformed_id_refused(gql: Gql) -> None:
    assert (await gql.data(gql.office, GOAL_SET, id=str(uuid4())))["goalSet"] is None
    invalid(await gql.error(gql.office, GOAL_SET, id="goal-set-1"), "id", "uuid")


async def test_an_unknown_status_is_refused_as_invalid_input(gql: Gql) -> None:
    error = await gql.error(
        gql.office, GOAL_SETS, unit=str(gql.world.unit), first=5, status="FINISHED"
    )
    assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_another_units_caller_is_refused_the_goal_sets(gql: Gql) -> None:
    history = "query($p: ID!) { goalHistory(personId: $p) { period } }"
    await outsider_refused(
        gql,
        [
            (GOAL_SETS, {"unit": str(gql.world.unit), "first": 5}),
            (GOAL_SET, {"id": str(gql.world.goal_sets["driver"])}),
            (history, {"p": str(gql.world.people["driver"])}),
        ],
    )
    # Their own approval queue is empty, not someone else's.
    queue = await gql.data(gql.as_("outsider"), "{ myApprovalQueue { id } }")
    assert queue["myApprovalQueue"] == []


REFERENCE = """query($unit: ID!, $kind: ReferenceKind, $dept: ID, $period: String) {
  referenceGoals(unitId: $unit, kind: $kind, departmentId: $dept, period: $period) {
    kind kindLabel period title revision department { name } items { title } } }"""
SUMMARIES = """query($unit: ID!, $person: ID, $month: String) {
  monthlySummaries(unitId: $unit, personId: $person, month: $month) {
    month text version person { name } department { name } versions { version text reason } } }"""


async def test_reference_goals_of_the_unit_and_of_a_department(gql: Gql) -> None:
    unit = str(gql.world.unit)
    every = (await gql.data(gql.as_("clerk"), REFERENCE, unit=unit))["referenceGoals"]
    assert {(d["kind"], d["title"]) for d in every} == {
        ("WORK_PRIORITIES", "年度工作要点"),
        ("DEPARTMENT_PHASE", "公车科季度目标"),
    }
    vehicles = str(gql.world.departments["vehicles"])
    (department,) = (await gql.data(gql.office, REFERENCE, unit=unit, dept=vehicles))[
        "referenceGoals"
    ]
    assert (department["period"], department["department"]["name"]) == (QUARTER, "公车科")
    assert [i["title"] for i in department["items"]] == ["派车零差错"]
    (priorities,) = (await gql.data(gql.office, REFERENCE, unit=unit, kind="WORK_PRIORITIES"))[
        "referenceGoals"
    ]
    assert [i["title"] for i in priorities["items"]] == ["节能降耗", "公车改革"]
    assert priorities["revision"] == 1


async def test_a_monthly_summary_with_its_amended_versions(gql: Gql) -> None:
    summaries = (
        await gql.data(
            gql.as_("head_v"),
            SUMMARIES,
            unit=str(gql.world.unit),
            person=str(gql.world.people["driver"]),
        )
    )["monthlySummaries"]
    (summary,) = summaries
    assert (summary["person"]["name"], summary["department"]["name"]) == ("司机甲", "公车科")
    assert (summary["text"], summary["version"]) == ("完成派车任务三十次", 2)
    assert [(v["version"], v["text"], v["reason"]) for v in summary["versions"]] == [
        (1, "完成派车任务", None),
        (2, "完成派车任务三十次", "补充数量"),
    ]
    other_month = await gql.data(gql.office, SUMMARIES, unit=str(gql.world.unit), month="2019-01")
    assert other_month["monthlySummaries"] == []
