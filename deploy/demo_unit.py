"""The demo unit: a municipal Government Offices Administration (机关事务中心), about 60 people,
with a history: a move between departments, a new head, and a change of supervising leader.

Pure data and a deterministic generator; `deploy.demo` loads it through GraphQL.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from typing import Any

UNIT_NAME = "济宁市机关事务服务中心"
UNIT_CODE = "JN-JGSW"
FOUNDED = date(2025, 1, 1)
SEED = 20201126  # the day the seed article's neighbour ran; any fixed number would do


@dataclasses.dataclass(frozen=True)
class DemoDepartment:
    key: str
    name: str
    category: str
    service_kind: str | None
    size: int
    position_category: str


DEPARTMENTS = [
    DemoDepartment("general", "综合科", "GENERAL", None, 7, "GENERAL"),
    DemoDepartment("vehicles", "公务用车服务科", "SERVICE", "VEHICLES", 7, "SERVICE"),
    DemoDepartment("property", "物业管理科", "SERVICE", "PROPERTY", 6, "SERVICE"),
    DemoDepartment("security", "安全保卫科", "SERVICE", "SECURITY", 6, "SERVICE"),
    DemoDepartment("meetings", "会议服务科", "SERVICE", "MEETINGS", 5, "SERVICE"),
    DemoDepartment("canteen", "机关食堂管理科", "SERVICE", "CANTEEN", 6, "SERVICE"),
    DemoDepartment("energy", "节能监督科", "PATROL", None, 5, "PATROL"),
    DemoDepartment("assets", "资产管理科", "SPECIALIST", None, 5, "SPECIALIST"),
    DemoDepartment("finance", "财务审计科", "SPECIALIST", None, 4, "SPECIALIST"),
    DemoDepartment("policy", "政策法规科", "PAPERWORK", None, 5, "PAPERWORK"),
]

SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("孔", "kong"),
    ("颜", "yan"),
    ("曾", "zeng"),
    ("宋", "song"),
    ("田", "tian"),
]
GIVEN = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂英", "guiying"),
    ("建国", "jianguo"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("志强", "zhiqiang"),
    ("文博", "wenbo"),
    ("雪梅", "xuemei"),
    ("国庆", "guoqing"),
    ("丹", "dan"),
    ("鹏", "peng"),
]


@dataclasses.dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    login: str
    position_category: str
    department: str | None


def people() -> list[DemoPerson]:
    """Four unit leaders, then every department's staff; the first of each is its head."""
    rng = random.Random(SEED)
    used: set[str] = set()
    result: list[DemoPerson] = []

    def person(key: str, category: str, department: str | None) -> DemoPerson:
        while True:
            (surname, s_py), (given, g_py) = rng.choice(SURNAMES), rng.choice(GIVEN)
            if s_py + g_py not in used:
                used.add(s_py + g_py)
                return DemoPerson(key, surname + given, s_py + g_py, category, department)

    result += [person(f"leader{i}", "LEADER", None) for i in range(4)]
    for department in DEPARTMENTS:
        result += [
            person(f"{department.key}{i}", department.position_category, department.key)
            for i in range(department.size)
        ]
    return result


# Who supervises what (分管), from the founding; leader0 is the principal leader (主要负责人).
SUPERVISION = {
    "leader1": ["general", "policy", "finance"],
    "leader2": ["vehicles", "property", "security"],
    "leader3": ["meetings", "canteen", "energy", "assets"],
}
APPRAISAL_OFFICE = ["general0", "general1"]  # 考核办 sits in the general office (综合科)
AUDITORS = ["finance1"]  # 纪检

# The history that makes "who managed whom when" non-trivial.
REORGANISATION: list[tuple[date, str, dict[str, Any], str]] = [
    # (when, what, details, reason)
    (
        date(2026, 1, 1),
        "head",
        {"department": "security", "person": "security1"},
        "原科长轮岗交流，由副科长主持工作",
    ),
    (
        date(2026, 4, 1),
        "move",
        {"person": "property3", "department": "vehicles"},
        "公车平台改革，抽调熟悉车辆调度的同志充实公车服务科",
    ),
    (
        date(2026, 7, 1),
        "supervision",
        {"leader": "leader2", "departments": ["canteen"]},
        "领导班子分工调整，食堂改由分管后勤保障的副主任分管",
    ),
]
