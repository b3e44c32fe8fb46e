"""The goals service's published commands: each body the service validates, and the route it is
posted to. The service's routes (api.py) and the gateway's mutations both read them here, so a
command is defined once.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field

from kernel.routes import CommandRoute
from kernel.text import Reason, Title
from kernel.web.commands import Command
from services.goals.vocabulary import ReferenceKind, ServesKind

Text = Annotated[str, Field(min_length=1, max_length=4000)]


class ServesIn(Command):
    kind: ServesKind
    ref: str | None = Field(default=None, description="The reference goal item's refId")
    text: str | None = Field(default=None, description="A job duty, in words")


# Fields in the order the GraphQL input (derived from this model) has always published them.
class GoalItemIn(Command):
    what: Text = Field(description="What will be delivered")
    measure: Text = Field(description="The measure of done")
    due_on: date = Field(description="Within the goal set's period")
    serves: list[ServesIn] = Field(min_length=1)
    weight: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="1 to 100; give every item a weight, or none: they add to 100",
    )
    # An item id is indexed in the read model (at most about 8 KB a row): a short code.
    item_id: str | None = Field(
        default=None,
        max_length=64,
        description="Keep an item's id to keep its history across versions",
    )


class ReferenceItemIn(Command):
    title: Title
    detail: str | None = Field(default=None, max_length=4000)
    ref_id: str | None = Field(
        default=None,
        max_length=64,
        description="Keep an item's id across revisions (goal items cite it)",
    )


class PublishReference(Command):
    kind: ReferenceKind
    department_id: UUID | None = None
    period: str
    title: Title
    items: list[ReferenceItemIn] = Field(min_length=1)
    reason: str | None = Field(default=None, max_length=2000)


class DraftGoalSet(Command):
    period: str = Field(description="a quarter 2026-Q2 or a year 2026")
    items: list[GoalItemIn] = Field(default_factory=list)


class EditGoalSet(Command):
    items: list[GoalItemIn]


class Empty(Command):
    pass


class Decision(Command):
    comment: str | None = Field(default=None, max_length=2000)


class Comments(Command):
    comments: Reason


class ProposeRevision(Command):
    items: list[GoalItemIn] = Field(min_length=1)
    reason: Reason


class ReasonOnly(Command):
    reason: Reason


class Progress(Command):
    percent: int = Field(ge=0, le=100)
    note: Text


class Completion(Command):
    note: Text


class SubmitSummary(Command):
    month: str = Field(description="2026-04")
    text: Text


class AmendSummary(Command):
    text: Text
    reason: Reason


class CompileReport(Command):
    department_id: UUID
    week: str = Field(description="an ISO week, 2026-W17")
    free_text: str = ""


PUBLISH_REFERENCE = CommandRoute("goals", "/units/{unit_id}/references", PublishReference)
DRAFT_GOAL_SET = CommandRoute("goals", "/units/{unit_id}/goal-sets", DraftGoalSet)
EDIT_GOAL_SET = CommandRoute("goals", "/goal-sets/{goal_set_id}/edits", EditGoalSet)
SUBMIT_GOAL_SET = CommandRoute("goals", "/goal-sets/{goal_set_id}/submission", Empty)
PROPOSE_REVISION = CommandRoute("goals", "/goal-sets/{goal_set_id}/revisions", ProposeRevision)
ITEM = frozenset({"item_id"})
RECORD_PROGRESS = CommandRoute(
    "goals", "/goal-sets/{goal_set_id}/items/{item_id}/progress", Progress, ITEM
)
COMPLETE_ITEM = CommandRoute(
    "goals", "/goal-sets/{goal_set_id}/items/{item_id}/completion", Completion, ITEM
)
DROP_ITEM = CommandRoute("goals", "/goal-sets/{goal_set_id}/items/{item_id}/drop", ReasonOnly, ITEM)
APPROVE_GOAL_SET = CommandRoute("goals", "/goal-sets/{goal_set_id}/approval", Decision)
RETURN_GOAL_SET = CommandRoute("goals", "/goal-sets/{goal_set_id}/return", Comments)
APPROVE_REVISION = CommandRoute("goals", "/goal-sets/{goal_set_id}/revisions/approval", Decision)
REJECT_REVISION = CommandRoute("goals", "/goal-sets/{goal_set_id}/revisions/rejection", ReasonOnly)
SUBMIT_MONTHLY_SUMMARY = CommandRoute("goals", "/units/{unit_id}/monthly-summaries", SubmitSummary)
AMEND_MONTHLY_SUMMARY = CommandRoute(
    "goals", "/monthly-summaries/{summary_id}/amendments", AmendSummary
)
COMPILE_WEEKLY_REPORT = CommandRoute("goals", "/units/{unit_id}/weekly-reports", CompileReport)
PUBLISH_WEEKLY_REPORT = CommandRoute("goals", "/weekly-reports/{report_id}/publication", Empty)
