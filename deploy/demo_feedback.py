"""A realistic quarter of feedback for the demo unit: the third quarter's satisfaction survey of
the service departments (closed), praise, and complaints (some handled late, one dismissed, one
still open past its deadline). Pure data; `deploy.demo` loads it.
"""

from __future__ import annotations

import random
from datetime import date

QUARTER = "2026-Q3"
AGENCIES = [
    "市委办公室",
    "市政府办公室",
    "市发展和改革委员会",
    "市财政局",
    "市教育局",
    "市公安局",
    "市民政局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市住房和城乡建设局",
    "市交通运输局",
    "市水务局",
    "市卫生健康委员会",
    "市市场监督管理局",
    "市统计局",
]
# Each service department's typical score and spread on the 0-100 scale.
SERVICE_LEVEL = {
    "vehicles": (91, 5),
    "property": (86, 7),
    "security": (94, 3),
    "meetings": (92, 4),
    "canteen": (83, 8),
}
RESPONDENTS = 60
SEED = 2026_09


def survey_rows(department_names: dict[str, str]) -> str:
    """The survey platform's CSV export: one row per respondent, one column per department."""
    rng = random.Random(SEED)
    header = ["respondent_agency", "respondent", *department_names.values(), "comment"]
    lines = [",".join(header)]
    for i in range(RESPONDENTS):
        scores = []
        for key in department_names:
            mean, spread = SERVICE_LEVEL[key]
            scores.append(
                "" if rng.random() < 0.1 else str(max(0, min(100, round(rng.gauss(mean, spread)))))
            )
        comment = rng.choice(["", "", "服务热情周到", "希望食堂增加晚餐品种", "派车及时"])
        lines.append(",".join([rng.choice(AGENCIES), f"受访者{i + 1:02d}", *scores, comment]))
    # Two rows the platform exported badly: the import reports them and records the rest.
    lines.append("市统计局,受访者99,105,90,92,95,80,")
    lines.append(",受访者98,90,90,90,90,90,")
    return "\n".join(lines) + "\n"


PRAISE = [
    # (target: department key or person key, source, what happened, date)
    (
        "vehicles",
        "市委办公室 感谢信",
        "全市安全生产大会用车保障安排周密，零差错",
        date(2026, 7, 16),
    ),
    ("meetings", "市政府办公室 电话表扬", "全市重点项目推进会会务服务热情细致", date(2026, 8, 21)),
    ("security1", "市信访局 锦旗", "处置来访人员突发情况冷静专业", date(2026, 9, 3)),
    ("canteen2", "机关干部 留言", "主动为加班干部准备夜餐", date(2026, 9, 12)),
]

COMPLAINTS = [
    # (target, complainant or None for anonymous, content, received, outcome, handler key,
    #  resolved (or dismissed) on)
    (
        "vehicles",
        {"name": "王科长", "agency": "市财政局", "contact": "0537-2300001"},
        "预约用车迟到40分钟，影响外出检查",
        date(2026, 7, 8),
        "resolved_on_time",
        "vehicles0",
        date(2026, 7, 10),
    ),
    (
        "canteen",
        None,
        "午餐菜品重复，价格偏高",
        date(2026, 8, 4),
        "resolved_late",
        "canteen0",
        date(2026, 8, 17),
    ),
    (
        "property3",
        {"name": "刘主任", "agency": "市教育局", "contact": "13800000003"},
        "会议室空调故障报修两天未处理",
        date(2026, 9, 7),
        "resolved_dissatisfied",
        "property0",
        date(2026, 9, 11),
    ),
    (
        "security",
        {"name": "赵女士", "agency": "市民政局", "contact": None},
        "门岗登记时态度生硬",
        date(2026, 9, 14),
        "dismissed",
        "security0",
        date(2026, 9, 16),
    ),
    (
        "meetings",
        {"name": "孙处长", "agency": "市水务局", "contact": "0537-2300005"},
        "会场话筒多次失灵",
        date(2026, 9, 24),
        "open",
        "meetings0",
        None,
    ),
]
DISMISS_REASON = "经调取门岗监控录像并询问当班人员，未发现态度生硬情形，投诉不实"
