"""The reviews service's command API (FastAPI). The appraisal office opens and steers the quarter's
cycle; appraisees write their summaries, object and acknowledge talks; their managers rate them
and hold the feedback talks; the principal leader finalises the grades.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from kernel.calendar import china_date
from kernel.roles import Role
from kernel.store import Committed
from kernel.web.caller import as_appraisee, require_role, require_unit
from kernel.web.endpoints import Call, CommandRoutes, application
from services.reviews.application import Reviews
from services.reviews.commands import (
    ACKNOWLEDGE_TALK,
    BEGIN_APPRAISAL,
    CONFIRM,
    FILE_OBJECTION,
    FINALISE,
    OPEN_CYCLE,
    PROPOSE_GRADES,
    PUBLISH,
    RATE,
    RECONFIGURE,
    RECORD_SANCTION,
    RECORD_TALK,
    RESOLVE_OBJECTION,
    SUBMIT_SUMMARY,
    Acknowledgement,
    Empty,
    ObjectionIn,
    OpenCycle,
    ProposeGrades,
    Publish,
    RatingIn,
    Reconfigure,
    Resolution,
    SanctionIn,
    Summary,
    TalkIn,
)
from services.reviews.scheme import CycleConfig

ReviewsApp = Annotated[Reviews, application("reviews")]
router = APIRouter(tags=["reviews"])
command = CommandRoutes(router, ReviewsApp)


def _office(c: Call[Reviews, Any]) -> Role:
    unit_id = c.app.cycle_unit(c.path["cycle_id"])
    return require_role(c.actor, Role.APPRAISAL_OFFICE, tenant_id=unit_id)


def _office_of_unit(c: Call[Reviews, Any]) -> Role:
    return require_role(c.actor, Role.APPRAISAL_OFFICE, tenant_id=c.path["unit_id"])


def _appraisee(c: Call[Reviews, Any]) -> Role:
    return as_appraisee(c.actor, c.app.cycle_unit(c.path["cycle_id"]))


def _manager_role(c: Call[Reviews, Any]) -> Role:
    """The role the caller acts in: their relation to the person today."""
    unit_id = c.app.cycle_unit(c.path["cycle_id"])
    require_unit(c.actor, unit_id)
    managers = c.app.org.managers_of(unit_id, c.path["person_id"], china_date())
    return managers.role_of(c.actor.person_id)


def _principal(c: Call[Reviews, Any]) -> Role:
    unit_id = c.app.cycle_unit(c.path["cycle_id"])
    require_role(c.actor, Role.PRINCIPAL_LEADER, tenant_id=unit_id)
    return Role.PRINCIPAL_LEADER


def _opener(c: Call[Reviews, OpenCycle]) -> Role:
    role = _office_of_unit(c)
    # The configuration is refused before If-Match is read, as it always was.
    CycleConfig.from_dict(c.body.config or {})
    return role


@command(OPEN_CYCLE, guard=_opener)
def open_cycle(c: Call[Reviews, OpenCycle]) -> Committed:
    """Open a quarter's cycle with its configuration, locked from then on (考核办)."""
    config = CycleConfig.from_dict(c.body.config or {})
    return c.app.open_cycle(c.path["unit_id"], c.body.quarter, config, c.today)


@command(RECONFIGURE, guard=_office)
def reconfigure(c: Call[Reviews, Reconfigure]) -> Committed:
    """Change a cycle's configuration: always refused once it has opened."""
    return c.app.reconfigure(c.path["cycle_id"])


@command(BEGIN_APPRAISAL, guard=_office)
def begin_appraisal(c: Call[Reviews, Empty]) -> Committed:
    """Open summaries and ratings, once the quarter's survey has closed (考核办)."""
    return c.app.begin_appraisal(c.path["cycle_id"], c.version)


@command(SUBMIT_SUMMARY, guard=_appraisee)
def submit_summary(c: Call[Reviews, Summary]) -> Committed:
    """The appraisee's personal summary (个人小结) on each approved goal, and other work."""
    return c.app.submit_summary(
        c.path["cycle_id"],
        c.path["person_id"],
        c.actor.person_id,
        [r.model_dump() for r in c.body.reports],
        list(c.body.extra_work),
    )


@command(RATE, guard=_manager_role)
def rate(c: Call[Reviews, RatingIn]) -> Committed:
    """A manager's scores and opinion (领导评鉴): the department head or supervising leader."""
    cycle_id, person_id, b = c.path["cycle_id"], c.path["person_id"], c.body
    return c.app.rate(cycle_id, person_id, c.actor.person_id, dict(b.scores), b.opinion, c.today)


@command(PROPOSE_GRADES, guard=_office)
def propose_grades(c: Call[Reviews, ProposeGrades]) -> Committed:
    """Propose grades (考核办): the quota is checked at once."""
    proposals = {p.person_id: (p.grade, p.justification) for p in c.body.proposals}
    return c.app.propose_grades(c.path["cycle_id"], proposals, c.today, c.version)


@command(FINALISE, guard=_principal)
def finalise(c: Call[Reviews, Empty]) -> Committed:
    """The principal leader (主要负责人) finalises the grades."""
    return c.app.finalise(c.path["cycle_id"], c.actor.person_id, c.today, c.version)


@command(PUBLISH, guard=_office)
def publish(c: Call[Reviews, Publish]) -> Committed:
    """Publish the results for the publicity period (结果公示, 考核办)."""
    published_on = c.body.published_on or c.today
    return c.app.publish(c.path["cycle_id"], published_on, c.today, c.version)


@command(FILE_OBJECTION, guard=_appraisee)
def file_objection(c: Call[Reviews, ObjectionIn]) -> Committed:
    """The caller objects to their own published grade (异议/复核)."""
    me = c.actor.person_id
    filed_on = c.body.filed_on or c.today
    return c.app.object(c.path["cycle_id"], me, me, c.body.reason, filed_on, c.today)


@command(RESOLVE_OBJECTION, guard=_office)
def resolve_objection(c: Call[Reviews, Resolution]) -> Committed:
    """Resolve an objection with reasons (考核办): upheld with a new grade, or rejected."""
    b = c.body
    return c.app.resolve_objection(
        c.path["cycle_id"],
        c.path["objection_id"],
        b.upheld,
        b.new_grade,
        b.reason,
        b.resolved_on or c.today,
        c.today,
        c.version,
    )


@command(CONFIRM, guard=_office)
def confirm(c: Call[Reviews, Empty]) -> Committed:
    """Confirm the results after the publicity period, with no objection open (考核办)."""
    return c.app.confirm(c.path["cycle_id"], c.today, c.version)


@command(RECORD_TALK, guard=_manager_role)
def record_talk(c: Call[Reviews, TalkIn]) -> Committed:
    """The supervising leader records the feedback talk (谈心谈话)."""
    b = c.body
    return c.app.record_talk(
        c.path["cycle_id"],
        c.path["person_id"],
        c.actor.person_id,
        b.held_on or c.today,
        c.today,
        b.reasons,
        [s.model_dump() for s in b.shortcomings],
        b.improvements,
    )


@command(ACKNOWLEDGE_TALK, guard=_appraisee)
def acknowledge_talk(c: Call[Reviews, Acknowledgement]) -> Committed:
    """The appraisee acknowledges the talk (签字确认)."""
    cycle_id, person_id = c.path["cycle_id"], c.path["person_id"]
    return c.app.acknowledge_talk(cycle_id, person_id, c.actor.person_id, c.body.comment)


@command(RECORD_SANCTION, guard=_office_of_unit)
def record_sanction(c: Call[Reviews, SanctionIn]) -> Committed:
    """Record a disciplinary sanction (处分) decided on a date (考核办)."""
    b = c.body
    return c.app.record_sanction(
        c.path["unit_id"], b.person_id, b.kind, b.decided_on, b.document, c.today
    )
