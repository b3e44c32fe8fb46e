"""Codes with Chinese labels: the one base for every code users read in Chinese."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Self

from kernel.errors import RuleViolatedError


class Labelled(StrEnum):
    """A code whose value is the English code (stored in events, named in GraphQL) and whose
    `label` is the Chinese term users read. Members name both: `GOOD = "GOOD", "好"`.

    A member without a label cannot be declared, so no code reaches a user unlabelled.
    """

    _value_: str
    label: str

    # The default is for type checkers only: they read a lookup by code (`Grade("GOOD")`) as a
    # call of `__new__`, which at run time only ever declares members, and refuses a blank label.
    def __new__(cls, value: str, label: str = "") -> Self:
        if not label.strip():
            raise ValueError(f"{cls.__name__}.{value} needs its Chinese label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def check_step(rule: str, subject: str, status: Labelled, allowed: Collection[Labelled]) -> None:
    """Each step happens only from the states that lead to it: refuse by `rule` (on the field
    `status`) when `subject`, now at `status`, is at none of the `allowed`."""
    if status not in allowed:
        wanted = " or ".join(f"{s.value} ({s.label})" for s in allowed)
        raise RuleViolatedError(
            rule,
            f"{subject} is {status.value} ({status.label}); this needs it {wanted}",
            field="status",
        )
