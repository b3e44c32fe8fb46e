"""The feedback service's codes, each with the Chinese term users read."""

from __future__ import annotations

from kernel.labels import Labelled


class SurveyStatus(Labelled):
    """A satisfaction survey (满意度调查) is open for responses, then closed for good."""

    OPEN = "OPEN", "进行中"
    CLOSED = "CLOSED", "已结束"


class TargetKind(Labelled):
    """Praise and complaints concern a person or a department."""

    PERSON = "PERSON", "个人"
    DEPARTMENT = "DEPARTMENT", "科室"


class ComplaintStatus(Labelled):
    """Where a complaint (投诉) stands in its handling."""

    FILED = "FILED", "已受理"
    ASSIGNED = "ASSIGNED", "已交办"
    RESPONDED = "RESPONDED", "已答复"
    RESOLVED = "RESOLVED", "已办结"
    DISMISSED = "DISMISSED", "查无实据"

    @property
    def is_open(self) -> bool:
        """Still awaiting handling."""
        return self in (ComplaintStatus.FILED, ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED)


class Satisfaction(Labelled):
    """The complainant's verdict on how the complaint was handled."""

    SATISFIED = "SATISFIED", "满意"
    DISSATISFIED = "DISSATISFIED", "不满意"


class FiledBy(Labelled):
    """Who put the complaint on record."""

    SERVED_CADRE = "SERVED_CADRE", "服务对象本人"
    OFFICE_ON_BEHALF = "OFFICE_ON_BEHALF", "考核办代为登记"
