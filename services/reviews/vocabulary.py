"""The reviews service's codes, each with the Chinese term users read."""

from __future__ import annotations

from enum import StrEnum

from services.directory.managers import ManagerRelation


class Grade(StrEnum):
    """Ordinary (quarterly) appraisal grades (平时考核等次), best first."""

    GOOD = "GOOD"
    FAIRLY_GOOD = "FAIRLY_GOOD"
    AVERAGE = "AVERAGE"
    POOR = "POOR"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"GOOD": "好", "FAIRLY_GOOD": "较好", "AVERAGE": "一般", "POOR": "较差"}[self.value]

    @property
    def rank(self) -> int:
        """0 for the top grade, 3 for the lowest: a smaller rank is a better grade."""
        return list(Grade).index(self)

    def better_than(self, other: Grade) -> bool:
        """Whether this grade is above `other`."""
        return self.rank < other.rank


class AnnualGrade(StrEnum):
    """Annual appraisal grades (年度考核等次)."""

    EXCELLENT = "EXCELLENT"
    COMPETENT = "COMPETENT"
    BASICALLY_COMPETENT = "BASICALLY_COMPETENT"
    INCOMPETENT = "INCOMPETENT"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "EXCELLENT": "优秀",
            "COMPETENT": "称职",
            "BASICALLY_COMPETENT": "基本称职",
            "INCOMPETENT": "不称职",
        }[self.value]


class CycleStatus(StrEnum):
    """Where a quarter's appraisal cycle stands."""

    OPENED = "OPENED"
    APPRAISING = "APPRAISING"
    FINALISED = "FINALISED"
    PUBLISHED = "PUBLISHED"
    CONFIRMED = "CONFIRMED"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "OPENED": "已开启",
            "APPRAISING": "考核中",
            "FINALISED": "已定等",
            "PUBLISHED": "公示中",
            "CONFIRMED": "已确认",
        }[self.value]


# The relation by which someone rates an appraisee (谁管理谁认定) is the directory's one type of
# the manager relation; reviews keep their name for it (the GraphQL enum is `RaterRelation`).
RaterRelation = ManagerRelation


class IndicatorSource(StrEnum):
    """Where an indicator's score comes from."""

    RATED = "RATED"
    FEEDBACK = "FEEDBACK"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"RATED": "领导评鉴", "FEEDBACK": "服务对象评价"}[self.value]


class Rounding(StrEnum):
    """How a quota percentage of the participants becomes a number of people."""

    FLOOR = "FLOOR"
    HALF_UP = "HALF_UP"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"FLOOR": "向下取整", "HALF_UP": "四舍五入"}[self.value]


class ObjectionStatus(StrEnum):
    """Where an objection (异议/复核) stands."""

    OPEN = "OPEN"
    UPHELD = "UPHELD"
    REJECTED = "REJECTED"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"OPEN": "待处理", "UPHELD": "已采纳", "REJECTED": "未采纳"}[self.value]


class SanctionKind(StrEnum):
    """Disciplinary sanctions (政务处分) that bar a person from the annual top grade."""

    WARNING = "WARNING"
    DEMERIT = "DEMERIT"
    MAJOR_DEMERIT = "MAJOR_DEMERIT"
    DEMOTION = "DEMOTION"
    REMOVAL = "REMOVAL"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "WARNING": "警告",
            "DEMERIT": "记过",
            "MAJOR_DEMERIT": "记大过",
            "DEMOTION": "降级",
            "REMOVAL": "撤职",
        }[self.value]


ENUMS = (
    Grade,
    AnnualGrade,
    CycleStatus,
    RaterRelation,
    IndicatorSource,
    Rounding,
    ObjectionStatus,
    SanctionKind,
)
