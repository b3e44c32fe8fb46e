"""The directory's codes, each with the Chinese term users read."""

from __future__ import annotations

from kernel.labels import Labelled


class DepartmentCategory(Labelled):
    """What kind of work a department (科室) does; it decides which indicators apply."""

    GENERAL = "GENERAL", "综合管理"
    SERVICE = "SERVICE", "事务服务"
    SPECIALIST = "SPECIALIST", "专业技术"
    PAPERWORK = "PAPERWORK", "案牍文稿"
    PATROL = "PATROL", "巡查督导"


class ServiceKind(Labelled):
    """The service a service department runs for the city's agencies."""

    VEHICLES = "VEHICLES", "公车"
    PROPERTY = "PROPERTY", "物业"
    SECURITY = "SECURITY", "安保"
    MEETINGS = "MEETINGS", "会议"
    CANTEEN = "CANTEEN", "食堂"


class PositionCategory(Labelled):
    """A person's position category (职位类别), which selects their individual indicators."""

    LEADER = "LEADER", "中心领导"
    GENERAL = "GENERAL", "综合管理"
    SERVICE = "SERVICE", "事务服务"
    SPECIALIST = "SPECIALIST", "专业技术"
    PAPERWORK = "PAPERWORK", "案牍文稿"
    PATROL = "PATROL", "巡查督导"


class OfficeRole(Labelled):
    """Unit-wide roles granted to a person besides their department membership."""

    APPRAISAL_OFFICE = "APPRAISAL_OFFICE", "考核办"
    AUDITOR = "AUDITOR", "审计/纪检"


ENUMS = (DepartmentCategory, ServiceKind, PositionCategory, OfficeRole)
