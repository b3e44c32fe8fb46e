"""What an integration may see of the events: its scope, and the one classification of every
event type's personal fields.

A scope names event types (`events:kaohe.goals.*`, none named: every type) and classes of
personal fields (`fields:contact`); a field of a class outside the scope leaves Kaohe as null,
named in the event's `redacted` extension. `CLASSIFICATION` is the one home of which payload
field is personal and of what class, for every event type of the catalogue; a field it does not
know (a new event type, a new field) is `UNCLASSIFIED`, which no integration scope grants, so
nothing new leaks before someone classifies it (a unit test fails until they do).

Tokens carry the scope in the `scope` claim (RFC 9068: space-separated), e.g.
`events:kaohe.feedback.* fields:contact fields:opinions`; webhook subscriptions and the JetStream
relay carry their own. Auditors and administrators read every field (`FULL`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kernel.errors import RuleViolatedError
from kernel.labels import Labelled


class FieldClass(Labelled):
    """A class of personal fields; `label` is the Chinese term."""

    IDENTITY = "identity", "人员身份(姓名、登录名、匿名投诉人的密封身份)"
    CONTACT = "contact", "外部人员身份与联系方式(投诉人、表扬来源、问卷答卷人)"
    OPINIONS = "opinions", "评价与意见(投诉内容、答复、评语、异议理由、谈话记录)"
    SCORES = "scores", "评分与等次"
    SANCTIONS = "sanctions", "处分"
    WORK = "work", "本人工作记录(目标、进展、月小结、周报)"


# A field nobody classified yet: only FULL scopes (auditors, administrators) see it.
UNCLASSIFIED = "unclassified"

_I, _C, _O, _S, _X, _W = (
    FieldClass.IDENTITY,
    FieldClass.CONTACT,
    FieldClass.OPINIONS,
    FieldClass.SCORES,
    FieldClass.SANCTIONS,
    FieldClass.WORK,
)
NONE: frozenset[FieldClass] = frozenset()

# Every event type's payload fields: the classes a field belongs to (a consumer sees it only
# with all of them), or NONE (ids, dates, codes, counts: not personal beyond an id).
CLASSIFICATION: Mapping[str, Mapping[str, frozenset[FieldClass]]] = {
    "kaohe.directory.DepartmentHeadAppointed.v1": {
        "department_id": NONE,
        "effective_on": NONE,
        "ends_on": NONE,
        "person_id": NONE,
    },
    "kaohe.directory.DepartmentOpened.v1": {
        "category": NONE,
        "department_id": NONE,
        "name": NONE,
        "opened_on": NONE,
        "service_kind": NONE,
    },
    "kaohe.directory.OfficeRoleGranted.v1": {
        "effective_on": NONE,
        "ends_on": NONE,
        "person_id": NONE,
        "role": NONE,
    },
    "kaohe.directory.OfficeRoleRevoked.v1": {"effective_on": NONE, "person_id": NONE, "role": NONE},
    "kaohe.directory.PersonJoined.v1": {
        "department_id": NONE,
        "joined_on": NONE,
        "login": frozenset({_I}),
        "name": frozenset({_I}),
        "person_id": NONE,
        "position_category": NONE,
    },
    "kaohe.directory.PersonLeft.v1": {"effective_on": NONE, "person_id": NONE},
    "kaohe.directory.PersonMoved.v1": {
        "effective_on": NONE,
        "from_department_id": NONE,
        "person_id": NONE,
        "to_department_id": NONE,
    },
    "kaohe.directory.PlatformAuditorAppointed.v1": {
        "body": NONE,
        "effective_on": NONE,
        "login": frozenset({_I}),
        "name": frozenset({_I}),
        "person_id": NONE,
    },
    "kaohe.directory.PlatformAuditorRevoked.v1": {"effective_on": NONE, "person_id": NONE},
    "kaohe.directory.PrincipalLeaderAppointed.v1": {
        "effective_on": NONE,
        "ends_on": NONE,
        "person_id": NONE,
    },
    "kaohe.directory.Registered.v1": {"code": NONE, "name": NONE},
    "kaohe.directory.SupervisingLeaderAssigned.v1": {
        "department_ids": NONE,
        "effective_on": NONE,
        "ends_on": NONE,
        "leader_id": NONE,
    },
    "kaohe.feedback.ComplaintAssigned.v1": {"handler_id": NONE},
    "kaohe.feedback.ComplaintBecameOverdue.v1": {"deadline_on": NONE, "detected_on": NONE},
    "kaohe.feedback.ComplaintDismissed.v1": {"dismissed_on": NONE, "reason": frozenset({_O})},
    "kaohe.feedback.ComplaintFiled.v1": {
        "anonymous": NONE,
        "complainant": frozenset({_C}),
        "content": frozenset({_O}),
        "deadline_on": NONE,
        "deadline_provisional": NONE,
        "department_id": NONE,
        "filed_by": NONE,
        "quarter": NONE,
        "received_on": NONE,
        "target_id": NONE,
        "target_kind": NONE,
        "unit_id": NONE,
    },
    "kaohe.feedback.ComplaintFilerDisclosed.v1": {"disclosure": NONE},
    "kaohe.feedback.ComplaintFilerSealed.v1": {"key_id": NONE, "sealed_filer": frozenset({_I})},
    "kaohe.feedback.ComplaintResolved.v1": {
        "late": NONE,
        "note": frozenset({_O}),
        "resolved_on": NONE,
        "satisfaction": frozenset({_O}),
    },
    "kaohe.feedback.ComplaintResponded.v1": {"response": frozenset({_O})},
    "kaohe.feedback.PolicyChanged.v1": {
        "handling_days": NONE,
        "scale_high": NONE,
        "scale_low": NONE,
    },
    "kaohe.feedback.PolicySet.v1": {
        "handling_days": NONE,
        "scale_high": NONE,
        "scale_low": NONE,
        "unit_id": NONE,
    },
    "kaohe.feedback.PraiseRecorded.v1": {
        "department_id": NONE,
        "occurred_on": NONE,
        "quarter": NONE,
        "source": frozenset({_C}),
        "target_id": NONE,
        "target_kind": NONE,
        "unit_id": NONE,
        "what_happened": frozenset({_O}),
    },
    # Each response names its respondent and agency, their scores and their comment.
    "kaohe.feedback.ResponsesRecorded.v1": {"responses": frozenset({_C, _S, _O}), "source": NONE},
    # Results per department (means, counts): not about a person.
    "kaohe.feedback.SurveyClosed.v1": {"results": NONE, "rule": NONE},
    "kaohe.feedback.SurveyOpened.v1": {
        "departments": NONE,
        "quarter": NONE,
        "scale_high": NONE,
        "scale_low": NONE,
        "unit_id": NONE,
        "unit_name": NONE,
    },
    "kaohe.goals.Approved.v1": {
        "approved_by": NONE,
        "comment": frozenset({_O}),
        "relation": NONE,
        "version_number": NONE,
    },
    "kaohe.goals.Drafted.v1": {
        "department_id": NONE,
        "items": frozenset({_W}),
        "period": NONE,
        "person_id": NONE,
        "unit_id": NONE,
    },
    "kaohe.goals.Edited.v1": {"items": frozenset({_W})},
    "kaohe.goals.ItemCompleted.v1": {"item_id": NONE, "note": frozenset({_W})},
    "kaohe.goals.ItemDropped.v1": {"item_id": NONE, "reason": frozenset({_W})},
    "kaohe.goals.ProgressRecorded.v1": {
        "item_id": NONE,
        "note": frozenset({_W}),
        "percent": frozenset({_W}),
    },
    # Reference goals of the unit or a department, published by the office: nobody's own.
    "kaohe.goals.Published.v1": {
        "department_id": NONE,
        "items": NONE,
        "kind": NONE,
        "period": NONE,
        "title": NONE,
        "unit_id": NONE,
    },
    "kaohe.goals.Returned.v1": {
        "comments": frozenset({_O}),
        "relation": NONE,
        "returned_by": NONE,
    },
    "kaohe.goals.Revised.v1": {
        "items": frozenset({_W}),
        "reason": frozenset({_W}),
        "title": frozenset({_W}),
    },
    "kaohe.goals.RevisionApproved.v1": {
        "approved_by": NONE,
        "comment": frozenset({_O}),
        "relation": NONE,
        "version_number": NONE,
    },
    "kaohe.goals.RevisionProposed.v1": {"items": frozenset({_W}), "reason": frozenset({_W})},
    "kaohe.goals.RevisionRejected.v1": {
        "reason": frozenset({_O}),
        "rejected_by": NONE,
        "relation": NONE,
    },
    "kaohe.goals.Submitted.v1": {},
    "kaohe.goals.SummaryAmended.v1": {"reason": frozenset({_W}), "text": frozenset({_W})},
    "kaohe.goals.SummarySubmitted.v1": {
        "department_id": NONE,
        "month": NONE,
        "person_id": NONE,
        "text": frozenset({_W}),
        "unit_id": NONE,
    },
    # Entries name each member with their progress and monthly summary.
    "kaohe.goals.WeeklyReportCompiled.v1": {
        "department_id": NONE,
        "entries": frozenset({_I, _W}),
        "free_text": frozenset({_W}),
        "unit_id": NONE,
        "week": NONE,
    },
    "kaohe.goals.WeeklyReportPublished.v1": {
        "department_name": NONE,
        "entries": frozenset({_I, _W}),
        "free_text": frozenset({_W}),
    },
    "kaohe.goals.WeeklyReportRecompiled.v1": {
        "entries": frozenset({_I, _W}),
        "free_text": frozenset({_W}),
    },
    # The feedback facts fixed for each participant (complaints, praise, survey means).
    "kaohe.reviews.AppraisalBegan.v1": {"feedback": frozenset({_S})},
    "kaohe.reviews.AppraisalCreated.v1": {
        "cycle_id": NONE,
        "person_id": NONE,
        "quarter": NONE,
        "unit_id": NONE,
    },
    "kaohe.reviews.CycleOpened.v1": {
        # The locked configuration lists the participants by name.
        "config": frozenset({_I}),
        "opened_on": NONE,
        "participants": NONE,
        "quarter": NONE,
        "unit_id": NONE,
    },
    "kaohe.reviews.GradesFinalised.v1": {
        "grades": frozenset({_S}),
        "quota": NONE,
        "scores": frozenset({_S}),
    },
    "kaohe.reviews.GradesProposed.v1": {"grades": frozenset({_S}), "quota": NONE},
    "kaohe.reviews.ObjectionFiled.v1": {
        "filed_on": NONE,
        "objection_id": NONE,
        "person_id": NONE,
        "reason": frozenset({_O}),
    },
    "kaohe.reviews.ObjectionResolved.v1": {
        "grade_after": frozenset({_S}),
        "grade_before": frozenset({_S}),
        "objection_id": NONE,
        "person_id": NONE,
        "reason": frozenset({_O}),
        "resolved_on": NONE,
        "status": frozenset({_O}),
    },
    "kaohe.reviews.Rated.v1": {
        "opinion": frozenset({_O}),
        "rater_id": NONE,
        "relation": NONE,
        "required": NONE,
        "scores": frozenset({_S}),
    },
    "kaohe.reviews.ResultsConfirmed.v1": {"confirmed_on": NONE, "grades": frozenset({_S})},
    "kaohe.reviews.ResultsPublished.v1": {
        "ends_on": NONE,
        "objections_until": NONE,
        "published_on": NONE,
        "quarter": NONE,
        "results": frozenset({_S}),
    },
    # Who was sanctioned is itself the sanction: the person's id is of the class too.
    "kaohe.reviews.SanctionRecorded.v1": {
        "decided_on": frozenset({_X}),
        "document": frozenset({_X}),
        "ends_on": frozenset({_X}),
        "kind": frozenset({_X}),
        "person_id": frozenset({_X}),
        "unit_id": NONE,
    },
    "kaohe.reviews.SummarySubmitted.v1": {
        "extra_work": frozenset({_W}),
        "goal_set_version": NONE,
        "reports": frozenset({_W}),
    },
    "kaohe.reviews.TalkAcknowledged.v1": {"comment": frozenset({_O})},
    "kaohe.reviews.TalkRecorded.v1": {
        "grade": frozenset({_S}),
        "held_on": NONE,
        "improvements": frozenset({_O}),
        "leader_id": NONE,
        "reasons": frozenset({_O}),
        "relation": NONE,
        "shortcomings": frozenset({_O}),
    },
}

# Envelope extensions that are personal: the reason given for a command is free text.
EXTENSION_CLASSES: Mapping[str, frozenset[FieldClass]] = {"reason": frozenset({_O})}

TYPE_PATTERN = re.compile(
    r"^kaohe\.[a-z_]+\.[A-Za-z]+\.v[0-9]+$|^kaohe\.([a-z_]+\.([A-Za-z]+)?)?\*$"
)


def classes_of(event_type: str, field: str) -> frozenset[FieldClass] | str:
    """The classes of one payload field of an event type, or `UNCLASSIFIED`."""
    fields = CLASSIFICATION.get(event_type)
    if fields is None or field not in fields:
        return UNCLASSIFIED
    return fields[field]


def _matches(kind: str, pattern: str) -> bool:
    return kind.startswith(pattern[:-1]) if pattern.endswith("*") else kind == pattern


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which event types (None: all) and which classes of personal fields a consumer sees;
    `full`: every field, unclassified ones too (auditors, administrators).
    """

    classes: frozenset[FieldClass] = frozenset()
    types: frozenset[str] | None = None
    full: bool = False

    def allows_type(self, event_type: str) -> bool:
        """Whether the consumer receives events of this type at all."""
        return self.types is None or any(_matches(event_type, t) for t in self.types)

    def sees(self, classes: frozenset[FieldClass] | str) -> bool:
        """Whether a field of these classes is shown."""
        if self.full:
            return True
        if isinstance(classes, str):
            return False
        return classes <= self.classes

    def redact(self, event_type: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The payload with every field the scope does not cover set to null, and their names."""
        shown: dict[str, Any] = {}
        redacted: list[str] = []
        for field, value in data.items():
            if value is None or self.sees(classes_of(event_type, field)):
                shown[field] = value
            else:
                shown[field] = None
                redacted.append(field)
        return shown, redacted

    def tokens(self) -> list[str]:
        """The scope as claim tokens (the inverse of `parse_scope`)."""
        if self.full:
            return ["fields:*", "events:*"]
        found = [f"fields:{c.value}" for c in sorted(self.classes)]
        return found + [f"events:{t}" for t in sorted(self.types or ())]

    def describe(self) -> str:
        """The scope in words, for messages and logs."""
        return " ".join(self.tokens()) or "no personal fields, every event type"


# The default of every integration channel: every event type, no personal field.
NO_PERSONAL_FIELDS = Scope()
FULL = Scope(classes=frozenset(FieldClass), full=True)


def parse_scope(tokens: Iterable[str], field: str = "scope", strict: bool = True) -> Scope:
    """A scope from tokens `fields:<class>` (`fields:*`: every class) and `events:<type or
    prefix>`; space-separated strings are split. Strict: an unknown token is refused naming
    `field`; lenient (reading a token someone else minted): it grants nothing.
    """
    classes: set[FieldClass] = set()
    types: set[str] = set()
    for token in (t for chunk in tokens for t in chunk.replace(",", " ").split()):
        kind, _, value = token.partition(":")
        if kind == "fields" and value == "*":
            classes.update(FieldClass)
        elif kind == "fields" and value in {c.value for c in FieldClass}:
            classes.add(FieldClass(value))
        elif kind == "events" and TYPE_PATTERN.fullmatch(value):
            types.add(value)
        elif strict:
            known = ", ".join(c.value for c in FieldClass)
            raise RuleViolatedError(
                "integrations.scope",
                f"{field}: {token!r} is neither fields:<class> (one of {known}, or *) nor "
                "events:<type or prefix> like events:kaohe.goals.*",
                field=field,
            )
    return Scope(classes=frozenset(classes), types=frozenset(types) if types else None)
