"""What the goals aggregates share: their id namespace and the guards on owners and reasons."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from kernel.errors import check_own
from kernel.text import check_words

NAMESPACE = uuid5(NAMESPACE_URL, "https://kaohe.invalid/goals")


def check_owner(actor_id: UUID, person_id: UUID, what: str) -> None:
    """People draft, submit and report on their own goals only."""
    check_own(
        actor_id,
        person_id,
        "goals.own_goals_only",
        f"only the person whose {what} it is may do this",
    )


def check_reason(reason: str | None, field: str = "reason") -> str:
    """Rules that ask for a reason get a real one."""
    return check_words(reason, "goals.reason_required", "give the reason", field)
