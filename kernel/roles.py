"""Roles from DOMAIN.md, each with its Chinese label."""

from __future__ import annotations

from kernel.labels import Labelled


class Role(Labelled):
    """The role a person acts in; the value is the English code, `label` the Chinese term."""

    APPRAISEE = "APPRAISEE", "被考核人"
    DEPARTMENT_HEAD = "DEPARTMENT_HEAD", "科室负责人"
    SUPERVISING_LEADER = "SUPERVISING_LEADER", "分管领导"
    PRINCIPAL_LEADER = "PRINCIPAL_LEADER", "主要负责人"
    APPRAISAL_OFFICE = "APPRAISAL_OFFICE", "考核办"
    SERVED_CADRE = "SERVED_CADRE", "服务对象"
    AUDITOR = "AUDITOR", "审计/纪检"
    INTEGRATION = "INTEGRATION", "集成系统"
    ADMIN = "ADMIN", "系统管理员"
