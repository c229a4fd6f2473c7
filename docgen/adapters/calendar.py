"""The Kazakh working calendar, from the maintained ``holidays`` library.

Working days in Kazakhstan are Monday to Friday, except public holidays and
the days off they are transferred to; a Saturday or Sunday can in turn become
a working day by a transfer (Sunday 2025-01-05 was one, in exchange for Friday
2025-01-03). ``holidays.country_holidays("KZ")`` knows all three, so no list
of dates is kept here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.domain.deadlines import WorkingCalendar

__all__ = ["KazakhstanCalendar"]


class KazakhstanCalendar(WorkingCalendar):
    """Kazakhstan's public holidays and transfers; each year loaded on first use and kept.

    Nothing is loaded (not even the library imported) until a day is asked
    about. A year's table also holds the years either side of it, because a
    transfer may cross the new year (Saturday 2013-12-28 worked for Friday
    2014-01-03).
    """

    def __init__(self, country: str = "KZ") -> None:
        self.country = country
        self._years: dict[int, Any] = {}

    def is_working_day(self, day: date) -> bool:
        return bool(self._for_year(day.year).is_working_day(day))

    def _for_year(self, year: int) -> Any:
        table = self._years.get(year)
        if table is None:
            import holidays

            table = holidays.country_holidays(self.country, years=range(year - 1, year + 2), expand=False)
            self._years[year] = table
        return table
