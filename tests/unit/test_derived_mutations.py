"""A mutation that is its command is derived from the command (`gateway.graphql.plumbing.mutation`):
its arguments are the route's path parameters and the body's fields, typed as GraphQL publishes
them, then idempotencyKey and, where a version may be pinned, expectedVersion. These tests read
the SDL a small command derives to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import pytest
import strawberry
from pydantic import Field

from gateway.graphql.plumbing import Info_, command_input, mutation
from kernel.routes import CommandRoute
from kernel.web.commands import Command


class Part(Command):
    label: str


class Change(Command):
    owner_id: UUID
    parts: list[Part] = Field(min_length=1)
    helper_ids: list[UUID] | None = None
    note: str | None = Field(default=None, description="Why, in words")
    on: date = Field(default_factory=date.today)
    free_text: str = ""
    scale: Decimal = Decimal(0)


CHANGE = CommandRoute("goals", "/things/{thing_id}/parts/{code}", Change, frozenset({"code"}))


@command_input(Part, "One part of a thing")
class PartInput:
    pass


@strawberry.type
class ChangePayload:
    position: int


async def _answer(
    info: Info_, result: dict[str, Any], position: int, args: dict[str, Any]
) -> ChangePayload:
    return ChangePayload(position=position)


def _arguments(**given: Any) -> str:
    @strawberry.type
    class Query:
        ping: bool = True

    @strawberry.type
    class Mutation:
        change = mutation(CHANGE, _answer, description="Change a thing", **given)

    sdl = str(strawberry.Schema(query=Query, mutation=Mutation))
    start = sdl.index("change(")
    return " ".join(sdl[start : sdl.index("): ChangePayload!", start)].split())


def test_the_path_then_the_body_then_the_headers_are_the_arguments() -> None:
    # Given a command on a thing, by its id and a free-text code
    # When its mutation is derived
    arguments = _arguments()
    # Then ids are IDs, text is String, nested models are their inputs, and a default GraphQL
    # cannot show (a factory, a decimal) is null, which leaves it to the service
    assert arguments == (
        "change( thingId: ID! code: String! ownerId: ID! parts: [PartInput!]! "
        'helperIds: [ID!] = null """Why, in words""" note: String = null on: Date = null '
        'freeText: String! = "" scale: Decimal = null '
        '""" A key that makes a retry answer the first result and record nothing twice """ '
        "idempotencyKey: String = null "
        '""" The version of the record this change was decided against (If-Match): stale is '
        'refused with CONFLICT """ expectedVersion: Int = null'
    )


def test_a_command_not_pinned_to_a_version_offers_no_expected_version() -> None:
    assert "expectedVersion" not in _arguments(versioned=False)


def test_a_given_type_is_published_as_it_is() -> None:
    given = Annotated[Decimal | None, strawberry.argument(description="The scale (default 0)")]
    assert '"""The scale (default 0)""" scale: Decimal = null' in _arguments(scale=given)


def test_a_type_for_an_argument_the_command_lacks_is_refused() -> None:
    with pytest.raises(AssertionError, match="takes no"):
        _arguments(colour=str)
