"""A year of quarterly appraisals for the demo unit (2025): each quarter's survey, summaries,
ratings, grades within the quota, publication, an objection, talks; one department (政策法规科)
visibly "taking turns" at the top grade (轮流坐庄), the others graded by their scores; one poor
quarter and one sanction that keep people off the annual candidate list.

Pure data and deterministic generators; `deploy.demo_reviews_loader` loads it through GraphQL.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from decimal import Decimal

from deploy.demo_feedback import AGENCIES, SERVICE_LEVEL
from services.directory.vocabulary import PositionCategory
from services.reviews.scheme import CycleConfig
from services.reviews.vocabulary import Grade, IndicatorSource

YEAR = 2025
SEED = 2025_12


@dataclasses.dataclass(frozen=True)
class DemoQuarter:
    quarter: str
    published_on: date
    talks_on: date


QUARTERS = [
    DemoQuarter("2025-Q1", date(2025, 4, 8), date(2025, 4, 25)),
    DemoQuarter("2025-Q2", date(2025, 7, 8), date(2025, 7, 25)),
    DemoQuarter("2025-Q3", date(2025, 10, 13), date(2025, 10, 30)),
    DemoQuarter("2025-Q4", date(2026, 1, 8), date(2026, 1, 23)),
]
# 政策法规科 hands the top grade round, one person a quarter, whatever the scores say.
TAKING_TURNS = "policy"
TURNS = ["policy1", "policy2", "policy3", "policy4"]
TURN_JUSTIFICATION = "科室推荐：本季度由该同志评为好等次"
# Who has a poor (较差) quarter, and who a sanction: both are off the annual candidate list.
POOR = ("energy3", "2025-Q2")
SANCTIONED = ("assets2", date(2025, 6, 10), "WARNING", "济机关纪〔2025〕2号")
# The objection of the year: (quarter, person, reason, filed on, resolution, resolved on).
OBJECTION = (
    "2025-Q3",
    "meetings2",
    "本季度承担了两次全市大型会议保障，请求复核等次",
    date(2025, 10, 14),
    "经复核，综合得分与等次相符，维持原等次",
    date(2025, 10, 16),
)
# The leader whose talks of the last quarter are still to be held: the office sees who waits.
TALKS_PENDING_LEADER = "leader3"


def rated_codes(category: str) -> list[str]:
    """The indicators raters score for a position category, in the default configuration."""
    return [
        i.code
        for i in CycleConfig().indicators_for(PositionCategory(category))
        if i.source is IndicatorSource.RATED
    ]


def ability(keys: list[str]) -> dict[str, float]:
    """Each person's usual level (the mean of their scores), deterministic; 政策法规科 sits in
    the middle of the unit, so its rotation shows against higher scorers elsewhere.
    """
    rng = random.Random(SEED)
    levels = {}
    for key in keys:
        mean = 85.0 if key.startswith(TAKING_TURNS) else 87.0
        levels[key] = max(70.0, min(97.0, rng.gauss(mean, 4.0)))
    return levels


def score(level: float, key: str, quarter: str, rater: str) -> int:
    """One rater's score for one person in one quarter. 政策法规科's scores stay below the top
    grade's band, so its rotation is the only departure from the scores in the unit.
    """
    rng = random.Random(f"{SEED}:{key}:{quarter}:{rater}")
    if (key, quarter) == POOR:
        return 55
    ceiling = 88 if key.startswith(TAKING_TURNS) else 100
    return max(0, min(ceiling, round(level + rng.gauss(0, 2.0))))


def survey_csv(quarter: str, department_names: dict[str, str]) -> str:
    """A quarter's survey platform export: one row per respondent, one column per department."""
    rng = random.Random(f"{SEED}:{quarter}")
    header = ["respondent_agency", "respondent", *department_names.values(), "comment"]
    lines = [",".join(header)]
    for i in range(30):
        scores = []
        for key in department_names:
            mean, spread = SERVICE_LEVEL[key]
            scores.append(str(max(0, min(100, round(rng.gauss(mean, spread))))))
        lines.append(",".join([rng.choice(AGENCIES), f"受访者{i + 1:02d}", *scores, ""]))
    return "\n".join(lines) + "\n"


def grades(
    composites: dict[str, Decimal],
    departments: dict[str, str | None],
    quarter_index: int,
    limit: int,
) -> dict[str, tuple[Grade, str | None]]:
    """The office's proposal: the best scorers (90 or more) get the top grade within the quota,
    everyone else the band of their score below it; in 政策法规科 the top grade goes to whose turn
    it is, with the department's written reason, and nobody else there gets it.
    """
    config = CycleConfig()
    turn = TURNS[quarter_index % len(TURNS)]
    ranked = sorted(
        (k for k in composites if departments.get(k) != TAKING_TURNS),
        key=lambda k: -composites[k],
    )
    top = {k for k in ranked[: limit - 1] if composites[k] >= 90}
    proposal: dict[str, tuple[Grade, str | None]] = {}
    for key, value in composites.items():
        band = config.grade_for(value)
        if key == turn:
            proposal[key] = (Grade.GOOD, TURN_JUSTIFICATION)
        elif key in top:
            proposal[key] = (Grade.GOOD, None)
        else:
            proposal[key] = (Grade.FAIRLY_GOOD if band is Grade.GOOD else band, None)
    return proposal


SUMMARY_WORK = [
    "按时完成科室交办的各项任务",
    "参与全市重点会议服务保障",
    "配合完成年度资产清查工作",
    "牵头整理本科室业务台账",
    "参加业务培训并通过考试",
]
SHORTCOMING = ("工作主动性有待加强", "本季度有两项任务临近期限才完成")
IMPROVEMENT = "制定周计划，重要任务提前一周预警"
