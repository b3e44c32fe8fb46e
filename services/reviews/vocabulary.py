"""The reviews service's codes, each with the Chinese term users read."""

from __future__ import annotations

from kernel.labels import Labelled
from services.directory.managers import ManagerRelation


class Grade(Labelled):
    """Ordinary (quarterly) appraisal grades (平时考核等次), best first."""

    GOOD = "GOOD", "好"
    FAIRLY_GOOD = "FAIRLY_GOOD", "较好"
    AVERAGE = "AVERAGE", "一般"
    POOR = "POOR", "较差"

    @property
    def rank(self) -> int:
        """0 for the top grade, 3 for the lowest: a smaller rank is a better grade."""
        return list(Grade).index(self)

    def better_than(self, other: Grade) -> bool:
        """Whether this grade is above `other`."""
        return self.rank < other.rank


class AnnualGrade(Labelled):
    """Annual appraisal grades (年度考核等次)."""

    EXCELLENT = "EXCELLENT", "优秀"
    COMPETENT = "COMPETENT", "称职"
    BASICALLY_COMPETENT = "BASICALLY_COMPETENT", "基本称职"
    INCOMPETENT = "INCOMPETENT", "不称职"


class CycleStatus(Labelled):
    """Where a quarter's appraisal cycle stands."""

    OPENED = "OPENED", "已开启"
    APPRAISING = "APPRAISING", "考核中"
    FINALISED = "FINALISED", "已定等"
    PUBLISHED = "PUBLISHED", "公示中"
    CONFIRMED = "CONFIRMED", "已确认"


# The relation by which someone rates an appraisee (谁管理谁认定) is the directory's one type of
# the manager relation; reviews keep their name for it (the GraphQL enum is `RaterRelation`).
RaterRelation = ManagerRelation


class IndicatorSource(Labelled):
    """Where an indicator's score comes from."""

    RATED = "RATED", "领导评鉴"
    FEEDBACK = "FEEDBACK", "服务对象评价"


class Rounding(Labelled):
    """How a quota percentage of the participants becomes a number of people."""

    FLOOR = "FLOOR", "向下取整"
    HALF_UP = "HALF_UP", "四舍五入"


class ObjectionStatus(Labelled):
    """Where an objection (异议/复核) stands."""

    OPEN = "OPEN", "待处理"
    UPHELD = "UPHELD", "已采纳"
    REJECTED = "REJECTED", "未采纳"


class SanctionKind(Labelled):
    """Disciplinary sanctions (政务处分) that bar a person from the annual top grade."""

    WARNING = "WARNING", "警告"
    DEMERIT = "DEMERIT", "记过"
    MAJOR_DEMERIT = "MAJOR_DEMERIT", "记大过"
    DEMOTION = "DEMOTION", "降级"
    REMOVAL = "REMOVAL", "撤职"


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
