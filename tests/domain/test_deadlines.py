"""Decision deadlines over a small made-up calendar (no holiday library)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest

from docgen.domain.catalog import Action, Service
from docgen.domain.deadlines import (
    Deadline,
    WeekendCalendar,
    WorkingCalendar,
    deadline_for,
    due_date,
)


class FakeCalendar(WorkingCalendar):
    """Monday-Friday, minus ``days_off``, plus the weekend days in ``workdays``."""

    def __init__(self, days_off: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        self.days_off = set(days_off)
        self.workdays = set(workdays)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.days_off


WEEKEND = WeekendCalendar()
# June 2025: Monday 2, Friday 6, Monday 9, Wednesday 11, Friday 13.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 6, day) for day in range(2, 9))


def test_weekend_calendar_is_monday_to_friday() -> None:
    assert [WEEKEND.is_working_day(day) for day in (MON, TUE, WED, THU, FRI, SAT, SUN)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_registration_day_is_not_counted() -> None:
    assert due_date(MON, 1, "working", WEEKEND) == TUE
    assert due_date(MON, 1, "calendar", WEEKEND) == TUE


def test_working_days_skip_the_weekend() -> None:
    # Thursday + 2 working days: Friday (1), Monday 9 (2).
    assert due_date(THU, 2, "working", WEEKEND) == date(2025, 6, 9)
    # Registered on a Saturday: Monday is the first working day after it.
    assert due_date(SAT, 1, "working", WEEKEND) == date(2025, 6, 9)
    assert due_date(MON, 5, "working", WEEKEND) == date(2025, 6, 9)


def test_working_days_skip_holidays() -> None:
    calendar = FakeCalendar(days_off={TUE, date(2025, 6, 10)})
    # Monday + 3: Tuesday off, Wednesday (1), Thursday (2), Friday (3).
    assert due_date(MON, 3, "working", calendar) == FRI
    # Friday + 2: weekend, Monday 9 (1), Tuesday 10 off, Wednesday 11 (2).
    assert due_date(FRI, 2, "working", calendar) == date(2025, 6, 11)


def test_a_weekend_day_made_a_working_day_by_transfer_counts() -> None:
    # Friday off in exchange for Sunday worked (as 2025-01-03 / 2025-01-05 in Kazakhstan).
    calendar = FakeCalendar(days_off={FRI}, workdays={SUN})
    assert due_date(THU, 1, "working", calendar) == SUN
    assert due_date(THU, 2, "working", calendar) == date(2025, 6, 9)
    assert not calendar.is_working_day(FRI) and calendar.is_working_day(SUN)


def test_calendar_days_roll_forward_past_days_off() -> None:
    # Monday + 5 calendar days is Saturday: the term ends on Monday 9.
    assert due_date(MON, 5, "calendar", WEEKEND) == date(2025, 6, 9)
    # ... on Tuesday 10 when Monday 9 is a holiday too.
    calendar = FakeCalendar(days_off={date(2025, 6, 9)})
    assert due_date(MON, 5, "calendar", calendar) == date(2025, 6, 10)
    # A last day that is a working day stays.
    assert due_date(MON, 4, "calendar", calendar) == FRI
    # A Sunday made a working day by transfer is not rolled.
    assert due_date(MON, 6, "calendar", FakeCalendar(workdays={SUN})) == SUN


def test_calendar_days_without_roll_forward_keep_the_bare_date() -> None:
    assert due_date(MON, 5, "calendar", WEEKEND, roll_forward=False) == SAT
    assert due_date(MON, 6, "calendar", WEEKEND, roll_forward=False) == SUN


def test_calendar_days_count_weekends_and_holidays_inside_the_term() -> None:
    calendar = FakeCalendar(days_off={TUE, WED})
    assert due_date(MON, 10, "calendar", calendar) == date(2025, 6, 12)


@pytest.mark.parametrize(("days", "kind"), [(0, "working"), (-1, "calendar"), (5, "business")])
def test_bad_arguments_are_refused(days: int, kind: str) -> None:
    with pytest.raises(ValueError):
        due_date(MON, days, kind, WEEKEND)


def test_a_calendar_without_working_days_is_an_error_not_a_hang() -> None:
    class Never(WorkingCalendar):
        def is_working_day(self, day: date) -> bool:
            return False

    with pytest.raises(ValueError, match="no working day"):
        due_date(MON, 1, "working", Never())


# Registered Monday 2 June, due Friday 13 June (9 working days).
DEADLINE = Deadline(registered=MON, due=date(2025, 6, 13), days=9, day_kind="working")


@pytest.mark.parametrize(
    ("today", "left", "status"),
    [
        (MON, 9, "on-time"),
        (date(2025, 6, 10), 3, "on-time"),  # Tuesday: Wednesday, Thursday, Friday left
        (date(2025, 6, 11), 2, "due-soon"),
        (date(2025, 6, 12), 1, "due-soon"),
        (date(2025, 6, 13), 0, "due-soon"),  # due today
        (date(2025, 6, 14), 0, "overdue"),  # Saturday after: no working day lost yet, but late
        (date(2025, 6, 16), -1, "overdue"),
        (date(2025, 6, 18), -3, "overdue"),
    ],
)
def test_status_and_working_days_left(today: date, left: int, status: str) -> None:
    assert DEADLINE.working_days_left(today, WEEKEND) == left
    assert DEADLINE.status(today, WEEKEND) == status


def test_due_soon_counts_working_days_not_calendar_days() -> None:
    # Thursday 12, due Monday 16 with Friday 13 off: one working day left over four calendar days.
    deadline = Deadline(registered=MON, due=date(2025, 6, 16), days=9, day_kind="working")
    calendar = FakeCalendar(days_off={date(2025, 6, 13)})
    assert deadline.working_days_left(date(2025, 6, 12), calendar) == 1
    assert deadline.status(date(2025, 6, 12), calendar, soon_days=1) == "due-soon"
    assert deadline.status(date(2025, 6, 11), calendar, soon_days=1) == "on-time"


def test_a_decided_request_is_judged_by_its_decision_day() -> None:
    late = date(2025, 6, 20)
    assert DEADLINE.status(late, WEEKEND, decided=date(2025, 6, 13)) == "on-time"
    assert DEADLINE.status(late, WEEKEND, decided=date(2025, 6, 16)) == "overdue"
    assert DEADLINE.status(MON, WEEKEND, decided=date(2025, 6, 12)) == "on-time"


def _service(**actions: Action) -> Service:
    text = {"kk": "x", "ru": "x"}
    return Service(
        code="demo",
        seed="000",
        title=text,
        provider=text,
        provider_code="demo",
        legal_basis=text,
        outputs=(),
        fields=(),
        attachments=(),
        actions=actions,
    )


def test_deadline_for_uses_the_services_action() -> None:
    service = _service(
        issue=Action("issue", 5, "working"),
        reissue=Action("reissue", 5, "calendar"),
    )
    assert deadline_for(service, "issue", THU, WEEKEND) == Deadline(
        registered=THU, due=date(2025, 6, 12), days=5, day_kind="working"
    )
    # Thursday + 5 calendar days is Tuesday 10: a working day, nothing to roll.
    assert deadline_for(service, "reissue", THU, WEEKEND).due == date(2025, 6, 10)
    # Monday + 5 is Saturday: rolled to Monday, unless asked not to.
    assert deadline_for(service, "reissue", MON, WEEKEND).due == date(2025, 6, 9)
    assert deadline_for(service, "reissue", MON, WEEKEND, roll_forward=False).due == SAT


def test_deadline_for_an_unknown_action_names_the_known_ones() -> None:
    service = _service(issue=Action("issue", 5, "working"))
    with pytest.raises(KeyError, match="issue"):
        deadline_for(service, "withdraw", MON, WEEKEND)
