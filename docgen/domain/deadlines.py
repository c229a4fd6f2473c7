"""Decision deadlines: when the provider must decide on a registered request.

Each action of a service carries a deadline from its regulation: so many
working or calendar days (:class:`~docgen.domain.catalog.Action`). The count
starts the day after the registration day: the registration day itself is
not counted. Which days are working days is the job of a
:class:`WorkingCalendar`: :class:`WeekendCalendar` knows only Monday-Friday;
the Kazakh calendar with public holidays and transferred days off lives in
:mod:`docgen.adapters.calendar`, outside the pure core.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from docgen.domain.catalog import DAY_KINDS, Service

__all__ = [
    "Deadline",
    "Status",
    "WeekendCalendar",
    "WorkingCalendar",
    "deadline_for",
    "due_date",
]

Status = Literal["overdue", "due-soon", "on-time"]

#: A calendar with no working day in this many days in a row is broken, not a holiday season.
_MAX_NON_WORKING_RUN = 366

_ONE_DAY = timedelta(days=1)


class WorkingCalendar(abc.ABC):
    """Tells working days from days off."""

    @abc.abstractmethod
    def is_working_day(self, day: date) -> bool:
        """``True`` if the provider works on ``day``."""

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        candidate = day
        for _ in range(_MAX_NON_WORKING_RUN):
            if self.is_working_day(candidate):
                return candidate
            candidate += _ONE_DAY
        raise ValueError(f"no working day in the {_MAX_NON_WORKING_RUN} days from {day}")


class WeekendCalendar(WorkingCalendar):
    """Monday to Friday, no holidays: a fallback, and a calendar for tests."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


def due_date(
    registered: date,
    days: int,
    day_kind: str,
    calendar: WorkingCalendar,
    *,
    roll_forward: bool = True,
) -> date:
    """The last day on which the decision is still in time.

    The registration day is not counted: the term starts the next day.

    * ``"working"``: the ``days``-th working day after ``registered``
      (weekends, public holidays and transferred days off are skipped; a
      weekend day made a working day by a transfer counts).
    * ``"calendar"``: ``registered + days``. With ``roll_forward`` (the
      default), a last day that falls on a non-working day moves to the
      nearest following working day - the rule of the Civil Code of the
      Republic of Kazakhstan (General Part, chapter 6 "Calculation of
      terms") for a term whose last day is a non-working day.
      ``roll_forward=False`` keeps the bare calendar date.

    Raises :class:`ValueError` for an unknown ``day_kind`` or ``days < 1``.
    """
    if day_kind not in DAY_KINDS:
        raise ValueError(f"day_kind must be one of {', '.join(DAY_KINDS)}, not {day_kind!r}")
    if days < 1:
        raise ValueError(f"a deadline is at least one day, not {days}")
    if day_kind == "calendar":
        last = registered + timedelta(days=days)
        return calendar.next_working_day(last) if roll_forward else last
    day = registered
    for _ in range(days):
        day = calendar.next_working_day(day + _ONE_DAY)
    return day


def _working_days_between(start: date, end: date, calendar: WorkingCalendar) -> int:
    """Working days in ``(start, end]`` (zero when ``end <= start``)."""
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        count += calendar.is_working_day(day)
        day += _ONE_DAY
    return count


@dataclass(frozen=True)
class Deadline:
    """A registered request's decision deadline."""

    registered: date
    due: date
    days: int
    day_kind: str

    def working_days_left(self, today: date, calendar: WorkingCalendar) -> int:
        """Working days after ``today`` up to and including the due day.

        ``0`` on the due day itself (the decision is due today). Past the due
        day the count is negative: minus the working days elapsed since it
        (``0`` while only days off have passed, e.g. the weekend after a
        Friday deadline - :meth:`status` is "overdue" all the same).
        """
        if today <= self.due:
            return _working_days_between(today, self.due, calendar)
        return -_working_days_between(self.due, today, calendar)

    def status(
        self,
        today: date,
        calendar: WorkingCalendar,
        soon_days: int = 2,
        *,
        decided: date | None = None,
    ) -> Status:
        """Where an undecided request stands on ``today``.

        * ``"overdue"``: ``today`` is past the due day;
        * ``"due-soon"``: the due day is at most ``soon_days`` working days
          away (the due day itself included);
        * ``"on-time"``: otherwise.

        For a request already decided, pass ``decided``: its status is then
        fixed - ``"on-time"`` if decided by the due day, ``"overdue"`` if late
        - whatever ``today`` is.
        """
        if decided is not None:
            return "on-time" if decided <= self.due else "overdue"
        if today > self.due:
            return "overdue"
        if self.working_days_left(today, calendar) <= soon_days:
            return "due-soon"
        return "on-time"


def deadline_for(
    service: Service,
    action_name: str,
    registered: date,
    calendar: WorkingCalendar,
    *,
    roll_forward: bool = True,
) -> Deadline:
    """The deadline of ``service``'s action ``action_name`` for a request registered on ``registered``.

    Raises :class:`KeyError` (naming the actions the service has) for an action it does not have.
    """
    action = service.action(action_name)
    due = due_date(registered, action.deadline_days, action.day_kind, calendar, roll_forward=roll_forward)
    return Deadline(registered=registered, due=due, days=action.deadline_days, day_kind=action.day_kind)
