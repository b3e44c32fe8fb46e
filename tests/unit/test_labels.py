"""Codes with Chinese labels: one base, and every code in the project labelled through it."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from enum import Enum
from types import ModuleType

import pytest

import gateway
import kernel
import services
from kernel.labels import Labelled
from kernel.roles import Role
from services.reviews.vocabulary import Grade


def _project_modules() -> list[ModuleType]:
    modules = []
    for package in (kernel, services, gateway):
        modules.append(package)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    return modules


def _labelled_codes() -> list[type[Labelled]]:
    found: list[type[Labelled]] = []
    pending = list(Labelled.__subclasses__())
    while pending:
        code = pending.pop()
        found.append(code)
        pending += code.__subclasses__()
    return found


class TestTheBase:
    def test_a_member_keeps_its_code_as_value_and_carries_its_label(self) -> None:
        assert Grade.GOOD.value == "GOOD"
        assert Grade.GOOD.label == "好"
        assert Grade.FAIRLY_GOOD.label == "较好"

    def test_a_member_is_the_plain_string_of_its_code(self) -> None:
        assert Grade.GOOD == "GOOD"
        assert str(Grade.GOOD) == f"{Grade.GOOD}" == "GOOD"
        assert json.dumps([Grade.POOR]) == '["POOR"]'

    def test_a_member_is_found_by_its_code_and_by_its_name(self) -> None:
        assert Grade("AVERAGE") is Grade.AVERAGE
        assert Grade["AVERAGE"] is Grade.AVERAGE
        assert Role("APPRAISAL_OFFICE").label == "考核办"

    def test_a_label_is_not_a_code(self) -> None:
        with pytest.raises(ValueError, match="'好' is not a valid Grade"):
            Grade("好")

    def test_members_keep_their_declared_order(self) -> None:
        assert list(Grade) == [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR]

    def test_a_code_declared_without_a_label_is_refused_when_its_class_is_created(self) -> None:
        with pytest.raises(ValueError, match=r"Blank\.X needs its Chinese label"):

            class Blank(Labelled):
                X = "X", " "

    def test_a_code_declared_with_its_code_only_is_refused(self) -> None:
        with pytest.raises(ValueError, match=r"Bare\.X needs its Chinese label"):

            class Bare(Labelled):
                X = "X"


class TestEveryCode:
    def test_every_labelled_code_in_the_project_has_a_chinese_label(self) -> None:
        _project_modules()
        codes = _labelled_codes()
        assert {Role, Grade} <= set(codes)
        for code in codes:
            for member in code:
                assert member.label.strip(), f"{code.__name__}.{member.name}"
                assert not member.label.isascii(), f"{code.__name__}.{member.name}"

    def test_no_labelled_code_gives_two_members_the_same_label(self) -> None:
        _project_modules()
        for code in _labelled_codes():
            labels = [member.label for member in code]
            assert len(labels) == len(set(labels)), code.__name__

    def test_no_enum_in_the_project_labels_its_codes_on_its_own(self) -> None:
        copies = [
            f"{module.__name__}.{name}"
            for module in _project_modules()
            for name, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, Enum)
            and obj.__module__ == module.__name__
            and not issubclass(obj, Labelled)
            and "label" in vars(obj)
        ]
        assert copies == []


def test_a_manager_relation_reads_as_the_role_of_the_same_name() -> None:
    from kernel.roles import Role
    from services.directory.managers import ManagerRelation

    for relation in ManagerRelation:
        assert relation.role is Role(relation.value)
        assert relation.label == relation.role.label
