"""The directory's codes, each with the Chinese term users read."""

from __future__ import annotations

from enum import StrEnum


class DepartmentCategory(StrEnum):
    """What kind of work a department (科室) does; it decides which indicators apply."""

    GENERAL = "GENERAL"
    SERVICE = "SERVICE"
    SPECIALIST = "SPECIALIST"
    PAPERWORK = "PAPERWORK"
    PATROL = "PATROL"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "GENERAL": "综合管理",
            "SERVICE": "事务服务",
            "SPECIALIST": "专业技术",
            "PAPERWORK": "案牍文稿",
            "PATROL": "巡查督导",
        }[self.value]


class ServiceKind(StrEnum):
    """The service a service department runs for the city's agencies."""

    VEHICLES = "VEHICLES"
    PROPERTY = "PROPERTY"
    SECURITY = "SECURITY"
    MEETINGS = "MEETINGS"
    CANTEEN = "CANTEEN"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "VEHICLES": "公车",
            "PROPERTY": "物业",
            "SECURITY": "安保",
            "MEETINGS": "会议",
            "CANTEEN": "食堂",
        }[self.value]


class PositionCategory(StrEnum):
    """A person's position category (职位类别), which selects their individual indicators."""

    LEADER = "LEADER"
    GENERAL = "GENERAL"
    SERVICE = "SERVICE"
    SPECIALIST = "SPECIALIST"
    PAPERWORK = "PAPERWORK"
    PATROL = "PATROL"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {
            "LEADER": "中心领导",
            "GENERAL": "综合管理",
            "SERVICE": "事务服务",
            "SPECIALIST": "专业技术",
            "PAPERWORK": "案牍文稿",
            "PATROL": "巡查督导",
        }[self.value]


class OfficeRole(StrEnum):
    """Unit-wide roles granted to a person besides their department membership."""

    APPRAISAL_OFFICE = "APPRAISAL_OFFICE"
    AUDITOR = "AUDITOR"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return {"APPRAISAL_OFFICE": "考核办", "AUDITOR": "审计/纪检"}[self.value]


ENUMS = (DepartmentCategory, ServiceKind, PositionCategory, OfficeRole)
