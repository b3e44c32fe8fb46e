"""End to end: goals (确定目标) as a frontend drives them over GraphQL, with the processes started
as `make run` starts them: a goal set drafted, approved by the direct manager, revised and
progressed; monthly summaries; the appraisal office's weekly report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from kernel.calendar import china_date
from kernel.roles import Role
from tests.e2e.conftest import System, Unit, new_unit

pytestmark = pytest.mark.e2e


# -- goals, as a frontend asks for them --

GOAL_SET = """fragment G on GoalSet {
  id version period periodKind periodKindLabel status statusLabel currentVersionNumber
  person { name } department { name }
  items { itemId what measure dueOn weight status statusLabel percent note
          serves { kind kindLabel ref text } }
  pendingRevision { reason items { itemId what } }
  versions { versionNumber approvedAt comment relation relationLabel approvedBy { name }
             items { itemId what } } }"""
DRAFT = (
    """mutation($unit: ID!, $period: String!, $items: [GoalItemInput!], $key: String) {
  draftGoalSet(unitId: $unit, period: $period, items: $items, idempotencyKey: $key) {
    goalSet { ...G } position } }"""
    + GOAL_SET
)
EDIT = (
    """mutation($id: ID!, $items: [GoalItemInput!]!, $version: Int) {
  editGoalSet(goalSetId: $id, items: $items, expectedVersion: $version) { goalSet { ...G } } }"""
    + GOAL_SET
)
SUBMIT = """mutation($id: ID!) { submitGoalSet(goalSetId: $id) { goalSet { ...G } } }""" + GOAL_SET
APPROVE = (
    """mutation($id: ID!, $comment: String, $version: Int) {
  approveGoalSet(goalSetId: $id, comment: $comment, expectedVersion: $version) {
    goalSet { ...G } } }"""
    + GOAL_SET
)
PROPOSE = (
    """mutation($id: ID!, $items: [GoalItemInput!]!, $reason: String!) {
  proposeGoalRevision(goalSetId: $id, items: $items, reason: $reason) { goalSet { ...G } } }"""
    + GOAL_SET
)
APPROVE_REVISION = (
    """mutation($id: ID!, $comment: String) {
  approveGoalRevision(goalSetId: $id, comment: $comment) { goalSet { ...G } } }"""
    + GOAL_SET
)
PROGRESS = (
    """mutation($id: ID!, $item: String!, $percent: Int!, $note: String!) {
  recordGoalProgress(goalSetId: $id, itemId: $item, percent: $percent, note: $note) {
    goalSet { ...G } } }"""
    + GOAL_SET
)
COMPLETE = (
    """mutation($id: ID!, $item: String!, $note: String!) {
  completeGoalItem(goalSetId: $id, itemId: $item, note: $note) { goalSet { ...G } } }"""
    + GOAL_SET
)
DROP = (
    """mutation($id: ID!, $item: String!, $reason: String!) {
  dropGoalItem(goalSetId: $id, itemId: $item, reason: $reason) { goalSet { ...G } } }"""
    + GOAL_SET
)
RETURN = (
    """mutation($id: ID!, $comments: String!) {
  returnGoalSet(goalSetId: $id, comments: $comments) { goalSet { ...G } } }"""
    + GOAL_SET
)
REJECT_REVISION = (
    """mutation($id: ID!, $reason: String!) {
  rejectGoalRevision(goalSetId: $id, reason: $reason) { goalSet { ...G } } }"""
    + GOAL_SET
)
PUBLISH_REFERENCE = """mutation($unit: ID!, $kind: ReferenceKind!, $dept: ID, $period: String!,
  $title: String!, $items: [ReferenceGoalItemInput!]!, $reason: String) {
  publishReferenceGoals(unitId: $unit, kind: $kind, departmentId: $dept, period: $period,
    title: $title, items: $items, reason: $reason) {
    referenceGoals { id revision kind kindLabel title items { refId title } } } }"""
REFERENCES = """query($unit: ID!, $kind: ReferenceKind, $period: String) {
  referenceGoals(unitId: $unit, kind: $kind, period: $period) {
    kind kindLabel title revision department { name } items { refId title detail }
    revisions { revision title reason } } }"""
GOAL_SETS = """query($unit: ID!, $person: ID, $status: GoalSetStatus, $first: Int, $after: String) {
  goalSets(unitId: $unit, personId: $person, status: $status, first: $first, after: $after) {
    totalCount edges { cursor node { id period status statusLabel person { name } } }
    pageInfo { hasNextPage endCursor } } }"""
ONE = "query($id: ID!) { goalSet(id: $id) { ...G } }" + GOAL_SET
QUEUE = "{ myApprovalQueue { id status statusLabel person { name } } }"
IN_FORCE = """query($id: ID!, $at: DateTime) {
  goalSet(id: $id) { versionInForce(at: $at) { versionNumber } } }"""
HISTORY = """query($id: ID!) { goalSet(id: $id) { history {
  event eventLabel actorRole actorRoleLabel relation relationLabel text itemId percent
  actor { name } } } }"""
GOAL_HISTORY = """query($person: ID!) {
  goalHistory(personId: $person) { period statusLabel versions { versionNumber } } }"""
SUBMIT_SUMMARY = """mutation($unit: ID!, $month: String!, $text: String!) {
  submitMonthlySummary(unitId: $unit, month: $month, text: $text) {
    monthlySummary { id version text } } }"""
AMEND_SUMMARY = """mutation($id: ID!, $text: String!, $reason: String!, $version: Int) {
  amendMonthlySummary(summaryId: $id, text: $text, reason: $reason, expectedVersion: $version) {
    monthlySummary { id version text } } }"""
SUMMARIES = """query($unit: ID!, $person: ID, $month: String) {
  monthlySummaries(unitId: $unit, personId: $person, month: $month) {
    month text person { name } department { name } versions { version text reason } } }"""
COMPILE = """mutation($unit: ID!, $dept: ID!, $week: String!, $text: String) {
  compileWeeklyReport(unitId: $unit, departmentId: $dept, week: $week, freeText: $text) {
    weeklyReport { id version status statusLabel } } }"""
PUBLISH = """mutation($id: ID!, $version: Int) {
  publishWeeklyReport(reportId: $id, expectedVersion: $version) {
    weeklyReport { id status statusLabel departmentName publishedAt } } }"""
REPORTS = """query($unit: ID!, $week: String) {
  weeklyReports(unitId: $unit, week: $week) {
    id week status statusLabel freeText department { name }
    entries { name person { login } monthlySummary
              progress { itemId what kind kindLabel percent note } } } }"""


@pytest.fixture(scope="module")
def unit(system: System) -> Unit:
    """An office, a vehicles department with its head and staff, and their supervising leader."""
    unit = new_unit(system, "目标测试中心", "E2E-GOALS")
    unit.open("vehicles", "公车服务科", "VEHICLES")
    unit.add("liuming", "刘明", "LEADER")
    unit.staff(
        "vehicles",
        liqiang="李强",
        zhaomin="赵敏",
        sunli="孙丽",
        zhoujie="周杰",
        qianduo="钱多",
        wugang="吴刚",
    )
    unit.head("vehicles", "liqiang")
    unit.supervise("liuming", "general", "vehicles")
    return unit


@dataclass(frozen=True)
class Quarter:
    """The quarter we are in, China time: the period a goal set is drafted for."""

    code: str
    start: date
    end: date

    @classmethod
    def now(cls) -> Quarter:
        today = china_date()
        q = (today.month - 1) // 3 + 1
        start = date(today.year, 3 * q - 2, 1)
        after = date(today.year + 1, 1, 1) if q == 4 else date(today.year, 3 * q + 1, 1)
        return cls(f"{today.year}-Q{q}", start, after - timedelta(days=1))


QUARTER = Quarter.now()


def goal(
    what: str, weight: int | None = None, item_id: str | None = None, due_on: date | None = None
) -> dict[str, Any]:
    """A goal item as the frontend sends it."""
    return {
        "itemId": item_id,
        "what": what,
        "measure": f"{what}: 按期完成并经科室负责人确认",
        "dueOn": (due_on or QUARTER.end).isoformat(),
        "weight": weight,
        "serves": [{"kind": "JOB_DUTY", "text": "公车调度与保障"}],
    }


def approved_goal_set(
    system: System, unit: Unit, login: str, *items: dict[str, Any]
) -> dict[str, Any]:
    """A goal set of this quarter, drafted, submitted and approved by the head."""
    staff = unit.token(login)
    goal_set = system.data(staff, DRAFT, unit=unit.id, period=QUARTER.code, items=list(items))[
        "draftGoalSet"
    ]["goalSet"]
    system.data(staff, SUBMIT, id=goal_set["id"])
    approved: dict[str, Any] = system.data(unit.token("liqiang"), APPROVE, id=goal_set["id"])[
        "approveGoalSet"
    ]["goalSet"]
    return approved


def test_a_goal_set_goes_from_draft_to_approval_revision_and_progress(
    system: System, unit: Unit
) -> None:
    staff, head = unit.token("zhaomin"), unit.token("liqiang", Role.DEPARTMENT_HEAD)
    colleague, leader = unit.token("sunli"), unit.token("liuming", Role.SUPERVISING_LEADER)

    # Given 赵敏 drafts her goals for this quarter, then edits them
    drafted = system.data(
        staff, DRAFT, unit=unit.id, period=QUARTER.code, items=[goal("建立公车调度台账")]
    )["draftGoalSet"]["goalSet"]
    assert (drafted["status"], drafted["statusLabel"]) == ("DRAFT", "草稿")
    assert (drafted["periodKind"], drafted["periodKindLabel"]) == ("QUARTER", "季度")
    assert drafted["department"]["name"] == "公车服务科"
    assert drafted["items"][0]["serves"][0]["kindLabel"] == "岗位职责"
    goal_set_id = drafted["id"]
    edited = system.data(
        staff,
        EDIT,
        id=goal_set_id,
        items=[goal("建立公车调度台账", 60), goal("完成车辆年检", 40, due_on=QUARTER.start)],
        version=drafted["version"],
    )["editGoalSet"]["goalSet"]
    assert [i["weight"] for i in edited["items"]] == [60, 40]
    assert edited["items"][1]["dueOn"] == QUARTER.start.isoformat()

    # When she submits them
    submitted = system.data(staff, SUBMIT, id=goal_set_id)["submitGoalSet"]["goalSet"]
    assert (submitted["status"], submitted["statusLabel"]) == ("SUBMITTED", "待审核")

    # Then a colleague may not approve them: only her direct manager may
    refused = system.error(colleague, APPROVE, id=goal_set_id)
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert refused["extensions"]["missing_relation"] == "DIRECT_MANAGER"

    # And the head's decision on a stale version is a conflict
    stale = system.error(head, APPROVE, id=goal_set_id, version=submitted["version"] - 1)
    assert stale["extensions"]["code"] == "CONFLICT"
    assert stale["extensions"]["rule"] == "kernel.optimistic_concurrency"

    # When the head approves on the current version
    approved = system.data(
        head, APPROVE, id=goal_set_id, comment="同意", version=submitted["version"]
    )["approveGoalSet"]["goalSet"]
    assert (approved["status"], approved["statusLabel"]) == ("APPROVED", "已确定")
    assert approved["currentVersionNumber"] == 1
    assert approved["versions"][0]["approvedBy"]["name"] == "李强"

    # Then the goal set is listed among the unit's approved goal sets
    listed = system.data(unit.office, GOAL_SETS, unit=unit.id, status="APPROVED")["goalSets"]
    assert goal_set_id in [e["node"]["id"] for e in listed["edges"]]
    assert all(e["node"]["statusLabel"] == "已确定" for e in listed["edges"])

    # When she proposes a revision: one goal kept, one changed, one added
    ledger, inspection = (i["itemId"] for i in approved["items"])
    proposed = system.data(
        staff,
        PROPOSE,
        id=goal_set_id,
        items=[
            goal("建立公车调度台账", 50, item_id=ledger),
            goal("完成全部车辆年检", 30, item_id=inspection),
            goal("试点新能源车辆", 20),
        ],
        reason="新增新能源车辆试点任务",
    )["proposeGoalRevision"]["goalSet"]
    assert proposed["status"] == "REVISION_PROPOSED"
    assert proposed["pendingRevision"]["reason"] == "新增新能源车辆试点任务"
    assert len(proposed["pendingRevision"]["items"]) == 3

    # Then it waits in the head's approval queue, not in the supervising leader's
    queue = system.data(head, QUEUE)["myApprovalQueue"]
    assert [(g["id"], g["statusLabel"]) for g in queue] == [(goal_set_id, "调整待审核")]
    assert goal_set_id not in [g["id"] for g in system.data(leader, QUEUE)["myApprovalQueue"]]

    # When the head approves the revision
    revised = system.data(head, APPROVE_REVISION, id=goal_set_id, comment="同意调整")[
        "approveGoalRevision"
    ]["goalSet"]

    # Then two versions are on record, each approved by the head as the department head
    versions = revised["versions"]
    assert [v["versionNumber"] for v in versions] == [1, 2]
    assert {(v["approvedBy"]["name"], v["relation"], v["relationLabel"]) for v in versions} == {
        ("李强", "DEPARTMENT_HEAD", "科室负责人")
    }
    assert [i["what"] for i in versions[0]["items"]] == ["建立公车调度台账", "完成车辆年检"]
    assert len(versions[1]["items"]) == 3
    assert revised["pendingRevision"] is None
    assert system.data(head, QUEUE)["myApprovalQueue"] == []

    # And the version in force at each instant is the one approved by then
    first_in_force = system.data(staff, IN_FORCE, id=goal_set_id, at=versions[0]["approvedAt"])
    assert first_in_force["goalSet"]["versionInForce"]["versionNumber"] == 1
    now_in_force = system.data(staff, IN_FORCE, id=goal_set_id)
    assert now_in_force["goalSet"]["versionInForce"]["versionNumber"] == 2

    # When she reports progress, completes one goal and drops another
    pilot = revised["items"][2]["itemId"]
    system.data(staff, PROGRESS, id=goal_set_id, item=ledger, percent=40, note="完成四成")
    system.data(staff, COMPLETE, id=goal_set_id, item=inspection, note="全部年检完毕")
    no_reason = system.error(staff, DROP, id=goal_set_id, item=pilot, reason="")
    assert no_reason["extensions"]["field"] == "reason"
    system.data(staff, DROP, id=goal_set_id, item=pilot, reason="试点推迟到明年")

    # Then each goal shows where it stands, to anyone in the unit
    dropped = system.data(colleague, ONE, id=goal_set_id)["goalSet"]
    assert [(i["status"], i["statusLabel"], i["percent"]) for i in dropped["items"]] == [
        ("ACTIVE", "进行中", 40),
        ("COMPLETED", "已完成", 100),
        ("DROPPED", "已取消", 0),
    ]
    assert dropped["items"][2]["note"] == "试点推迟到明年"

    # And the history tells every step, who took it and in which relation
    history = system.data(unit.office, HISTORY, id=goal_set_id)["goalSet"]["history"]
    assert [h["event"] for h in history] == [
        "Drafted",
        "Edited",
        "Submitted",
        "Approved",
        "RevisionProposed",
        "RevisionApproved",
        "ProgressRecorded",
        "ItemCompleted",
        "ItemDropped",
    ]
    approval = history[3]
    assert (approval["eventLabel"], approval["actor"]["name"], approval["text"]) == (
        "审核确定",
        "李强",
        "同意",
    )
    assert (approval["actorRole"], approval["relationLabel"]) == (
        "DEPARTMENT_HEAD",
        "科室负责人",
    )
    assert (history[6]["itemId"], history[6]["percent"]) == (ledger, 40)

    # And her goal history lists the goal set with both versions
    sets = system.data(head, GOAL_HISTORY, person=unit.people["zhaomin"])["goalHistory"]
    assert [(s["period"], len(s["versions"])) for s in sets] == [(QUARTER.code, 2)]


def test_a_returned_goal_set_is_resubmitted_and_a_rejected_revision_leaves_it_in_force(
    system: System, unit: Unit
) -> None:
    staff, head = unit.token("wugang"), unit.token("liqiang")
    drafted = system.data(staff, DRAFT, unit=unit.id, period=QUARTER.code, items=[goal("洗车")])
    goal_set_id = drafted["draftGoalSet"]["goalSet"]["id"]
    system.data(staff, SUBMIT, id=goal_set_id)

    returned = system.data(head, RETURN, id=goal_set_id, comments="目标过于简单，请细化")
    assert returned["returnGoalSet"]["goalSet"]["statusLabel"] == "已退回"
    system.data(staff, EDIT, id=goal_set_id, items=[goal("每周清洗全部公务车辆")])
    system.data(staff, SUBMIT, id=goal_set_id)
    system.data(head, APPROVE, id=goal_set_id)
    system.data(staff, PROPOSE, id=goal_set_id, items=[goal("每月清洗一次")], reason="人手不足")

    rejected = system.data(head, REJECT_REVISION, id=goal_set_id, reason="保持原目标")[
        "rejectGoalRevision"
    ]["goalSet"]
    assert (rejected["status"], rejected["pendingRevision"]) == ("APPROVED", None)
    assert [v["versionNumber"] for v in rejected["versions"]] == [1]
    assert [i["what"] for i in rejected["items"]] == ["每周清洗全部公务车辆"]
    history = system.data(staff, HISTORY, id=goal_set_id)["goalSet"]["history"]
    assert [(h["eventLabel"], h["text"]) for h in history if h["relation"]] == [
        ("退回修改", "目标过于简单，请细化"),
        ("审核确定", None),
        ("调整未同意", "保持原目标"),
    ]


def test_reference_goals_are_published_revised_and_served_by_goal_items(
    system: System, unit: Unit
) -> None:
    year = str(china_date().year)
    published = system.data(
        unit.office,
        PUBLISH_REFERENCE,
        unit=unit.id,
        kind="WORK_PRIORITIES",
        period=year,
        title="年度工作要点",
        items=[{"title": "提升公务用车保障水平"}],
    )["publishReferenceGoals"]["referenceGoals"]
    assert (published["revision"], published["kindLabel"]) == (1, "年度工作要点")
    kept = published["items"][0]["refId"]
    revised = system.data(
        unit.office,
        PUBLISH_REFERENCE,
        unit=unit.id,
        kind="WORK_PRIORITIES",
        period=year,
        title="年度工作要点（修订）",
        items=[{"refId": kept, "title": "提升公务用车保障水平"}, {"title": "推进节能降耗"}],
        reason="增加节能要求",
    )["publishReferenceGoals"]["referenceGoals"]
    assert revised["id"] == published["id"]
    assert revised["revision"] == 2

    # A department's goals are published by its head, not by the office
    refused = system.error(
        unit.office,
        PUBLISH_REFERENCE,
        unit=unit.id,
        kind="DEPARTMENT_ANNUAL",
        dept=unit.departments["vehicles"],
        period=year,
        title="公车服务科年度目标",
        items=[{"title": "零事故"}],
    )
    assert refused["extensions"]["missing_relation"] == "DEPARTMENT_HEAD_OF"
    head = unit.token("liqiang", Role.DEPARTMENT_HEAD)
    safety = system.data(
        head,
        PUBLISH_REFERENCE,
        unit=unit.id,
        kind="DEPARTMENT_ANNUAL",
        dept=unit.departments["vehicles"],
        period=year,
        title="公车服务科年度目标",
        items=[{"title": "零事故", "detail": "全年无责任事故"}],
    )["publishReferenceGoals"]["referenceGoals"]["items"][0]["refId"]

    # A goal item serves a department goal by its refId
    serving = {
        **goal("全年安全行车", due_on=date(china_date().year, 12, 31)),
        "serves": [{"kind": "DEPARTMENT_GOAL", "ref": safety}],
    }
    drafted = system.data(head, DRAFT, unit=unit.id, period=year, items=[serving])
    serves = drafted["draftGoalSet"]["goalSet"]["items"][0]["serves"]
    assert [(s["kind"], s["kindLabel"], s["ref"]) for s in serves] == [
        ("DEPARTMENT_GOAL", "科室目标", safety)
    ]

    found = system.data(unit.token("zhaomin"), REFERENCES, unit=unit.id, period=year)
    documents = {d["kind"]: d for d in found["referenceGoals"]}
    priorities, department = documents["WORK_PRIORITIES"], documents["DEPARTMENT_ANNUAL"]
    assert [r["reason"] for r in priorities["revisions"]] == [None, "增加节能要求"]
    assert [i["title"] for i in priorities["items"]] == ["提升公务用车保障水平", "推进节能降耗"]
    assert priorities["items"][0]["refId"] == kept
    assert (department["department"]["name"], department["kindLabel"]) == (
        "公车服务科",
        "科室年度目标",
    )
    assert department["items"][0]["detail"] == "全年无责任事故"


def test_an_empty_goal_set_cannot_be_submitted(system: System, unit: Unit) -> None:
    staff = unit.token("zhoujie")
    drafted = system.data(staff, DRAFT, unit=unit.id, period=QUARTER.code, items=[])
    refused = system.error(staff, SUBMIT, id=drafted["draftGoalSet"]["goalSet"]["id"])
    assert refused["extensions"]["code"] == "RULE_VIOLATED"
    assert refused["extensions"]["rule"] == "goals.not_empty"
    assert refused["extensions"]["field"] == "items"


def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_is_recorded(
    system: System, unit: Unit
) -> None:
    staff = unit.token("qianduo")
    refused = system.error(
        staff,
        DRAFT,
        unit=unit.id,
        period=QUARTER.code,
        items=[goal("整理车辆档案", 60), goal("培训驾驶员", 30)],
    )
    assert refused["extensions"]["rule"] == "goals.weights_sum_to_100"
    assert "90" in refused["message"]
    mine = system.data(staff, GOAL_SETS, unit=unit.id, person=unit.people["qianduo"])
    assert mine["goalSets"]["totalCount"] == 0


def test_a_retried_draft_with_the_same_key_returns_the_same_goal_set(
    system: System, unit: Unit
) -> None:
    staff = unit.token("wangfang")
    variables = {
        "unit": unit.id,
        "period": str(china_date().year),
        "items": [goal("完善考核制度", due_on=date(china_date().year, 12, 31))],
        "key": "draft-annual-goals-once",
    }
    first = system.data(staff, DRAFT, **variables)["draftGoalSet"]
    again = system.data(staff, DRAFT, **variables)["draftGoalSet"]
    assert again["goalSet"]["id"] == first["goalSet"]["id"]
    assert again["position"] == first["position"]
    assert again["goalSet"]["periodKindLabel"] == "年度"

    # And without the key, a second goal set for the same period is a conflict
    refused = system.error(staff, DRAFT, **{**variables, "key": None})
    assert refused["extensions"]["code"] == "CONFLICT"
    assert refused["extensions"]["rule"] == "goals.one_goal_set_per_period"
    mine = system.data(staff, GOAL_SETS, unit=unit.id, person=unit.people["wangfang"])
    assert mine["goalSets"]["totalCount"] == 1


def test_a_monthly_summary_is_amended_by_a_new_version(system: System, unit: Unit) -> None:
    staff = unit.token("zhoujie")
    month = f"{china_date():%Y-%m}"
    submitted = system.data(staff, SUBMIT_SUMMARY, unit=unit.id, month=month, text="本月完成调度")
    summary = submitted["submitMonthlySummary"]["monthlySummary"]
    amended = system.data(
        staff,
        AMEND_SUMMARY,
        id=summary["id"],
        text="本月完成调度与年检",
        reason="补充年检情况",
        version=summary["version"],
    )["amendMonthlySummary"]["monthlySummary"]
    assert (amended["version"], amended["text"]) == (2, "本月完成调度与年检")

    found = system.data(
        unit.token("sunli"), SUMMARIES, unit=unit.id, person=unit.people["zhoujie"], month=month
    )["monthlySummaries"]
    assert len(found) == 1
    assert (found[0]["person"]["name"], found[0]["department"]["name"]) == ("周杰", "公车服务科")
    assert found[0]["versions"] == [
        {"version": 1, "text": "本月完成调度", "reason": None},
        {"version": 2, "text": "本月完成调度与年检", "reason": "补充年检情况"},
    ]


def test_the_office_publishes_a_weekly_report_of_each_members_progress(
    system: System, unit: Unit
) -> None:
    # Given 孙丽's approved goals, with progress this week
    staff = unit.token("sunli")
    goal_set = approved_goal_set(system, unit, "sunli", goal("更新车辆保养计划"))
    goal_set_id, item_id = goal_set["id"], goal_set["items"][0]["itemId"]
    system.data(staff, PROGRESS, id=goal_set_id, item=item_id, percent=50, note="完成一半车辆")

    # When the office compiles the vehicles department's week, and compiles it again
    year, week_number, _ = china_date().isocalendar()
    week = f"{year}-W{week_number:02d}"
    compile_week = {"unit": unit.id, "dept": unit.departments["vehicles"], "week": week}
    first = system.data(unit.office, COMPILE, **compile_week, text="草稿")
    compiled = system.data(unit.office, COMPILE, **compile_week, text="本周重点：车辆保养")[
        "compileWeeklyReport"
    ]["weeklyReport"]
    assert compiled["id"] == first["compileWeeklyReport"]["weeklyReport"]["id"]
    assert (compiled["version"], compiled["status"], compiled["statusLabel"]) == (
        2,
        "COMPILED",
        "已汇总",
    )

    # Then staff do not see it before it is published
    assert system.data(staff, REPORTS, unit=unit.id, week=week)["weeklyReports"] == []

    # When the office publishes it
    published = system.data(unit.office, PUBLISH, id=compiled["id"], version=compiled["version"])[
        "publishWeeklyReport"
    ]["weeklyReport"]
    assert (published["status"], published["statusLabel"]) == ("PUBLISHED", "已发布")
    assert published["departmentName"] == "公车服务科"

    # Then every member of the unit reads it, with each member's week
    (report,) = system.data(staff, REPORTS, unit=unit.id, week=week)["weeklyReports"]
    assert (report["department"]["name"], report["freeText"]) == (
        "公车服务科",
        "本周重点：车辆保养",
    )
    entries = {e["person"]["login"]: e for e in report["entries"]}
    assert {"liqiang", "zhaomin", "sunli", "zhoujie", "qianduo"} <= set(entries)
    progress = entries["sunli"]["progress"]
    assert [
        (p["itemId"], p["kind"], p["kindLabel"], p["percent"], p["note"]) for p in progress
    ] == [(item_id, "PROGRESS", "进度", 50, "完成一半车辆")]
    assert progress[0]["what"] == "更新车辆保养计划"


def test_goal_sets_are_paged_with_stable_cursors(system: System, unit: Unit) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = system.data(unit.office, GOAL_SETS, unit=unit.id, first=1, after=after)["goalSets"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == len(set(seen))
    assert page["totalCount"] >= 1


def test_another_units_member_cannot_read_this_units_goals(system: System, unit: Unit) -> None:
    outsider = system.outsider()
    error = system.error(outsider, GOAL_SETS, unit=unit.id)
    assert error["extensions"]["missing_relation"] == "MEMBER_OF_UNIT"
