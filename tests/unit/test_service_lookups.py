"""How every service application finds what a command names, in the kernel's one place: an id
that names nothing of its kind is refused by `<service>.<what>_exists`, a stale If-Match
version by `kernel.optimistic_concurrency`; and the guards every capability shares (the step a
status allows, the words a reason needs, one's own record) refuse by the capability's own rule.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from kernel.context import CommandContext
from kernel.errors import (
    ConflictError,
    NotFoundError,
    NotPermittedError,
    RuleViolatedError,
    check_own,
)
from kernel.labels import check_step
from kernel.roles import Role
from kernel.text import check_words
from services.directory.application import Directory
from services.directory.domain import PLATFORM_ID, Unit
from services.feedback.vocabulary import SurveyStatus


def registered(directory: Directory) -> UUID:
    return UUID(directory.register_unit("查找中心", "FIND").result["unit_id"])


def test_find_answers_a_copy_of_the_record_or_none(
    directory: Directory, office: CommandContext
) -> None:
    unit_id = registered(directory)
    found = directory.find(Unit, unit_id)
    assert found is not None
    assert found.code == "FIND"
    assert found is not directory.find(Unit, unit_id)
    assert directory.find(Unit, uuid4()) is None


def test_a_command_on_an_unknown_unit_is_refused_naming_the_field(
    directory: Directory, office: CommandContext
) -> None:
    with pytest.raises(NotFoundError) as refused:
        directory.remove_person(uuid4(), uuid4(), date(2024, 3, 1))
    assert (refused.value.rule, refused.value.field) == ("directory.unit_exists", "unit_id")


def test_a_command_on_a_stale_version_is_refused(
    directory: Directory, office: CommandContext
) -> None:
    unit_id = registered(directory)
    with pytest.raises(ConflictError) as refused:
        directory.remove_person(unit_id, uuid4(), date(2024, 3, 1), expected_version=99)
    assert (refused.value.rule, refused.value.field) == (
        "kernel.optimistic_concurrency",
        "If-Match",
    )


def test_a_question_about_a_record_of_another_kind_is_refused(
    directory: Directory, office: CommandContext
) -> None:
    directory.appoint_platform_auditor(Role.ADMIN, "纪检甲", "jj", "纪检监察组", date(2024, 3, 1))
    with pytest.raises(NotFoundError) as refused:
        directory.ask(PLATFORM_ID, lambda unit: unit.code)
    assert refused.value.rule == "directory.unit_exists"


def test_a_step_is_refused_from_a_status_that_does_not_lead_to_it() -> None:
    open_only = (SurveyStatus.OPEN,)
    check_step("demo.survey_open", "the survey", SurveyStatus.OPEN, open_only)
    with pytest.raises(RuleViolatedError) as refused:
        check_step("demo.survey_open", "the survey", SurveyStatus.CLOSED, open_only)
    assert (refused.value.rule, refused.value.field) == ("demo.survey_open", "status")
    assert refused.value.message == "the survey is CLOSED (已结束); this needs it OPEN (进行中)"


@pytest.mark.parametrize("words", [None, "", " 好 ", "\t\n"])
def test_a_reason_under_two_characters_is_refused_by_the_capabilitys_rule(
    words: str | None,
) -> None:
    with pytest.raises(RuleViolatedError) as refused:
        check_words(words, "demo.reason_required", "give the reason", "reason")
    assert (refused.value.rule, refused.value.field) == ("demo.reason_required", "reason")


def test_a_reason_is_kept_without_its_surrounding_spaces() -> None:
    assert (
        check_words("  迟到两次 ", "demo.reason_required", "give the reason", "reason")
        == "迟到两次"
    )


def test_only_the_person_whose_record_it_is_acts_on_it() -> None:
    me = uuid4()
    check_own(me, me, "demo.own_only", "only the owner may do this")
    with pytest.raises(NotPermittedError) as refused:
        check_own(uuid4(), me, "demo.own_only", "only the owner may do this")
    assert (refused.value.rule, refused.value.missing_relation) == ("demo.own_only", "OWNER")
