"""The directory's named rules refuse what they should, say which rule and which field, and every
event the Unit records is stamped with the command's metadata."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from kernel.aggregate import KaoheAggregate
from kernel.context import (
    CommandContext,
    EventMeta,
    NoCommandContextError,
    acting,
    current_context,
    with_reason,
)
from kernel.errors import DomainError, NotFoundError, RuleViolatedError
from kernel.roles import Role
from services.directory.application import Directory
from services.directory.domain import Unit
from services.directory.vocabulary import (
    DepartmentCategory,
    OfficeRole,
    PositionCategory,
    ServiceKind,
)

AsOffice = Callable[..., AbstractContextManager[CommandContext]]
MakeContext = Callable[..., CommandContext]

START = date(2024, 1, 1)


@dataclasses.dataclass
class Chart:
    """A small unit: two departments, a leader, a head and a member of staff."""

    unit: Unit
    general: UUID
    canteen: UUID
    leader: UUID
    head: UUID
    staff: UUID


@pytest.fixture
def chart(office: CommandContext) -> Chart:
    unit = Unit(name="济宁市机关事务服务中心", code="jining-jgsw")
    general = unit.open_department("综合科", DepartmentCategory.GENERAL, None, START)
    canteen = unit.open_department(
        "食堂管理科", DepartmentCategory.SERVICE, ServiceKind.CANTEEN, START
    )
    leader = unit.add_person("王主任", "wang", PositionCategory.LEADER, None, START)
    head = unit.add_person("陈科长", "chen", PositionCategory.GENERAL, general, START)
    staff = unit.add_person("孙科员", "sun", PositionCategory.GENERAL, general, START)
    unit.appoint_department_head(general, head, START)
    unit.assign_supervising_leader(leader, [general, canteen], START)
    unit.collect_events()
    return Chart(unit, general, canteen, leader, head, staff)


def stamped(events: Sequence[object]) -> list[KaoheAggregate.Event]:
    """The events, each checked to be one of the kernel's stamped aggregate events."""
    checked = [e for e in events if isinstance(e, KaoheAggregate.Event)]
    assert len(checked) == len(events)
    return checked


@contextmanager
def refused(rule: str, field: str, error: type[DomainError] = RuleViolatedError) -> Iterator[None]:
    """The block raises `error`, naming `rule` and `field`."""
    with pytest.raises(error) as exc:
        yield
    assert (exc.value.rule, exc.value.field) == (rule, field), exc.value.message


# -- departments ------------------------------------------------------------------------------


def test_two_departments_of_a_unit_never_share_a_name(chart: Chart) -> None:
    with refused("directory.department_name_unique", "name"):
        chart.unit.open_department("综合科", DepartmentCategory.PATROL, None, START)


def test_a_service_department_must_say_which_service_it_runs(chart: Chart) -> None:
    with refused("directory.service_kind_required", "service_kind"):
        chart.unit.open_department("车管科", DepartmentCategory.SERVICE, None, START)


@pytest.mark.parametrize(
    "category",
    [c for c in DepartmentCategory if c is not DepartmentCategory.SERVICE],
)
def test_only_a_service_department_runs_a_service(
    chart: Chart, category: DepartmentCategory
) -> None:
    with refused("directory.service_kind_only_for_service", "service_kind"):
        chart.unit.open_department("督查科", category, ServiceKind.VEHICLES, START)


def test_a_department_takes_no_members_before_it_opened(chart: Chart) -> None:
    patrol = chart.unit.open_department("督查科", DepartmentCategory.PATROL, None, date(2024, 5, 1))

    with refused("directory.department_open", "joined_on"):
        chart.unit.add_person("周科员", "zhou", PositionCategory.PATROL, patrol, date(2024, 4, 30))


def test_nobody_moves_into_a_department_before_it_opened(chart: Chart) -> None:
    patrol = chart.unit.open_department("督查科", DepartmentCategory.PATROL, None, date(2024, 5, 1))

    with refused("directory.department_open", "effective_on"):
        chart.unit.move_person(chart.staff, patrol, date(2024, 4, 1))


def test_a_department_is_not_supervised_before_it_opened(chart: Chart) -> None:
    patrol = chart.unit.open_department("督查科", DepartmentCategory.PATROL, None, date(2024, 5, 1))

    with refused("directory.department_open", "effective_on"):
        chart.unit.assign_supervising_leader(chart.leader, [patrol], date(2024, 4, 1))


def test_an_unknown_department_is_not_found(chart: Chart) -> None:
    with refused("directory.department_exists", "department_id", NotFoundError):
        chart.unit.move_person(chart.staff, uuid4(), date(2024, 2, 1))


def test_a_person_cannot_join_an_unknown_department(chart: Chart) -> None:
    with refused("directory.department_exists", "department_id", NotFoundError):
        chart.unit.add_person("周科员", "zhou", PositionCategory.GENERAL, uuid4(), START)


# -- people -----------------------------------------------------------------------------------


def test_a_login_names_one_person_of_the_unit(chart: Chart) -> None:
    with refused("directory.login_unique", "login"):
        chart.unit.add_person("孙二", "sun", PositionCategory.GENERAL, chart.general, START)


def test_an_unknown_person_is_not_found(chart: Chart) -> None:
    with refused("directory.person_exists", "person_id", NotFoundError):
        chart.unit.managers_of(uuid4(), START)


def test_an_unknown_leader_is_not_found_under_the_leaders_field(chart: Chart) -> None:
    with refused("directory.person_exists", "leader_id", NotFoundError):
        chart.unit.assign_supervising_leader(uuid4(), [chart.general], START)


def test_nobody_is_moved_before_they_joined(chart: Chart) -> None:
    with refused("directory.person_active", "person_id"):
        chart.unit.move_person(chart.staff, chart.canteen, date(2023, 12, 31))


def test_nobody_is_moved_after_they_left(chart: Chart) -> None:
    chart.unit.remove_person(chart.staff, date(2024, 6, 1))

    with refused("directory.person_active", "person_id"):
        chart.unit.move_person(chart.staff, chart.canteen, date(2024, 6, 1))


def test_a_person_leaves_only_once(chart: Chart) -> None:
    chart.unit.remove_person(chart.staff, date(2024, 6, 1))

    with refused("directory.person_active", "person_id"):
        chart.unit.remove_person(chart.staff, date(2024, 7, 1))


def test_a_leader_who_left_supervises_nothing_new(chart: Chart) -> None:
    chart.unit.remove_person(chart.leader, date(2024, 6, 1))

    with refused("directory.person_active", "leader_id"):
        chart.unit.assign_supervising_leader(chart.leader, [chart.canteen], date(2024, 7, 1))


def test_a_move_takes_effect_no_earlier_than_the_last_change(chart: Chart) -> None:
    chart.unit.move_person(chart.staff, chart.canteen, date(2024, 6, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.move_person(chart.staff, chart.general, date(2024, 5, 31))


def test_leaving_takes_effect_no_earlier_than_the_last_move(chart: Chart) -> None:
    chart.unit.move_person(chart.staff, chart.canteen, date(2024, 6, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.remove_person(chart.staff, date(2024, 5, 1))


def test_a_head_appointment_takes_effect_no_earlier_than_the_last(chart: Chart) -> None:
    chart.unit.appoint_department_head(chart.general, chart.staff, date(2024, 6, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.appoint_department_head(chart.general, chart.head, date(2024, 5, 1))


def test_a_supervision_change_takes_effect_no_earlier_than_the_last(chart: Chart) -> None:
    deputy = chart.unit.add_person("李副主任", "li", PositionCategory.LEADER, None, START)
    chart.unit.assign_supervising_leader(deputy, [chart.canteen], date(2024, 6, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.assign_supervising_leader(chart.leader, [chart.canteen], date(2024, 5, 1))


def test_a_principal_appointment_takes_effect_no_earlier_than_the_last(chart: Chart) -> None:
    deputy = chart.unit.add_person("李副主任", "li", PositionCategory.LEADER, None, START)
    chart.unit.appoint_principal_leader(deputy, date(2024, 6, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.appoint_principal_leader(chart.leader, date(2024, 5, 1))


def test_an_office_role_is_not_regranted_before_its_last_change(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 3, 1))
    chart.unit.revoke_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 6, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.grant_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 2, 1))


def test_an_office_role_is_not_revoked_before_it_was_granted(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 3, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.revoke_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 2, 1))


def test_only_a_unit_leader_supervises_departments(chart: Chart) -> None:
    with refused("directory.leader_position", "leader_id"):
        chart.unit.assign_supervising_leader(chart.head, [chart.canteen], date(2024, 2, 1))


def test_only_a_unit_leader_is_principal_leader(chart: Chart) -> None:
    with refused("directory.leader_position", "person_id"):
        chart.unit.appoint_principal_leader(chart.head, date(2024, 2, 1))


def test_a_department_head_is_a_member_of_that_department(chart: Chart) -> None:
    with refused("directory.head_is_member", "person_id"):
        chart.unit.appoint_department_head(chart.canteen, chart.staff, date(2024, 2, 1))


def test_a_head_who_moved_away_is_no_longer_eligible_there(chart: Chart) -> None:
    chart.unit.move_person(chart.staff, chart.canteen, date(2024, 6, 1))

    with refused("directory.head_is_member", "person_id"):
        chart.unit.appoint_department_head(chart.general, chart.staff, date(2024, 6, 1))


def test_a_move_changes_the_department(chart: Chart) -> None:
    with refused("directory.move_changes_department", "department_id"):
        chart.unit.move_person(chart.staff, chart.general, date(2024, 2, 1))


def test_a_supervision_names_at_least_one_department(chart: Chart) -> None:
    with refused("directory.supervision_names_departments", "department_ids"):
        chart.unit.assign_supervising_leader(chart.leader, [], date(2024, 2, 1))


def test_an_office_role_already_held_is_not_granted_again(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.staff, OfficeRole.APPRAISAL_OFFICE, date(2024, 2, 1))

    with refused("directory.role_not_held", "role"):
        chart.unit.grant_office_role(chart.staff, OfficeRole.APPRAISAL_OFFICE, date(2024, 3, 1))


def test_an_office_role_never_granted_cannot_be_revoked(chart: Chart) -> None:
    with refused("directory.role_held", "role"):
        chart.unit.revoke_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 3, 1))


def test_an_office_role_already_revoked_cannot_be_revoked_again(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 2, 1))
    chart.unit.revoke_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 3, 1))

    with refused("directory.role_held", "role"):
        chart.unit.revoke_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 4, 1))


def test_leaving_ends_an_office_role_so_it_is_no_longer_held(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 2, 1))
    chart.unit.remove_person(chart.staff, date(2024, 3, 1))

    with refused("directory.role_held", "role"):
        chart.unit.revoke_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 4, 1))


def test_a_refused_command_records_nothing(chart: Chart) -> None:
    deputy = chart.unit.add_person("李副主任", "li", PositionCategory.LEADER, None, START)
    chart.unit.collect_events()
    version = chart.unit.version

    with pytest.raises(RuleViolatedError):
        chart.unit.move_person(chart.staff, chart.general, date(2024, 2, 1))
    with pytest.raises(NotFoundError):
        # the first department is fine, the second is unknown: nothing at all is assigned
        chart.unit.assign_supervising_leader(deputy, [chart.canteen, uuid4()], date(2024, 2, 1))

    assert chart.unit.version == version
    assert chart.unit.collect_events() == []
    assert chart.unit.supervisor_of(chart.canteen, date(2024, 2, 1)) == chart.leader


def test_register_unit_refuses_a_code_already_registered(
    directory: Directory, as_office: AsOffice
) -> None:
    with as_office():
        directory.register_unit("济宁市机关事务服务中心", "jining")

        with refused("directory.unit_code_unique", "code", DomainError):
            directory.register_unit("另一个中心", "jining")


def test_an_unknown_unit_is_not_found(directory: Directory) -> None:
    with refused("directory.unit_exists", "unit_id", NotFoundError):
        directory.get_unit(uuid4())


def test_a_command_against_a_stale_version_is_refused(
    directory: Directory, as_office: AsOffice
) -> None:
    with as_office():
        unit_id = UUID(directory.register_unit("中心", "u").result["unit_id"])
        directory.open_department(unit_id, "综合科", DepartmentCategory.GENERAL, None, START)

        with refused("kernel.optimistic_concurrency", "If-Match", DomainError):
            directory.open_department(
                unit_id, "督查科", DepartmentCategory.PATROL, None, START, expected_version=1
            )


# -- event metadata ---------------------------------------------------------------------------


def test_every_event_carries_the_commands_metadata_and_time(office_context: MakeContext) -> None:
    tenant, actor = uuid4(), uuid4()
    when = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
    ctx = office_context(when, actor_id=actor, tenant_id=tenant)

    with acting(ctx):
        unit = Unit(name="中心", code="u")
        general = unit.open_department("综合科", DepartmentCategory.GENERAL, None, START)
        leader = unit.add_person("王主任", "wang", PositionCategory.LEADER, None, START)
        staff = unit.add_person("孙科员", "sun", PositionCategory.GENERAL, general, START)
        unit.appoint_department_head(general, staff, START)
        unit.assign_supervising_leader(leader, [general], START)
        unit.appoint_principal_leader(leader, START)
        unit.grant_office_role(staff, OfficeRole.AUDITOR, START)
        unit.revoke_office_role(staff, OfficeRole.AUDITOR, date(2024, 2, 1))
        unit.remove_person(staff, date(2024, 3, 1))

    events = stamped(unit.collect_events())
    assert len(events) == 10
    for recorded in events:
        meta = recorded.meta
        assert isinstance(meta, EventMeta)
        assert meta.actor_id == actor
        assert meta.actor_role is Role.APPRAISAL_OFFICE
        assert meta.tenant_id == tenant
        assert meta.correlation_id == ctx.correlation_id
        assert meta.causation_id is None
        assert meta.reason is None
        assert meta.occurred_at == when
        assert recorded.timestamp == when


def test_the_aggregate_takes_its_time_from_the_command_not_the_clock(as_office: AsOffice) -> None:
    with as_office(datetime(2020, 1, 1, tzinfo=UTC)):
        unit = Unit(name="中心", code="u")
    with as_office(datetime(2021, 6, 1, 12, 0, tzinfo=UTC)):
        unit.open_department("综合科", DepartmentCategory.GENERAL, None, START)

    assert unit.created_on == datetime(2020, 1, 1, tzinfo=UTC)
    assert unit.modified_on == datetime(2021, 6, 1, 12, 0, tzinfo=UTC)


def test_a_reason_given_with_with_reason_is_carried_by_the_events_inside_only(
    as_office: AsOffice,
) -> None:
    with as_office():
        unit = Unit(name="中心", code="u")
        general = unit.open_department("综合科", DepartmentCategory.GENERAL, None, START)
        staff = unit.add_person("孙科员", "sun", PositionCategory.GENERAL, general, START)
        with with_reason("调整分工：孙科员任科室负责人"):
            unit.appoint_department_head(general, staff, date(2024, 2, 1))
            assert current_context().reason == "调整分工：孙科员任科室负责人"
        unit.grant_office_role(staff, OfficeRole.AUDITOR, date(2024, 2, 1))
        assert current_context().reason is None

    reasons = [e.meta.reason for e in stamped(unit.collect_events())]
    assert reasons == [None, None, None, "调整分工：孙科员任科室负责人", None]


def test_the_causation_of_a_command_is_carried_by_its_events(office_context: MakeContext) -> None:
    cause = uuid4()
    ctx = dataclasses.replace(office_context(), causation_id=cause)

    with acting(ctx):
        unit = Unit(name="中心", code="u")

    assert [e.meta.causation_id for e in stamped(unit.collect_events())] == [cause]


def test_nothing_is_recorded_outside_a_command_context() -> None:
    with pytest.raises(NoCommandContextError):
        Unit(name="中心", code="u")


def test_a_command_on_an_existing_unit_outside_a_context_is_refused_and_changes_nothing(
    as_office: AsOffice,
) -> None:
    with as_office():
        unit = Unit(name="中心", code="u")
    unit.collect_events()

    with pytest.raises(NoCommandContextError):
        unit.open_department("综合科", DepartmentCategory.GENERAL, None, START)

    assert unit.departments == {}
    assert unit.version == 1
    assert unit.collect_events() == []


def test_a_reason_cannot_be_given_outside_a_command_context() -> None:
    with pytest.raises(NoCommandContextError), with_reason("无人负责"):
        pass


def test_the_context_is_gone_once_the_block_ends(as_office: AsOffice) -> None:
    with as_office() as ctx:
        assert current_context() is ctx

    with pytest.raises(NoCommandContextError):
        current_context()


def test_a_nested_context_is_restored_on_exit(office_context: MakeContext) -> None:
    outer, inner = office_context(), office_context(actor_id=uuid4())

    with acting(outer):
        with acting(inner):
            assert current_context() is inner
        assert current_context() is outer


@pytest.mark.parametrize("tenant_id", [uuid4(), None])
@pytest.mark.parametrize("reason", ["纠正录入错误", None])
def test_event_metadata_survives_its_json_view(tenant_id: UUID | None, reason: str | None) -> None:
    meta = EventMeta(
        actor_id=uuid4(),
        actor_role=Role.AUDITOR,
        occurred_at=datetime(2024, 3, 15, 9, 30, 0, 123456, tzinfo=UTC),
        tenant_id=tenant_id,
        correlation_id=uuid4(),
        causation_id=uuid4(),
        reason=reason,
        schema_version=3,
    )

    assert EventMeta.from_dict(meta.as_dict()) == meta


def test_stored_events_keep_their_metadata(
    directory: Directory, office_context: MakeContext
) -> None:
    ctx = office_context(reason="建档")

    with acting(ctx):
        unit_id = UUID(directory.register_unit("中心", "u").result["unit_id"])
        directory.open_department(unit_id, "综合科", DepartmentCategory.GENERAL, None, START)

    stored = stamped(list(directory.events.get(unit_id)))
    assert [e.meta for e in stored] == [ctx.meta(), ctx.meta()]
    assert [e.timestamp for e in stored] == [ctx.now, ctx.now]
    assert stored[0].meta.tenant_id == ctx.tenant_id


def test_only_unit_leaders_may_belong_to_no_department(chart: Chart) -> None:
    with refused("directory.department_required", "department_id"):
        chart.unit.add_person(
            "吴科员", "wukeyuan", PositionCategory.GENERAL, None, date(2024, 5, 1)
        )


def test_an_unknown_department_to_supervise_names_the_list_field(chart: Chart) -> None:
    with refused("directory.department_exists", "department_ids", NotFoundError):
        chart.unit.assign_supervising_leader(chart.leader, [uuid4()], date(2024, 5, 1))


def test_nobody_leaves_before_a_post_they_already_hold_began(chart: Chart) -> None:
    chart.unit.grant_office_role(chart.staff, OfficeRole.AUDITOR, date(2024, 9, 1))

    with refused("directory.effective_order", "effective_on"):
        chart.unit.remove_person(chart.staff, date(2024, 8, 1))
