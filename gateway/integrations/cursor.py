"""Cursors: where a consumer stands in Kaohe's events, one position per service log.

Each service has its own gap-free log (`<svc>.<svc>_events`, ordered by `notification_id`); there
is no global sequence, so a cursor is the vector of the last position seen in each log. It is sent
as an opaque string, `k1.` then the URL-safe base64 (unpadded) of the compact JSON object
`{"<service>": <position>, ...}` with sorted keys and zero positions left out. Positions never
change once recorded, so a cursor stays valid across restarts, and a service added later simply
starts at 0 in every old cursor.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Mapping

from kernel.errors import RuleViolatedError

PREFIX = "k1."


def _invalid(why: str, field: str) -> RuleViolatedError:
    return RuleViolatedError(
        "integrations.cursor_valid",
        f"{field} is not a cursor Kaohe issued ({why}); pass back a cursor exactly as received",
        field=field,
    )


@dataclasses.dataclass(frozen=True)
class Cursor:
    """A position in every service log (0: nothing seen yet)."""

    positions: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        # Normalised, so that equal cursors encode to the same text.
        clean = {s: int(p) for s, p in sorted(self.positions.items()) if int(p) > 0}
        object.__setattr__(self, "positions", clean)

    def position(self, service: str) -> int:
        """The last position seen in `service`'s log."""
        return self.positions.get(service, 0)

    def advanced(self, service: str, position: int) -> Cursor:
        """This cursor with `service` moved to `position`."""
        return Cursor({**self.positions, service: position})

    def encode(self) -> str:
        """The opaque text form."""
        raw = json.dumps(self.positions, separators=(",", ":"), sort_keys=True).encode()
        return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None, field: str = "after") -> Cursor:
        """Read a cursor back; an empty one is the very beginning."""
        if not text:
            return cls()
        if not text.startswith(PREFIX):
            raise _invalid(f"it does not start with {PREFIX!r}", field)
        body = text[len(PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            value = json.loads(raw)
        except (binascii.Error, ValueError):
            raise _invalid("it does not decode", field) from None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**63
            for k, v in value.items()
        ):
            # A position is a log's bigint: beyond it, PostgreSQL refuses the query (a 500, and
            # a webhook worker restarting for ever on a subscription that starts there).
            raise _invalid("it does not hold positions", field)
        return cls(value)

    def covers(self, other: Cursor) -> bool:
        """Whether this cursor is at or past `other` in every log."""
        return all(self.position(s) >= p for s, p in other.positions.items())
