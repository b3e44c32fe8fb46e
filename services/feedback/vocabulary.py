"""The feedback service's codes, each with the Chinese term users read."""

from __future__ import annotations

from enum import StrEnum


class SurveyStatus(StrEnum):
    """A satisfaction survey (满意度调查) is open for responses, then closed for good."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"OPEN": "进行中", "CLOSED": "已结束"}[self.value]


class TargetKind(StrEnum):
    """Praise and complaints concern a person or a department."""

    PERSON = "PERSON"
    DEPARTMENT = "DEPARTMENT"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"PERSON": "个人", "DEPARTMENT": "科室"}[self.value]


class ComplaintStatus(StrEnum):
    """Where a complaint (投诉) stands in its handling."""

    FILED = "FILED"
    ASSIGNED = "ASSIGNED"
    RESPONDED = "RESPONDED"
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "FILED": "已受理",
            "ASSIGNED": "已交办",
            "RESPONDED": "已答复",
            "RESOLVED": "已办结",
            "DISMISSED": "查无实据",
        }[self.value]

    @property
    def is_open(self) -> bool:
        """Still awaiting handling."""
        return self in (ComplaintStatus.FILED, ComplaintStatus.ASSIGNED, ComplaintStatus.RESPONDED)


class Satisfaction(StrEnum):
    """The complainant's verdict on how the complaint was handled."""

    SATISFIED = "SATISFIED"
    DISSATISFIED = "DISSATISFIED"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"SATISFIED": "满意", "DISSATISFIED": "不满意"}[self.value]


class FiledBy(StrEnum):
    """Who put the complaint on record."""

    SERVED_CADRE = "SERVED_CADRE"
    OFFICE_ON_BEHALF = "OFFICE_ON_BEHALF"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"SERVED_CADRE": "服务对象本人", "OFFICE_ON_BEHALF": "考核办代为登记"}[self.value]
