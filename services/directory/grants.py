"""Whether the roles a token claims are still granted: the org chart as it is now, and the
platform's recorded appointments. Every process sets one `GrantsInForce` as its
`kernel.auth.GrantCheck` (`app.state.grants`), so a revoked role or a departed person is refused
at their next request, not when their token expires.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from uuid import UUID

from kernel.auth import AuthenticationError
from kernel.calendar import china_date
from kernel.context import Actor, Scope
from kernel.errors import NotFoundError
from kernel.roles import Role
from services.directory.domain import ORG_CHART_ROLES
from services.directory.reader import OrgChart

RULE = "kernel.grant_in_force"


class GrantsInForce:
    """`kernel.auth.GrantCheck` over the directory log.

    A person of a unit must hold today every org-chart role their token claims
    (`Unit.roles_of`, the one home of that rule); a platform-scope auditor must be a platform
    auditor in force. Tokens of the administrator, integrations and served cadres claim no
    place in an org chart: only their signature and lifetime are checked.

    Answers are cached per directory log position and China date: while nothing is recorded
    in the directory, a request costs one indexed `max()` and a dictionary look-up.
    """

    def __init__(
        self, org: OrgChart, today: Callable[[], date] = china_date, size: int = 10_000
    ) -> None:
        self._org = org
        self._today = today
        self._size = size
        self._lock = threading.Lock()
        self._as_of: tuple[int, date] | None = None
        self._held: dict[tuple[UUID, UUID], frozenset[Role] | str] = {}
        self._platform: dict[UUID, bool] = {}

    def __call__(self, actor: Actor) -> None:
        """Refuse (AuthenticationError, rule `kernel.grant_in_force`) a role no longer held."""
        claimed = actor.roles & ORG_CHART_ROLES
        if actor.scope is Scope.PLATFORM and actor.has(Role.AUDITOR):
            if not self._platform_auditor(actor.person_id):
                raise AuthenticationError(
                    f"{actor.name or actor.person_id} is not a platform auditor today "
                    f"({self._today().isoformat()}): a platform-wide AUDITOR token is for an "
                    "auditor the platform administrator appointed, until revoked",
                    RULE,
                )
            claimed -= {Role.AUDITOR}
        if not claimed:
            return
        if actor.tenant_id is None:
            raise AuthenticationError(
                "the token claims "
                + ", ".join(sorted(r.value for r in claimed))
                + ", roles of a unit's org chart, but names no unit",
                RULE,
            )
        held = self._roles(actor.tenant_id, actor.person_id)
        if isinstance(held, str):
            raise AuthenticationError(held, RULE)
        if missing := claimed - held:
            raise AuthenticationError(
                f"the token claims {', '.join(f'{r.value} ({r.label})' for r in sorted(missing))}"
                f", which {actor.name or actor.person_id} no longer holds in the org chart today "
                f"({self._today().isoformat()}): the role was revoked or ended; sign in again",
                RULE,
            )

    def _fresh(self) -> None:
        """Forget every answer once the directory log moved on or the day changed."""
        as_of = (self._org.position(), self._today())
        with self._lock:
            if as_of != self._as_of or len(self._held) + len(self._platform) > self._size:
                self._as_of = as_of
                self._held.clear()
                self._platform.clear()

    def _roles(self, unit_id: UUID, person_id: UUID) -> frozenset[Role] | str:
        self._fresh()
        key = (unit_id, person_id)
        if (found := self._held.get(key)) is not None:
            return found
        today = self._today()
        answer: frozenset[Role] | str
        try:
            answer = frozenset(self._org.roles_of(unit_id, person_id, today))
            if not answer and (left := self._org.left_on(unit_id, person_id)) is not None:
                answer = f"{person_id} left unit {unit_id} on {left.isoformat()}: no role is held"
        except NotFoundError as exc:
            answer = f"{exc.message}: the token's person is not in its unit's org chart"
        with self._lock:
            self._held[key] = answer
        return answer

    def _platform_auditor(self, person_id: UUID) -> bool:
        self._fresh()
        if (found := self._platform.get(person_id)) is not None:
            return found
        answer = self._org.is_platform_auditor(person_id, self._today())
        with self._lock:
            self._platform[person_id] = answer
        return answer
