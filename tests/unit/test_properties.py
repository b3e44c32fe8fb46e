"""Properties over random histories: nobody manages themself, heads head the department the person
is in, and the hash chain notices any single alteration of a log at the first row it affects."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.chain import GENESIS, ChainVerifier, StoredRow, canonical_bytes, link
from kernel.context import CommandContext
from kernel.errors import RuleViolatedError
from services.directory.domain import Unit
from services.directory.vocabulary import DepartmentCategory, PositionCategory

AsOffice = Callable[..., AbstractContextManager[CommandContext]]

START = date(2024, 1, 1)

# `as_office` is a stateless factory, so sharing it between generated examples is sound.
chart_settings = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# -- random org-chart histories ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Move:
    person: int
    department: int


@dataclasses.dataclass(frozen=True)
class AppointHead:
    """Appoint the person head of the department they belong to on the day."""

    person: int


@dataclasses.dataclass(frozen=True)
class Supervise:
    leader: int
    department: int


Action = Move | AppointHead | Supervise


@dataclasses.dataclass(frozen=True)
class History:
    departments: int
    first_departments: tuple[int, ...]  # one per member of staff
    first_supervisors: tuple[int, ...]  # one per department
    steps: tuple[tuple[int, Action], ...]  # (days after the previous step, action)

    @property
    def staff(self) -> int:
        return len(self.first_departments)


LEADERS = 2  # leader 0 is the principal leader


@st.composite
def histories(draw: st.DrawFn) -> History:
    departments = draw(st.integers(2, 4))
    staff = draw(st.integers(2, 4))
    department = st.integers(0, departments - 1)
    action: st.SearchStrategy[Action] = st.one_of(
        st.builds(Move, st.integers(0, staff - 1), department),
        st.builds(Move, st.integers(0, staff - 1), department),  # moves are the common case
        st.builds(AppointHead, st.integers(0, staff - 1)),
        st.builds(Supervise, st.integers(0, LEADERS - 1), department),
    )
    return History(
        departments=departments,
        first_departments=tuple(draw(st.lists(department, min_size=staff, max_size=staff))),
        first_supervisors=tuple(
            draw(st.lists(st.integers(0, LEADERS - 1), min_size=departments, max_size=departments))
        ),
        steps=tuple(draw(st.lists(st.tuples(st.integers(0, 30), action), max_size=14))),
    )


@dataclasses.dataclass
class Model:
    """What the history says, kept independently of the Unit: (date, value) in record order."""

    memberships: dict[UUID, list[tuple[date, UUID]]]
    appointments: dict[UUID, list[tuple[date, UUID]]]
    supervisions: dict[UUID, list[tuple[date, UUID]]]
    moves: list[tuple[int, date, UUID]]  # (record order, date, person)
    appointment_order: dict[tuple[UUID, date, UUID], int]

    @staticmethod
    def latest(entries: list[tuple[date, UUID]], on: date) -> tuple[date, UUID] | None:
        # effective dates never go back, so the last entry in force is the last one recorded
        return next((e for e in reversed(entries) if e[0] <= on), None)

    def department_of(self, person: UUID, on: date) -> UUID | None:
        entry = self.latest(self.memberships[person], on)
        return entry[1] if entry else None

    def supervisor_of(self, department: UUID, on: date) -> UUID | None:
        entry = self.latest(self.supervisions.get(department, []), on)
        return entry[1] if entry else None

    def head_of(self, department: UUID, on: date) -> UUID | None:
        """The last appointee, unless they moved away (on or after appointing, by `on`)."""
        entry = self.latest(self.appointments.get(department, []), on)
        if entry is None:
            return None
        appointed_on, head = entry
        order = self.appointment_order[(department, appointed_on, head)]
        moved_away = any(
            who == head and n > order and moved_on <= on for n, moved_on, who in self.moves
        )
        return None if moved_away else head


def play(history: History) -> tuple[Unit, Model, list[UUID], list[UUID], list[date]]:
    """Record the history on a fresh Unit (inside `acting`); returns what to check it against."""
    unit = Unit(name="中心", code="u")
    departments = [
        unit.open_department(f"科室{i}", DepartmentCategory.GENERAL, None, START)
        for i in range(history.departments)
    ]
    leaders = [
        unit.add_person(f"领导{i}", f"leader{i}", PositionCategory.LEADER, None, START)
        for i in range(LEADERS)
    ]
    staff = [
        unit.add_person(f"科员{i}", f"staff{i}", PositionCategory.GENERAL, departments[d], START)
        for i, d in enumerate(history.first_departments)
    ]
    unit.appoint_principal_leader(leaders[0], START)
    model = Model(
        memberships={
            p: [(START, departments[d])]
            for p, d in zip(staff, history.first_departments, strict=True)
        },
        appointments={},
        supervisions={},
        moves=[],
        appointment_order={},
    )
    for department, leader in zip(departments, history.first_supervisors, strict=True):
        unit.assign_supervising_leader(leaders[leader], [department], START)
        model.supervisions[department] = [(START, leaders[leader])]

    day = START
    dates = [START - timedelta(days=1), START]
    for n, (gap, action) in enumerate(history.steps):
        day += timedelta(days=gap)
        dates += [day - timedelta(days=1), day]
        match action:
            case Move(person=i, department=d):
                person, target = staff[i], departments[d]
                if model.department_of(person, day) == target:
                    with pytest.raises(RuleViolatedError) as exc:
                        unit.move_person(person, target, day)
                    assert exc.value.rule == "directory.move_changes_department"
                    continue
                unit.move_person(person, target, day)
                model.memberships[person].append((day, target))
                model.moves.append((n, day, person))
            case AppointHead(person=i):
                person = staff[i]
                current = model.department_of(person, day)
                assert current is not None
                unit.appoint_department_head(current, person, day)
                model.appointments.setdefault(current, []).append((day, person))
                model.appointment_order[(current, day, person)] = n
            case Supervise(leader=i, department=d):
                unit.assign_supervising_leader(leaders[i], [departments[d]], day)
                model.supervisions[departments[d]].append((day, leaders[i]))
    dates.append(day + timedelta(days=1))
    return unit, model, leaders, staff, sorted(set(dates))


@chart_settings
@given(histories())
def test_nobody_manages_themself_and_a_head_heads_the_persons_department(
    as_office: AsOffice, history: History
) -> None:
    with as_office():
        unit, _, leaders, staff, dates = play(history)

    for on in dates:
        for person in [*leaders, *staff]:
            m = unit.managers_of(person, on)
            assert not m.manages(person)
            assert person not in (m.department_head, m.supervising_leader, m.principal_leader)
            if m.department_head is not None:
                assert m.department_id is not None
                assert m.department_head == unit.head_of(m.department_id, on)
                assert unit.department_of(m.department_head, on) == m.department_id


@chart_settings
@given(histories())
def test_the_direct_manager_is_never_the_person(as_office: AsOffice, history: History) -> None:
    with as_office():
        unit, _, leaders, staff, dates = play(history)

    for on in dates:
        for person in [*leaders, *staff]:
            assert unit.managers_of(person, on).direct_manager != person


@chart_settings
@given(histories())
def test_managers_follow_the_history_date_by_date(as_office: AsOffice, history: History) -> None:
    with as_office():
        unit, model, leaders, staff, dates = play(history)
    principal, deputy = leaders

    for on in dates:
        for person in staff:
            m = unit.managers_of(person, on)
            department = model.department_of(person, on)
            assert m.department_id == department
            if department is None:
                assert (m.department_head, m.supervising_leader) == (None, None)
                continue
            head = model.head_of(department, on)
            assert m.department_head == (head if head != person else None)
            assert m.supervising_leader == model.supervisor_of(department, on)
            assert m.principal_leader == principal
        # leaders are managed by the principal only; the principal by nobody
        for leader in leaders:
            m = unit.managers_of(leader, on)
            assert (m.department_head, m.supervising_leader) == (None, None)
        before = on < START
        assert unit.managers_of(deputy, on).principal_leader == (None if before else principal)
        assert unit.managers_of(principal, on).direct_manager is None


# -- the hash chain ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Log:
    rows: list[StoredRow]
    hashes: list[bytes]

    @property
    def ids(self) -> list[int]:
        return [r.notification_id for r in self.rows]

    def triples(self) -> list[tuple[StoredRow | None, int, bytes | None]]:
        return [(r, r.notification_id, h) for r, h in zip(self.rows, self.hashes, strict=True)]


def chained(rows: list[StoredRow]) -> Log:
    """Link the rows as the recorder does, computed here from the documented canonical form."""
    previous, hashes = GENESIS, []
    for r in rows:
        parts = [
            str(r.notification_id).encode(),
            r.originator_id.encode(),
            str(r.originator_version).encode(),
            r.topic.encode(),
            r.state,
        ]
        canonical = b"".join(len(p).to_bytes(8, "big") + p for p in parts)
        previous = hashlib.sha256(previous + canonical).digest()
        hashes.append(previous)
    return Log(rows, hashes)


@st.composite
def logs(draw: st.DrawFn, min_size: int = 1) -> Log:
    """Rows with gaps between their notification ids (room to insert a row between two)."""
    size = draw(st.integers(min_size, 8))
    first = draw(st.integers(1, 5))
    gaps = draw(st.lists(st.integers(2, 4), min_size=size, max_size=size))
    ids = [first + sum(gaps[:i]) for i in range(size)]
    rows = [
        StoredRow(
            notification_id=n,
            originator_id=str(draw(st.uuids())),
            originator_version=draw(st.integers(1, 10_000)),
            topic=draw(st.sampled_from(["services.directory.domain:Unit.PersonMoved", "主题"])),
            state=draw(st.binary(min_size=1, max_size=40)),
        )
        for n in ids
    ]
    return chained(rows)


def verify(triples: list[tuple[StoredRow | None, int, bytes | None]]) -> ChainVerifier:
    verifier = ChainVerifier()
    verifier.feed(triples)
    return verifier


def broken_at(
    triples: list[tuple[StoredRow | None, int, bytes | None]],
    notification_id: int,
    problem: str = "",
) -> ChainVerifier:
    """The verifier of `triples`, having stopped at `notification_id` with a problem that starts
    with `problem`."""
    verifier = verify(triples)
    assert verifier.broken is not None, "the chain verified"
    assert verifier.broken.notification_id == notification_id
    assert verifier.broken.problem.startswith(problem), verifier.broken.problem
    return verifier


def test_canonical_bytes_are_length_prefixed_parts_in_the_documented_order() -> None:
    assert canonical_bytes(7, "ab", 12, "t", b"\x00\xff") == (
        b"\x00\x00\x00\x00\x00\x00\x00\x01" b"7"
        b"\x00\x00\x00\x00\x00\x00\x00\x02" b"ab"
        b"\x00\x00\x00\x00\x00\x00\x00\x02" b"12"
        b"\x00\x00\x00\x00\x00\x00\x00\x01" b"t"
        b"\x00\x00\x00\x00\x00\x00\x00\x02" b"\x00\xff"
    )  # fmt: skip
    assert link(GENESIS, b"x") == hashlib.sha256(bytes(32) + b"x").digest()


def test_length_prefixes_keep_parts_from_running_into_each_other() -> None:
    assert canonical_bytes(1, "ab", 1, "c", b"") != canonical_bytes(1, "a", 1, "bc", b"")


@settings(max_examples=75, deadline=None)
@given(logs())
def test_a_correctly_linked_log_is_accepted(log: Log) -> None:
    verifier = verify(log.triples())

    assert verifier.broken is None
    assert verifier.count == len(log.rows)
    assert verifier.last_id == log.ids[-1]
    assert verifier.previous == log.hashes[-1]


@settings(max_examples=75, deadline=None)
@given(logs(), st.data())
def test_a_log_fed_in_batches_verifies_as_a_whole(log: Log, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(log.rows)))
    verifier = ChainVerifier()

    verifier.feed(log.triples()[:cut])
    verifier.feed(log.triples()[cut:])

    assert (verifier.broken, verifier.count, verifier.previous) == (
        None,
        len(log.rows),
        log.hashes[-1],
    )


@settings(max_examples=100, deadline=None)
@given(logs(), st.data())
def test_changing_one_byte_of_a_stored_state_breaks_the_chain_at_that_row(
    log: Log, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 1), label="row")
    row = log.rows[i]
    at = data.draw(st.integers(0, len(row.state) - 1), label="byte")
    flip = data.draw(st.integers(1, 255), label="xor")
    state = bytearray(row.state)
    state[at] ^= flip
    triples = log.triples()
    triples[i] = (dataclasses.replace(row, state=bytes(state)), row.notification_id, log.hashes[i])

    verifier = broken_at(triples, row.notification_id, "hash mismatch")

    assert verifier.count == i


@settings(max_examples=75, deadline=None)
@given(logs(), st.data())
def test_changing_an_events_version_or_topic_breaks_the_chain_at_that_row(
    log: Log, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 1), label="row")
    row = log.rows[i]
    forged = data.draw(
        st.sampled_from(
            [
                dataclasses.replace(row, originator_version=row.originator_version + 1),
                dataclasses.replace(row, topic=row.topic + "x"),
            ]
        )
    )
    triples = log.triples()
    triples[i] = (forged, row.notification_id, log.hashes[i])

    broken_at(triples, row.notification_id)


@settings(max_examples=75, deadline=None)
@given(logs(), st.data())
def test_a_row_deleted_from_the_log_is_reported_where_the_chain_records_it(
    log: Log, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 1), label="row")
    triples = log.triples()
    triples[i] = (None, log.ids[i], log.hashes[i])

    broken_at(triples, log.ids[i], "event row missing")


@settings(max_examples=75, deadline=None)
@given(logs(min_size=2), st.data())
def test_a_row_dropped_with_its_chain_entry_breaks_the_chain_at_the_next_row(
    log: Log, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 2), label="row")
    triples = log.triples()
    del triples[i]

    broken_at(triples, log.ids[i + 1], "hash mismatch")


@settings(max_examples=50, deadline=None)
@given(logs(min_size=2))
def test_dropping_the_last_row_with_its_chain_entry_shows_only_in_the_head_and_count(
    log: Log,
) -> None:
    # A verifier alone cannot see a truncated tail; the published head hash and count do.
    verifier = verify(log.triples()[:-1])

    assert verifier.broken is None
    assert verifier.count == len(log.rows) - 1
    assert verifier.previous != log.hashes[-1]


@settings(max_examples=100, deadline=None)
@given(logs(min_size=2), st.data())
def test_swapping_the_contents_of_two_rows_breaks_the_chain_at_the_first(
    log: Log, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 2), label="first")
    j = data.draw(st.integers(i + 1, len(log.rows) - 1), label="second")
    a, b = log.rows[i], log.rows[j]
    triples = log.triples()
    # the rows keep their positions; what they say is exchanged
    triples[i] = (dataclasses.replace(b, notification_id=a.notification_id), a.notification_id,
                  log.hashes[i])  # fmt: skip
    triples[j] = (dataclasses.replace(a, notification_id=b.notification_id), b.notification_id,
                  log.hashes[j])  # fmt: skip

    broken_at(triples, a.notification_id)


@settings(max_examples=75, deadline=None)
@given(logs(min_size=2), st.data())
def test_feeding_two_rows_out_of_place_breaks_the_chain_at_the_first_misplaced(
    log: Log, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 2), label="first")
    j = data.draw(st.integers(i + 1, len(log.rows) - 1), label="second")
    triples = log.triples()
    triples[i], triples[j] = triples[j], triples[i]

    broken_at(triples, log.ids[j])  # the row that now stands at position i


@settings(max_examples=100, deadline=None)
@given(logs(), st.data())
def test_a_row_inserted_without_a_chain_hash_is_reported_where_it_stands(
    log: Log, data: st.DataObject
) -> None:
    k = data.draw(st.integers(0, len(log.rows)), label="position")
    new_id = log.ids[k] - 1 if k < len(log.rows) else log.ids[-1] + 1
    intruder = StoredRow(new_id, str(UUID(int=k)), 1, "services.directory.domain:Unit", b"{}")
    triples = log.triples()
    triples.insert(k, (intruder, new_id, None))

    verifier = broken_at(triples, new_id, "no chain hash")

    assert verifier.count == k


@settings(max_examples=50, deadline=None)
@given(logs(), st.data())
def test_nothing_after_the_first_break_is_checked(log: Log, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(log.rows) - 1), label="row")
    triples = log.triples()
    triples[i] = (None, log.ids[i], log.hashes[i])
    verifier = verify(triples)
    first = verifier.broken

    verifier.feed(log.triples())

    assert verifier.broken == first
    assert verifier.count == i
