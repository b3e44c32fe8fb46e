"""Who sees what of a cycle's appraisals (DOMAIN.md, DESIGN.md "Security"):

- the appraisal office (考核办), the principal leader (主要负责人) of the unit, auditors and
  administrators see every participant in full;
- a department head or supervising leader sees in full the people they manage today;
- an appraisee sees their own summary, and the rest of their appraisal once the results are
  published;
- after publication (结果公示) the unit's members see each participant's grade, nothing else;
- before publication nobody else sees anything of a participant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import asyncpg
from strawberry.permission import BasePermission

from gateway.graphql.access import sees_whole_unit
from gateway.graphql.plumbing import Info_
from kernel.calendar import china_date
from services.directory.managers import managed_by_sql
from services.reviews.scoring import out_of_line
from services.reviews.vocabulary import CycleStatus, Grade


class View(Enum):
    """How much of one participant's appraisal the caller may see."""

    FULL = "FULL"  # the office, auditors, the principal leader, those who manage the person
    OWN = "OWN"  # the appraisee: their summary; the rest once published
    PUBLISHED = "PUBLISHED"  # a colleague after publication: the grade only


def sees_in_full(view: View, published: bool) -> bool:
    """Ratings, scores, the talk: for FULL, and for the appraisee once published."""
    return view is View.FULL or (view is View.OWN and published)


def sees_summary(view: View, published: bool) -> bool:
    """The personal summary: also the appraisee's own before publication."""
    return sees_in_full(view, published) or view is View.OWN


def sees_grade(view: View, published: bool) -> bool:
    """The grade: also every colleague of the unit once published."""
    return sees_in_full(view, published) or (published and view is View.PUBLISHED)


def sees_progress(view: View, published: bool) -> bool:
    """What a participant still lacks: only for FULL, who take the cycle forward."""
    return view is View.FULL


class _AppraisalPart(BasePermission):
    """A part of an appraisal, for the views `rule` admits; the source (an `Appraisal`) carries
    the caller's `view` of it and whether its cycle is `published`."""

    rule: Callable[[View, bool], bool]

    def has_permission(self, source: Any, info: Info_, **kwargs: Any) -> bool:
        return type(self).rule(source.view, source.published)


class SeesInFull(_AppraisalPart):
    rule = staticmethod(sees_in_full)


class SeesSummary(_AppraisalPart):
    rule = staticmethod(sees_summary)


class SeesGrade(_AppraisalPart):
    rule = staticmethod(sees_grade)


class SeesProgress(_AppraisalPart):
    rule = staticmethod(sees_progress)


async def managed_by(info: Info_, actor_id: UUID) -> set[UUID]:
    """The people a department head or supervising leader manages today."""
    ctx = info.context
    rows = await ctx.pool.fetch(managed_by_sql(ctx.table, "$1", "$2"), actor_id, china_date())
    return {r["person_id"] for r in rows}


async def unit_viewer(info: Info_, unit_id: UUID) -> Callable[[UUID, str], View | None]:
    """The caller's view of each participant of the unit's cycles, given the cycle's status
    (None: nothing at all).
    """
    ctx = info.context
    ctx.ensure_unit(unit_id)
    if sees_whole_unit(ctx.actor, unit_id):
        return lambda _person, _status: View.FULL
    managed = await managed_by(info, ctx.actor.person_id)
    me = ctx.actor.person_id

    def view(person_id: UUID, status: str) -> View | None:
        if person_id in managed:
            return View.FULL
        if person_id == me:
            return View.OWN
        published = status in (CycleStatus.PUBLISHED.value, CycleStatus.CONFIRMED.value)
        return View.PUBLISHED if published else None

    return view


async def viewer(info: Info_, unit_id: UUID, status: str) -> Callable[[UUID], View | None]:
    """The caller's view of each participant of one cycle of the unit in the status."""
    view = await unit_viewer(info, unit_id)
    return lambda person_id: view(person_id, status)


def out_of_line_of(rows: Iterable[asyncpg.Record]) -> dict[UUID, UUID]:
    """Over a cycle's participant rows (live or as of a past point): each participant whose
    grade is above that of a peer in the unit with a higher composite score, mapped to that
    peer; their grade needs a written justification. Final grades and scores count once there.
    """
    grades: dict[UUID, Grade] = {}
    scores: dict[UUID, Decimal | None] = {}
    for r in rows:
        if grade := r["final_grade"] or r["grade"]:
            grades[r["person_id"]] = Grade(grade)
        scores[r["person_id"]] = (
            r["final_score"] if r["final_score"] is not None else r["composite"]
        )
    return out_of_line(grades, scores)


async def out_of_line_in(info: Info_, cycle_id: UUID) -> dict[UUID, UUID]:
    """`out_of_line_of` the cycle's participants as projected now."""
    ctx = info.context
    rows = await ctx.pool.fetch(
        f"SELECT person_id, grade, final_grade, composite, final_score "
        f"FROM {ctx.table('review_participants')} WHERE cycle_id = $1",
        cycle_id,
    )
    return out_of_line_of(rows)
