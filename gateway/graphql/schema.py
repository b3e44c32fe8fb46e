"""The GraphQL schema, with depth, alias, token, cost, rate and time limits and parser/validation
caches."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from gateway.audit.as_of import TimeTravelQuery
from gateway.audit.proofs import ProofQuery
from gateway.audit.queries import AuditQuery
from gateway.directory.mutations import Mutation as DirectoryMutation
from gateway.directory.queries import Query as DirectoryQuery
from gateway.feedback.mutations import FeedbackMutation
from gateway.feedback.queries import FeedbackQuery
from gateway.goals.mutations import GoalsMutation
from gateway.goals.queries import GoalsQuery
from gateway.graphql.input_rules import (
    SCALAR_OVERRIDES,
    ErrorShape,
    StorableArguments,
    log_errors,
)
from gateway.graphql.limits import GraphQLLimits, OperationGate
from gateway.graphql.quarantine import QuarantineErrors, QuarantineQuery
from gateway.graphql.record_reads import RecordReads
from gateway.graphql.subscriptions import Subscription
from gateway.integrations.operations import WebhookMutation, WebhookQuery
from gateway.reviews.mutations import ReviewsMutation
from gateway.reviews.queries import ReviewsQuery
from gateway.reviews.time_travel import ReviewsTimeTravelQuery
from gateway.reviews.year import ReviewsYearQuery
from kernel.settings import Settings


@strawberry.type(
    description="Reading the org chart, the goals, the feedback, the reviews, the webhooks and, "
    "for auditors, the audit record and its proofs"
)
class Query(
    DirectoryQuery,
    GoalsQuery,
    FeedbackQuery,
    ReviewsQuery,
    ReviewsYearQuery,
    WebhookQuery,
    AuditQuery,
    ProofQuery,
    TimeTravelQuery,
    ReviewsTimeTravelQuery,
    QuarantineQuery,
):
    pass


@strawberry.type(description="Commands, forwarded to the service that owns them")
class Mutation(
    DirectoryMutation, GoalsMutation, FeedbackMutation, ReviewsMutation, WebhookMutation
):
    pass


class Schema(strawberry.Schema):
    """strawberry's schema, logging its errors as the gateway does (`log_errors`)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)


def build_schema(max_depth: int, limits: GraphQLLimits | None = None) -> strawberry.Schema:
    """The gateway's schema, gating every operation by `limits` (the defaults when None)."""
    gate = limits or GraphQLLimits(Settings())
    # Factories, not instances: strawberry gives each request its own extensions, so one
    # request's execution context never leaks into another's.
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=4000),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: OperationGate(limits=gate),
        RecordReads,
        StorableArguments,
        ErrorShape,
        QuarantineErrors,
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
    )
