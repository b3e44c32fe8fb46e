"""The role matrix's table: operation -> role -> (answer on the caller's own unit, on another).

ALLOWED: it answered; EMPTY: nothing, no error; CODE:rule: refused so; REFUSED: any refusal or
nothing; `a|b`: either (the auditor's proofs and checkpoints answer once the background worker
has signed checkpoints, which depends on the time and on what ran before in the session's
database). An integration's token is refused every query and mutation
(gateway.integrations_read_events: it reads events, within its scope). Operations with no
argument naming a unit or a record (me, units, myApprovalQueue, auditKeys...) send the same
request in both columns. CONFLICT:kernel.optimistic_concurrency: the command was decided against
a version the record never had (its unit and role were checked first); see test_role_matrix.py.
"""

from __future__ import annotations

from kernel.roles import Role

EXPECTED: dict[str, dict[Role, tuple[str, str]]] = {
    "query.me": {
        Role.APPRAISEE: ("ALLOWED", "ALLOWED"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "ALLOWED"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "ALLOWED"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "ALLOWED"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "ALLOWED"),
        Role.SERVED_CADRE: ("EMPTY", "EMPTY"),
        Role.AUDITOR: ("ALLOWED", "ALLOWED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.units": {
        Role.APPRAISEE: ("ALLOWED", "ALLOWED"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "ALLOWED"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "ALLOWED"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "ALLOWED"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "ALLOWED"),
        Role.SERVED_CADRE: ("ALLOWED", "ALLOWED"),
        Role.AUDITOR: ("ALLOWED", "ALLOWED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.unit": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.department": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.person": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.people": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.managers": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.goalSets": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.goalSet": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.myApprovalQueue": {
        Role.APPRAISEE: ("EMPTY", "EMPTY"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "EMPTY"),
        Role.SUPERVISING_LEADER: ("EMPTY", "EMPTY"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "EMPTY"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "EMPTY"),
        Role.SERVED_CADRE: ("EMPTY", "EMPTY"),
        Role.AUDITOR: ("EMPTY", "EMPTY"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.goalHistory": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.referenceGoals": {
        Role.APPRAISEE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.monthlySummaries": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.weeklyReports": {
        Role.APPRAISEE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.feedbackPolicy": {
        Role.APPRAISEE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.surveys": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.survey": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.praise": {
        Role.APPRAISEE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.complaints": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.complaint": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.feedbackFacts": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.reviewCycles": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.reviewCycle": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.personAppraisals": {
        Role.APPRAISEE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.sanctions": {
        Role.APPRAISEE: (
            "FORBIDDEN:reviews.sanctions_for_office",
            "FORBIDDEN:gateway.read_own_unit",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:reviews.sanctions_for_office",
            "FORBIDDEN:gateway.read_own_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:reviews.sanctions_for_office",
            "FORBIDDEN:gateway.read_own_unit",
        ),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:reviews.sanctions_for_office",
            "FORBIDDEN:gateway.read_own_unit",
        ),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.annualAppraisal": {
        Role.APPRAISEE: ("FORBIDDEN:reviews.year_for_office", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:reviews.year_for_office",
            "FORBIDDEN:gateway.read_own_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:reviews.year_for_office",
            "FORBIDDEN:gateway.read_own_unit",
        ),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:reviews.year_for_office", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.webhookSubscriptions": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:integrations.office_manages_webhooks"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: ("FORBIDDEN:integrations.office_manages_webhooks", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.webhookSubscription": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:integrations.office_manages_webhooks"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: ("FORBIDDEN:integrations.office_manages_webhooks", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "query.auditTrail": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.dossier": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: ("ALLOWED", "REFUSED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.accessLog": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: ("ALLOWED", "ALLOWED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.auditCheckpoints": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: ("ALLOWED|EMPTY", "ALLOWED|EMPTY"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.auditKeys": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: ("ALLOWED", "ALLOWED"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.inclusionProof": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: (
            "ALLOWED|NOT_FOUND:audit.proof_subject",
            "ALLOWED|NOT_FOUND:audit.proof_subject",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.consistencyProof": {
        Role.APPRAISEE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.auditor_only",
            "FORBIDDEN:gateway.auditor_only",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.SERVED_CADRE: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
        Role.AUDITOR: (
            "ALLOWED|NOT_FOUND:audit.proof_subject",
            "ALLOWED|NOT_FOUND:audit.proof_subject",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:gateway.auditor_only", "FORBIDDEN:gateway.auditor_only"),
    },
    "query.goalSetAsOf": {
        Role.APPRAISEE: ("EMPTY", "EMPTY"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "EMPTY"),
        Role.SUPERVISING_LEADER: ("EMPTY", "EMPTY"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "EMPTY"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "EMPTY"),
        Role.SERVED_CADRE: ("EMPTY", "EMPTY"),
        Role.AUDITOR: ("EMPTY", "EMPTY"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.complaintAsOf": {
        Role.APPRAISEE: ("EMPTY", "EMPTY"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "EMPTY"),
        Role.SUPERVISING_LEADER: ("EMPTY", "EMPTY"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "EMPTY"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "EMPTY"),
        Role.SERVED_CADRE: ("EMPTY", "EMPTY"),
        Role.AUDITOR: ("EMPTY", "EMPTY"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.managersAsOf": {
        Role.APPRAISEE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "query.reviewCycleAsOf": {
        Role.APPRAISEE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.DEPARTMENT_HEAD: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SUPERVISING_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.PRINCIPAL_LEADER: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "mutation.registerUnit": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("CONFLICT:directory.unit_code_unique", "CONFLICT:directory.unit_code_unique"),
    },
    "mutation.openDepartment": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.addPerson": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.movePerson": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.removePerson": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.appointDepartmentHead": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.assignSupervisingLeader": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.appointPrincipalLeader": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.grantOfficeRole": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.draftGoalSet": {
        Role.APPRAISEE: ("CONFLICT:goals.one_goal_set_per_period", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("NOT_FOUND:directory.person_exists", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.editGoalSet": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.submitGoalSet": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.approveGoalSet": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.returnGoalSet": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.proposeGoalRevision": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.approveGoalRevision": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.rejectGoalRevision": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.recordGoalProgress": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.completeGoalItem": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.dropGoalItem": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.publishReferenceGoals": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.same_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.submitMonthlySummary": {
        Role.APPRAISEE: ("CONFLICT:goals.one_summary_per_month", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("NOT_FOUND:directory.person_exists", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.amendMonthlySummary": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.compileWeeklyReport": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.publishWeeklyReport": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.setFeedbackPolicy": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.openSurvey": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:feedback.one_survey_per_quarter",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.recordSurveyResponse": {
        Role.APPRAISEE: ("FORBIDDEN:feedback.office_or_served_cadre", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:feedback.office_or_served_cadre",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:feedback.office_or_served_cadre",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:feedback.office_or_served_cadre",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("FORBIDDEN:feedback.office_or_served_cadre", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.importSurveyResponses": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("RULE_VIOLATED:feedback.csv_columns", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.closeSurvey": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.recordPraise": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.fileComplaint": {
        Role.APPRAISEE: ("FORBIDDEN:feedback.office_or_served_cadre", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:feedback.office_or_served_cadre",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:feedback.office_or_served_cadre",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:feedback.office_or_served_cadre",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("FORBIDDEN:feedback.office_or_served_cadre", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.assignComplaint": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.respondToComplaint": {
        Role.APPRAISEE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("CONFLICT:kernel.optimistic_concurrency", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.resolveComplaint": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.dismissComplaint": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.checkOverdueComplaints": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "ALLOWED"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("ALLOWED", "ALLOWED"),
    },
    "mutation.openReviewCycle": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:reviews.one_cycle_per_quarter",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.reconfigureReviewCycle": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "RULE_VIOLATED:reviews.config_locked",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.beginAppraisal": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.submitSummary": {
        Role.APPRAISEE: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: ("NOT_FOUND:reviews.participant", "FORBIDDEN:kernel.same_unit"),
        Role.APPRAISAL_OFFICE: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("NOT_FOUND:reviews.participant", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.rateAppraisee": {
        Role.APPRAISEE: ("FORBIDDEN:reviews.no_self_rating", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:reviews.whoever_manages_rates",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "FORBIDDEN:reviews.whoever_manages_rates",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: (
            "FORBIDDEN:reviews.whoever_manages_rates",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.AUDITOR: ("FORBIDDEN:reviews.whoever_manages_rates", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.proposeGrades": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.finaliseGrades": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.publishResults": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.fileObjection": {
        Role.APPRAISEE: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: ("NOT_FOUND:reviews.participant", "FORBIDDEN:kernel.same_unit"),
        Role.APPRAISAL_OFFICE: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("NOT_FOUND:reviews.participant", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.resolveObjection": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.confirmResults": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.recordFeedbackTalk": {
        Role.APPRAISEE: (
            "FORBIDDEN:reviews.supervising_leader_talks",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:reviews.supervising_leader_talks",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SUPERVISING_LEADER: ("RULE_VIOLATED:reviews.cycle_step", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:reviews.supervising_leader_talks",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.APPRAISAL_OFFICE: (
            "FORBIDDEN:reviews.supervising_leader_talks",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: (
            "FORBIDDEN:reviews.supervising_leader_talks",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.AUDITOR: ("FORBIDDEN:reviews.supervising_leader_talks", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.acknowledgeFeedbackTalk": {
        Role.APPRAISEE: ("RULE_VIOLATED:reviews.talk_first", "FORBIDDEN:kernel.same_unit"),
        Role.DEPARTMENT_HEAD: ("RULE_VIOLATED:reviews.talk_first", "FORBIDDEN:kernel.same_unit"),
        Role.SUPERVISING_LEADER: ("RULE_VIOLATED:reviews.talk_first", "FORBIDDEN:kernel.same_unit"),
        Role.PRINCIPAL_LEADER: ("NOT_FOUND:reviews.participant", "FORBIDDEN:kernel.same_unit"),
        Role.APPRAISAL_OFFICE: ("RULE_VIOLATED:reviews.talk_first", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("NOT_FOUND:reviews.participant", "FORBIDDEN:kernel.same_unit"),
        Role.AUDITOR: ("RULE_VIOLATED:reviews.talk_first", "FORBIDDEN:kernel.same_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.same_unit", "FORBIDDEN:kernel.same_unit"),
    },
    "mutation.recordSanction": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:kernel.same_unit"),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
    },
    "mutation.createWebhookSubscription": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:integrations.office_manages_webhooks"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
    },
    "mutation.configureDingTalkRobot": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:integrations.office_manages_webhooks"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
    },
    "mutation.setWebhookSubscriptionActive": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:integrations.office_manages_webhooks"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
    },
    "mutation.replayWebhookSubscription": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: ("ALLOWED", "FORBIDDEN:integrations.office_manages_webhooks"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
    },
    "mutation.redeliverWebhookEvent": {
        Role.APPRAISEE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.APPRAISAL_OFFICE: (
            "NOT_FOUND:integrations.event_attempted",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.SERVED_CADRE: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "FORBIDDEN:integrations.office_manages_webhooks",
            "FORBIDDEN:integrations.office_manages_webhooks",
        ),
    },
    "query.quarantinedEvents": {
        Role.APPRAISEE: (
            "FORBIDDEN:gateway.quarantine_readers",
            "FORBIDDEN:gateway.quarantine_readers",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:gateway.quarantine_readers",
            "FORBIDDEN:gateway.quarantine_readers",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:gateway.quarantine_readers",
            "FORBIDDEN:gateway.quarantine_readers",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:gateway.quarantine_readers",
            "FORBIDDEN:gateway.quarantine_readers",
        ),
        Role.APPRAISAL_OFFICE: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.SERVED_CADRE: (
            "FORBIDDEN:gateway.quarantine_readers",
            "FORBIDDEN:gateway.quarantine_readers",
        ),
        Role.AUDITOR: ("EMPTY", "FORBIDDEN:gateway.read_own_unit"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: ("EMPTY", "EMPTY"),
    },
    "mutation.revokeOfficeRole": {
        Role.APPRAISEE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.DEPARTMENT_HEAD: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:kernel.role_required",
            "FORBIDDEN:kernel.role_required",
        ),
        Role.PRINCIPAL_LEADER: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.APPRAISAL_OFFICE: (
            "CONFLICT:kernel.optimistic_concurrency",
            "FORBIDDEN:kernel.same_unit",
        ),
        Role.SERVED_CADRE: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.AUDITOR: ("FORBIDDEN:kernel.role_required", "FORBIDDEN:kernel.role_required"),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "CONFLICT:kernel.optimistic_concurrency",
            "CONFLICT:kernel.optimistic_concurrency",
        ),
    },
    "mutation.appointPlatformAuditor": {
        Role.APPRAISEE: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.APPRAISAL_OFFICE: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.SERVED_CADRE: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        # The first probe appoints; a later one finds the login already appointed.
        Role.ADMIN: (
            "ALLOWED|RULE_VIOLATED:directory.platform_auditor_not_held",
            "ALLOWED|RULE_VIOLATED:directory.platform_auditor_not_held",
        ),
    },
    "mutation.revokePlatformAuditor": {
        Role.APPRAISEE: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.DEPARTMENT_HEAD: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.SUPERVISING_LEADER: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.PRINCIPAL_LEADER: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.APPRAISAL_OFFICE: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.SERVED_CADRE: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.AUDITOR: (
            "FORBIDDEN:directory.platform_auditor_by_admin",
            "FORBIDDEN:directory.platform_auditor_by_admin",
        ),
        Role.INTEGRATION: (
            "FORBIDDEN:gateway.integrations_read_events",
            "FORBIDDEN:gateway.integrations_read_events",
        ),
        Role.ADMIN: (
            "RULE_VIOLATED:directory.platform_auditor_held",
            "RULE_VIOLATED:directory.platform_auditor_held",
        ),
    },
}

# Cells that fail today, each with the reason (xfail, strict): none since issue 13's fixes.
XFAIL: dict[str, str] = {}
