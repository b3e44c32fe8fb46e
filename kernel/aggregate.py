"""The aggregate base every service's domain uses: events stamped from the command context."""

from __future__ import annotations

from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, register_topic

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


def keep_topics(module: str, *aggregates: type[KaoheAggregate]) -> None:
    """Keep the aggregates' stored topics in `module` (their package) wherever each is defined.

    The store records each event's topic (`module:Class.Event`) and, in the created event, the
    aggregate's (`module:Class`); both are read back to rebuild aggregates, hash-chained and shown
    to auditors. A class moved to another module keeps writing and reading the topics its log
    already holds through the library's explicit topics (`TOPIC`), so one log never mixes two
    names for one event. `module` must export the classes, so a topic also resolves in a process
    that has not imported the class's own module. Call it in the package's `__init__` after
    importing the aggregates: Python runs it before any module of the package can be used.
    """
    for aggregate in aggregates:
        classes: list[Any] = [aggregate] + [
            value
            for value in vars(aggregate).values()
            if isinstance(value, type) and issubclass(value, CanMutateAggregate)
        ]
        for cls in classes:
            topic = f"{module}:{cls.__qualname__}"
            cls.TOPIC = topic
            register_topic(topic, cls)
            if get_topic(cls) != topic:
                raise RuntimeError(f"{cls.__qualname__} was stored as {get_topic(cls)} already")
