"""The directory, one aggregate a module: each unit's org chart over time (`Unit`, unit.py, with
the terms and `Managers`: who manages whom on a date) and the platform-wide auditors no unit
decides (`Platform`, platform.py).

Stored topics stay `services.directory.domain:Unit.PersonMoved` and the like, as the log has held
them since its first event, for new events too (`kernel.aggregate.keep_topics` says why). This
package exports each aggregate under the name its topics give, so a stored topic resolves in any
process.
"""

from kernel.aggregate import keep_topics
from services.directory.domain.platform import PLATFORM_ID, Platform, PlatformAuditor
from services.directory.domain.unit import ORG_CHART_ROLES, Unit, unit_id_for
from services.directory.managers import Managers
from services.directory.terms import Term

keep_topics(__name__, Unit, Platform)

__all__ = [
    "ORG_CHART_ROLES",
    "PLATFORM_ID",
    "Managers",
    "Platform",
    "PlatformAuditor",
    "Term",
    "Unit",
    "unit_id_for",
]
