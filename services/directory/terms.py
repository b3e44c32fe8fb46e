"""Term in force: a place held from `start` until `end`, as a half-open span of days [start, end).

The rule comes from DOMAIN.md, "People and roles": the org chart changes over time, and who held
a place *at the time* matters to every rule. A term (membership of a department, a department
head's or supervising leader's term, the principal leader's, an office role) is in force on a day
when it started on or before that day and has not ended by it: it ends *on* its end date.

Here are the rule in Python (`in_force`, `Term.covers`) and its SQL twin (`in_force_sql`), which
every read-side query over the org chart's term tables renders instead of spelling the predicate
out; `tests/integration/test_org_chart_twins.py` checks the two agree on real read tables. Also
here, by the same half-open reading: a term overlapping a span of days (`overlaps`,
`overlaps_sql`), and which of several terms counts when more than one is in force (the latest
recorded: `active_holder`, `latest_first_sql`).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID


def in_force(start: date, end: date | None, on: date) -> bool:
    """Whether the term [start, end) is in force on the day `on`."""
    return start <= on and (end is None or on < end)


def in_force_sql(alias: str | None, on: str) -> str:
    """The SQL twin of `in_force`: the term row `alias` (None: the table's own columns) is in
    force on the date `on` (a parameter such as "$2", or a column)."""
    a = f"{alias}." if alias else ""
    return f"{a}start_on <= {on} AND ({a}end_on IS NULL OR {on} < {a}end_on)"


def overlaps(start: date, end: date | None, first: date, last: date) -> bool:
    """Whether the term [start, end) is in force on some day from `first` to `last` inclusive."""
    return start <= last and (end is None or first < end)


def overlaps_sql(alias: str | None, first: str, last: str) -> str:
    """The SQL twin of `overlaps`, for the term row `alias` and the days `first` to `last`."""
    a = f"{alias}." if alias else ""
    return f"{a}start_on <= {last} AND ({a}end_on IS NULL OR {first} < {a}end_on)"


def latest_first_sql(alias: str | None = None) -> str:
    """The SQL twin of `active_holder`'s choice, an ORDER BY list: of the term rows in force,
    the latest started, then the latest recorded (the read tables number rows as recorded)."""
    a = f"{alias}." if alias else ""
    return f"{a}start_on DESC, {a}id DESC"


@dataclasses.dataclass
class Term:
    """Someone (or some department) holding a place from `start` until `end` (exclusive)."""

    holder: UUID
    start: date
    end: date | None = None

    def covers(self, on: date) -> bool:
        """Whether the term is in force on `on`."""
        return in_force(self.start, self.end, on)


def active_holder(terms: list[Term], on: date) -> UUID | None:
    """The holder of the term in force on `on`, if any (terms are kept in record order)."""
    return next((t.holder for t in reversed(terms) if t.covers(on)), None)


def end_open(terms: list[Term], on: date) -> None:
    """End on `on` every term still in force on it (a change taking effect that day)."""
    for term in terms:
        if term.covers(on):
            term.end = on
