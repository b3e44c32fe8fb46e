"""The reviews service's published commands: each body the service validates, and the route it
is posted to. The service's routes (api.py) and the gateway's mutations both read them here, so a
command is defined once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from kernel.routes import CommandRoute
from kernel.text import Reason, Title
from kernel.web.commands import Command
from services.reviews.vocabulary import Grade, SanctionKind

Text = Annotated[str, Field(min_length=1, max_length=4000)]
QUARTER = r"^20[0-9]{2}-Q[1-4]$"  # ASCII digits: a regex \d also matches ٢٠٢٦


class OpenCycle(Command):
    quarter: str = Field(pattern=QUARTER, description="the quarter appraised, e.g. 2026-Q3")
    config: dict[str, Any] | None = Field(
        default=None,
        description="the cycle's configuration (indicators, bands, quota, periods, formula); "
        "absent parts take the defaults",
    )


class Reconfigure(Command):
    config: dict[str, Any]
    reason: str | None = Field(default=None, max_length=2000)


class Empty(Command):
    pass


class GoalReport(Command):
    item_id: str = Field(min_length=1, max_length=100)
    report: Text


class Summary(Command):
    reports: list[GoalReport] = Field(default_factory=list, max_length=100)
    extra_work: list[Text] = Field(default_factory=list, max_length=50)


class RatingIn(Command):
    scores: dict[str, Decimal] = Field(min_length=1, description="indicator code -> 0 to 100")
    opinion: Text


class GradeProposal(Command):
    person_id: UUID
    grade: Grade | None = Field(default=None, description="Absent: the band of the score")
    justification: str | None = Field(
        default=None,
        max_length=4000,
        description="Needed where the grade departs from the scores",
    )


class ProposeGrades(Command):
    proposals: list[GradeProposal] = Field(
        default_factory=list, description="empty: every scored participant's band"
    )


class Publish(Command):
    published_on: date | None = Field(default=None, description="today in China if absent")


class ObjectionIn(Command):
    reason: Reason
    filed_on: date | None = None


class Resolution(Command):
    upheld: bool
    new_grade: Grade | None = None
    reason: Reason
    resolved_on: date | None = None


class Shortcoming(Command):
    shortcoming: Text
    facts: Text


class TalkIn(Command):
    held_on: date | None = None
    reasons: str | None = Field(default=None, max_length=4000)
    shortcomings: list[Shortcoming] = Field(default_factory=list, max_length=20)
    improvements: str | None = Field(default=None, max_length=4000)


class Acknowledgement(Command):
    comment: str | None = Field(default=None, max_length=4000)


class SanctionIn(Command):
    person_id: UUID
    kind: SanctionKind
    decided_on: date
    document: Title = Field(description="the decision document, e.g. 济机关纪〔2026〕3号")


OPEN_CYCLE = CommandRoute("reviews", "/units/{unit_id}/cycles", OpenCycle)
RECONFIGURE = CommandRoute("reviews", "/cycles/{cycle_id}/configuration", Reconfigure)
BEGIN_APPRAISAL = CommandRoute("reviews", "/cycles/{cycle_id}/appraisal", Empty)
SUBMIT_SUMMARY = CommandRoute("reviews", "/cycles/{cycle_id}/summaries/{person_id}", Summary)
RATE = CommandRoute("reviews", "/cycles/{cycle_id}/ratings/{person_id}", RatingIn)
PROPOSE_GRADES = CommandRoute("reviews", "/cycles/{cycle_id}/grades", ProposeGrades)
FINALISE = CommandRoute("reviews", "/cycles/{cycle_id}/finalisation", Empty)
PUBLISH = CommandRoute("reviews", "/cycles/{cycle_id}/publication", Publish)
FILE_OBJECTION = CommandRoute("reviews", "/cycles/{cycle_id}/objections", ObjectionIn)
RESOLVE_OBJECTION = CommandRoute(
    "reviews", "/cycles/{cycle_id}/objections/{objection_id}/resolution", Resolution
)
CONFIRM = CommandRoute("reviews", "/cycles/{cycle_id}/confirmation", Empty)
RECORD_TALK = CommandRoute("reviews", "/cycles/{cycle_id}/talks/{person_id}", TalkIn)
ACKNOWLEDGE_TALK = CommandRoute(
    "reviews", "/cycles/{cycle_id}/talks/{person_id}/acknowledgement", Acknowledgement
)
RECORD_SANCTION = CommandRoute("reviews", "/units/{unit_id}/sanctions", SanctionIn)
