"""What one GraphQL operation may cost the gateway, decided before it runs: its cost (computed
from the parsed document and its variables), the caller's rate, a turn among the operations
running at once, and a time limit.

The cost follows the ideas of the IBM GraphQL cost directive specification, with the weights in
one table here instead of directives in the schema:

- every object a field produces costs 1 (its type cost); scalars and enums cost 0;
- a field whose resolver runs its own database query costs `DATABASE` more, one that replays an
  event log `EVENT_LOG` more (`WEIGHTS`);
- a list multiplies what is selected under it by its size: the slicing argument (`first`,
  `last`, `limit`: given, or the schema's default) or, for a list without one, its assumed size
  (`LIST_SIZES`, else `DEFAULT_LIST_SIZE`); on a connection the size applies to `edges` and
  `nodes` (the spec's `sizedFields`);
- nesting multiplies, every alias counts, fragments and inline fragments are followed;
- `__schema` and `__type` cost a flat `INTROSPECTION` each (graphql-core's own
  MaxIntrospectionDepthRule already bounds how much one of them can nest).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_list_type,
    is_object_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from kernel.settings import Settings

DATABASE = 5
EVENT_LOG = 50
INTROSPECTION = 2000
DEFAULT_LIST_SIZE = 5
SLICING_ARGUMENTS = ("first", "last", "limit")
SIZED_FIELDS = ("edges", "nodes")

# Fields whose resolvers query on their own (not through a request's batching loaders) or replay
# a log. Root queries all read the database; mutations forward a command and wait for its
# projection (`MUTATION`, below).
WEIGHTS: dict[str, int] = {
    "Query.auditTrail": EVENT_LOG,
    "Query.dossier": EVENT_LOG,
    "Query.goalSetAsOf": EVENT_LOG,
    "Query.complaintAsOf": EVENT_LOG,
    "Query.managersAsOf": EVENT_LOG,
    "Query.reviewCycleAsOf": EVENT_LOG,
    "Query.inclusionProof": EVENT_LOG,
    "Query.consistencyProof": EVENT_LOG,
    "Query.annualAppraisal": EVENT_LOG,
    "Unit.departments": DATABASE,
    "Unit.principalLeader": DATABASE,
    "Department.members": DATABASE,
    "Person.memberships": DATABASE,
    "ReviewCycle.appraisals": DATABASE,
    "ReviewCycle.gradeDistribution": DATABASE,
    "ReviewCycle.history": DATABASE,
    "ReviewCycle.objections": DATABASE,
    "ReviewCycle.progress": DATABASE,
    "WebhookSubscription.attempts": DATABASE,
    "WebhookSubscription.deadLetters": DATABASE,
}
ROOT_QUERY = DATABASE
MUTATION = 10

# Lists without a slicing argument, and how many items one is assumed to hold (a department's
# members, a unit's surveys...); any other such list is assumed to hold `DEFAULT_LIST_SIZE`.
LIST_SIZES: dict[str, int] = {
    "Query.units": 50,
    "Query.myApprovalQueue": 50,
    "Query.monthlySummaries": 50,
    "Query.weeklyReports": 20,
    "Query.referenceGoals": 20,
    "Query.surveys": 20,
    "Query.reviewCycles": 20,
    "Query.personAppraisals": 20,
    "Query.goalHistory": 20,
    "Query.webhookSubscriptions": 20,
    "GoalSet.items": 10,
    "GoalSetVersion.items": 10,
    "GoalSetSnapshot.items": 10,
    "GoalRevisionProposal.items": 10,
    "ReferenceGoals.items": 10,
    "GoalSet.history": 20,
    "ReviewCycle.objections": 20,
    "ReviewCycle.gradeDistribution": 20,
    "Dossier.departments": 10,
    "Query.sanctions": 50,
    "Query.auditCheckpoints": 50,
    "Department.members": 50,
    "Dossier.entries": 100,
    "Survey.responses": 200,
    "SurveyImportPayload.rejected": 50,
    "ReviewCycleAsOf.appraisals": 100,
    "DepartmentTurnsView.people": 50,
    "AnnualCandidateList.rows": 50,
    "WeeklyReport.entries": 50,
    "OverdueCheckPayload.flagged": 50,
    "CycleProgress.waiting": 50,
}


def limit_error(
    message: str, *, code: str, rule: str, limit: float, value: float, **more: Any
) -> GraphQLError:
    """A refusal by one of the gateway's limits, as a GraphQL error naming the limit and the
    value that passed it."""
    return GraphQLError(
        message, extensions={"code": code, "rule": rule, "limit": limit, "value": value, **more}
    )


# -- the cost of an operation --


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The cost of the operation of `document` that would run, with its variables (0 if there is
    no such operation or its variables are invalid: execution refuses those itself)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    if isinstance(coerced, list):
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, coerced)
    base = MUTATION if operation.operation is OperationType.MUTATION else ROOT_QUERY
    return _selections(walk, root, operation.selection_set, root_weight=base, seen=frozenset())


def _selections(
    walk: _Walk,
    parent: GraphQLNamedType,
    selection_set: SelectionSetNode | None,
    *,
    root_weight: int = 0,
    seen: frozenset[str],
    sized: int | None = None,
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            page = sized if selection.name.value in SIZED_FIELDS else None
            total += _field(walk, parent, selection, root_weight, seen, page)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            on = walk.schema.get_type(condition.name.value) if condition else parent
            total += _selections(
                walk,
                on or parent,
                selection.selection_set,
                root_weight=root_weight,
                seen=seen,
                sized=sized,
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in seen:
                continue
            on = walk.schema.get_type(fragment.type_condition.name.value)
            total += _selections(
                walk,
                on or parent,
                fragment.selection_set,
                root_weight=root_weight,
                seen=seen | {name},
                sized=sized,
            )
    return total


def _field(
    walk: _Walk,
    parent: GraphQLNamedType,
    node: FieldNode,
    root_weight: int,
    seen: frozenset[str],
    page: int | None,
) -> int:
    name = node.name.value
    if name in ("__schema", "__type"):
        return INTROSPECTION
    if name.startswith("__") or not isinstance(parent, GraphQLObjectType):
        return 0
    definition = parent.fields.get(name)
    if definition is None:
        return 0
    key = f"{parent.name}.{name}"
    weight = WEIGHTS.get(key, root_weight)
    named = get_named_type(definition.type)
    type_cost = 1 if is_object_type(named) else 0
    size = _slice(walk, definition, node)
    if is_list_type(get_nullable_type(definition.type)):
        count = next(
            (n for n in (size, page) if n is not None), LIST_SIZES.get(key, DEFAULT_LIST_SIZE)
        )
        each = type_cost + _selections(walk, named, node.selection_set, seen=seen)
        return weight + count * each
    # A connection: its page size multiplies what is selected under `edges` and `nodes`.
    children = _selections(walk, named, node.selection_set, seen=seen, sized=size)
    return weight + type_cost + children


def _slice(walk: _Walk, definition: GraphQLField, node: FieldNode) -> int | None:
    if not any(a in definition.args for a in SLICING_ARGUMENTS):
        return None
    try:
        arguments = get_argument_values(definition, node, walk.variables)
    except GraphQLError:
        return None
    sizes = [arguments[a] for a in SLICING_ARGUMENTS if isinstance(arguments.get(a), int)]
    return max(0, max(sizes)) if sizes else None


# -- rates --


class TokenBucket:
    """Up to `burst` operations at once, refilled at `rate` a second (per caller, in process)."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = burst, now

    def take(self, now: float) -> float:
        """0 if an operation may run now, else the seconds until it may."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else math.inf


class RateLimiter:
    """One token bucket per caller, the callers seen last kept (bounded memory)."""

    def __init__(self, rate: float, burst: float, callers: int = 10_000) -> None:
        self.rate, self.burst, self.callers = rate, burst, callers
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def wait(self, caller: str, now: float | None = None) -> float:
        """0 if `caller` may run an operation now, else the seconds until they may."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.pop(caller, None) or TokenBucket(self.rate, self.burst, now)
        self._buckets[caller] = bucket
        while len(self._buckets) > self.callers:
            self._buckets.popitem(last=False)
        return bucket.take(now)


# -- the gate every operation passes --


class GraphQLLimits:
    """The limits of one gateway process: its settings, its turns and its callers' buckets."""

    def __init__(self, settings: Settings) -> None:
        self.max_cost = settings.kaohe_graphql_max_cost
        self.timeout = settings.kaohe_graphql_timeout
        self.concurrency = max(1, settings.kaohe_graphql_concurrency)
        self.turns = asyncio.Semaphore(self.concurrency)
        # Heavy operations may hold all turns but one, so a light one (`{ me }`) never waits
        # behind them.
        self.heavy_turns = asyncio.Semaphore(max(1, self.concurrency - 1))
        self.heavy_cost = max(1, self.max_cost // 10)
        self.rates = {
            OperationType.QUERY: RateLimiter(
                settings.kaohe_graphql_query_rate, settings.kaohe_graphql_query_burst
            ),
            OperationType.MUTATION: RateLimiter(
                settings.kaohe_graphql_mutation_rate, settings.kaohe_graphql_mutation_burst
            ),
        }

    @contextlib.asynccontextmanager
    async def turn(self, cost: int) -> AsyncIterator[None]:
        """Wait for this operation's turn; heavy ones also for one of the heavy turns."""
        async with contextlib.AsyncExitStack() as stack:
            if cost >= self.heavy_cost and self.concurrency > 1:
                await stack.enter_async_context(self.heavy_turns)
            await stack.enter_async_context(self.turns)
            yield


def caller_of(context: Any) -> str:
    """Whom a rate limit counts: the token's person, else the client's address."""
    actor = getattr(context, "actor", None)
    if actor is not None and actor.person_id.int != 0:
        return f"person:{actor.person_id}"
    request = getattr(context, "request", None)
    client = getattr(request, "client", None)
    return f"address:{client.host}" if client else "address:unknown"


class OperationGate(SchemaExtension):
    """Before an operation runs: its caller's rate, its cost, its turn; while it runs, its time
    limit. Subscriptions are not gated (they wait on the log, not on the gateway)."""

    def __init__(self, *, limits: GraphQLLimits) -> None:
        super().__init__()
        self.limits = limits

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        kind = _operation_type(ec.graphql_document, ec.operation_name)
        if kind is None or kind is OperationType.SUBSCRIPTION or ec.result:
            yield
            return
        refusal = self._rate(kind) or self._cost()
        if refusal is not None:
            ec.result = ExecutionResult(data=None, errors=[refusal])
            yield
            return
        cost = self._cost_value
        async with self.limits.turn(cost):
            try:
                async with asyncio.timeout(self.limits.timeout):
                    yield
            except TimeoutError:
                raise limit_error(
                    f"the operation ran longer than {self.limits.timeout:g} s and was stopped; "
                    "ask for less (smaller pages, fewer fields)",
                    code="TIMEOUT",
                    rule="gateway.operation_timeout",
                    limit=self.limits.timeout,
                    value=self.limits.timeout,
                ) from None

    _cost_value = 0

    def _rate(self, kind: OperationType) -> GraphQLError | None:
        limiter = self.limits.rates.get(kind)
        if limiter is None:
            return None
        wait = limiter.wait(caller_of(self.execution_context.context))
        if not wait:
            return None
        retry_after = max(1, math.ceil(wait))
        response = getattr(self.execution_context.context, "response", None)
        # Over HTTP the answer is a 429; over a websocket only the error says it.
        if isinstance(response, Response):
            response.status_code = 429
            response.headers["Retry-After"] = str(retry_after)
        return limit_error(
            f"too many {kind.value} operations: at most {limiter.burst:g} at once and "
            f"{limiter.rate:g} a second per caller; retry after {retry_after} s",
            code="RATE_LIMITED",
            rule=f"gateway.{kind.value}_rate",
            limit=limiter.rate,
            value=retry_after,
            burst=limiter.burst,
            retryAfter=retry_after,
        )

    def _cost(self) -> GraphQLError | None:
        ec = self.execution_context
        assert ec.graphql_document is not None
        cost = operation_cost(
            ec.schema._schema, ec.graphql_document, ec.operation_name, ec.variables
        )
        self._cost_value = cost
        if cost <= self.limits.max_cost:
            return None
        return limit_error(
            f"the operation would cost {cost}, more than the {self.limits.max_cost} allowed; "
            "ask for smaller pages (first), fewer aliases or less nesting",
            code="COST_LIMIT",
            rule="gateway.query_cost",
            limit=self.limits.max_cost,
            value=cost,
        )


def _operation_type(document: DocumentNode | None, name: str | None) -> OperationType | None:
    if document is None:
        return None
    operation: OperationDefinitionNode | None = get_operation_ast(document, name)
    return operation.operation if operation is not None else None
