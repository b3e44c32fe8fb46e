"""Who may rate and talk with an appraisee: "whoever manages, rates" (谁管理谁认定), at the instant
of the act, from the org chart's `Managers` on that day. Pure.
"""

from __future__ import annotations

from uuid import UUID

from kernel.errors import NotPermittedError
from services.directory.managers import ManagerRelation, Managers


def required_raters(managers: Managers) -> tuple[ManagerRelation, ...]:
    """The relations whose ratings a person's composite needs: the department head and the
    supervising leader where the person has them; the principal leader for the unit's deputy
    leaders, who have neither. A leader who heads a department they also supervise rates its
    people once, as their department head.
    """
    relations = []
    if managers.department_head is not None:
        relations.append(ManagerRelation.DEPARTMENT_HEAD)
    if managers.supervising_leader not in (None, managers.department_head):
        relations.append(ManagerRelation.SUPERVISING_LEADER)
    if not relations and managers.principal_leader is not None:
        relations.append(ManagerRelation.PRINCIPAL_LEADER)
    return tuple(relations)


def _wanted(managers: Managers) -> str:
    return " or ".join(r.value for r in required_raters(managers)) or "DEPARTMENT_HEAD"


def rater_relation(actor_id: UUID, managers: Managers) -> ManagerRelation:
    """The relation by which `actor_id` rates the person on that day; refused, naming the
    missing relation, for the person themself and for anyone who does not manage them.
    """
    if actor_id == managers.person_id:
        raise NotPermittedError(
            "reviews.no_self_rating",
            "nobody rates themself",
            missing_relation=_wanted(managers),
        )
    for relation in required_raters(managers):
        if managers.holder(relation) == actor_id:
            return relation
    raise NotPermittedError(
        "reviews.whoever_manages_rates",
        f"only those who manage the person on {managers.on.isoformat()} rate them: their "
        "department head (科室负责人) and supervising leader (分管领导)",
        missing_relation=_wanted(managers),
    )


def talk_relation(actor_id: UUID, managers: Managers) -> ManagerRelation:
    """The supervising leader holds the feedback talk (谈心谈话); for the unit's deputy leaders,
    who have no supervising leader, the principal leader does.
    """
    if managers.supervising_leader is not None:
        if actor_id == managers.supervising_leader:
            return ManagerRelation.SUPERVISING_LEADER
        wanted = ManagerRelation.SUPERVISING_LEADER
    elif managers.department_head is None and managers.principal_leader is not None:
        if actor_id == managers.principal_leader:
            return ManagerRelation.PRINCIPAL_LEADER
        wanted = ManagerRelation.PRINCIPAL_LEADER
    else:
        wanted = ManagerRelation.SUPERVISING_LEADER
    raise NotPermittedError(
        "reviews.supervising_leader_talks",
        f"the feedback talk is held by the person's supervising leader (分管领导) on "
        f"{managers.on.isoformat()}",
        missing_relation=wanted.value,
    )
