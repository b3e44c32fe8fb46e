"""The role matrix's table: operation -> role -> (answer on the caller's own unit, on another).

ALLOWED: it answered; EMPTY: nothing, no error; CODE:rule: refused so; REFUSED: any refusal or
nothing; `a|b`: either (the auditor's proofs and checkpoints answer once the background worker
has signed checkpoints, which depends on the time and on what ran before in the session's
database). An integration's token is refused every query and mutation
(gateway.integrations_read_events: it reads events, within its scope). Operations with no
argument naming a unit or a record (me, units, myApprovalQueue, auditKeys...) send the same
request in both columns. CONFLICT:kernel.optimistic_concurrency: the command was decided against
a version the record never had (its unit and role were checked first); see test_role_matrix.py.

Each row is written as the rule it follows (a read scoped to the caller's unit, a command for
some roles...) plus the roles that answer otherwise, so that a cell differing from its
neighbours stands out; `row` spells out every role, so the test still compares every cell.
"""

from __future__ import annotations

from kernel.roles import Role

Cell = tuple[str, str]

READ_OWN_UNIT = "FORBIDDEN:gateway.read_own_unit"
SAME_UNIT = "FORBIDDEN:kernel.same_unit"
ROLE_REQUIRED = "FORBIDDEN:kernel.role_required"
STALE = "CONFLICT:kernel.optimistic_concurrency"
AUDITOR_ONLY = "FORBIDDEN:gateway.auditor_only"
OFFICE_WEBHOOKS = "FORBIDDEN:integrations.office_manages_webhooks"
PLATFORM_AUDITOR_BY_ADMIN = "FORBIDDEN:directory.platform_auditor_by_admin"
INTEGRATION_REFUSED = "FORBIDDEN:gateway.integrations_read_events"


def both(answer: str) -> Cell:
    """The same answer on the caller's own unit and on another."""
    return (answer, answer)


def row(default: Cell, **roles: Cell) -> dict[Role, Cell]:
    """Every role's cell: the one named for it, else `default`; an integration is always refused."""
    unknown = set(roles) - {role.name for role in Role}
    assert not unknown, f"no such role: {unknown}"
    cells = {role: roles.get(role.name, default) for role in Role}
    cells[Role.INTEGRATION] = both(INTEGRATION_REFUSED)
    return cells


def read_in_unit(**roles: Cell) -> dict[Role, Cell]:
    """A read scoped to the caller's unit: an auditor's other unit is any refusal, an admin's
    every unit answers."""
    return row(
        ("ALLOWED", READ_OWN_UNIT),
        **{"AUDITOR": ("ALLOWED", "REFUSED"), "ADMIN": both("ALLOWED"), **roles},
    )


def unit_command(own: str = STALE, **roles: Cell) -> dict[Role, Cell]:
    """A command any role of the unit may give: `own` on its unit, the unit boundary on another;
    an admin belongs to no unit."""
    return row((own, SAME_UNIT), **{"ADMIN": both(SAME_UNIT), **roles})


def command_for(*allowed: Role, own: str = STALE, **roles: Cell) -> dict[Role, Cell]:
    """A command only the `allowed` roles may give (`own` on their unit); the others, an admin
    included unless named, are refused for their role on any unit."""
    granted = {role.name: (own, SAME_UNIT) for role in allowed}
    return row(both(ROLE_REQUIRED), **{**granted, **roles})


def auditor_only(auditor: Cell) -> dict[Role, Cell]:
    """A read of the audit side: only an auditor, whose cell is `auditor`."""
    return row(both(AUDITOR_ONLY), AUDITOR=auditor)


def webhooks(own: str = "ALLOWED", **roles: Cell) -> dict[Role, Cell]:
    """The appraisal office manages its unit's webhooks: `own` on its unit."""
    return row(both(OFFICE_WEBHOOKS), **{"APPRAISAL_OFFICE": (own, OFFICE_WEBHOOKS), **roles})


EXPECTED: dict[str, dict[Role, Cell]] = {
    "query.me": row(both("ALLOWED"), SERVED_CADRE=both("EMPTY"), ADMIN=both("EMPTY")),
    "query.units": row(both("ALLOWED")),
    "query.unit": read_in_unit(),
    "query.department": read_in_unit(),
    "query.person": read_in_unit(),
    "query.people": read_in_unit(),
    "query.managers": read_in_unit(),
    "query.goalSets": read_in_unit(),
    "query.goalSet": read_in_unit(),
    "query.myApprovalQueue": row(both("EMPTY")),
    "query.goalHistory": read_in_unit(),
    "query.referenceGoals": row(("EMPTY", READ_OWN_UNIT), ADMIN=both("EMPTY")),
    "query.monthlySummaries": read_in_unit(),
    "query.weeklyReports": row(
        ("EMPTY", READ_OWN_UNIT),
        APPRAISAL_OFFICE=("ALLOWED", READ_OWN_UNIT),
        AUDITOR=("ALLOWED", "REFUSED"),
        ADMIN=both("ALLOWED"),
    ),
    "query.feedbackPolicy": row(("EMPTY", READ_OWN_UNIT), ADMIN=both("EMPTY")),
    "query.surveys": read_in_unit(),
    "query.survey": read_in_unit(),
    "query.praise": row(("EMPTY", READ_OWN_UNIT), ADMIN=both("EMPTY")),
    "query.complaints": read_in_unit(),
    "query.complaint": read_in_unit(),
    "query.feedbackFacts": read_in_unit(),
    "query.reviewCycles": read_in_unit(),
    "query.reviewCycle": read_in_unit(),
    "query.personAppraisals": read_in_unit(SERVED_CADRE=("EMPTY", READ_OWN_UNIT)),
    "query.sanctions": row(
        ("FORBIDDEN:reviews.sanctions_for_office", READ_OWN_UNIT),
        PRINCIPAL_LEADER=("EMPTY", READ_OWN_UNIT),
        APPRAISAL_OFFICE=("EMPTY", READ_OWN_UNIT),
        AUDITOR=("EMPTY", READ_OWN_UNIT),
        ADMIN=both("EMPTY"),
    ),
    "query.annualAppraisal": read_in_unit(
        APPRAISEE=("FORBIDDEN:reviews.year_for_office", READ_OWN_UNIT),
        DEPARTMENT_HEAD=("FORBIDDEN:reviews.year_for_office", READ_OWN_UNIT),
        SUPERVISING_LEADER=("FORBIDDEN:reviews.year_for_office", READ_OWN_UNIT),
        SERVED_CADRE=("FORBIDDEN:reviews.year_for_office", READ_OWN_UNIT),
    ),
    "query.webhookSubscriptions": webhooks(
        AUDITOR=(OFFICE_WEBHOOKS, "REFUSED"), ADMIN=both("ALLOWED")
    ),
    "query.webhookSubscription": webhooks(
        AUDITOR=(OFFICE_WEBHOOKS, "REFUSED"), ADMIN=both("ALLOWED")
    ),
    "query.auditTrail": auditor_only(("ALLOWED", "REFUSED")),
    "query.dossier": auditor_only(("ALLOWED", "REFUSED")),
    "query.accessLog": auditor_only(both("ALLOWED")),
    "query.auditCheckpoints": auditor_only(both("ALLOWED|EMPTY")),
    "query.auditKeys": auditor_only(both("ALLOWED")),
    "query.inclusionProof": auditor_only(both("ALLOWED|NOT_FOUND:audit.proof_subject")),
    "query.consistencyProof": auditor_only(both("ALLOWED|NOT_FOUND:audit.proof_subject")),
    "query.goalSetAsOf": row(both("EMPTY")),
    "query.complaintAsOf": row(both("EMPTY")),
    "query.managersAsOf": row(("EMPTY", READ_OWN_UNIT), ADMIN=both("EMPTY")),
    "query.reviewCycleAsOf": row(("EMPTY", READ_OWN_UNIT), ADMIN=both("EMPTY")),
    "mutation.registerUnit": command_for(ADMIN=both("CONFLICT:directory.unit_code_unique")),
    "mutation.openDepartment": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.addPerson": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.movePerson": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.removePerson": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.appointDepartmentHead": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.assignSupervisingLeader": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.appointPrincipalLeader": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.grantOfficeRole": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.draftGoalSet": unit_command(
        "ALLOWED",
        APPRAISEE=("CONFLICT:goals.one_goal_set_per_period", SAME_UNIT),
        SERVED_CADRE=("NOT_FOUND:directory.person_exists", SAME_UNIT),
    ),
    "mutation.editGoalSet": unit_command(),
    "mutation.submitGoalSet": unit_command(),
    "mutation.approveGoalSet": unit_command(),
    "mutation.returnGoalSet": unit_command(),
    "mutation.proposeGoalRevision": unit_command(),
    "mutation.approveGoalRevision": unit_command(),
    "mutation.rejectGoalRevision": unit_command(),
    "mutation.recordGoalProgress": unit_command(),
    "mutation.completeGoalItem": unit_command(),
    "mutation.dropGoalItem": unit_command(),
    "mutation.publishReferenceGoals": unit_command(
        ROLE_REQUIRED, APPRAISAL_OFFICE=("ALLOWED", SAME_UNIT)
    ),
    "mutation.submitMonthlySummary": unit_command(
        "ALLOWED",
        APPRAISEE=("CONFLICT:goals.one_summary_per_month", SAME_UNIT),
        SERVED_CADRE=("NOT_FOUND:directory.person_exists", SAME_UNIT),
    ),
    "mutation.amendMonthlySummary": unit_command(),
    "mutation.compileWeeklyReport": command_for(Role.APPRAISAL_OFFICE, own="ALLOWED"),
    "mutation.publishWeeklyReport": command_for(Role.APPRAISAL_OFFICE),
    "mutation.setFeedbackPolicy": command_for(Role.APPRAISAL_OFFICE, own="ALLOWED"),
    "mutation.openSurvey": command_for(
        Role.APPRAISAL_OFFICE, own="CONFLICT:feedback.one_survey_per_quarter"
    ),
    "mutation.recordSurveyResponse": unit_command(
        "FORBIDDEN:feedback.office_or_served_cadre",
        APPRAISAL_OFFICE=("ALLOWED", SAME_UNIT),
        SERVED_CADRE=("ALLOWED", SAME_UNIT),
    ),
    "mutation.importSurveyResponses": command_for(
        Role.APPRAISAL_OFFICE, own="RULE_VIOLATED:feedback.csv_columns"
    ),
    "mutation.closeSurvey": command_for(Role.APPRAISAL_OFFICE),
    "mutation.recordPraise": command_for(Role.APPRAISAL_OFFICE, own="ALLOWED"),
    "mutation.fileComplaint": unit_command(
        "FORBIDDEN:feedback.office_or_served_cadre",
        APPRAISAL_OFFICE=("ALLOWED", SAME_UNIT),
        SERVED_CADRE=("ALLOWED", SAME_UNIT),
    ),
    "mutation.assignComplaint": command_for(Role.APPRAISAL_OFFICE),
    "mutation.respondToComplaint": unit_command(),
    "mutation.resolveComplaint": command_for(Role.APPRAISAL_OFFICE),
    "mutation.dismissComplaint": command_for(Role.APPRAISAL_OFFICE),
    "mutation.checkOverdueComplaints": command_for(
        APPRAISAL_OFFICE=both("ALLOWED"), ADMIN=both("ALLOWED")
    ),
    "mutation.openReviewCycle": command_for(
        Role.APPRAISAL_OFFICE, own="CONFLICT:reviews.one_cycle_per_quarter"
    ),
    "mutation.reconfigureReviewCycle": command_for(
        Role.APPRAISAL_OFFICE, own="RULE_VIOLATED:reviews.config_locked"
    ),
    "mutation.beginAppraisal": command_for(Role.APPRAISAL_OFFICE),
    "mutation.submitSummary": unit_command(
        "RULE_VIOLATED:reviews.cycle_step",
        PRINCIPAL_LEADER=("NOT_FOUND:reviews.participant", SAME_UNIT),
        SERVED_CADRE=("NOT_FOUND:reviews.participant", SAME_UNIT),
    ),
    "mutation.rateAppraisee": unit_command(
        "FORBIDDEN:reviews.whoever_manages_rates",
        APPRAISEE=("FORBIDDEN:reviews.no_self_rating", SAME_UNIT),
        DEPARTMENT_HEAD=("RULE_VIOLATED:reviews.cycle_step", SAME_UNIT),
        SUPERVISING_LEADER=("RULE_VIOLATED:reviews.cycle_step", SAME_UNIT),
    ),
    "mutation.proposeGrades": command_for(Role.APPRAISAL_OFFICE),
    "mutation.finaliseGrades": command_for(Role.PRINCIPAL_LEADER),
    "mutation.publishResults": command_for(Role.APPRAISAL_OFFICE),
    "mutation.fileObjection": unit_command(
        "RULE_VIOLATED:reviews.cycle_step",
        PRINCIPAL_LEADER=("NOT_FOUND:reviews.participant", SAME_UNIT),
        SERVED_CADRE=("NOT_FOUND:reviews.participant", SAME_UNIT),
    ),
    "mutation.resolveObjection": command_for(Role.APPRAISAL_OFFICE),
    "mutation.confirmResults": command_for(Role.APPRAISAL_OFFICE),
    "mutation.recordFeedbackTalk": unit_command(
        "FORBIDDEN:reviews.supervising_leader_talks",
        SUPERVISING_LEADER=("RULE_VIOLATED:reviews.cycle_step", SAME_UNIT),
    ),
    "mutation.acknowledgeFeedbackTalk": unit_command(
        "RULE_VIOLATED:reviews.talk_first",
        PRINCIPAL_LEADER=("NOT_FOUND:reviews.participant", SAME_UNIT),
        SERVED_CADRE=("NOT_FOUND:reviews.participant", SAME_UNIT),
    ),
    "mutation.recordSanction": command_for(Role.APPRAISAL_OFFICE, own="ALLOWED"),
    "mutation.createWebhookSubscription": webhooks(),
    "mutation.configureDingTalkRobot": webhooks(),
    "mutation.setWebhookSubscriptionActive": webhooks(),
    "mutation.replayWebhookSubscription": webhooks(),
    "mutation.redeliverWebhookEvent": webhooks("NOT_FOUND:integrations.event_attempted"),
    "query.quarantinedEvents": row(
        both("FORBIDDEN:gateway.quarantine_readers"),
        APPRAISAL_OFFICE=("EMPTY", READ_OWN_UNIT),
        AUDITOR=("EMPTY", READ_OWN_UNIT),
        ADMIN=both("EMPTY"),
    ),
    "mutation.revokeOfficeRole": command_for(Role.APPRAISAL_OFFICE, ADMIN=both(STALE)),
    "mutation.appointPlatformAuditor": row(
        both(PLATFORM_AUDITOR_BY_ADMIN),
        # The first probe appoints; a later one finds the login already appointed.
        ADMIN=both("ALLOWED|RULE_VIOLATED:directory.platform_auditor_not_held"),
    ),
    "mutation.revokePlatformAuditor": row(
        both(PLATFORM_AUDITOR_BY_ADMIN), ADMIN=both("RULE_VIOLATED:directory.platform_auditor_held")
    ),
}

# Cells that fail today, each with the reason (xfail, strict): none since issue 13's fixes.
XFAIL: dict[str, str] = {}
