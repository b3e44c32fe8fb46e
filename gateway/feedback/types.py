"""GraphQL types of feedback from those served (服务对象): satisfaction surveys (满意度调查) and
their fixed results, praise (表扬), complaints (投诉) with their handling, and the facts per
department and person that the reviews read. Each code carries its Chinese label beside it.

Who complained, and who responded to a survey, is shown only to 考核办, auditors and
administrators: for everyone else those fields are null. An anonymous complaint has no
complainant at all. The types hold what the record says; each identity field's permission
(`gateway.graphql.access`) decides, per caller, whether it reads null.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import strawberry

from gateway.directory.types import (
    Department,
    Person,
    department_of,
    load_department,
    load_person,
    person_of,
)
from gateway.graphql.access import SeesFiler, SeesIdentities, withheld
from gateway.graphql.plumbing import FromRow, Info_, from_row, loads, optional_id
from gateway.graphql.shapes import CountedConnection, label_of
from kernel.labels import Labelled
from kernel.roles import Role as RoleCode
from services.feedback.vocabulary import ComplaintStatus as ComplaintStatusCode
from services.feedback.vocabulary import FiledBy as FiledByCode
from services.feedback.vocabulary import Satisfaction as SatisfactionCode
from services.feedback.vocabulary import SurveyStatus as SurveyStatusCode
from services.feedback.vocabulary import TargetKind as TargetKindCode


class ResponseSource(Labelled):
    """How a survey response was recorded."""

    FORM = "FORM", "表单录入"
    CSV_IMPORT = "CSV_IMPORT", "问卷平台导入"


class ComplaintEvent(Labelled):
    """What happened to a complaint: the events of the feedback log, by name."""

    ComplaintFiled = "ComplaintFiled", "受理投诉"
    ComplaintAssigned = "ComplaintAssigned", "交办"
    ComplaintResponded = "ComplaintResponded", "答复"
    ComplaintResolved = "ComplaintResolved", "办结"
    ComplaintDismissed = "ComplaintDismissed", "查无实据"
    ComplaintBecameOverdue = "ComplaintBecameOverdue", "超期未办结"


strawberry.enum(SurveyStatusCode, description="Whether a survey is open for responses or closed")
strawberry.enum(
    TargetKindCode, description="Praise and complaints concern a person or a department"
)
strawberry.enum(ComplaintStatusCode, description="Where a complaint stands in its handling")
strawberry.enum(SatisfactionCode, description="The complainant's verdict on the handling")
strawberry.enum(FiledByCode, description="Who put a complaint on record")
strawberry.enum(ResponseSource, description="How a survey response was recorded")
strawberry.enum(ComplaintEvent, description="What happened to a complaint (the log's event names)")


@strawberry.type(description="The unit's feedback policy: the complaint deadline and survey scale")
class FeedbackPolicy(FromRow):
    unit_id: strawberry.ID
    handling_days: int = strawberry.field(
        description="Working days (Chinese calendar) a complaint has to be resolved"
    )
    scale_low: Decimal = strawberry.field(description="The lowest score a survey accepts")
    scale_high: Decimal = strawberry.field(description="The highest score a survey accepts")
    updated_at: datetime
    version: int


@strawberry.type(description="A service department a survey asks about")
class SurveyDepartment:
    department_id: strawberry.ID
    name: str = strawberry.field(description="The department's name when the survey opened")

    department: Department | None = department_of("department_id", "The department")


@strawberry.type(description="One bin of a result's distribution: scores from `from` to `to`")
class SurveyResultBin:
    from_: Decimal = strawberry.field(name="from")
    to: Decimal
    count: int

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SurveyResultBin:
        return cls(from_=Decimal(str(d["from"])), to=Decimal(str(d["to"])), count=int(d["count"]))


@strawberry.type(description="A department's satisfaction result, fixed when the survey closed")
class SurveyResult:
    department_id: strawberry.ID
    name: str
    count: int = strawberry.field(description="How many respondents scored the department")
    mean: Decimal | None = strawberry.field(
        description="The mean score, rounded half up to 2 places (see Survey.rule)"
    )
    distribution: list[SurveyResultBin]

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> SurveyResult:
        return from_row(
            cls,
            row,
            distribution=[SurveyResultBin.from_json(b) for b in loads(row["distribution"])],
        )

    department: Department | None = department_of("department_id", "The department")


@strawberry.type(description="The score a respondent gave one department")
class SurveyScore:
    department_id: strawberry.ID
    score: Decimal

    department: Department | None = department_of("department_id", "The department")


@strawberry.type(description="One respondent's scores")
class SurveyResponse:
    response_id: strawberry.ID
    respondent_agency: str | None = withheld(
        SeesIdentities,
        "The respondent's agency: null unless the caller is 考核办, an auditor or an administrator",
    )
    respondent: str | None = withheld(
        SeesIdentities,
        "The respondent: null unless the caller is 考核办, an auditor or an administrator",
    )
    scores: list[SurveyScore]
    comment: str | None
    source: ResponseSource
    recorded_at: datetime

    source_label: str = label_of(ResponseSource, "source", "The source's Chinese label")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> SurveyResponse:
        scores = loads(row["scores"]).items()
        return from_row(
            cls,
            row,
            scores=[
                SurveyScore(department_id=strawberry.ID(d), score=Decimal(str(s)))
                for d, s in scores
            ],
        )


@strawberry.type(
    description="A quarter's satisfaction survey (满意度调查) of the service departments"
)
class Survey(FromRow):
    id: strawberry.ID
    unit_id: strawberry.ID
    quarter: str = strawberry.field(description="2026-Q3")
    status: SurveyStatusCode
    scale_low: Decimal
    scale_high: Decimal
    opened_at: datetime
    closed_at: datetime | None
    rule: str | None = strawberry.field(description="How the results were computed (when closed)")
    version: int = strawberry.field(description="The survey's version; send it as expectedVersion")
    updated_at: datetime

    status_label: str = label_of(
        SurveyStatusCode, "status", "The status's Chinese label, e.g. 已结束"
    )

    @strawberry.field(description="The service departments surveyed")
    async def departments(self, info: Info_) -> list[SurveyDepartment]:
        rows = await info.context.loaders.survey_departments.load(UUID(self.id))
        return [
            SurveyDepartment(department_id=strawberry.ID(str(r["department_id"])), name=r["name"])
            for r in rows
        ]

    @strawberry.field(
        description="Each department's result, fixed at closing (empty while open; a department "
        "nobody scored has none)"
    )
    async def results(self, info: Info_) -> list[SurveyResult]:
        rows = await info.context.loaders.survey_results.load(UUID(self.id))
        return [SurveyResult.from_row(r) for r in rows]

    @strawberry.field(description="How many responses are recorded")
    async def response_count(self, info: Info_) -> int:
        return await info.context.loaders.survey_response_count.load(UUID(self.id))

    @strawberry.field(description="The responses, in the order recorded")
    async def responses(self, info: Info_) -> list[SurveyResponse]:
        rows = await info.context.loaders.survey_responses.load(UUID(self.id))
        return [SurveyResponse.from_row(r) for r in rows]


def _named_person(kind: str, field: str, description: str) -> Any:
    """A field with the person whose id is in `field` where the code in `kind` says it is a
    person's (null where it is a department's)."""

    async def resolve(root: Any, info: Info_) -> Person | None:
        if getattr(root, kind) is not TargetKindCode.PERSON:
            return None
        return await load_person(info, UUID(getattr(root, field)))

    return strawberry.field(resolver=resolve, description=description)


async def _target_name(root: Praise | Complaint, info: Info_) -> str | None:
    if root.target_kind is TargetKindCode.PERSON:
        person = await load_person(info, UUID(root.target_id))
        return person.name if person else None
    department = await load_department(info, root.target_id)
    return department.name if department else None


@strawberry.type(description="Praise (表扬) of a person or a department")
class Praise:
    id: strawberry.ID
    unit_id: strawberry.ID
    target_kind: TargetKindCode
    target_id: strawberry.ID
    department_id: strawberry.ID | None = strawberry.field(
        description="The department praised, or the person's department when it happened"
    )
    source: str = strawberry.field(description="Who praised, e.g. 市委办公室 感谢信")
    what_happened: str
    occurred_on: date
    quarter: str = strawberry.field(description="The quarter it happened in, 2026-Q3")
    recorded_at: datetime
    recorded_by_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Praise:
        return from_row(cls, row, recorded_by_id=optional_id(row["recorded_by"]))

    target_kind_label: str = label_of(
        TargetKindCode, "target_kind", "The target kind's Chinese label: 个人 or 科室"
    )

    target_name: str | None = strawberry.field(
        resolver=_target_name, description="The name of the person or department praised"
    )
    target_person: Person | None = _named_person(
        "target_kind", "target_id", "The person praised (targetKind PERSON)"
    )

    department: Department | None = department_of(
        "department_id", "The department praised, or the person's department then"
    )

    recorded_by: Person | None = person_of("recorded_by_id", "Who recorded it")


@strawberry.type(description="A page of praise, latest first")
class PraiseConnection(CountedConnection[Praise]):
    pass


@strawberry.type(
    description="Who complained. Each field is null unless the caller is 考核办, an auditor or "
    "an administrator"
)
class Complainant:
    name: str | None = withheld(SeesIdentities)
    agency: str | None = withheld(SeesIdentities)
    contact: str | None = withheld(SeesIdentities)


@strawberry.type(description="One step in a complaint's handling")
class ComplaintHistoryEntry:
    position: int = strawberry.field(description="The feedback log position of the event")
    event: ComplaintEvent
    actor_id: strawberry.ID | None = withheld(
        SeesFiler,
        "Who acted; withheld on filing by a served cadre unless the caller sees "
        "complainants, and always on an anonymous complaint's filing",
    )
    actor_role: RoleCode | None
    text: str | None = strawberry.field(
        description="The complaint's content, the response, the resolution note or the reason"
    )
    handler_id: strawberry.ID | None = strawberry.field(description="Whom it was assigned to")
    satisfaction: SatisfactionCode | None
    on: date | None = strawberry.field(
        description="The date the step is about: received, resolved, dismissed, found overdue"
    )
    at: datetime
    # What `SeesFiler` asks of the step: on a filing, the complaint's own facts; on any other
    # step the actor is never withheld.
    anonymous: strawberry.Private[bool]
    filed_by_cadre: strawberry.Private[bool]

    event_label: str = label_of(ComplaintEvent, "event", "The event's Chinese label, e.g. 办结")
    actor_role_label: str | None = label_of(
        RoleCode, "actor_role", "The actor role's Chinese label"
    )
    satisfaction_label: str | None = label_of(
        SatisfactionCode, "satisfaction", "The satisfaction's Chinese label"
    )

    @withheld(SeesFiler, "Who acted")
    async def actor(self, info: Info_) -> Person | None:
        return await load_person(info, UUID(self.actor_id) if self.actor_id else None)

    handler: Person | None = person_of("handler_id", "Whom it was assigned to")

    @classmethod
    def from_row(cls, row: asyncpg.Record, complaint: Complaint) -> ComplaintHistoryEntry:
        """A step of `complaint`'s handling."""
        filing = row["event"] == ComplaintEvent.ComplaintFiled
        return cls(
            position=row["position"],
            event=ComplaintEvent(row["event"]),
            actor_id=optional_id(row["actor_id"]),
            actor_role=RoleCode(row["actor_role"]) if row["actor_role"] else None,
            text=row["text"],
            handler_id=optional_id(row["handler_id"]),
            satisfaction=SatisfactionCode(row["satisfaction"]) if row["satisfaction"] else None,
            on=row["on_date"],
            at=row["at"],
            anonymous=filing and complaint.anonymous,
            filed_by_cadre=filing and complaint.filed_by is FiledByCode.SERVED_CADRE,
        )


@strawberry.type(description="A complaint (投诉) and its handling against a working-day deadline")
class Complaint:
    id: strawberry.ID
    unit_id: strawberry.ID
    status: ComplaintStatusCode
    target_kind: TargetKindCode
    target_id: strawberry.ID
    department_id: strawberry.ID | None = strawberry.field(
        description="The department complained about, or the person's department then"
    )
    filed_by: FiledByCode
    anonymous: bool
    complainant: Complainant | None = strawberry.field(
        description="Null for an anonymous complaint; otherwise its fields are null unless the "
        "caller is 考核办, an auditor or an administrator"
    )
    content: str
    received_on: date
    deadline_on: date = strawberry.field(
        description="The last day to resolve it: the policy's working days after receipt"
    )
    deadline_provisional: bool = strawberry.field(
        description="True when the official holiday calendar for that year was not yet known"
    )
    quarter: str = strawberry.field(description="The quarter it was received in, 2026-Q3")
    handler_id: strawberry.ID | None
    response: str | None = strawberry.field(description="The handler's latest response")
    responded_at: datetime | None
    resolved_on: date | None
    satisfaction: SatisfactionCode | None
    late: bool | None = strawberry.field(description="Resolved after the deadline (when resolved)")
    resolution_note: str | None
    overdue: bool = strawberry.field(
        description="Flagged overdue: it was still open after its deadline (stays true)"
    )
    overdue_on: date | None = strawberry.field(description="When it was found overdue")
    dismissed_reason: str | None
    dismissed_on: date | None
    filed_at: datetime
    updated_at: datetime
    version: int = strawberry.field(
        description="The complaint's version; send it as expectedVersion"
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Complaint:
        """The complaint as recorded; who sees the complainant and the filer is the fields'
        permissions' to decide, per caller."""
        anonymous = bool(row["anonymous"])
        complainant = None
        if not anonymous:
            complainant = Complainant(
                name=row["complainant_name"],
                agency=row["complainant_agency"],
                contact=row["complainant_contact"],
            )
        return from_row(cls, row, anonymous=anonymous, complainant=complainant)

    status_label: str = label_of(
        ComplaintStatusCode, "status", "The status's Chinese label, e.g. 已办结"
    )
    target_kind_label: str = label_of(
        TargetKindCode, "target_kind", "The target kind's Chinese label: 个人 or 科室"
    )
    filed_by_label: str = label_of(
        FiledByCode, "filed_by", "Who filed it: 服务对象本人 or 考核办代为登记"
    )
    satisfaction_label: str | None = label_of(
        SatisfactionCode, "satisfaction", "The satisfaction's Chinese label: 满意 or 不满意"
    )

    target_name: str | None = strawberry.field(
        resolver=_target_name,
        description="The name of the person or department complained about",
    )
    target_person: Person | None = _named_person(
        "target_kind", "target_id", "The person complained about (targetKind PERSON)"
    )

    department: Department | None = department_of(
        "department_id", "The department complained about, or the person's then"
    )

    handler: Person | None = person_of("handler_id", "Whom it is assigned to")

    @strawberry.field(description="Every step of its handling, oldest first")
    async def history(self, info: Info_) -> list[ComplaintHistoryEntry]:
        rows = await info.context.loaders.complaint_history.load(UUID(self.id))
        return [ComplaintHistoryEntry.from_row(r, self) for r in rows]


@strawberry.type(description="A page of complaints, latest received first")
class ComplaintConnection(CountedConnection[Complaint]):
    pass


@strawberry.type(description="A department's satisfaction result in the quarter's closed survey")
class SatisfactionResult:
    survey_id: strawberry.ID
    mean: Decimal | None
    count: int = strawberry.field(description="How many respondents scored the department")


@strawberry.type(
    description="The quarter's feedback about one department or person, as the reviews read it"
)
class FeedbackFacts:
    subject_kind: TargetKindCode = strawberry.field(description="DEPARTMENT or PERSON")
    subject_id: strawberry.ID
    name: str
    department_id: strawberry.ID | None = strawberry.field(
        description="The department itself, or the person's department in their latest feedback"
    )
    satisfaction: SatisfactionResult | None = strawberry.field(
        description="A department's result in the quarter's survey: null until the survey is "
        "closed, when nobody scored it, and for people"
    )
    praise_count: int
    complaints: int = strawberry.field(description="Complaints received in the quarter")
    handled_on_time: int = strawberry.field(description="Resolved by the deadline")
    handled_properly: int = strawberry.field(description="Resolved, the complainant satisfied")
    late: int = strawberry.field(description="Resolved after the deadline")
    dissatisfied: int = strawberry.field(description="Resolved, the complainant dissatisfied")
    dismissed: int = strawberry.field(description="Dismissed as unfounded (查无实据)")
    open: int = strawberry.field(description="Not yet resolved or dismissed")
    overdue: int = strawberry.field(
        description="Still open and flagged past the deadline (once resolved they count as late)"
    )

    subject_kind_label: str = label_of(
        TargetKindCode, "subject_kind", "The subject kind's Chinese label: 科室 or 个人"
    )

    person: Person | None = _named_person(
        "subject_kind", "subject_id", "The person (subjectKind PERSON)"
    )

    department: Department | None = department_of(
        "department_id", "The department, or the person's department"
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> FeedbackFacts:
        satisfaction = None
        if row["survey_id"] is not None and row["result_count"]:
            satisfaction = SatisfactionResult(
                survey_id=strawberry.ID(str(row["survey_id"])),
                mean=row["mean"],
                count=row["result_count"],
            )
        return from_row(
            cls,
            row,
            subject_kind=TargetKindCode(row["kind"]),
            satisfaction=satisfaction,
        )


@strawberry.type(description="A page of feedback facts: departments first, then people, by name")
class FeedbackFactsConnection(CountedConnection[FeedbackFacts]):
    quarter: str
    survey: Survey | None = strawberry.field(
        description="The quarter's survey, if opened: the quarter's appraisal starts once it is "
        "closed"
    )
