"""`from_row` builds a GraphQL type from a read row by its fields' names: the conversions it
makes are the ones the hand-written constructors made (ids, codes and their labels, empty
optional columns as null), and it reads no column for a field a resolver computes."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from gateway.directory.types import Department, Person
from gateway.graphql.plumbing import from_row
from gateway.reviews.types import Objection, Sanction
from services.directory.vocabulary import DepartmentCategory, PositionCategory, ServiceKind
from services.reviews.vocabulary import Grade, ObjectionStatus, SanctionKind


def test_ids_and_codes_are_converted_by_the_fields_type() -> None:
    row = {
        "id": uuid4(),
        "unit_id": uuid4(),
        "name": "窗口科",
        "category": "SERVICE",
        "service_kind": "CANTEEN",
        "opened_on": date(2026, 1, 5),
        "ignored_column": "a row may carry more than the type shows",
    }
    department = from_row(Department, row)

    assert department.id == str(row["id"])
    assert isinstance(department.id, str)
    assert department.unit_id == str(row["unit_id"])
    assert department.category is DepartmentCategory.SERVICE
    assert department.service_kind is ServiceKind.CANTEEN
    assert department.opened_on == date(2026, 1, 5)


def test_empty_optional_columns_are_null() -> None:
    row = {
        "id": uuid4(),
        "cycle_id": uuid4(),
        "person_id": uuid4(),
        "reason": "r",
        "filed_on": date(2026, 4, 1),
        "status": "OPEN",
        "grade_before": None,
        "grade_after": "GOOD",
        "resolution": None,
        "resolved_on": None,
    }
    objection = from_row(Objection, row)

    assert objection.grade_before is None
    assert objection.grade_after is Grade.GOOD
    assert objection.status is ObjectionStatus.OPEN
    assert objection.status_label == ObjectionStatus.OPEN.label


def test_a_codes_label_follows_the_code_even_when_given() -> None:
    row = {
        "id": uuid4(),
        "person_id": uuid4(),
        "kind": "WARNING",
        "decided_on": date(2026, 1, 1),
        "ends_on": date(2026, 7, 1),
        "document": "d",
    }
    sanction = from_row(Sanction, row, kind=SanctionKind.DEMERIT)

    assert sanction.kind is SanctionKind.DEMERIT
    assert sanction.kind_label == SanctionKind.DEMERIT.label


def test_a_missing_column_is_an_error_unless_the_field_has_a_default() -> None:
    row = {
        "id": uuid4(),
        "unit_id": uuid4(),
        "name": "张三",
        "login": "zhangsan",
        "position_category": "GENERAL",
        "joined_on": date(2020, 1, 1),
        "left_on": None,
    }
    person = from_row(Person, row)  # managers_on (private, defaulted) is not a column
    assert person.position_category is PositionCategory.GENERAL
    assert person.managers_on is None

    del row["login"]
    with pytest.raises(KeyError):
        from_row(Person, row)
