"""The cost of a GraphQL operation, computed from the document and its variables before it runs
(gateway.graphql.limits): hand-computed costs, and the properties every cost must keep.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from graphql import GraphQLSchema, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.graphql import limits
from gateway.graphql.limits import operation_cost
from gateway.graphql.schema import build_schema

UNIT = "00000000-0000-0000-0000-000000000001"


@cache
def schema() -> GraphQLSchema:
    return build_schema(10)._schema


def cost(query: str, **variables: Any) -> int:
    return operation_cost(schema(), parse(query), None, variables)


def people(first: int, inner: str = "name") -> str:
    return f'{{ people(unitId: "{UNIT}", first: {first}) {{ edges {{ node {{ {inner} }} }} }} }}'


def test_scalars_cost_nothing_and_an_object_one_beside_its_resolvers_weight() -> None:
    # Query.me reads the database (5) and produces one object (1); unitId is a scalar.
    assert cost("{ me { unitId } }") == limits.ROOT_QUERY + 1


def test_a_page_multiplies_what_is_selected_under_its_edges() -> None:
    # people: 5 + its connection 1 + 10 edges x (the edge 1 + its node 1)
    assert cost(people(10)) == 5 + 1 + 10 * 2


def test_the_page_size_comes_from_variables_and_else_from_the_schemas_default() -> None:
    by_variable = cost(
        "query($n: Int!) { people(unitId: "
        f'"{UNIT}", first: $n) {{ edges {{ node {{ name }} }} }} }}',
        n=10,
    )
    assert by_variable == cost(people(10))
    default = cost(f'{{ people(unitId: "{UNIT}") {{ edges {{ node {{ name }} }} }} }}')
    assert default == cost(people(50))


def test_a_list_without_a_page_has_its_assumed_size_and_nesting_multiplies() -> None:
    # department (5 + 1) > members: its query 5 + 50 assumed members x (person 1 + department 1)
    query = f'{{ department(id: "{UNIT}") {{ members {{ name department {{ name }} }} }} }}'
    assert cost(query) == 5 + 1 + limits.DATABASE + 50 * (1 + 1)


def test_every_alias_counts() -> None:
    one = f'people(unitId: "{UNIT}", first: 10) {{ edges {{ node {{ name }} }} }}'
    assert cost(f"{{ a: {one} b: {one} c: {one} }}") == 3 * cost(people(10))


def test_fragments_and_inline_fragments_cost_what_they_select() -> None:
    spread = (
        f'{{ people(unitId: "{UNIT}", first: 10) {{ edges {{ node {{ ...who }} }} }} }} '
        "fragment who on Person { name department { name } }"
    )
    inline = people(10, "... on Person { name department { name } }")
    assert cost(spread) == cost(inline) == cost(people(10, "name department { name }"))


def test_introspection_costs_a_flat_weight_and_typename_nothing() -> None:
    assert cost("{ __typename }") == 0
    assert cost("{ __schema { types { name } } }") == limits.INTROSPECTION
    assert cost("{ a: __schema { queryType { name } } b: __schema { queryType { name } } }") == (
        2 * limits.INTROSPECTION
    )


def test_the_issues_attack_costs_far_more_than_the_default_limit() -> None:
    nested = "name department { name members { name managers { directManager { name } } } }"
    one = f'people(unitId: "{UNIT}", first: 200) {{ edges {{ node {{ {nested} }} }} }}'
    attack = "{ " + " ".join(f"a{i}: {one}" for i in range(30)) + " }"
    assert cost(attack) > 10 * 20_000


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200))
def test_cost_grows_with_the_page_asked_for(a: int, b: int) -> None:
    small, large = sorted((a, b))
    assert cost(people(small)) <= cost(people(large))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 3), st.sampled_from(["name", "login department { name }"]))
def test_one_more_level_of_nesting_never_costs_less(levels: int, leaf: str) -> None:
    def nested(n: int) -> str:
        inner = leaf
        for _ in range(n):
            inner = f"name department {{ members {{ {inner} }} }}"
        return people(20, inner)

    assert cost(nested(levels)) < cost(nested(levels + 1))


def test_an_unknown_operation_or_bad_variables_cost_nothing_here() -> None:
    # Execution refuses those itself, with its own error.
    assert operation_cost(schema(), parse("query A { me { unitId } }"), "B", {}) == 0
    bad = f'query($n: Int!) {{ people(unitId: "{UNIT}", first: $n) {{ totalCount }} }}'
    assert cost(bad, n="many") == 0
