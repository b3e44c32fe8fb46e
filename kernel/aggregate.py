"""The aggregate base every service's domain uses: events stamped from the command context."""

from __future__ import annotations

from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate

from kernel.context import EventMeta, current_context


class KaoheAggregate(Aggregate):
    """An eventsourcing aggregate whose events carry `EventMeta` and the command's `now`.

    The domain never reads the clock or the request: both come from the command context.
    """

    class Event(Aggregate.Event):
        meta: EventMeta

    class Created(Event, Aggregate.Created):
        pass

    def trigger_event(
        self,
        event_class: type[CanMutateAggregate[UUID]],
        **kwargs: Any,
    ) -> None:
        """Trigger `event_class`, stamped with the current command's metadata and time."""
        _stamp(event_class, kwargs)
        super().trigger_event(event_class, **kwargs)

    @classmethod
    def _create(
        cls,
        event_class: type[CanInitAggregate[UUID]],
        *,
        id: UUID | None = None,  # noqa: A002 - the library's parameter name
        **kwargs: Any,
    ) -> Self:
        _stamp(event_class, kwargs)
        return super()._create(event_class, id=id, **kwargs)


def _stamp(event_class: type, kwargs: dict[str, Any]) -> None:
    ctx = current_context()
    kwargs.setdefault("meta", ctx.meta(getattr(event_class, "class_version", 1)))
    kwargs.setdefault("timestamp", ctx.now)
