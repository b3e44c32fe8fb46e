"""Load the demo quarter of goals through GraphQL, each step by the person who takes it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from deploy.demo_goals import (
    AWAITING_APPROVAL,
    COMPLETED_ITEM,
    DEPARTMENT_GOALS,
    DROP_REASON,
    DROPPED_ITEM,
    PERSONAL_GOALS,
    RETURN_COMMENT,
    RETURNED_THEN_APPROVED,
    REVISED,
    REVISION_PENDING,
    REVISION_REASON,
    SPECIAL_PLANS,
    STILL_DRAFT,
    WORK_PRIORITIES,
)
from deploy.demo_unit import DemoPerson
from kernel.auth import mint_token
from kernel.calendar import china_date
from kernel.roles import Role
from kernel.settings import Settings

PUBLISH = """mutation($unit: ID!, $kind: ReferenceKind!, $period: String!, $title: String!,
  $items: [ReferenceGoalItemInput!]!, $dept: ID, $key: String) {
  publishReferenceGoals(unitId: $unit, kind: $kind, period: $period, title: $title,
    items: $items, departmentId: $dept, idempotencyKey: $key) {
    referenceGoals { items { refId } } } }"""
DRAFT = """mutation($unit: ID!, $period: String!, $items: [GoalItemInput!], $key: String) {
  draftGoalSet(unitId: $unit, period: $period, items: $items, idempotencyKey: $key) {
    goalSet { id } } }"""
STEP = """mutation($id: ID!, $key: String) { %s(goalSetId: $id, idempotencyKey: $key) {
  goalSet { id } } }"""
WITH_TEXT = """mutation($id: ID!, $text: String!, $key: String) {
  %s(goalSetId: $id, %s: $text, idempotencyKey: $key) { goalSet { id } } }"""
EDIT = """mutation($id: ID!, $items: [GoalItemInput!]!, $key: String) {
  editGoalSet(goalSetId: $id, items: $items, idempotencyKey: $key) { goalSet { id } } }"""
REVISE = """mutation($id: ID!, $items: [GoalItemInput!]!, $reason: String!, $key: String) {
  proposeGoalRevision(goalSetId: $id, items: $items, reason: $reason, idempotencyKey: $key) {
    goalSet { id } } }"""
ITEM_STEP = """mutation($id: ID!, $item: String!, $text: String!, $key: String) {
  %s(goalSetId: $id, itemId: $item, %s: $text, idempotencyKey: $key) { goalSet { id } } }"""
PROGRESS = """mutation($id: ID!, $item: String!, $percent: Int!, $note: String!, $key: String) {
  recordGoalProgress(goalSetId: $id, itemId: $item, percent: $percent, note: $note,
    idempotencyKey: $key) { goalSet { id } } }"""
ITEMS = """query($id: ID!) { goalSet(id: $id) { versions { items { itemId what measure dueOn
  weight serves { kind ref text } } } } }"""
MANAGER = """query($p: ID!) { managers(personId: $p) { directManager { id } } }"""
SUMMARY = """mutation($unit: ID!, $month: String!, $text: String!, $key: String) {
  submitMonthlySummary(unitId: $unit, month: $month, text: $text, idempotencyKey: $key) {
    monthlySummary { id } } }"""
COMPILE = """mutation($unit: ID!, $dept: ID!, $week: String!, $text: String!, $key: String) {
  compileWeeklyReport(unitId: $unit, departmentId: $dept, week: $week, freeText: $text,
    idempotencyKey: $key) { weeklyReport { id } } }"""
PUBLISH_REPORT = """mutation($id: ID!, $key: String) {
  publishWeeklyReport(reportId: $id, idempotencyKey: $key) { weeklyReport { id } } }"""


def current_quarter(today: date) -> tuple[str, date, date]:
    """The quarter `today` falls in: its code, first and last day."""
    q = (today.month - 1) // 3 + 1
    first = date(today.year, 3 * q - 2, 1)
    after = date(today.year + 1, 1, 1) if q == 4 else date(today.year, 3 * q + 1, 1)
    return f"{today.year}-Q{q}", first, after - timedelta(days=1)


def load_goals(
    settings: Settings,
    client_for: Any,
    unit_id: UUID,
    roster: list[DemoPerson],
    person_ids: dict[str, str],
    departments: dict[str, str],
    office: Any,
) -> None:
    """Reference goals, every staff member's quarter goals through their approval, progress,
    monthly summaries and weekly reports, each step by the person who takes it.
    """
    today = china_date()
    year = str(today.year)
    quarter, _, last_day = current_quarter(today)
    unit = str(unit_id)

    def client(key: str) -> Any:
        return client_for(person_ids[key])

    priorities = office(
        PUBLISH,
        unit=unit,
        kind="WORK_PRIORITIES",
        period=year,
        title=f"{year}年度工作要点",
        items=[{"title": t} for t in WORK_PRIORITIES],
        key=f"demo:priorities:{year}",
    )["publishReferenceGoals"]["referenceGoals"]["items"]
    office(
        PUBLISH,
        unit=unit,
        kind="SPECIAL_PLAN",
        period=year,
        title=f"{year}年专项业务规划",
        items=[{"title": t} for t in SPECIAL_PLANS],
        key=f"demo:plans:{year}",
    )
    department_goal_refs: dict[str, str] = {}
    for dept_key, goals in DEPARTMENT_GOALS.items():
        head = _head(office, departments[dept_key])
        head_client = client_for(head)
        refs = head_client(
            PUBLISH,
            unit=unit,
            kind="DEPARTMENT_PHASE",
            period=quarter,
            dept=departments[dept_key],
            title=f"{quarter}阶段目标",
            items=[{"title": t} for t in goals],
            key=f"demo:department-goals:{quarter}:{dept_key}",
        )["publishReferenceGoals"]["referenceGoals"]["items"]
        department_goal_refs[dept_key] = refs[0]["refId"]

    # Due dates depend on the quarter only, so a rerun sends the same requests.
    due = last_day
    for person in roster:
        if person.department is None:
            continue
        dept_key = _current_department(person)
        items: list[dict[str, Any]] = [
            {
                "what": what,
                "measure": measure,
                "dueOn": (due - timedelta(days=3 * i)).isoformat(),
                "serves": [
                    {"kind": "DEPARTMENT_GOAL", "ref": department_goal_refs[dept_key]},
                    {"kind": "WORK_PRIORITY", "ref": priorities[serves]["refId"]}
                    if serves is not None
                    else {"kind": "JOB_DUTY", "text": "本岗位职责"},
                ],
            }
            for i, (what, measure, serves) in enumerate(PERSONAL_GOALS[dept_key])
        ]
        me = client(person.key)
        key = f"demo:goals:{quarter}:{person.key}"
        goal_set = me(DRAFT, unit=unit, period=quarter, items=items, key=key)["draftGoalSet"][
            "goalSet"
        ]["id"]
        if person.key in STILL_DRAFT:
            continue
        me(STEP % "submitGoalSet", id=goal_set, key=f"{key}:submit")
        if person.key in AWAITING_APPROVAL:
            continue
        manager = client_for(
            office(MANAGER, p=person_ids[person.key])["managers"]["directManager"]["id"]
        )
        if person.key in RETURNED_THEN_APPROVED:
            manager(
                WITH_TEXT % ("returnGoalSet", "comments"),
                id=goal_set,
                text=RETURN_COMMENT,
                key=f"{key}:return",
            )
            refined = [{**i, "measure": f"{i['measure']}（每周报告进度）"} for i in items]
            me(EDIT, id=goal_set, items=refined, key=f"{key}:edit")
            me(STEP % "submitGoalSet", id=goal_set, key=f"{key}:resubmit")
        manager(STEP % "approveGoalSet", id=goal_set, key=f"{key}:approve")
        # The first approved version: the same on every run, so retries send the same requests.
        current = me(ITEMS, id=goal_set)["goalSet"]["versions"][0]["items"]
        first, last = current[0]["itemId"], current[-1]["itemId"]
        me(
            PROGRESS,
            id=goal_set,
            item=first,
            percent=60,
            note="按计划推进，已完成过半",
            key=f"{key}:progress",
        )
        if person.key in COMPLETED_ITEM:
            me(
                ITEM_STEP % ("completeGoalItem", "note"),
                id=goal_set,
                item=first,
                text="已按期完成",
                key=f"{key}:complete",
            )
        if person.key in DROPPED_ITEM and len(current) > 1:
            me(
                ITEM_STEP % ("dropGoalItem", "reason"),
                id=goal_set,
                item=last,
                text=DROP_REASON,
                key=f"{key}:drop",
            )
        if person.key in REVISED or person.key in REVISION_PENDING:
            kept = [_as_input(i) for i in current]
            kept.append(
                {
                    **kept[-1],
                    "itemId": None,
                    "what": "配合完成中心年底专项督查",
                    "measure": "按督查方案完成分工任务",
                }
            )
            me(REVISE, id=goal_set, items=kept, reason=REVISION_REASON, key=f"{key}:revise")
            if person.key in REVISED:
                manager(STEP % "approveGoalRevision", id=goal_set, key=f"{key}:approve-revision")
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        me(
            SUMMARY,
            unit=unit,
            month=last_month,
            text=f"{person.name}：上月按目标推进各项工作，{PERSONAL_GOALS[dept_key][0][0]}进展顺利。",
            key=f"{key}:summary:{last_month}",
        )

    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    for i, (dept_key, dept_id) in enumerate(departments.items()):
        report = office(
            COMPILE,
            unit=unit,
            dept=dept_id,
            week=week,
            text="本周各项工作有序推进。",
            key=f"demo:weekly:{dept_key}:{week}",
        )["compileWeeklyReport"]["weeklyReport"]["id"]
        if i % 5:  # most are published; a few wait for the general office's review
            office(PUBLISH_REPORT, id=report, key=f"demo:weekly-publish:{dept_key}:{week}")


def _as_input(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "itemId": item["itemId"],
        "what": item["what"],
        "measure": item["measure"],
        "dueOn": item["dueOn"],
        "weight": item["weight"],
        "serves": [{k: v for k, v in s.items() if v is not None} for s in item["serves"]],
    }


def _current_department(person: DemoPerson) -> str:
    from deploy.demo_unit import REORGANISATION

    for _, what, details, _ in REORGANISATION:
        if what == "move" and details["person"] == person.key:
            return str(details["department"])
    assert person.department is not None
    return person.department


def _head(office: Any, department_id: str) -> str:
    head = office("query($id: ID!) { department(id: $id) { head { id } } }", id=department_id)
    return str(head["department"]["head"]["id"])


def token_client(
    settings: Settings, graphql_url: str, unit_id: UUID, people: dict[str, str], client_cls: Any
) -> Any:
    """A GraphQL client acting as a person of the demo unit, by person id."""
    names = {v: k for k, v in people.items()}

    def client_for(person_id: str) -> Any:
        return client_cls(
            graphql_url,
            mint_token(
                settings,
                person_id=UUID(person_id),
                tenant_id=unit_id,
                login=names.get(person_id, ""),
                name=names.get(person_id, ""),
                roles=[Role.APPRAISEE],
            ),
        )

    return client_for
