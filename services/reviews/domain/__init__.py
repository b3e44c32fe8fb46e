"""Reviews (考核评鉴), one aggregate a module: a quarter's `Cycle` from its locked configuration to
confirmed grades (cycle.py), each participant's `Appraisal` with summary, ratings and feedback talk
(appraisal.py), and disciplinary `Sanction`s (sanction.py); the guards they share are in shared.py.

Pure: dates (`today`, China time), org-chart facts (`Managers`), goals in force and feedback
facts come in with each command; who acted and when comes from the kernel's command context.

Stored topics: the three aggregates were first recorded from this module, as
`services.reviews.domain:Cycle.GradesProposed` and the like. Each keeps that topic for the events
it already has and for every new one (`kernel.aggregate.keep_topics`), so a log never names one
event two ways: the hash chain, replay, the audit trail's `topic` and the feed read what they
always read. This package exports each aggregate under the name its topics give, which resolves
a stored topic in any process.
"""

from kernel.aggregate import keep_topics
from services.reviews.domain.appraisal import Appraisal, Rating
from services.reviews.domain.cycle import Cycle, Objection, Participant
from services.reviews.domain.sanction import SANCTION_MONTHS, Sanction, sanction_ends
from services.reviews.domain.shared import quarter_span

keep_topics(__name__, Cycle, Appraisal, Sanction)

__all__ = [
    "SANCTION_MONTHS",
    "Appraisal",
    "Cycle",
    "Objection",
    "Participant",
    "Rating",
    "Sanction",
    "quarter_span",
    "sanction_ends",
]
