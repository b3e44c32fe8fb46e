"""The goals service's codes, each with the Chinese term users read, and appraisal periods."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

from kernel.errors import RuleViolatedError
from kernel.labels import Labelled


class GoalSetStatus(Labelled):
    """Where a goal set stands in its approval."""

    DRAFT = "DRAFT", "草稿"
    SUBMITTED = "SUBMITTED", "待审核"
    RETURNED = "RETURNED", "已退回"
    APPROVED = "APPROVED", "已确定"
    REVISION_PROPOSED = "REVISION_PROPOSED", "调整待审核"


class ItemStatus(Labelled):
    """Where one goal item stands."""

    ACTIVE = "ACTIVE", "进行中"
    COMPLETED = "COMPLETED", "已完成"
    DROPPED = "DROPPED", "已取消"


class ServesKind(Labelled):
    """What a goal item serves (its basis, 目标依据)."""

    DEPARTMENT_GOAL = "DEPARTMENT_GOAL", "科室目标"
    WORK_PRIORITY = "WORK_PRIORITY", "工作要点"
    SPECIAL_PLAN = "SPECIAL_PLAN", "专项业务规划"
    JOB_DUTY = "JOB_DUTY", "岗位职责"


class ReferenceKind(Labelled):
    """The unit's and departments' published goals that personal goals derive from."""

    WORK_PRIORITIES = "WORK_PRIORITIES", "年度工作要点"
    SPECIAL_PLAN = "SPECIAL_PLAN", "专项业务规划"
    DEPARTMENT_ANNUAL = "DEPARTMENT_ANNUAL", "科室年度目标"
    DEPARTMENT_PHASE = "DEPARTMENT_PHASE", "科室阶段目标"

    @property
    def by_department(self) -> bool:
        """Department goals are published by the department's head, the rest by the office."""
        return self in (ReferenceKind.DEPARTMENT_ANNUAL, ReferenceKind.DEPARTMENT_PHASE)


PERIOD = re.compile(r"^(?P<year>20[0-9][0-9])(?:-Q(?P<quarter>[1-4]))?$")


@dataclasses.dataclass(frozen=True)
class Period:
    """An appraisal period: a quarter (`2026-Q2`, 季度) or a year (`2026`, 年度)."""

    code: str
    start: date
    end: date  # inclusive

    @classmethod
    def parse(cls, code: str, field: str = "period") -> Period:
        """The period a code names; a clear error for anything else."""
        match = PERIOD.fullmatch(code)
        if match is None:
            raise RuleViolatedError(
                "goals.period_format",
                f"{code!r} is not a period: write a quarter as 2026-Q2 or a year as 2026",
                field=field,
            )
        year = int(match["year"])
        if match["quarter"] is None:
            return cls(code, date(year, 1, 1), date(year, 12, 31))
        q = int(match["quarter"])
        start = date(year, 3 * q - 2, 1)
        after = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
        return cls(code, start, after - timedelta(days=1))

    @property
    def is_year(self) -> bool:
        """Whether this is a whole year."""
        return len(self.code) == 4

    def closed_on(self, today: date) -> bool:
        """A period has closed once its last day is past."""
        return today > self.end

    def contains(self, day: date) -> bool:
        """Whether the day falls in the period."""
        return self.start <= day <= self.end


MONTH = re.compile(r"^(20[0-9][0-9])-(0[1-9]|1[0-2])$")
WEEK = re.compile(r"^(20[0-9][0-9])-W(0[1-9]|[1-4][0-9]|5[0-3])$")


def check_month(code: str) -> str:
    """A month written `2026-04`."""
    if MONTH.fullmatch(code) is None:
        raise RuleViolatedError(
            "goals.month_format", f"{code!r} is not a month: write it as 2026-04", field="month"
        )
    return code


def week_span(code: str) -> tuple[date, date]:
    """The Monday and Sunday of an ISO week written `2026-W17`."""
    match = WEEK.fullmatch(code)
    if match is None:
        raise RuleViolatedError(
            "goals.week_format", f"{code!r} is not an ISO week: write it as 2026-W17", field="week"
        )
    monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    return monday, monday + timedelta(days=6)
