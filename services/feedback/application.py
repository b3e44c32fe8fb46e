"""The feedback service's commands against its event store."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Self
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import EnvType

from kernel.calendar import add_working_days
from kernel.context import CommandContext, acting, current_context
from kernel.errors import (
    ConflictError,
    DomainError,
    RuleViolatedError,
)
from kernel.store import Committed, ServiceApplication
from services.directory.reader import OrgChart, Unit
from services.directory.vocabulary import DepartmentCategory
from services.feedback.anonymity import (
    ANONYMOUS_FILER,
    DisclosureKeyError,
    key_id,
    load_or_create_disclosure_key,
    open_seal,
    seal,
)
from services.feedback.domain import (
    Complaint,
    FeedbackPolicy,
    Praise,
    Survey,
    check_praised_by,
    quarter_of,
)
from services.feedback.vocabulary import FiledBy, Satisfaction, TargetKind

CSV_FIXED = ("respondent_agency", "respondent", "comment")
# The process's composition root passes the key file its settings name; tests may keep this one.
DISCLOSURE_KEY_FILE = Path(".kaohe") / "keys" / "disclosure" / "filer-disclosure.pem"


def anonymous_filing(ctx: CommandContext) -> CommandContext:
    """The context an anonymous complaint is filed in: the pseudonym as actor, a correlation of
    its own (the request's would link it to the filer's other commands) and no causation.
    """
    return dataclasses.replace(
        ctx, actor_id=ANONYMOUS_FILER, correlation_id=uuid4(), causation_id=None
    )


class Feedback(ServiceApplication):
    """Surveys, praise and complaints, and the unit's feedback policy."""

    name = "feedback"
    schema: ClassVar[str] = "feedback"

    def __init__(
        self,
        org: OrgChart,
        disclosure_key_file: Path = DISCLOSURE_KEY_FILE,
        env: EnvType | None = None,
    ) -> None:
        super().__init__(env)
        self.org = org
        self.disclosure_key_file = disclosure_key_file
        self._disclosure_key: X25519PrivateKey | None = None

    @classmethod
    def on_postgres(
        cls,
        database_url: str,
        *,
        org: OrgChart,
        disclosure_key_file: Path = DISCLOSURE_KEY_FILE,
    ) -> Self:
        """The feedback service on the PostgreSQL at `database_url`, deciding with `org` and
        sealing anonymous filers' identities with the key at `disclosure_key_file`."""
        return cls(org, disclosure_key_file, env=cls.postgres_env(database_url))

    def get_survey(self, survey_id: UUID) -> Survey:
        """A survey, or NotFoundError."""
        return self.get_aggregate(Survey, survey_id, None, "survey")

    def get_complaint(self, complaint_id: UUID) -> Complaint:
        """A complaint, or NotFoundError."""
        return self.get_aggregate(Complaint, complaint_id, None, "complaint")

    # -- policy --

    def policy(self, unit_id: UUID) -> tuple[int, Decimal, Decimal]:
        """The unit's handling deadline (working days) and survey scale."""
        policy = self.find(FeedbackPolicy, FeedbackPolicy.create_id(unit_id))
        if policy is None:
            low, high = FeedbackPolicy.DEFAULT_SCALE
            return FeedbackPolicy.DEFAULT_HANDLING_DAYS, low, high
        return policy.handling_days, *policy.scale

    def set_policy(
        self, unit_id: UUID, handling_days: int, scale_low: Decimal, scale_high: Decimal
    ) -> Committed:
        """Configure the unit's deadline and scale."""
        FeedbackPolicy.check(handling_days, scale_low, scale_high)
        policy = self.find(FeedbackPolicy, FeedbackPolicy.create_id(unit_id))
        if policy is None:
            policy = FeedbackPolicy(unit_id, handling_days, str(scale_low), str(scale_high))
        else:
            policy.change(handling_days, scale_low, scale_high)
        return self.commit(policy, result={"policy_id": str(policy.id)})

    # -- surveys --

    def open_survey(
        self, unit_id: UUID, quarter: str, department_ids: list[UUID] | None
    ) -> Committed:
        """Open the quarter's survey of the service departments (all of them by default)."""
        survey_id = Survey.create_id(unit_id, quarter)
        if self.find(Survey, survey_id) is not None:
            raise ConflictError(
                "feedback.one_survey_per_quarter", f"the {quarter} survey exists", field="quarter"
            )
        unit = self.org.unit(unit_id)
        if department_ids:
            departments = [(d, unit.department(d, "department_ids").name) for d in department_ids]
        else:
            departments = [
                (d.id, d.name)
                for d in unit.departments.values()
                if d.category is DepartmentCategory.SERVICE
            ]
        _, low, high = self.policy(unit_id)
        survey = Survey.open(unit_id, quarter, unit.name, departments, low, high)
        return self.commit(survey, result={"survey_id": str(survey.id)})

    def record_response(self, survey_id: UUID, response: dict[str, Any]) -> Committed:
        """Record one response."""
        survey = self.get_survey(survey_id)
        ids = survey.record_responses([response], "FORM")
        return self.commit(survey, result={"survey_id": str(survey.id), "response_ids": ids})

    def import_responses(
        self, survey_id: UUID, csv_text: str
    ) -> tuple[Committed | None, dict[str, Any]]:
        """Import a survey platform's CSV export, row by row: valid rows are recorded together,
        rejected rows are reported with their line, field and reason.

        Columns: respondent_agency, respondent (optional), comment (optional), and one column
        per department, headed by the department's name as in the survey; an empty cell means
        the respondent did not score that department.
        """
        survey = self.get_survey(survey_id)
        survey.check_open()
        by_name = {name: department_id for department_id, name in survey.departments.items()}
        reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
        unknown = [h for h in reader.fieldnames or [] if h not in CSV_FIXED and h not in by_name]
        if unknown or "respondent_agency" not in (reader.fieldnames or []):
            raise RuleViolatedError(
                "feedback.csv_columns",
                "the CSV needs a respondent_agency column and one column per surveyed "
                f"department ({', '.join(by_name)}); unknown columns: {', '.join(unknown) or '-'}",
                field="csv",
            )
        accepted: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for line, row in enumerate(reader, start=2):
            scores = {
                str(by_name[name]): (row.get(name) or "").strip()
                for name in by_name
                if (row.get(name) or "").strip()
            }
            response = {
                "respondent_agency": row.get("respondent_agency"),
                "respondent": row.get("respondent") or None,
                "comment": row.get("comment") or None,
                "scores": scores,
            }
            try:
                for department, score in scores.items():
                    try:
                        finite = Decimal(score).is_finite()
                    except ArithmeticError:
                        finite = False
                    if not finite:  # NaN would fail every comparison with the scale later
                        raise RuleViolatedError(
                            "feedback.score_is_number",
                            f"{score!r} is not a number",
                            field=f"scores.{department}",
                        )
                accepted.append(survey.check_response(response))
            except DomainError as error:
                rejected.append(
                    {
                        "line": line,
                        "rule": error.rule,
                        "field": error.field,
                        "message": error.message,
                    }
                )
        report = {"accepted": len(accepted), "rejected": rejected}
        if not accepted:
            return None, report
        survey.record_responses(accepted, "CSV_IMPORT")
        committed = self.commit(survey, result={"survey_id": str(survey.id), **report})
        return committed, report

    def close_survey(self, survey_id: UUID, expected_version: int | None = None) -> Committed:
        """Close the survey, fixing each department's result."""
        survey = self.get_aggregate(Survey, survey_id, expected_version, "survey")
        survey.close()
        return self.commit(survey, result={"survey_id": str(survey.id)})

    # -- praise --

    def _department_for(
        self, unit_id: UUID, kind: TargetKind, target_id: UUID, on: date
    ) -> UUID | None:
        def question(unit: Unit) -> UUID | None:
            if kind is TargetKind.DEPARTMENT:
                unit.department(target_id, "target_id")
                return target_id
            unit.person(target_id, "target_id")
            return unit.department_of(target_id, on)

        return self.org.ask(unit_id, question)

    def record_praise(
        self,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        source: str,
        what_happened: str,
        occurred_on: date,
        today: date,
    ) -> Committed:
        """Record praise (表扬) of a person or department, for something that has happened."""
        check_praised_by(occurred_on, today)
        department_id = self._department_for(unit_id, target_kind, target_id, occurred_on)
        praise = Praise(
            unit_id,
            target_kind,
            target_id,
            department_id,
            source,
            what_happened,
            occurred_on,
            quarter_of(occurred_on),
        )
        return self.commit(praise, result={"praise_id": str(praise.id)})

    # -- complaints --

    def file_complaint(
        self,
        unit_id: UUID,
        target_kind: TargetKind,
        target_id: UUID,
        filed_by: FiledBy,
        complainant: dict[str, Any] | None,
        content: str,
        received_on: date,
        today: date,
        filer_details: dict[str, str] | None = None,
    ) -> Committed:
        """File a complaint; its deadline counts the unit's working days from receipt.

        An anonymous one (no complainant) is recorded under the pseudonym, its filer (the
        command's actor, and `filer_details` such as login and name) sealed in the complaint.
        """
        department_id = self._department_for(unit_id, target_kind, target_id, received_on)
        days, _, _ = self.policy(unit_id)
        deadline = add_working_days(received_on, days)
        anonymous = complainant is None
        ctx = current_context()
        with acting(anonymous_filing(ctx) if anonymous else ctx):
            complaint = Complaint.file(
                unit_id,
                target_kind,
                target_id,
                department_id,
                filed_by,
                complainant,
                content,
                received_on,
                deadline.due_on,
                deadline.provisional,
                today,
            )
            if anonymous:
                filer = {
                    "actor_id": str(ctx.actor_id),
                    "actor_role": ctx.actor_role.value,
                    **(filer_details or {}),
                }
                public = self.disclosure_key().public_key()
                complaint.seal_filer(seal(public, complaint.id, filer), key_id(public))
        return self.commit(
            complaint,
            result={"complaint_id": str(complaint.id), "deadline_on": deadline.due_on.isoformat()},
        )

    def disclosure_key(self) -> X25519PrivateKey:
        """The disclosure authority's key (see `services.feedback.anonymity`)."""
        if self._disclosure_key is None:
            self._disclosure_key = load_or_create_disclosure_key(self.disclosure_key_file)
        return self._disclosure_key

    def disclose_filer(
        self, complaint_id: UUID, expected_version: int | None = None
    ) -> tuple[Committed, dict[str, Any]]:
        """Open an anonymous complaint's sealed filer, recording the opening first; refused
        (nothing recorded) if the seal does not open with the key this service holds.
        """
        complaint = self.get_aggregate(Complaint, complaint_id, expected_version, "complaint")
        if complaint.sealed_filer is None:
            complaint.disclose_filer()  # refuses, naming the rule
        assert complaint.sealed_filer is not None
        try:
            filer = open_seal(self.disclosure_key(), complaint.id, complaint.sealed_filer)
        except DisclosureKeyError:
            raise ConflictError(
                "feedback.disclosure_key_opens_seal",
                "the seal does not open with the disclosure key this service holds "
                "(KAOHE_DISCLOSURE_KEY_FILE): the authority's key was replaced or is missing",
                field="complaint_id",
            ) from None
        complaint.disclose_filer()
        return self.commit(complaint, result={"complaint_id": str(complaint.id)}), filer

    def assign_complaint(
        self, complaint_id: UUID, handler_id: UUID, expected_version: int | None = None
    ) -> Committed:
        """Assign a complaint to the person who must handle it."""

        def assign(complaint: Complaint) -> None:
            self.org.ask(complaint.unit_id, lambda unit: unit.person(handler_id, "handler_id"))
            complaint.assign(handler_id)

        return self._complaint_command(complaint_id, expected_version, assign)

    def respond_to_complaint(
        self, complaint_id: UUID, actor_id: UUID, response: str, expected_version: int | None = None
    ) -> Committed:
        """The handler's response."""
        return self._complaint_command(
            complaint_id, expected_version, lambda c: c.respond(actor_id, response)
        )

    def resolve_complaint(
        self,
        complaint_id: UUID,
        satisfaction: Satisfaction,
        resolved_on: date,
        note: str | None,
        today: date,
        expected_version: int | None = None,
    ) -> Committed:
        """Resolve, recording the complainant's satisfaction."""
        return self._complaint_command(
            complaint_id,
            expected_version,
            lambda c: c.resolve(satisfaction, resolved_on, note, today),
        )

    def dismiss_complaint(
        self, complaint_id: UUID, reason: str, on: date, expected_version: int | None = None
    ) -> Committed:
        """Dismiss as unfounded, with the reason."""
        return self._complaint_command(
            complaint_id, expected_version, lambda c: c.dismiss(reason, on)
        )

    def _complaint_command(
        self, complaint_id: UUID, expected: int | None, act: Callable[[Complaint], None]
    ) -> Committed:
        complaint = self.get_aggregate(Complaint, complaint_id, expected, "complaint")
        act(complaint)
        return self.commit(complaint, result={"complaint_id": str(complaint.id)})

    def complaint_ids(self) -> list[UUID]:
        """Every complaint ever filed, in filing order (from this service's own log)."""
        return self.created_ids(Complaint.ComplaintFiled)  # type: ignore[attr-defined]

    def check_overdue(self, today: date, unit_id: UUID | None = None) -> list[UUID]:
        """Flag every open complaint past its deadline (of one unit, or of all), once; returns
        the ones flagged now.

        Safe to run twice, or twice at once: the aggregate flags only once, and of two concurrent
        flags only the first is recorded.
        """
        flagged = []
        for complaint_id in self.complaint_ids():
            complaint = self.get_complaint(complaint_id)
            if unit_id is not None and complaint.unit_id != unit_id:
                continue
            if complaint.check_overdue(today):
                try:
                    self.save(complaint)
                except IntegrityError:
                    continue  # someone else recorded a change first; the next run looks again
                flagged.append(complaint_id)
        return flagged
