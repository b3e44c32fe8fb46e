"""A realistic quarter of goals for the demo unit: the unit's work priorities and special plans,
each department's phase goals, and every person's quarter goals, most approved, some returned and
resubmitted, some revised, some items completed or dropped; monthly summaries and weekly reports.

Pure data; `deploy.demo` loads it through GraphQL.
"""

from __future__ import annotations

WORK_PRIORITIES = [
    "深化公务用车制度改革，提升平台化调度水平",
    "推进公共机构节能降碳，完成年度能耗双控目标",
    "提升机关后勤服务保障质量，开展满意度提升行动",
    "加强国有资产管理，完成资产清查和处置",
    "强化安全生产和机关安全保卫工作",
]
SPECIAL_PLANS = [
    "机关食堂“光盘行动”和节约型食堂创建专项方案",
    "机关办公区物业服务标准化建设专项规划",
]

# Per department: its phase goals for the quarter, and the personal goal templates staff draw
# from: (what, measure, index of the work priority it serves or None for a job duty).
DEPARTMENT_GOALS: dict[str, list[str]] = {
    "general": ["组织完成第四季度平时考核", "起草年度工作总结和来年工作要点"],
    "vehicles": ["公务用车平台调度准时率达到98%", "完成全部车辆冬季检修"],
    "property": ["完成办公区物业服务标准化试点", "冬季供暖零投诉"],
    "security": ["年底重要会议安保零差错", "完成消防设施季度检查"],
    "meetings": ["保障年终系列会议服务", "完成会议室智能预约系统上线"],
    "canteen": ["食品安全零事故", "食堂满意度达到95%以上"],
    "energy": ["完成公共机构能耗统计直报", "开展节能降碳专项督查"],
    "assets": ["完成年度资产清查", "完成闲置资产公开处置"],
    "finance": ["完成年度预算执行分析", "配合完成内部审计"],
    "policy": ["完成机关事务管理办法修订稿", "编印年度工作信息汇编"],
}

PERSONAL_GOALS: dict[str, list[tuple[str, str, int | None]]] = {
    "general": [
        ("组织第四季度平时考核并公示结果", "按程序完成并公示5个工作日", None),
        ("编发每周工作进展通报", "每周五前发钉钉工作群", None),
        ("起草年度工作总结初稿", "12月15日前报分管领导", 2),
    ],
    "vehicles": [
        ("优化公务用车平台派车流程", "派车平均响应时间缩短到15分钟内", 0),
        ("完成所辖车辆冬季检修", "检修率100%，建立台账", 0),
        ("开展驾驶员安全教育", "每月一次，有签到记录", 4),
    ],
    "property": [
        ("推进物业服务标准化试点", "形成服务标准手册", 2),
        ("做好冬季供暖运行保障", "室温达标，投诉当日处理", 2),
        ("开展办公区设施巡检", "每周一次，问题闭环", None),
    ],
    "security": [
        ("做好年终重要会议安保", "方案提前3天报批，零差错", 4),
        ("完成消防设施季度检查", "检查覆盖率100%", 4),
        ("规范来访登记管理", "登记完整率100%", None),
    ],
    "meetings": [
        ("保障年终系列会议服务", "会务零差错，满意度测评95%以上", 2),
        ("推进会议室智能预约系统上线", "12月底前试运行", 2),
    ],
    "canteen": [
        ("落实食品安全主体责任", "每日晨检、留样记录完整", 2),
        ("开展“光盘行动”宣传", "餐余垃圾量同比下降10%", None),
        ("组织就餐满意度调查", "收回问卷200份以上", 2),
    ],
    "energy": [
        ("完成公共机构能耗统计直报", "按时直报，数据准确", 1),
        ("开展节能降碳专项督查", "督查30家公共机构并通报", 1),
    ],
    "assets": [
        ("完成年度资产清查", "账实相符率100%", 3),
        ("推进闲置资产公开处置", "处置方案报批并挂牌", 3),
    ],
    "finance": [
        ("完成年度预算执行分析", "分析报告报中心领导", None),
        ("配合完成内部审计", "问题整改台账建立", None),
    ],
    "policy": [
        ("完成机关事务管理办法修订稿", "征求意见并形成送审稿", None),
        ("编印年度工作信息汇编", "12月底前印发", None),
    ],
}

# Scenarios, by person key (see deploy.demo_unit): the rest are submitted and approved.
RETURNED_THEN_APPROVED = ["vehicles2", "canteen3", "policy2"]
STILL_DRAFT = ["assets4", "finance3"]
AWAITING_APPROVAL = ["property4", "security5", "meetings3"]
REVISED = ["vehicles1", "energy2"]
REVISION_PENDING = ["general4"]
DROPPED_ITEM = ["meetings1", "security2"]
COMPLETED_ITEM = ["general2", "vehicles3", "canteen1", "assets1"]

RETURN_COMMENT = "目标衡量标准不够具体，请细化完成时限和量化指标"
REVISION_REASON = "根据中心第四季度工作调度会要求，调整工作重点"
DROP_REASON = "该项工作已由中心统一调整至明年一季度实施"
