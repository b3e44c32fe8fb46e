"""The goals service's commands and queries against its event store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.utils import EnvType

from kernel.calendar import china_date
from kernel.errors import ConflictError, NotPermittedError, check_version
from kernel.store import Committed, ServiceApplication
from services.directory.reader import OrgChart
from services.goals.domain import (
    GoalSet,
    MonthlySummary,
    ReferenceGoals,
    WeeklyReport,
)
from services.goals.vocabulary import ReferenceKind, check_month, week_span

PROGRESS_EVENTS = {
    "ProgressRecorded": "PROGRESS",
    "ItemCompleted": "COMPLETED",
    "ItemDropped": "DROPPED",
}


class Goals(ServiceApplication):
    """Goal sets, reference goals, monthly summaries and weekly progress reports."""

    name = "goals"
    schema: ClassVar[str] = "goals"

    def __init__(self, org: OrgChart, env: EnvType | None = None) -> None:
        super().__init__(env)
        self.org = org

    @classmethod
    def on_postgres(cls, database_url: str, *, org: OrgChart) -> Self:
        """The goals service on the PostgreSQL at `database_url`, deciding with `org`."""
        return cls(org, env=cls.postgres_env(database_url))

    def get_goal_set(self, goal_set_id: UUID, expected_version: int | None = None) -> GoalSet:
        """A goal set, or NotFoundError."""
        goal_set: GoalSet = self.get_aggregate(GoalSet, goal_set_id, expected_version, "goal_set")
        return goal_set

    def weekly_report_unit(self, report_id: UUID) -> UUID:
        """The unit a weekly report belongs to."""
        report: WeeklyReport = self.get_aggregate(WeeklyReport, report_id, None, "weekly_report")
        return report.unit_id

    def monthly_summary_unit(self, summary_id: UUID) -> UUID:
        """The unit a monthly summary belongs to."""
        summary: MonthlySummary = self.get_aggregate(
            MonthlySummary, summary_id, None, "monthly_summary"
        )
        return summary.unit_id

    # -- reference goals --

    def publish_reference(
        self,
        unit_id: UUID,
        actor_id: UUID,
        is_office: bool,
        kind: ReferenceKind,
        department_id: UUID | None,
        period: str,
        title: str,
        items: list[dict[str, Any]],
        reason: str | None,
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """Publish (or publish a new version of) reference goals."""
        checked = ReferenceGoals.check_document(kind, department_id, period, items)
        if kind.by_department:
            assert department_id is not None
            head = self.org.ask(unit_id, lambda unit: unit.head_of(department_id, china_date(now)))
            if head != actor_id:
                raise NotPermittedError(
                    "goals.department_head_publishes",
                    f"{kind.label} are published by the head of the department",
                    missing_relation="DEPARTMENT_HEAD_OF",
                )
        elif not is_office:
            raise NotPermittedError(
                "goals.office_publishes",
                f"{kind.label} are published by the appraisal office (考核办)",
                missing_role="APPRAISAL_OFFICE",
            )
        doc_id = ReferenceGoals.create_id(unit_id, kind, department_id, period)
        doc = self.find(ReferenceGoals, doc_id)
        if doc is None:
            doc = ReferenceGoals(unit_id, kind, department_id, period, title, checked)
        else:
            check_version(expected_version, doc.version)
            doc.revise(title, items, reason or "")
        return self.commit(doc, result={"reference_id": str(doc.id)})

    # -- goal sets --

    def draft_goal_set(
        self, unit_id: UUID, actor_id: UUID, period: str, items: list[dict[str, Any]], now: datetime
    ) -> Committed:
        """Draft the caller's goal set for a period."""
        today = china_date(now)
        department_id = self.org.department_of(unit_id, actor_id, today)
        goal_set_id = GoalSet.create_id(unit_id, actor_id, period)
        if self.find(GoalSet, goal_set_id) is not None:
            raise ConflictError(
                "goals.one_goal_set_per_period",
                f"there is already a goal set for {period}: edit it",
                field="period",
            )
        goal_set = GoalSet.draft(unit_id, actor_id, actor_id, period, department_id, items, today)
        return self.commit(goal_set, result={"goal_set_id": str(goal_set.id)})

    def _owner_command(self, goal_set_id: UUID, expected: int | None, act: Any) -> Committed:
        goal_set = self.get_goal_set(goal_set_id, expected)
        act(goal_set)
        return self.commit(goal_set, result={"goal_set_id": str(goal_set.id)})

    def edit_goal_set(
        self,
        goal_set_id: UUID,
        actor_id: UUID,
        items: list[dict[str, Any]],
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """Replace a draft's items."""
        return self._owner_command(
            goal_set_id, expected_version, lambda g: g.edit(actor_id, items, china_date(now))
        )

    def submit_goal_set(
        self, goal_set_id: UUID, actor_id: UUID, now: datetime, expected_version: int | None = None
    ) -> Committed:
        """Submit to the direct manager."""
        return self._owner_command(
            goal_set_id, expected_version, lambda g: g.submit(actor_id, china_date(now))
        )

    def propose_revision(
        self,
        goal_set_id: UUID,
        actor_id: UUID,
        items: list[dict[str, Any]],
        reason: str,
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """Propose adjusted goals."""
        return self._owner_command(
            goal_set_id,
            expected_version,
            lambda g: g.propose_revision(actor_id, items, reason, china_date(now)),
        )

    def record_progress(
        self,
        goal_set_id: UUID,
        actor_id: UUID,
        item_id: str,
        percent: int,
        note: str,
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """Report progress on an item."""
        return self._owner_command(
            goal_set_id,
            expected_version,
            lambda g: g.record_progress(actor_id, item_id, percent, note, china_date(now)),
        )

    def complete_item(
        self,
        goal_set_id: UUID,
        actor_id: UUID,
        item_id: str,
        note: str,
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """Mark an item delivered."""
        return self._owner_command(
            goal_set_id,
            expected_version,
            lambda g: g.complete_item(actor_id, item_id, note, china_date(now)),
        )

    def drop_item(
        self,
        goal_set_id: UUID,
        actor_id: UUID,
        item_id: str,
        reason: str,
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """Drop an item, with the reason."""
        return self._owner_command(
            goal_set_id,
            expected_version,
            lambda g: g.drop_item(actor_id, item_id, reason, china_date(now)),
        )

    def decide(
        self,
        goal_set_id: UUID,
        actor_id: UUID,
        decision: str,
        text: str | None,
        now: datetime,
        expected_version: int | None = None,
    ) -> Committed:
        """The direct manager's decision: approve, return, approve_revision, reject_revision."""
        goal_set = self.get_goal_set(goal_set_id, expected_version)
        today = china_date(now)
        managers = self.org.managers_of(goal_set.unit_id, goal_set.person_id, today)
        if decision == "approve":
            goal_set.approve(actor_id, managers, text, today)
        elif decision == "return":
            goal_set.return_for_changes(actor_id, managers, text or "", today)
        elif decision == "approve_revision":
            goal_set.approve_revision(actor_id, managers, text, today)
        elif decision == "reject_revision":
            goal_set.reject_revision(actor_id, managers, text or "", today)
        else:  # pragma: no cover - the API names the decision
            raise ValueError(decision)
        return self.commit(goal_set, result={"goal_set_id": str(goal_set.id)})

    # -- monthly summaries --

    def submit_monthly_summary(
        self, unit_id: UUID, actor_id: UUID, month: str, text: str, now: datetime
    ) -> Committed:
        """Submit the caller's monthly summary (月小结)."""
        check_month(month)
        summary_id = MonthlySummary.create_id(unit_id, actor_id, month)
        if self.find(MonthlySummary, summary_id) is not None:
            raise ConflictError(
                "goals.one_summary_per_month",
                f"the summary for {month} is submitted: amend it with a new version",
                field="month",
            )
        department_id = self.org.department_of(unit_id, actor_id, china_date(now))
        summary = MonthlySummary(unit_id, actor_id, department_id, month, text)
        return self.commit(summary, result={"summary_id": str(summary.id)})

    def amend_monthly_summary(
        self,
        summary_id: UUID,
        actor_id: UUID,
        text: str,
        reason: str,
        expected_version: int | None = None,
    ) -> Committed:
        """A new version of a monthly summary."""
        summary: MonthlySummary = self.get_aggregate(
            MonthlySummary, summary_id, expected_version, "monthly_summary"
        )
        summary.amend(actor_id, text, reason)
        return self.commit(summary, result={"summary_id": str(summary.id)})

    # -- weekly reports --

    def compile_weekly_report(
        self,
        unit_id: UUID,
        department_id: UUID,
        week: str,
        free_text: str,
        expected_version: int | None = None,
    ) -> Committed:
        """Compile a department's week from progress records and monthly summaries."""
        entries = self.weekly_entries(unit_id, department_id, week)
        report_id = WeeklyReport.create_id(unit_id, department_id, week)
        report = self.find(WeeklyReport, report_id)
        if report is None:
            report = WeeklyReport(unit_id, department_id, week, entries, free_text)
        else:
            check_version(expected_version, report.version)
            report.recompile(entries, free_text)
        return self.commit(report, result={"report_id": str(report.id)})

    def publish_weekly_report(
        self, report_id: UUID, expected_version: int | None = None
    ) -> Committed:
        """Publish a compiled report to all staff."""
        report: WeeklyReport = self.get_aggregate(
            WeeklyReport, report_id, expected_version, "weekly_report"
        )
        report.publish(self.org.department_name(report.unit_id, report.department_id))
        return self.commit(report, result={"report_id": str(report.id)})

    def weekly_entries(self, unit_id: UUID, department_id: UUID, week: str) -> list[dict[str, Any]]:
        """Each member's progress in the week, on the goal sets of every quarter and year the
        week touches, and their latest monthly summary of a month it touches.
        """
        monday, sunday = week_span(week)
        periods = dict.fromkeys(
            p
            for day in (monday, sunday)
            for p in (f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year))
        )
        months = dict.fromkeys(f"{day:%Y-%m}" for day in (sunday, monday))
        entries = []
        for person_id, name in sorted(
            self.org.members(unit_id, department_id, sunday), key=lambda m: m[1]
        ):
            progress = [
                record
                for period in periods
                for record in self._progress_between(unit_id, person_id, period, monday, sunday)
            ]
            summary = next(
                (t for m in months if (t := self._summary_text(unit_id, person_id, m))), None
            )
            entries.append(
                {
                    "person_id": str(person_id),
                    "name": name,
                    "progress": progress,
                    "monthly_summary": summary,
                }
            )
        return entries

    def _progress_between(
        self, unit_id: UUID, person_id: UUID, period: str, first: date, last: date
    ) -> list[dict[str, Any]]:
        goal_set_id = GoalSet.create_id(unit_id, person_id, period)
        goal_set = self.find(GoalSet, goal_set_id)
        if goal_set is None:
            return []
        whats = {i.item_id: i.what for v in goal_set.versions for i in v.items}
        found = []
        for e in self.events.get(goal_set_id):
            assert isinstance(e, GoalSet.Event)
            kind = PROGRESS_EVENTS.get(type(e).__name__)
            if kind is None or not first <= china_date(e.timestamp) <= last:
                continue
            state = vars(e)
            found.append(
                {
                    "period": period,
                    "item_id": state["item_id"],
                    "what": whats.get(state["item_id"], ""),
                    "kind": kind,
                    "percent": state.get("percent", 100 if kind == "COMPLETED" else None),
                    "note": state.get("note") or state.get("reason"),
                    "at": e.timestamp.isoformat(),
                }
            )
        return found

    def _summary_text(self, unit_id: UUID, person_id: UUID, month: str) -> str | None:
        summary = self.find(MonthlySummary, MonthlySummary.create_id(unit_id, person_id, month))
        return None if summary is None else summary.texts[-1]
