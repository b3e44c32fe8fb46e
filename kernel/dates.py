"""Which dates and years a caller may name: the plausible range of an appraisal record.

- `kernel.date_plausible`: every date a command carries (an act's date, an effective date of an
  org change, a goal's due date) lies between 2000-01-01 and the end of next year in China.
  Kaohe's records start with this century's appraisal rules; an org change or a plan is made at
  most for next year (next year's goals are drafted in December). Before this rule, 9999-12-31
  overflowed the working-day arithmetic (a 500), and a move dated 9999-12-31 blocked every later
  change of that person.
- `kernel.year_plausible`: a year asked for in a query lies in 2000..2100.

Whether an act's date may lie in the future at all is the domain's rule (complaints received
and handled, objections filed, talks held, sanctions decided: never after today); this module
only bounds what any date can be.
"""

from __future__ import annotations

from datetime import date

from pydantic_core import PydanticCustomError

from kernel.errors import RuleViolatedError

DATE_PLAUSIBLE = "kernel.date_plausible"
YEAR_PLAUSIBLE = "kernel.year_plausible"
EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def latest_date(today: date) -> date:
    """The last date a command may name: 31 December of next year."""
    return date(today.year + 1, 12, 31)


def date_problem(day: date, today: date) -> str | None:
    """Why `day` is not a plausible date of a record on `today`, or None when it is."""
    if day < EARLIEST_DATE or day > latest_date(today):
        return (
            f"{day.isoformat()} is outside the plausible range of a record: "
            f"{EARLIEST_DATE.isoformat()} to {latest_date(today).isoformat()}"
        )
    return None


def check_date(day: date, today: date, field: str) -> date:
    """`day` unchanged if plausible on `today`; otherwise refused (`kernel.date_plausible`)."""
    if (problem := date_problem(day, today)) is not None:
        raise RuleViolatedError(DATE_PLAUSIBLE, f"{field}: {problem}", field=field)
    return day


def plausible_field(value: object, today: date) -> None:
    """The pydantic check of a command field holding a date (see `kernel.web.commands.Command`)."""
    days = value if isinstance(value, list | tuple) else [value]
    for index, day in enumerate(days):
        # A datetime is a date too, but commands carry none: their instants come from the clock.
        if isinstance(day, date) and (problem := date_problem(day, today)) is not None:
            within = str(index) if days is value else ""
            raise PydanticCustomError(DATE_PLAUSIBLE, problem, {"within": within})


def year_problem(year: int) -> str | None:
    """Why `year` is not a year Kaohe can hold records for, or None when it is one."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}, got {year}"
    return None
