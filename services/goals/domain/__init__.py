"""Goals (确定目标), one aggregate a module: personal goal sets with their approval, revision and
progress (goal_set.py), reference goals (reference_goals.py), monthly summaries (月小结,
monthly_summary.py) and weekly progress reports (weekly_report.py); shared.py holds the guards
they share.

Pure: the date (`today`, China time) and the org-chart facts (`Managers`) come in with each
command; who acted and when comes from the kernel's command context.

Stored topics stay `services.goals.domain:GoalSet.Approved` and the like, as the log has held them
since its first event, for new events too (`kernel.aggregate.keep_topics` says why). This package
exports each aggregate under the name its topics give, so a stored topic resolves in any process.
"""

from kernel.aggregate import keep_topics
from services.goals.domain.goal_set import GoalItem, GoalSet, Serves, check_items, with_ids
from services.goals.domain.monthly_summary import MonthlySummary
from services.goals.domain.reference_goals import ReferenceGoals
from services.goals.domain.weekly_report import WeeklyReport

keep_topics(__name__, GoalSet, ReferenceGoals, MonthlySummary, WeeklyReport)

__all__ = [
    "GoalItem",
    "GoalSet",
    "MonthlySummary",
    "ReferenceGoals",
    "Serves",
    "WeeklyReport",
    "check_items",
    "with_ids",
]
