"""A person's goal set (确定目标) for a quarter or a year: its items and what each serves, approval
by whoever manages the person on the day, revisions, and the progress reported on each item.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import event

from kernel.aggregate import KaoheAggregate
from kernel.errors import NotFoundError, NotPermittedError, RuleViolatedError
from kernel.labels import check_step
from services.directory.managers import ManagerRelation, Managers
from services.goals.domain.shared import NAMESPACE, check_owner, check_reason
from services.goals.vocabulary import (
    GoalSetStatus,
    ItemStatus,
    Period,
    ServesKind,
)


def manager_relation(actor_id: UUID, managers: Managers) -> ManagerRelation:
    """The relation by which `actor_id` decides on the person's goals: their direct manager at
    that instant (谁管理谁认定, DOMAIN.md "The quarterly cycle", step 1; the direct manager is
    `services.directory.managers`'s). Refused, naming the missing relation, for anyone else.
    """
    if actor_id == managers.person_id:
        raise NotPermittedError(
            "goals.no_self_approval",
            "nobody approves their own goals",
            missing_relation="DIRECT_MANAGER",
        )
    if managers.direct_manager != actor_id:
        raise NotPermittedError(
            "goals.whoever_manages_approves",
            f"only the person's direct manager on {managers.on.isoformat()} decides on their "
            "goals (the department head for staff, the supervising leader for a head)",
            missing_relation="DIRECT_MANAGER",
        )
    relation = managers.relation_of(actor_id)
    assert relation is not None  # the direct manager is one of the person's managers
    return relation


# -- goal items ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Serves:
    """What a goal item serves: a reference goal by id, or a job duty in words."""

    kind: ServesKind
    ref: str | None = None
    text: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in events."""
        return {"kind": self.kind.value, "ref": self.ref, "text": self.text}


@dataclasses.dataclass(frozen=True)
class GoalItem:
    """One goal: what will be delivered, the measure of done, by when, and what it serves."""

    item_id: str
    what: str
    measure: str
    due_on: date
    weight: int | None
    serves: tuple[Serves, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in events."""
        return {
            "item_id": self.item_id,
            "what": self.what,
            "measure": self.measure,
            "due_on": self.due_on.isoformat(),
            "weight": self.weight,
            "serves": [s.as_dict() for s in self.serves],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GoalItem:
        """The inverse of `as_dict`."""
        return cls(
            item_id=str(d["item_id"]),
            what=str(d["what"]),
            measure=str(d["measure"]),
            due_on=date.fromisoformat(str(d["due_on"])),
            weight=int(d["weight"]) if d.get("weight") is not None else None,
            serves=tuple(
                Serves(ServesKind(s["kind"]), s.get("ref"), s.get("text")) for s in d["serves"]
            ),
        )


def check_items(items: list[GoalItem], period: Period) -> None:
    """Items fall due within the period, say what they serve, and weigh 100 together if weighed."""
    for i, item in enumerate(items):
        if not period.contains(item.due_on):
            raise RuleViolatedError(
                "goals.due_in_period",
                f"item {i + 1} falls due on {item.due_on.isoformat()}, outside {period.code} "
                f"({period.start.isoformat()} to {period.end.isoformat()})",
                field=f"items.{i}.due_on",
            )
        if not item.serves:
            raise RuleViolatedError(
                "goals.item_serves_something",
                f"item {i + 1} must say what it serves: a department goal, a work priority, "
                "a special plan, or a job duty in words",
                field=f"items.{i}.serves",
            )
        for s in item.serves:
            if s.kind is ServesKind.JOB_DUTY and not (s.text and s.text.strip()):
                raise RuleViolatedError(
                    "goals.job_duty_in_words",
                    f"item {i + 1}: a job duty it serves is stated in words",
                    field=f"items.{i}.serves",
                )
            if s.kind is not ServesKind.JOB_DUTY and not s.ref:
                raise RuleViolatedError(
                    "goals.reference_named",
                    f"item {i + 1}: name the {s.kind.label} it serves by its id",
                    field=f"items.{i}.serves",
                )
    weights = [item.weight for item in items]
    if any(w is not None for w in weights):
        if any(w is None for w in weights):
            raise RuleViolatedError(
                "goals.weights_all_or_none",
                "give every item a weight, or none",
                field="items.weight",
            )
        total = sum(w for w in weights if w is not None)
        if total != 100:
            raise RuleViolatedError(
                "goals.weights_sum_to_100",
                f"weights add up to {total}, not 100",
                field="items.weight",
            )


def with_ids(items: list[dict[str, Any]]) -> list[GoalItem]:
    """Parse items, giving new ones an id (existing ids keep an item's history across versions)."""
    return [GoalItem.from_dict({**d, "item_id": d.get("item_id") or str(uuid4())}) for d in items]


# -- goal sets -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ApprovedVersion:
    """A version of the goals as approved: the phase goals in force from `approved_at`."""

    number: int
    items: tuple[GoalItem, ...]
    approved_by: UUID
    relation: ManagerRelation
    comment: str | None


@dataclasses.dataclass
class ItemProgress:
    """The progress reported on one item."""

    status: ItemStatus = ItemStatus.ACTIVE
    percent: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)


class GoalSet(KaoheAggregate):
    """One person's goals for a period (季目标 or 年度目标), through approvals and revisions."""

    @staticmethod
    def create_id(unit_id: UUID, person_id: UUID, period: str) -> UUID:
        """One goal set per person and period."""
        return uuid5(NAMESPACE, f"goal-set/{unit_id}/{person_id}/{period}")

    @event("Drafted")
    def __init__(
        self,
        unit_id: UUID,
        person_id: UUID,
        period: str,
        department_id: UUID | None,
        items: list[dict[str, Any]],
    ) -> None:
        self.unit_id = unit_id
        self.person_id = person_id
        self.period = period
        self.department_id = department_id
        self.items = [GoalItem.from_dict(d) for d in items]
        self.status = GoalSetStatus.DRAFT
        self.versions: list[ApprovedVersion] = []
        self.proposal: list[GoalItem] | None = None
        self.proposal_reason: str | None = None
        self.progress: dict[str, ItemProgress] = {}

    @classmethod
    def draft(
        cls,
        unit_id: UUID,
        person_id: UUID,
        actor_id: UUID,
        period: str,
        department_id: UUID | None,
        items: list[dict[str, Any]],
        today: date,
    ) -> GoalSet:
        """Start a goal set (drafts may be empty until submitted)."""
        check_owner(actor_id, person_id, "goal set")
        parsed = Period.parse(period)
        cls.check_open(parsed, today)
        goals = with_ids(items)
        check_items(goals, parsed)
        return cls(unit_id, person_id, period, department_id, [g.as_dict() for g in goals])

    # -- queries --

    @property
    def period_of(self) -> Period:
        """The period, parsed."""
        return Period.parse(self.period)

    @property
    def in_force(self) -> ApprovedVersion | None:
        """The approved version in force now."""
        return self.versions[-1] if self.versions else None

    def item(self, item_id: str) -> GoalItem:
        """An item of the approved goals, or NotFoundError."""
        current = self.in_force
        found = next((i for i in current.items if i.item_id == item_id), None) if current else None
        if found is None:
            raise NotFoundError(
                "goals.item_exists",
                f"no approved goal item {item_id} in this goal set",
                field="item_id",
            )
        return found

    # -- guards --

    @staticmethod
    def check_open(period: Period, today: date) -> None:
        """A goal set of a period that has closed is read-only."""
        if period.closed_on(today):
            raise RuleViolatedError(
                "goals.period_closed",
                f"{period.code} closed on {period.end.isoformat()}: its goals are read-only",
                field="period",
            )

    def check_status(self, *allowed: GoalSetStatus) -> None:
        """Each step happens only from the states that lead to it."""
        check_step("goals.status_allows", "the goal set", self.status, allowed)

    def _owner_step(self, actor_id: UUID, today: date, *allowed: GoalSetStatus) -> None:
        check_owner(actor_id, self.person_id, "goal set")
        self.check_open(self.period_of, today)
        self.check_status(*allowed)

    def _manager_step(
        self, actor_id: UUID, managers: Managers, today: date, allowed: GoalSetStatus
    ) -> ManagerRelation:
        self.check_open(self.period_of, today)
        self.check_status(allowed)
        return manager_relation(actor_id, managers)

    # -- the appraisee's steps --

    def edit(self, actor_id: UUID, items: list[dict[str, Any]], today: date) -> None:
        """Replace the items of a draft (or of a returned goal set)."""
        self._owner_step(actor_id, today, GoalSetStatus.DRAFT, GoalSetStatus.RETURNED)
        goals = with_ids(items)
        check_items(goals, self.period_of)
        self._edited([g.as_dict() for g in goals])

    @event("Edited")
    def _edited(self, items: list[dict[str, Any]]) -> None:
        self.items = [GoalItem.from_dict(d) for d in items]

    def submit(self, actor_id: UUID, today: date) -> None:
        """Submit the goals to the direct manager."""
        self._owner_step(actor_id, today, GoalSetStatus.DRAFT, GoalSetStatus.RETURNED)
        if not self.items:
            raise RuleViolatedError(
                "goals.not_empty", "an empty goal set cannot be submitted", field="items"
            )
        check_items(self.items, self.period_of)
        self._submitted()

    @event("Submitted")
    def _submitted(self) -> None:
        self.status = GoalSetStatus.SUBMITTED

    def propose_revision(
        self, actor_id: UUID, items: list[dict[str, Any]], reason: str, today: date
    ) -> None:
        """Propose adjusted goals (动态化调整) for the manager to approve."""
        self._owner_step(actor_id, today, GoalSetStatus.APPROVED)
        why = check_reason(reason)
        goals = with_ids(items)
        if not goals:
            raise RuleViolatedError(
                "goals.not_empty", "a revision keeps at least one goal", field="items"
            )
        check_items(goals, self.period_of)
        self._revision_proposed([g.as_dict() for g in goals], why)

    @event("RevisionProposed")
    def _revision_proposed(self, items: list[dict[str, Any]], reason: str) -> None:
        self.status = GoalSetStatus.REVISION_PROPOSED
        self.proposal = [GoalItem.from_dict(d) for d in items]
        self.proposal_reason = reason

    def record_progress(
        self, actor_id: UUID, item_id: str, percent: int, note: str, today: date
    ) -> None:
        """Report progress on an approved goal item."""
        self._progress_step(actor_id, item_id, today)
        if not 0 <= percent <= 100:
            raise RuleViolatedError(
                "goals.percent_range", f"percent must be 0 to 100, not {percent}", field="percent"
            )
        self._progress_recorded(item_id, percent, note)

    @event("ProgressRecorded")
    def _progress_recorded(self, item_id: str, percent: int, note: str) -> None:
        progress = self.progress.setdefault(item_id, ItemProgress())
        progress.percent = percent
        progress.notes.append(note)

    def complete_item(self, actor_id: UUID, item_id: str, note: str, today: date) -> None:
        """Mark an approved goal item delivered."""
        self._progress_step(actor_id, item_id, today)
        self._item_completed(item_id, note)

    @event("ItemCompleted")
    def _item_completed(self, item_id: str, note: str) -> None:
        progress = self.progress.setdefault(item_id, ItemProgress())
        progress.status = ItemStatus.COMPLETED
        progress.percent = 100
        progress.notes.append(note)

    def drop_item(self, actor_id: UUID, item_id: str, reason: str, today: date) -> None:
        """Drop an approved goal item; dropping needs a reason."""
        self._progress_step(actor_id, item_id, today)
        self._item_dropped(item_id, check_reason(reason))

    @event("ItemDropped")
    def _item_dropped(self, item_id: str, reason: str) -> None:
        progress = self.progress.setdefault(item_id, ItemProgress())
        progress.status = ItemStatus.DROPPED
        progress.notes.append(reason)

    def _progress_step(self, actor_id: UUID, item_id: str, today: date) -> None:
        self._owner_step(actor_id, today, GoalSetStatus.APPROVED, GoalSetStatus.REVISION_PROPOSED)
        self.item(item_id)
        status = self.progress.get(item_id, ItemProgress()).status
        if status is not ItemStatus.ACTIVE:
            raise RuleViolatedError(
                "goals.item_active",
                f"the item is {status.value} ({status.label}); only active items progress",
                field="item_id",
            )

    # -- the manager's decisions --

    def approve(self, actor_id: UUID, managers: Managers, comment: str | None, today: date) -> None:
        """The direct manager approves: the items become the person's phase goals."""
        relation = self._manager_step(actor_id, managers, today, GoalSetStatus.SUBMITTED)
        self._approved(actor_id, relation, len(self.versions) + 1, comment)

    @event("Approved")
    def _approved(
        self, approved_by: UUID, relation: str, version_number: int, comment: str | None
    ) -> None:
        self.status = GoalSetStatus.APPROVED
        self.versions.append(
            ApprovedVersion(
                version_number, tuple(self.items), approved_by, ManagerRelation(relation), comment
            )
        )

    def return_for_changes(
        self, actor_id: UUID, managers: Managers, comments: str, today: date
    ) -> None:
        """The direct manager returns the goals with comments."""
        relation = self._manager_step(actor_id, managers, today, GoalSetStatus.SUBMITTED)
        self._returned(actor_id, relation, check_reason(comments, "comments"))

    @event("Returned")
    def _returned(self, returned_by: UUID, relation: str, comments: str) -> None:
        self.status = GoalSetStatus.RETURNED

    def approve_revision(
        self, actor_id: UUID, managers: Managers, comment: str | None, today: date
    ) -> None:
        """The direct manager approves the proposed revision: a new version is in force."""
        relation = self._manager_step(actor_id, managers, today, GoalSetStatus.REVISION_PROPOSED)
        self._revision_approved(actor_id, relation, len(self.versions) + 1, comment)

    @event("RevisionApproved")
    def _revision_approved(
        self, approved_by: UUID, relation: str, version_number: int, comment: str | None
    ) -> None:
        assert self.proposal is not None
        self.items = list(self.proposal)
        self.status = GoalSetStatus.APPROVED
        self.versions.append(
            ApprovedVersion(
                version_number,
                tuple(self.proposal),
                approved_by,
                ManagerRelation(relation),
                comment,
            )
        )
        self.proposal = None

    def reject_revision(self, actor_id: UUID, managers: Managers, reason: str, today: date) -> None:
        """The direct manager rejects the revision: the approved version stays in force."""
        relation = self._manager_step(actor_id, managers, today, GoalSetStatus.REVISION_PROPOSED)
        self._revision_rejected(actor_id, relation, check_reason(reason))

    @event("RevisionRejected")
    def _revision_rejected(self, rejected_by: UUID, relation: str, reason: str) -> None:
        self.status = GoalSetStatus.APPROVED
        self.proposal = None
