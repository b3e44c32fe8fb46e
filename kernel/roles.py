"""Roles from DOMAIN.md, each with its Chinese label."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The role a person acts in; the value is the English code, `label` the Chinese term."""

    APPRAISEE = "APPRAISEE"
    DEPARTMENT_HEAD = "DEPARTMENT_HEAD"
    SUPERVISING_LEADER = "SUPERVISING_LEADER"
    PRINCIPAL_LEADER = "PRINCIPAL_LEADER"
    APPRAISAL_OFFICE = "APPRAISAL_OFFICE"
    SERVED_CADRE = "SERVED_CADRE"
    AUDITOR = "AUDITOR"
    INTEGRATION = "INTEGRATION"
    ADMIN = "ADMIN"

    @property
    def label(self) -> str:
        """The Chinese term users read."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.APPRAISEE: "被考核人",
    Role.DEPARTMENT_HEAD: "科室负责人",
    Role.SUPERVISING_LEADER: "分管领导",
    Role.PRINCIPAL_LEADER: "主要负责人",
    Role.APPRAISAL_OFFICE: "考核办",
    Role.SERVED_CADRE: "服务对象",
    Role.AUDITOR: "审计/纪检",
    Role.INTEGRATION: "集成系统",
    Role.ADMIN: "系统管理员",
}
