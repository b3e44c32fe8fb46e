"""The feedback service's published commands: each body the service validates, and the route it
is posted to. The service's routes (api.py) and the gateway's mutations both read them here, so a
command is defined once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from kernel.routes import CommandRoute
from kernel.text import Name, Reason, Title
from kernel.web.commands import Command
from services.feedback.vocabulary import Satisfaction, TargetKind

Text = Annotated[str, Field(min_length=1, max_length=4000)]
QUARTER = r"^20[0-9]{2}-Q[1-4]$"  # ASCII digits: a regex \d also matches ٢٠٢٦


class SetPolicy(Command):
    handling_days: int = Field(ge=1, le=60, description="complaint handling deadline, working days")
    scale_low: Decimal = Decimal(0)
    scale_high: Decimal = Decimal(100)
    reason: str | None = Field(default=None, max_length=2000)


class OpenSurvey(Command):
    quarter: str = Field(pattern=QUARTER)
    department_ids: list[UUID] | None = Field(
        default=None, description="the service departments surveyed; all of them if absent"
    )


class Response(Command):
    respondent_agency: Name = Field(description="the respondent's agency (another agency)")
    respondent: Name | None = None
    scores: dict[UUID, Decimal] = Field(min_length=1, description="department id -> score")
    comment: str | None = Field(default=None, max_length=2000)


class ImportCsv(Command):
    csv: str = Field(min_length=1, description="the survey platform's export, UTF-8 CSV text")


class PraiseIn(Command):
    target_kind: TargetKind
    target_id: UUID
    source: Title = Field(description="who praised, e.g. 市委办公室 感谢信")
    what_happened: Text
    occurred_on: date


class Complainant(Command):
    name: Name
    agency: Name = Field(description="The complainant's agency")
    contact: str | None = Field(
        default=None,
        max_length=200,
        description="Shown only to 考核办, auditors and administrators",
    )


class ComplaintIn(Command):
    target_kind: TargetKind
    target_id: UUID
    complainant: Complainant | None = Field(default=None, description="absent: anonymous")
    content: Text
    received_on: date | None = Field(default=None, description="today in China if absent")


class Assign(Command):
    handler_id: UUID


class Respond(Command):
    response: Text


class Resolve(Command):
    satisfaction: Satisfaction
    note: str | None = Field(default=None, max_length=2000)
    resolved_on: date | None = None


class Dismiss(Command):
    reason: Reason


class Empty(Command):
    pass


class Disclose(Command):
    reason: Reason = Field(description="why the filer must be known (recorded with the opening)")


SET_POLICY = CommandRoute("feedback", "/units/{unit_id}/policy", SetPolicy)
OPEN_SURVEY = CommandRoute("feedback", "/units/{unit_id}/surveys", OpenSurvey)
RECORD_RESPONSE = CommandRoute("feedback", "/surveys/{survey_id}/responses", Response)
IMPORT_RESPONSES = CommandRoute("feedback", "/surveys/{survey_id}/imports", ImportCsv)
CLOSE_SURVEY = CommandRoute("feedback", "/surveys/{survey_id}/closure", Empty)
RECORD_PRAISE = CommandRoute("feedback", "/units/{unit_id}/praise", PraiseIn)
FILE_COMPLAINT = CommandRoute("feedback", "/units/{unit_id}/complaints", ComplaintIn)
DISCLOSE_FILER = CommandRoute("feedback", "/complaints/{complaint_id}/filer-disclosure", Disclose)
ASSIGN_COMPLAINT = CommandRoute("feedback", "/complaints/{complaint_id}/assignment", Assign)
RESPOND_TO_COMPLAINT = CommandRoute("feedback", "/complaints/{complaint_id}/responses", Respond)
RESOLVE_COMPLAINT = CommandRoute("feedback", "/complaints/{complaint_id}/resolution", Resolve)
DISMISS_COMPLAINT = CommandRoute("feedback", "/complaints/{complaint_id}/dismissal", Dismiss)
# The check takes no body: the service reads nothing from what is posted.
CHECK_OVERDUE = CommandRoute("feedback", "/complaints/overdue-check", Empty)
