"""Domain errors. Each names its rule, so a refusal says which rule and what was missing.

The web layer maps them to one error shape (see `kernel.web.error_shape`); the domain never
knows HTTP.
"""

from __future__ import annotations

from uuid import UUID

# The keys of the one error body every Kaohe service answers with
# (`kernel.web.error_shape.error_response`), in their order: {"error": {...}}.
ERROR_FIELDS = (
    "status",
    "code",
    "message",
    "rule",
    "field",
    "missing_role",
    "missing_relation",
    "details",
)


class DomainError(Exception):
    """A command was refused by a named rule."""

    def __init__(
        self,
        rule: str,
        message: str,
        *,
        field: str | None = None,
        missing_role: str | None = None,
        missing_relation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field
        self.missing_role = missing_role
        self.missing_relation = missing_relation


class RuleViolatedError(DomainError):
    """The command breaks a rule of the domain (HTTP 422)."""


class NotPermittedError(DomainError):
    """The caller lacks the role or the relation the rule asks for (HTTP 403)."""


class NotFoundError(DomainError):
    """The thing the command names does not exist (HTTP 404)."""


class ConflictError(DomainError):
    """The command was decided against a state that has since changed (HTTP 409)."""


def stale_version(expected: int, actual: int) -> ConflictError:
    """The error for an If-Match version that is no longer current."""
    return ConflictError(
        "kernel.optimistic_concurrency",
        f"expected version {expected}, but the record is at version {actual}; "
        "reload and decide again",
        field="If-Match",
    )


def check_version(expected: int | None, actual: int) -> None:
    """Refuse with `stale_version` when an If-Match version was given and is no longer current."""
    if expected is not None and actual != expected:
        raise stale_version(expected, actual)


def check_own(actor_id: UUID, person_id: UUID, rule: str, message: str) -> None:
    """Refuse by the capability's `rule` (the OWNER relation missing) unless the actor is the
    person whose record it is."""
    if actor_id != person_id:
        raise NotPermittedError(rule, message, missing_relation="OWNER")
