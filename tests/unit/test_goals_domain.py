"""Goals without I/O: a goal set's life, who may decide on it, revisions, progress, summaries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.context import CommandContext, acting
from kernel.errors import DomainError, NotPermittedError, RuleViolatedError
from kernel.roles import Role
from services.directory.managers import Managers
from services.goals.domain import GoalSet, MonthlySummary, WeeklyReport, check_items, with_ids
from services.goals.vocabulary import ItemStatus, Period

UNIT, STAFF, HEAD, LEADER, PRINCIPAL = (uuid4() for _ in range(5))
DEPARTMENT = uuid4()
TODAY = date(2026, 5, 6)
QUARTER = "2026-Q2"


@pytest.fixture(autouse=True)
def acting_now() -> Iterator[None]:
    ctx = CommandContext(
        actor_id=STAFF,
        actor_role=Role.APPRAISEE,
        now=datetime(2026, 5, 6, 2, tzinfo=UTC),
        tenant_id=UNIT,
    )
    with acting(ctx):
        yield


def item(
    what: str = "完成公车平台调度规则修订",
    *,
    weight: int | None = None,
    due: date = date(2026, 6, 20),
    **extra: Any,
) -> dict[str, Any]:
    return {
        "what": what,
        "measure": "规则印发并执行",
        "due_on": due.isoformat(),
        "weight": weight,
        "serves": extra.get("serves", [{"kind": "JOB_DUTY", "ref": None, "text": "车辆调度"}]),
    }


def staff_managers(on: date = TODAY) -> Managers:
    return Managers(STAFF, on, DEPARTMENT, HEAD, LEADER, PRINCIPAL)


def drafted(*items: dict[str, Any]) -> GoalSet:
    return GoalSet.draft(UNIT, STAFF, STAFF, QUARTER, DEPARTMENT, list(items), TODAY)


def approved(*items: dict[str, Any]) -> GoalSet:
    goals = drafted(*(items or (item(),)))
    goals.submit(STAFF, TODAY)
    goals.approve(HEAD, staff_managers(), "同意", TODAY)
    return goals


def test_a_goal_set_goes_from_draft_to_approved_phase_goals() -> None:
    goals = drafted(item())
    goals.edit(STAFF, [item("修订调度规则"), item("完成车辆年检")], TODAY)
    goals.submit(STAFF, TODAY)
    assert goals.status.value == "SUBMITTED"

    goals.approve(HEAD, staff_managers(), None, TODAY)

    assert goals.status.value == "APPROVED"
    version = goals.in_force
    assert version is not None
    assert version.number == 1
    assert version.approved_by == HEAD
    assert version.relation == "DEPARTMENT_HEAD"
    assert [i.what for i in version.items] == ["修订调度规则", "完成车辆年检"]


def test_an_empty_goal_set_cannot_be_submitted() -> None:
    goals = drafted()
    with pytest.raises(RuleViolatedError) as refused:
        goals.submit(STAFF, TODAY)
    assert refused.value.rule == "goals.not_empty"


@pytest.mark.parametrize(
    ("decider", "relation"),
    [
        (STAFF, "goals.no_self_approval"),
        (LEADER, "goals.whoever_manages_approves"),
        (uuid4(), "goals.whoever_manages_approves"),
    ],
    ids=["themself", "the supervising leader of staff", "a stranger"],
)
def test_only_the_direct_manager_decides(decider: UUID, relation: str) -> None:
    goals = drafted(item())
    goals.submit(STAFF, TODAY)
    with pytest.raises(NotPermittedError) as refused:
        goals.approve(decider, staff_managers(), None, TODAY)
    assert refused.value.rule == relation
    assert refused.value.missing_relation == "DIRECT_MANAGER"
    assert goals.status.value == "SUBMITTED"


def test_a_heads_goals_are_decided_by_the_supervising_leader() -> None:
    goals = GoalSet.draft(UNIT, HEAD, HEAD, QUARTER, DEPARTMENT, [item()], TODAY)
    goals.submit(HEAD, TODAY)
    head_managers = Managers(HEAD, TODAY, DEPARTMENT, None, LEADER, PRINCIPAL)
    goals.approve(LEADER, head_managers, None, TODAY)
    assert goals.in_force is not None
    assert goals.in_force.relation == "SUPERVISING_LEADER"


def test_a_returned_goal_set_is_edited_and_submitted_again() -> None:
    goals = drafted(item())
    goals.submit(STAFF, TODAY)
    with pytest.raises(RuleViolatedError) as refused:
        goals.return_for_changes(HEAD, staff_managers(), " ", TODAY)
    assert refused.value.field == "comments"
    goals.return_for_changes(HEAD, staff_managers(), "目标偏少，请补充安全管理内容", TODAY)
    assert goals.status.value == "RETURNED"
    goals.edit(STAFF, [item(), item("开展安全驾驶培训")], TODAY)
    goals.submit(STAFF, TODAY)
    assert goals.status.value == "SUBMITTED"


def test_only_the_owner_drafts_edits_and_submits() -> None:
    with pytest.raises(NotPermittedError) as refused:
        GoalSet.draft(UNIT, STAFF, HEAD, QUARTER, DEPARTMENT, [], TODAY)
    assert refused.value.missing_relation == "OWNER"
    goals = drafted(item())
    with pytest.raises(NotPermittedError):
        goals.submit(HEAD, TODAY)


def test_a_goal_set_of_a_closed_period_is_read_only() -> None:
    goals = drafted(item())
    with pytest.raises(RuleViolatedError) as refused:
        goals.submit(STAFF, date(2026, 7, 1))
    assert refused.value.rule == "goals.period_closed"
    with pytest.raises(RuleViolatedError):
        GoalSet.draft(UNIT, STAFF, STAFF, "2026-Q1", DEPARTMENT, [], TODAY)


def test_a_revision_is_a_new_version_and_the_old_one_stays() -> None:
    goals = approved(item())
    with pytest.raises(RuleViolatedError) as refused:
        goals.propose_revision(STAFF, [item("新目标")], "", TODAY)
    assert refused.value.rule == "goals.reason_required"

    goals.propose_revision(STAFF, [item("新目标")], "上级部署调整", TODAY)
    assert goals.status.value == "REVISION_PROPOSED"
    goals.approve_revision(HEAD, staff_managers(), "同意调整", TODAY)

    assert [v.number for v in goals.versions] == [1, 2]
    assert goals.versions[0].items[0].what == "完成公车平台调度规则修订"
    assert goals.versions[1].items[0].what == "新目标"


def test_a_rejected_revision_leaves_the_approved_version_in_force() -> None:
    goals = approved(item())
    goals.propose_revision(STAFF, [item("新目标")], "想调整", TODAY)
    goals.reject_revision(HEAD, staff_managers(), "调整理由不充分", TODAY)
    assert goals.status.value == "APPROVED"
    assert len(goals.versions) == 1
    assert goals.proposal is None


def test_progress_is_reported_on_approved_items_until_done_or_dropped() -> None:
    goals = approved(item(), item("完成车辆年检"))
    first, second = (i.item_id for i in goals.versions[0].items)
    goals.record_progress(STAFF, first, 40, "完成初稿", TODAY)
    with pytest.raises(RuleViolatedError) as out_of_range:
        goals.record_progress(STAFF, first, 140, "?", TODAY)
    assert out_of_range.value.field == "percent"
    goals.complete_item(STAFF, first, "已印发", TODAY)
    with pytest.raises(RuleViolatedError) as done:
        goals.record_progress(STAFF, first, 100, "again", TODAY)
    assert done.value.rule == "goals.item_active"
    with pytest.raises(RuleViolatedError) as no_reason:
        goals.drop_item(STAFF, second, "", TODAY)
    assert no_reason.value.field == "reason"
    goals.drop_item(STAFF, second, "车辆年检改由资产管理科统一组织", TODAY)
    assert goals.progress[first].status is ItemStatus.COMPLETED
    assert goals.progress[second].status is ItemStatus.DROPPED


def test_a_draft_has_no_progress() -> None:
    goals = drafted(item())
    with pytest.raises(DomainError):
        goals.record_progress(STAFF, goals.items[0].item_id, 10, "x", TODAY)


@pytest.mark.parametrize(
    ("items", "rule"),
    [
        ([item(due=date(2026, 7, 2))], "goals.due_in_period"),
        ([item(serves=[])], "goals.item_serves_something"),
        (
            [item(serves=[{"kind": "JOB_DUTY", "ref": None, "text": " "}])],
            "goals.job_duty_in_words",
        ),
        (
            [item(serves=[{"kind": "WORK_PRIORITY", "ref": None, "text": None}])],
            "goals.reference_named",
        ),
        ([item(weight=60), item()], "goals.weights_all_or_none"),
        ([item(weight=60), item(weight=30)], "goals.weights_sum_to_100"),
    ],
)
def test_items_are_checked_by_named_rules(items: list[dict[str, Any]], rule: str) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        drafted(*items)
    assert refused.value.rule == rule


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 100)), min_size=1, max_size=6))
def test_weights_are_accepted_exactly_when_none_or_all_summing_to_100(
    weights: list[int | None],
) -> None:
    items = with_ids([item(weight=w) for w in weights])
    valid = all(w is None for w in weights) or (
        all(w is not None for w in weights) and sum(w for w in weights if w) == 100
    )
    try:
        check_items(items, Period.parse(QUARTER))
    except RuleViolatedError:
        assert not valid
    else:
        assert valid


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 31)))
def test_every_day_lies_in_exactly_one_quarter_of_its_year(day: date) -> None:
    quarters = [Period.parse(f"{day.year}-Q{q}") for q in range(1, 5)]
    assert sum(q.contains(day) for q in quarters) == 1
    assert Period.parse(str(day.year)).contains(day)


def test_a_monthly_summary_is_amended_only_by_its_author_with_a_reason() -> None:
    summary = MonthlySummary(UNIT, STAFF, DEPARTMENT, "2026-04", "四月完成调度规则初稿")
    with pytest.raises(NotPermittedError):
        summary.amend(HEAD, "改写", "帮忙修改")
    summary.amend(STAFF, "四月完成调度规则初稿并征求意见", "补充征求意见情况")
    assert summary.texts == ["四月完成调度规则初稿", "四月完成调度规则初稿并征求意见"]


def test_a_published_weekly_report_is_final() -> None:
    report = WeeklyReport(UNIT, DEPARTMENT, "2026-W19", [], "本周无重大事项")
    report.publish("公车服务科")
    with pytest.raises(RuleViolatedError) as refused:
        report.recompile([], "再改")
    assert refused.value.rule == "goals.report_published"
