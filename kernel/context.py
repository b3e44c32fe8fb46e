"""Who is acting, in which role, for which unit, and why: set once per command, read by the kernel.

The request layer opens a `CommandContext` with `acting()`; the aggregate base class stamps every
event it triggers with the context's `EventMeta`, so no command fills metadata in by hand.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import enum
from collections.abc import Iterator
from datetime import datetime
from uuid import UUID, uuid4

from kernel.roles import Role


class Scope(enum.StrEnum):
    """How far a token reaches: its unit, or every unit (the platform)."""

    UNIT = "unit"
    PLATFORM = "platform"


# The roles whose holders may read across units, when their token's scope is the platform.
PLATFORM_READERS = frozenset({Role.ADMIN, Role.AUDITOR})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Actor:
    """The authenticated caller: a person of a unit (or of the platform), holding roles."""

    person_id: UUID
    tenant_id: UUID | None
    login: str
    name: str
    roles: frozenset[Role]
    scope: Scope = Scope.UNIT
    # An integration's scope tokens (like `fields:contact`) of the `scope` claim; None: no claim.
    integration_scope: frozenset[str] | None = None

    def has(self, role: Role) -> bool:
        """Whether the caller holds `role`."""
        return role in self.roles

    def reads_every_unit(self) -> bool:
        """Whether the caller reads every unit's records: the one rule of cross-unit reading.

        Only a platform-scope token of the platform administrator or of a platform auditor
        (appointed by the administrator, 纪检) does; a unit's auditor, granted by its office,
        reads that unit alone.
        """
        return self.scope is Scope.PLATFORM and not self.roles.isdisjoint(PLATFORM_READERS)

    def reads_unit(self, unit_id: UUID | None) -> bool:
        """Whether the caller may read the records of `unit_id` (None: platform records)."""
        return self.reads_every_unit() or (unit_id is not None and self.tenant_id == unit_id)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventMeta:
    """What every recorded event says about itself besides its payload."""

    actor_id: UUID
    actor_role: Role
    occurred_at: datetime
    tenant_id: UUID | None
    correlation_id: UUID
    causation_id: UUID | None = None
    reason: str | None = None
    schema_version: int = 1

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view (UUIDs and instants as strings)."""
        return {
            "actor_id": str(self.actor_id),
            "actor_role": self.actor_role.value,
            "occurred_at": self.occurred_at.isoformat(),
            "tenant_id": str(self.tenant_id) if self.tenant_id else None,
            "correlation_id": str(self.correlation_id),
            "causation_id": str(self.causation_id) if self.causation_id else None,
            "reason": self.reason,
            "schema_version": self.schema_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> EventMeta:
        """The inverse of `as_dict`."""
        tenant = data.get("tenant_id")
        causation = data.get("causation_id")
        reason = data.get("reason")
        return cls(
            actor_id=UUID(str(data["actor_id"])),
            actor_role=Role(str(data["actor_role"])),
            occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
            tenant_id=UUID(str(tenant)) if tenant else None,
            correlation_id=UUID(str(data["correlation_id"])),
            causation_id=UUID(str(causation)) if causation else None,
            reason=str(reason) if reason is not None else None,
            schema_version=int(str(data.get("schema_version", 1))),
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class CommandContext:
    """The facts about one command that every event it causes must carry."""

    actor_id: UUID
    actor_role: Role
    now: datetime
    tenant_id: UUID | None
    correlation_id: UUID = dataclasses.field(default_factory=uuid4)
    causation_id: UUID | None = None
    reason: str | None = None

    def meta(self, schema_version: int = 1) -> EventMeta:
        """The metadata for one event of this command."""
        return EventMeta(
            actor_id=self.actor_id,
            actor_role=self.actor_role,
            occurred_at=self.now,
            tenant_id=self.tenant_id,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            reason=self.reason,
            schema_version=schema_version,
        )


_current: contextvars.ContextVar[CommandContext | None] = contextvars.ContextVar(
    "kaohe_command_context", default=None
)


class NoCommandContextError(RuntimeError):
    """An event was triggered outside `acting()`: nobody would be answerable for it."""


def current_context() -> CommandContext:
    """The context of the command being decided; raises if there is none."""
    ctx = _current.get()
    if ctx is None:
        msg = "no command context: wrap the command in kernel.context.acting(...)"
        raise NoCommandContextError(msg)
    return ctx


@contextlib.contextmanager
def acting(ctx: CommandContext) -> Iterator[CommandContext]:
    """Decide commands inside this block on behalf of `ctx`."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def with_reason(reason: str | None) -> Iterator[None]:
    """Narrow the current context to carry `reason` on the events triggered inside."""
    ctx = current_context()
    token = _current.set(dataclasses.replace(ctx, reason=reason))
    try:
        yield
    finally:
        _current.reset(token)
