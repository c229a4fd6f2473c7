"""The Kazakh working calendar, with the real ``holidays`` library.

The expected dates are worked out by hand in the comments, from the official
calendars: Independence Day 16 December; New Year 1-2 January; Orthodox
Christmas 7 January; Nowruz 21-23 March, with the days falling on a weekend
moved to the next working days; in 2025 Friday 3 January was a day off in
exchange for Sunday 5 January.
"""

from __future__ import annotations

from datetime import date

import pytest

from docgen.adapters.calendar import KazakhstanCalendar
from docgen.domain.deadlines import Deadline, due_date


@pytest.fixture(scope="module")
def kz() -> KazakhstanCalendar:
    return KazakhstanCalendar()


def test_nothing_is_loaded_before_a_day_is_asked_about() -> None:
    calendar = KazakhstanCalendar()
    assert calendar._years == {}
    calendar.is_working_day(date(2025, 6, 2))
    assert list(calendar._years) == [2025]


def test_the_transferred_working_sunday_counts_and_the_friday_off_does_not(kz: KazakhstanCalendar) -> None:
    assert kz.is_working_day(date(2025, 1, 5))  # Sunday, worked
    assert not kz.is_working_day(date(2025, 1, 3))  # Friday, off in exchange
    assert not kz.is_working_day(date(2025, 1, 4))  # Saturday
    # Registered Thursday 2 January 2025 (a holiday): Friday 3 off, Saturday 4 off,
    # Sunday 5 worked (1), Monday 6 (2).
    assert due_date(date(2025, 1, 2), 1, "working", kz) == date(2025, 1, 5)
    assert due_date(date(2025, 1, 2), 2, "working", kz) == date(2025, 1, 6)


def test_independence_day_is_skipped(kz: KazakhstanCalendar) -> None:
    assert not kz.is_working_day(date(2025, 12, 16))
    # Registered Friday 12 December 2025, 10 working days, the 12th not counted:
    # Mon 15 (1), Tue 16 Independence Day - skipped, Wed 17 (2), Thu 18 (3), Fri 19 (4),
    # Sat 20 / Sun 21, Mon 22 (5), Tue 23 (6), Wed 24 (7), Thu 25 (8), Fri 26 (9),
    # Sat 27 / Sun 28, Mon 29 (10).
    assert due_date(date(2025, 12, 12), 10, "working", kz) == date(2025, 12, 29)


def test_nowruz_2026_is_skipped(kz: KazakhstanCalendar) -> None:
    # 21 (Sat) - 23 (Mon) March 2026 are Nowruz; Saturday 21 and Sunday 22 move to Tue 24 and Wed 25.
    assert [kz.is_working_day(date(2026, 3, day)) for day in range(20, 27)] == [
        True,  # Fri 20
        False,  # Sat 21
        False,  # Sun 22
        False,  # Mon 23
        False,  # Tue 24
        False,  # Wed 25
        True,  # Thu 26
    ]
    # Registered Friday 20 March 2026, 5 working days:
    # 21-25 off, Thu 26 (1), Fri 27 (2), Mon 30 (3), Tue 31 (4), Wed 1 April (5).
    assert due_date(date(2026, 3, 20), 5, "working", kz) == date(2026, 4, 1)
    # 15 calendar days from Friday 6 March: Saturday 21 March, a day off (and so are
    # 22-25): the term ends on Thursday 26 March; without roll-forward, on the 21st.
    assert due_date(date(2026, 3, 6), 15, "calendar", kz) == date(2026, 3, 26)
    assert due_date(date(2026, 3, 6), 15, "calendar", kz, roll_forward=False) == date(2026, 3, 21)


def test_new_year_2026(kz: KazakhstanCalendar) -> None:
    assert not kz.is_working_day(date(2026, 1, 1))  # Thursday
    assert not kz.is_working_day(date(2026, 1, 2))  # Friday
    assert not kz.is_working_day(date(2026, 1, 7))  # Wednesday, Orthodox Christmas
    # Registered Wednesday 31 December 2025, 3 working days:
    # Thu 1 / Fri 2 holidays, Sat 3 / Sun 4, Mon 5 (1), Tue 6 (2), Wed 7 Christmas, Thu 8 (3).
    assert due_date(date(2025, 12, 31), 3, "working", kz) == date(2026, 1, 8)
    # 15 calendar days from Wednesday 17 December 2025 end on Thursday 1 January 2026,
    # a holiday: rolled over Friday 2 (holiday) and the weekend to Monday 5 January.
    assert due_date(date(2025, 12, 17), 15, "calendar", kz) == date(2026, 1, 5)
    assert due_date(date(2025, 12, 17), 15, "calendar", kz, roll_forward=False) == date(2026, 1, 1)


def test_status_over_the_new_year_holidays(kz: KazakhstanCalendar) -> None:
    # Due Thursday 8 January 2026: on Wednesday 31 December only Mon 5, Tue 6 and Thu 8 are left.
    deadline = Deadline(registered=date(2025, 12, 12), due=date(2026, 1, 8), days=15, day_kind="working")
    assert deadline.working_days_left(date(2025, 12, 31), kz) == 3
    assert deadline.status(date(2025, 12, 31), kz) == "on-time"
    assert deadline.status(date(2026, 1, 2), kz) == "on-time"  # still 3: the 2nd itself is not counted
    assert deadline.status(date(2026, 1, 5), kz) == "due-soon"  # Tue 6, Thu 8 left
    assert deadline.status(date(2026, 1, 9), kz) == "overdue"
