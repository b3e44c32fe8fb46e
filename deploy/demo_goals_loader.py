"""Load the demo quarter of goals through GraphQL, each step by the person who takes it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
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
from deploy.demo_progress import Loading
from deploy.demo_unit import DemoPerson
from kernel.calendar import china_date

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
    stages: Loading,
    client_for: Callable[[str], Any],
    unit_id: UUID,
    roster: list[DemoPerson],
    person_ids: dict[str, str],
    departments: dict[str, str],
    office: Any,
) -> None:
    """Reference goals, every staff member's quarter goals through their approval, progress,
    monthly summaries and weekly reports, each step by the person who takes it. Each person's
    steps go in order; different people's go at once.
    """
    today = china_date()
    quarter, _, last_day = current_quarter(today)
    unit = str(unit_id)
    priorities = stages.one(
        "work priorities and plans published",
        partial(_publish_unit_references, office, unit, str(today.year)),
    )
    refs = stages.run(
        "department phase goals published",
        [
            partial(_publish_department_goals, client_for, office, unit, quarter, key, departments)
            for key in DEPARTMENT_GOALS
        ],
    )
    department_goal_refs = dict(zip(DEPARTMENT_GOALS, refs, strict=True))
    staff = [p for p in roster if p.department is not None]

    def quarter_of(person: DemoPerson) -> None:
        dept_key = _current_department(person)
        items = _quarter_items(dept_key, department_goal_refs[dept_key], priorities, last_day)
        goals = _GoalSet.draft(client_for(person_ids[person.key]), unit, quarter, person.key, items)
        if person.key in STILL_DRAFT:
            return
        goals.step("submitGoalSet", "submit")
        if person.key in AWAITING_APPROVAL:
            return
        manager = client_for(
            office(MANAGER, p=person_ids[person.key])["managers"]["directManager"]["id"]
        )
        goals.approve(manager, items, returned=person.key in RETURNED_THEN_APPROVED)
        current = goals.approved_items()
        goals.progress(person.key, current)
        if person.key in REVISED or person.key in REVISION_PENDING:
            goals.revise(current, manager if person.key in REVISED else None)
        goals.summarise(
            today,
            unit,
            f"{person.name}：上月按目标推进各项工作，{PERSONAL_GOALS[dept_key][0][0]}进展顺利。",
        )

    stages.run("people's goal sets through approval", [partial(quarter_of, p) for p in staff])
    _weekly_reports(stages, office, unit, departments, today)


def _publish(
    client: Any,
    unit: str,
    kind: str,
    period: str,
    title: str,
    titles: list[str],
    key: str,
    dept: str | None = None,
) -> list[dict[str, Any]]:
    """Publish reference goals (工作要点, 专项规划, a department's phase goals); their items."""
    variables: dict[str, Any] = {"dept": dept} if dept is not None else {}
    published = client(
        PUBLISH,
        unit=unit,
        kind=kind,
        period=period,
        **variables,
        title=title,
        items=[{"title": t} for t in titles],
        key=key,
    )
    items: list[dict[str, Any]] = published["publishReferenceGoals"]["referenceGoals"]["items"]
    return items


def _publish_unit_references(office: Any, unit: str, year: str) -> list[dict[str, Any]]:
    """The year's work priorities and special plans; the priorities' items."""
    priorities = _publish(
        office,
        unit,
        "WORK_PRIORITIES",
        year,
        f"{year}年度工作要点",
        WORK_PRIORITIES,
        f"demo:priorities:{year}",
    )
    _publish(
        office,
        unit,
        "SPECIAL_PLAN",
        year,
        f"{year}年专项业务规划",
        SPECIAL_PLANS,
        f"demo:plans:{year}",
    )
    return priorities


def _publish_department_goals(
    client_for: Callable[[str], Any],
    office: Any,
    unit: str,
    quarter: str,
    dept_key: str,
    departments: dict[str, str],
) -> str:
    """A department's phase goals, published by its head; the first goal's reference."""
    dept_id = departments[dept_key]
    refs = _publish(
        client_for(_head(office, dept_id)),
        unit,
        "DEPARTMENT_PHASE",
        quarter,
        f"{quarter}阶段目标",
        DEPARTMENT_GOALS[dept_key],
        f"demo:department-goals:{quarter}:{dept_key}",
        dept=dept_id,
    )
    return str(refs[0]["refId"])


def _quarter_items(
    dept_key: str, department_goal: str, priorities: list[dict[str, Any]], last_day: date
) -> list[dict[str, Any]]:
    """A person's quarter goals from their department's templates. Due dates depend on the
    quarter only, so a rerun sends the same requests.
    """
    return [
        {
            "what": what,
            "measure": measure,
            "dueOn": (last_day - timedelta(days=3 * i)).isoformat(),
            "serves": [
                {"kind": "DEPARTMENT_GOAL", "ref": department_goal},
                {"kind": "WORK_PRIORITY", "ref": priorities[serves]["refId"]}
                if serves is not None
                else {"kind": "JOB_DUTY", "text": "本岗位职责"},
            ],
        }
        for i, (what, measure, serves) in enumerate(PERSONAL_GOALS[dept_key])
    ]


@dataclasses.dataclass(frozen=True)
class _GoalSet:
    """One person's goal set for the quarter, each step taken by its owner `me` unless another
    client is named; idempotency keys start with `key`.
    """

    me: Any
    id: str
    key: str

    @classmethod
    def draft(
        cls, me: Any, unit: str, quarter: str, person: str, items: list[dict[str, Any]]
    ) -> _GoalSet:
        key = f"demo:goals:{quarter}:{person}"
        drafted = me(DRAFT, unit=unit, period=quarter, items=items, key=key)
        return cls(me, drafted["draftGoalSet"]["goalSet"]["id"], key)

    def step(self, mutation: str, suffix: str, by: Any = None) -> None:
        (by or self.me)(STEP % mutation, id=self.id, key=f"{self.key}:{suffix}")

    def approve(self, manager: Any, items: list[dict[str, Any]], *, returned: bool) -> None:
        """The manager approves, after returning it once for a refined measure if `returned`."""
        if returned:
            manager(
                WITH_TEXT % ("returnGoalSet", "comments"),
                id=self.id,
                text=RETURN_COMMENT,
                key=f"{self.key}:return",
            )
            refined = [{**i, "measure": f"{i['measure']}（每周报告进度）"} for i in items]
            self.me(EDIT, id=self.id, items=refined, key=f"{self.key}:edit")
            self.step("submitGoalSet", "resubmit")
        self.step("approveGoalSet", "approve", by=manager)

    def approved_items(self) -> list[dict[str, Any]]:
        """The first approved version: the same on every run, so retries send the same requests."""
        items: list[dict[str, Any]] = self.me(ITEMS, id=self.id)["goalSet"]["versions"][0]["items"]
        return items

    def progress(self, person: str, current: list[dict[str, Any]]) -> None:
        """Progress on the first item; for some, the first completed or the last dropped."""
        first, last = current[0]["itemId"], current[-1]["itemId"]
        self.me(
            PROGRESS,
            id=self.id,
            item=first,
            percent=60,
            note="按计划推进，已完成过半",
            key=f"{self.key}:progress",
        )
        if person in COMPLETED_ITEM:
            self._item_step("completeGoalItem", "note", first, "已按期完成", "complete")
        if person in DROPPED_ITEM and len(current) > 1:
            self._item_step("dropGoalItem", "reason", last, DROP_REASON, "drop")

    def _item_step(self, mutation: str, field: str, item: str, text: str, suffix: str) -> None:
        self.me(
            ITEM_STEP % (mutation, field),
            id=self.id,
            item=item,
            text=text,
            key=f"{self.key}:{suffix}",
        )

    def revise(self, current: list[dict[str, Any]], approver: Any | None) -> None:
        """Propose one more item; the manager approves the revision if `approver` is given."""
        kept = [_as_input(i) for i in current]
        kept.append(
            {
                **kept[-1],
                "itemId": None,
                "what": "配合完成中心年底专项督查",
                "measure": "按督查方案完成分工任务",
            }
        )
        self.me(REVISE, id=self.id, items=kept, reason=REVISION_REASON, key=f"{self.key}:revise")
        if approver is not None:
            self.step("approveGoalRevision", "approve-revision", by=approver)

    def summarise(self, today: date, unit: str, text: str) -> None:
        """The owner's summary of last month."""
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        self.me(
            SUMMARY, unit=unit, month=last_month, text=text, key=f"{self.key}:summary:{last_month}"
        )


def _weekly_reports(
    stages: Loading, office: Any, unit: str, departments: dict[str, str], today: date
) -> None:
    """This week's report of every department; most are published, a few wait for the general
    office's review.
    """
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"

    def report(i: int, dept_key: str, dept_id: str) -> None:
        compiled = office(
            COMPILE,
            unit=unit,
            dept=dept_id,
            week=week,
            text="本周各项工作有序推进。",
            key=f"demo:weekly:{dept_key}:{week}",
        )["compileWeeklyReport"]["weeklyReport"]["id"]
        if i % 5:
            office(PUBLISH_REPORT, id=compiled, key=f"demo:weekly-publish:{dept_key}:{week}")

    stages.run(
        "weekly reports compiled",
        [partial(report, i, *dept) for i, dept in enumerate(departments.items())],
    )


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
