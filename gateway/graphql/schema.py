"""The GraphQL schema, with depth, alias and token limits and parser/validation caches."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from gateway.graphql.feedback_mutations import FeedbackMutation
from gateway.graphql.feedback_queries import FeedbackQuery
from gateway.graphql.goals_mutations import GoalsMutation
from gateway.graphql.goals_queries import GoalsQuery
from gateway.graphql.mutations import Mutation as DirectoryMutation
from gateway.graphql.queries import Query as DirectoryQuery
from gateway.graphql.subscriptions import Subscription
from gateway.graphql.webhook_operations import WebhookMutation, WebhookQuery


@strawberry.type(description="Reading the org chart, the goals and the feedback")
class Query(DirectoryQuery, GoalsQuery, FeedbackQuery, WebhookQuery):
    pass


@strawberry.type(description="Commands, forwarded to the service that owns them")
class Mutation(DirectoryMutation, GoalsMutation, FeedbackMutation, WebhookMutation):
    pass


def build_schema(max_depth: int) -> strawberry.Schema:
    """The gateway's schema."""
    # strawberry documents passing extension instances; its annotation only names classes.
    extensions: list[Any] = [
        QueryDepthLimiter(max_depth=max_depth),
        MaxAliasesLimiter(max_alias_count=30),
        MaxTokensLimiter(max_token_count=4000),
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
    ]
    return strawberry.Schema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )
