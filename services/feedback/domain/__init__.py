"""Feedback from those served (服务对象), one aggregate a module: satisfaction surveys (survey.py),
praise (表扬, praise.py), complaints (投诉) and how promptly and properly they were handled
(complaint.py), and the unit's feedback configuration (policy.py); shared.py holds what they share.

Pure: dates and deadlines come in with each command (deadlines computed on the Chinese
working-day calendar by the application); who acted comes from the kernel's command context.

Stored topics stay `services.feedback.domain:Complaint.ComplaintFiled` and the like, as the log
has held them since its first event, for new events too (`kernel.aggregate.keep_topics` says why):
the application selects complaints by their created event's topic. This package exports each
aggregate under the name its topics give, so a stored topic resolves in any process.
"""

from kernel.aggregate import keep_topics
from services.feedback.domain.complaint import Complaint
from services.feedback.domain.policy import FeedbackPolicy
from services.feedback.domain.praise import Praise, check_praised_by
from services.feedback.domain.shared import NAMESPACE, quarter_of
from services.feedback.domain.survey import MEAN_RULE, Scale, Survey

keep_topics(__name__, Survey, Praise, Complaint, FeedbackPolicy)

__all__ = [
    "MEAN_RULE",
    "NAMESPACE",
    "Complaint",
    "FeedbackPolicy",
    "Praise",
    "Scale",
    "Survey",
    "check_praised_by",
    "quarter_of",
]
