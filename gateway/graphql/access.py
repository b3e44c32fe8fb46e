"""May this caller read this record: the GraphQL gateway's read rules, in one place.

Each rule is a pure function of the caller (`kernel.context.Actor`) and the record's facts, so a
test can state it without a server; a refusal is the one error shape (`forbidden`), carrying the
rule's name. Where a whole field is refused by role or unit the rule is a strawberry permission
class on the field (`permission_classes=[...]`), checked before its resolver reads anything;
where only some values are withheld (who complained, who responded to a survey) the field's
permission fails silently to null. Permission classes here never add schema directives: the
published SDL stays as it is.

Why here and not in each service's domain: these rules are about reading the projections, which
only the gateway does; the services decide commands. Where a list is filtered in SQL by who may
read it, the SQL twin sits beside its Python rule (`weekly_report_sql`, `objection_sql`,
`unit_sql`), and tests/integration/test_read_access.py checks that each pair agrees.
Who manages whom, which the reviews' appraisal view asks (`gateway/reviews/access.py`
`managed_by`), is the org chart's rule, with its own home and twins
(`services/directory/managers.py`).

The rules, with the names their refusals carry:

- `gateway.read_own_unit` (missing relation MEMBER_OF_UNIT): a caller reads a unit's records
  only as a member of it (their token's unit) or as a platform reader, the platform
  administrator or a platform auditor on a platform-scope token (`Actor.reads_unit`, the
  kernel's, which the services' REST reads share). A field naming the unit in its arguments
  carries the `ReadsUnit` permission; a record found by its id is checked by its resolver once
  the row says its unit (`Context.ensure_unit`). Lists of units are filtered likewise.
- `gateway.auditor_only` (missing role AUDITOR): the audit trail, dossiers, the access log,
  checkpoints, keys and proofs. A unit's auditor is further confined to their unit.
- `gateway.quarantine_readers` (missing role APPRAISAL_OFFICE): events the read side set aside,
  for 考核办, auditors and administrators.
- `reviews.progress_for_office`, `reviews.history_for_office`, `reviews.sanctions_for_office`,
  `reviews.year_for_office` (missing role APPRAISAL_OFFICE): a cycle's progress and history,
  sanctions and the annual view are for those who see a whole cycle: the unit's 考核办,
  principal leader and auditors, and platform readers (`sees_whole_unit`).
- A participant's appraisal (no refusal: filtered out, or fields null): FULL for those who see
  the whole cycle and for the people's managers today, OWN for the appraisee, PUBLISHED (the
  grade) for the unit once published (`gateway/reviews/access.py`).
- Objections: those who see the whole cycle read all of a cycle's; anyone else their own.
- Weekly reports: published ones for the unit; compiled ones for platform readers, 考核办 and
  the unit's auditors.
- Identities: who complained (and who filed a served cadre's complaint) and who responded to a
  survey, for 考核办, auditors and administrators only; an anonymous filer for nobody.
- `integrations.office_manages_webhooks`: the unit's 考核办 manages its webhooks; platform
  readers also read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.field import StrawberryField

from kernel.context import Actor
from kernel.roles import Role

if TYPE_CHECKING:
    from gateway.graphql.plumbing import Info_ as Info


def forbidden(
    message: str, *, rule: str, missing_relation: str | None = None, missing_role: str | None = None
) -> GraphQLError:
    """A refusal in the one error shape, as GraphQL error extensions."""
    return GraphQLError(
        message,
        extensions={
            "code": "FORBIDDEN",
            "status": 403,
            "rule": rule,
            "missing_relation": missing_relation,
            "missing_role": missing_role,
        },
    )


# --- the rules, over the caller ---------------------------------------------------------------


def require_unit(actor: Actor, unit_id: UUID) -> None:
    """Refuse reading a unit the caller does not belong to (`gateway.read_own_unit`)."""
    if actor.reads_unit(unit_id):
        return
    raise forbidden(
        f"the caller belongs to unit {actor.tenant_id}, not {unit_id}"
        + (
            " (a unit's auditor reads their own unit; platform auditors are appointed by "
            "the platform administrator)"
            if actor.has(Role.AUDITOR)
            else ""
        ),
        rule="gateway.read_own_unit",
        missing_relation="MEMBER_OF_UNIT",
    )


def sees_identities(actor: Actor) -> bool:
    """Who complained or responded to a survey: only 考核办, auditors and administrators."""
    return actor.has(Role.APPRAISAL_OFFICE) or actor.has(Role.AUDITOR) or actor.has(Role.ADMIN)


def sees_filer(actor: Actor, *, anonymous: bool, filed_by_cadre: bool) -> bool:
    """Whether the caller sees who filed a complaint: a served cadre who filed anonymously
    nobody, one who filed in their own name those who see identities; the office registering
    a complaint on someone's behalf everyone."""
    if not filed_by_cadre:
        return True
    return not anonymous and sees_identities(actor)


def sees_whole_unit(actor: Actor, unit_id: UUID) -> bool:
    """The office, the principal leader and auditors of the unit, platform auditors and
    administrators see every participant of the unit's cycles."""
    if actor.reads_every_unit():
        return True
    if actor.tenant_id != unit_id:
        return False
    # The unit's own auditors (granted by its office) read the whole of their unit.
    return (
        actor.has(Role.APPRAISAL_OFFICE)
        or actor.has(Role.PRINCIPAL_LEADER)
        or actor.has(Role.AUDITOR)
    )


def sees_draft_reports(actor: Actor) -> bool:
    """Compiled (unpublished) weekly reports, past `require_unit`: platform readers, 考核办 and
    auditors (an auditor past `require_unit` is this unit's or the platform's)."""
    return actor.reads_every_unit() or actor.has(Role.APPRAISAL_OFFICE) or actor.has(Role.AUDITOR)


def reads_weekly_report(actor: Actor, *, published: bool) -> bool:
    """Whether the caller reads a weekly report of a unit they read."""
    return sees_draft_reports(actor) or published


def weekly_report_sql(sees_drafts: str, published: str) -> str:
    """`reads_weekly_report` in SQL: `sees_drafts` a boolean parameter bound to
    `sees_draft_reports(actor)`, `published` whether the row is published."""
    return f"({sees_drafts}::bool OR {published})"


def reads_objection(actor: Actor, unit_id: UUID, objector: UUID) -> bool:
    """Whether the caller reads an objection to a cycle of a unit they read: those who see
    the whole cycle all of them, anyone else their own."""
    return sees_whole_unit(actor, unit_id) or objector == actor.person_id


def objection_sql(everyone: str, caller: str, objector: str = "person_id") -> str:
    """`reads_objection` in SQL: `everyone` bound to `sees_whole_unit(actor, unit)`, `caller`
    to the caller's person id, over the row's `objector` column."""
    return f"({everyone}::bool OR {objector} = {caller}::uuid)"


def readable_units(actor: Actor) -> tuple[bool, UUID | None]:
    """What `unit_sql` is bound to for the caller: every unit, else their own."""
    every = actor.reads_every_unit()
    return every, None if every else actor.tenant_id


def unit_sql(every: str, own: str, unit: str = "id") -> str:
    """`Actor.reads_unit` over a list in SQL: `every` and `own` bound to `readable_units`,
    over the row's `unit` column."""
    return f"({every}::bool OR {unit} = {own}::uuid)"


def require_office_of(actor: Actor, unit_id: object) -> None:
    """Only the unit's appraisal office (考核办) manages its webhooks."""
    if not actor.has(Role.APPRAISAL_OFFICE):
        raise forbidden(
            f"managing webhooks needs the role {Role.APPRAISAL_OFFICE.value} "
            f"({Role.APPRAISAL_OFFICE.label})",
            rule="integrations.office_manages_webhooks",
            missing_role=Role.APPRAISAL_OFFICE.value,
        )
    if actor.tenant_id != unit_id:
        raise forbidden(
            f"the caller's office is of unit {actor.tenant_id}, not {unit_id}",
            rule="integrations.office_manages_webhooks",
            missing_relation="MEMBER_OF_UNIT",
        )


def require_webhook_reader_of(actor: Actor, unit_id: object) -> None:
    """The unit's office reads its webhooks' record; platform auditors and administrators
    every unit's."""
    if actor.reads_every_unit():
        return
    require_office_of(actor, unit_id)


# --- the rules as strawberry permissions on fields --------------------------------------------


class ReadsUnit(BasePermission):
    """A field over one unit's records, the unit named by its `unitId` argument: refused by
    `gateway.read_own_unit` (`require_unit`) before the resolver reads anything. No unit
    named, or not an id, and the resolver answers (it refuses a malformed id, INVALID_INPUT)."""

    argument = "unit_id"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        try:
            unit = UUID(str(kwargs[self.argument]))
        except (KeyError, ValueError):
            return True
        require_unit(info.context.actor, unit)
        return True


class ReadsUnitById(ReadsUnit):
    """`ReadsUnit` for the `unit` field, whose argument is the unit's `id`."""

    argument = "id"


class _Refusal(BasePermission):
    """A permission refused in our error shape: `message`, `rule`, `missing_role`."""

    rule: str
    missing_role: Role

    def on_unauthorized(self) -> None:
        raise forbidden(self.message or "", rule=self.rule, missing_role=self.missing_role.value)


class AuditorOnly(_Refusal):
    """The audit reads (`gateway.auditor_only`)."""

    message = f"this query needs the role {Role.AUDITOR.value} ({Role.AUDITOR.label})"
    rule = "gateway.auditor_only"
    missing_role = Role.AUDITOR

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.actor.has(Role.AUDITOR)


class ProofsAuditorOnly(AuditorOnly):
    """Checkpoints, keys and proofs (`gateway.auditor_only`, their own wording)."""

    message = f"audit proofs need the role AUDITOR ({Role.AUDITOR.label})"


QUARANTINE_READERS = (Role.APPRAISAL_OFFICE, Role.AUDITOR, Role.ADMIN)


class QuarantineReaders(_Refusal):
    """Events the read side set aside (`gateway.quarantine_readers`)."""

    message = "this query needs the role " + " or ".join(
        f"{r.value} ({r.label})" for r in QUARANTINE_READERS
    )
    rule = "gateway.quarantine_readers"
    missing_role = Role.APPRAISAL_OFFICE

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return any(info.context.actor.has(r) for r in QUARANTINE_READERS)


class _WholeUnit(_Refusal):
    """A field for those who see a whole cycle of the unit (`sees_whole_unit`); a caller of
    another unit is refused by `gateway.read_own_unit` first. The unit is the `unit_id`
    argument, or the source's (a cycle's fields)."""

    what: str
    missing_role = Role.APPRAISAL_OFFICE
    of_source = False

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        try:
            unit = UUID(str(source.unit_id if self.of_source else kwargs["unit_id"]))
        except ValueError:
            return True  # no unit at all: the resolver refuses the argument (INVALID_INPUT)
        actor = info.context.actor
        require_unit(actor, unit)
        return sees_whole_unit(actor, unit)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.message = (
            f"{cls.what} is for the appraisal office (考核办), the principal leader and auditors"
        )


class CycleProgressReaders(_WholeUnit):
    what = "the cycle's progress"
    of_source = True
    rule = "reviews.progress_for_office"


class CycleHistoryReaders(_WholeUnit):
    what = "the cycle's history"
    of_source = True
    rule = "reviews.history_for_office"


class SanctionReaders(_WholeUnit):
    what = "the record of sanctions"
    rule = "reviews.sanctions_for_office"


class AnnualViewReaders(_WholeUnit):
    what = "the annual view (it carries everyone's scores)"
    rule = "reviews.year_for_office"


class SeesIdentities(BasePermission):
    """Who complained or responded (`sees_identities`); anyone else reads null."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return sees_identities(info.context.actor)


class SeesFiler(BasePermission):
    """Who filed a complaint, on a source that knows `anonymous` and `filed_by_cadre`
    (`sees_filer`); anyone else reads null."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return sees_filer(
            info.context.actor, anonymous=source.anonymous, filed_by_cadre=source.filed_by_cadre
        )


class _Withheld(PermissionExtension):
    """Fails silently to null, a list too (strawberry's own answers [] for a list field)."""

    def apply(self, field: StrawberryField) -> None:
        super().apply(field)
        self.return_empty_list = False


def withheld(permission: type[BasePermission], description: str | None = None) -> Any:
    """A field whose value is null for a caller `permission` refuses (no error: the record is
    readable, this part of it is not)."""
    return strawberry.field(
        description=description,
        extensions=[_Withheld([permission()], use_directives=False, fail_silently=True)],
    )
