"""Dates and numbers as each language writes them in official documents.

Russian month names come from Babel's CLDR data. Kazakh official dating
declines the month name, and the three forms the documents need are written
out per month below (vowel harmony and the month's last sound choose each
suffix; a table is easier to check against the seeds than a rule):

- plain (``2026 жылғы 20 қараша``),
- attributive, "dated" (``2026 жылғы 20 қарашадағы``: locative -да/-де/-та/-те + -ғы/-гі),
- "until" (``2027 жылғы 1 желтоқсанға дейін``: dative -ға/-ге/-қа/-ке + дейін),
- "from" (``2026 жылғы 1 желтоқсаннан бастап``: ablative -дан/-ден/-тан/-тен/-нан/-нен + бастап).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = [
    "KAZAKH_MONTHS",
    "format_number",
    "from_date",
    "long_date",
    "official_date",
    "parse_date",
    "short_date",
    "until_date",
]

#: Month number -> (nominative, attributive "dated", dative "until", ablative "from").
KAZAKH_MONTHS: dict[int, tuple[str, str, str, str]] = {
    1: ("қаңтар", "қаңтардағы", "қаңтарға", "қаңтардан"),
    2: ("ақпан", "ақпандағы", "ақпанға", "ақпаннан"),
    3: ("наурыз", "наурыздағы", "наурызға", "наурыздан"),
    4: ("сәуір", "сәуірдегі", "сәуірге", "сәуірден"),
    5: ("мамыр", "мамырдағы", "мамырға", "мамырдан"),
    6: ("маусым", "маусымдағы", "маусымға", "маусымнан"),
    7: ("шілде", "шілдедегі", "шілдеге", "шілдеден"),
    8: ("тамыз", "тамыздағы", "тамызға", "тамыздан"),
    9: ("қыркүйек", "қыркүйектегі", "қыркүйекке", "қыркүйектен"),
    10: ("қазан", "қазандағы", "қазанға", "қазаннан"),
    11: ("қараша", "қарашадағы", "қарашаға", "қарашадан"),
    12: ("желтоқсан", "желтоқсандағы", "желтоқсанға", "желтоқсаннан"),
}
_PLAIN, _DATED, _UNTIL, _FROM = range(4)


def parse_date(value: dt.date | str) -> dt.date:
    """Accept a date or an ISO ``YYYY-MM-DD`` string (as JSON data carries it)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _kazakh(day: dt.date, form: int) -> str:
    return f"{day.year} жылғы {day.day} {KAZAKH_MONTHS[day.month][form]}"


def _russian(day: dt.date) -> str:
    return format_date(day, "d MMMM y", locale="ru")


def official_date(value: dt.date | str, lang: str) -> str:
    """The "dated" phrase of official acts, after which a number follows.

    kk: ``2012 жылғы 7 қарашадағы``; ru: ``7 ноября 2012 года`` (the template writes "от").
    """
    day = parse_date(value)
    if lang == "kk":
        return _kazakh(day, _DATED)
    return _russian(day) + " года"


def until_date(value: dt.date | str, lang: str) -> str:
    """A validity's end: kk ``2027 жылғы 1 желтоқсанға дейін``; ru ``до 1 декабря 2027 г.``."""
    day = parse_date(value)
    if lang == "kk":
        return _kazakh(day, _UNTIL) + " дейін"
    return f"до {_russian(day)} г."


def from_date(value: dt.date | str, lang: str) -> str:
    """A validity's start: kk ``2026 жылғы 1 желтоқсаннан бастап``; ru ``с 1 декабря 2026 г.``."""
    day = parse_date(value)
    if lang == "kk":
        return _kazakh(day, _FROM) + " бастап"
    return f"с {_russian(day)} г."


def long_date(value: dt.date | str, lang: str) -> str:
    """A plain long date: kk ``2012 жылғы 7 қараша``; ru ``7 ноября 2012 г.``."""
    day = parse_date(value)
    if lang == "kk":
        return _kazakh(day, _PLAIN)
    return _russian(day) + " г."


def short_date(value: dt.date | str, lang: str) -> str:
    """``07.11.2012`` in both languages."""
    return format_date(parse_date(value), "dd.MM.yyyy", locale=lang)


def format_number(value: int | float | Decimal | str, lang: str) -> str:
    """Grouped as the locale groups (``1 234 567,5``)."""
    return format_decimal(Decimal(str(value)), locale=lang)
