"""Dates and numbers as each language writes them in official documents.

Month names come from Babel's CLDR data; the only grammar added here is the
Kazakh locative-attributive suffix (-дағы/-дегі/-тағы/-тегі) that official
Kazakh dating uses ("2012 жылғы 7 қарашадағы"), chosen by vowel harmony and
the last sound of the month name, so no month table is written by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

__all__ = [
    "format_number",
    "kazakh_locative",
    "long_date",
    "official_date",
    "parse_date",
    "short_date",
]

_BACK_VOWELS = set("аоұыяАОҰЫЯ")
_FRONT_VOWELS = set("әөүіеэиюӘӨҮІЕЭИЮ")
_VOICELESS = set("кқпстфхцчшщ")


def parse_date(value: dt.date | str) -> dt.date:
    """Accept a date or an ISO ``YYYY-MM-DD`` string (as JSON data carries it)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def kazakh_locative(word: str) -> str:
    """``қараша`` -> ``қарашадағы``; ``сәуір`` -> ``сәуірдегі``; ``қыркүйек`` -> ``қыркүйектегі``."""
    front = True
    for letter in reversed(word):
        if letter in _BACK_VOWELS:
            front = False
            break
        if letter in _FRONT_VOWELS:
            break
    consonant = "т" if word[-1].lower() in _VOICELESS else "д"
    return word + consonant + ("егі" if front else "ағы")


def official_date(value: dt.date | str, lang: str) -> str:
    """The date phrase of official acts.

    kk: ``2012 жылғы 7 қарашадағы``; ru: ``7 ноября 2012 года``.
    """
    day = parse_date(value)
    if lang == "kk":
        month = format_date(day, "MMMM", locale="kk")
        return f"{day.year} жылғы {day.day} {kazakh_locative(month)}"
    return format_date(day, "d MMMM y", locale=lang) + " года"


def long_date(value: dt.date | str, lang: str) -> str:
    """A plain long date: kk ``2012 ж. 7 қараша``; ru ``7 ноября 2012 г.``."""
    return format_date(parse_date(value), "long", locale=lang)


def short_date(value: dt.date | str, lang: str) -> str:
    """``07.11.2012`` in both languages."""
    return format_date(parse_date(value), "dd.MM.yyyy", locale=lang)


def format_number(value: int | float | Decimal | str, lang: str) -> str:
    """Grouped as the locale groups (``1 234 567,5``)."""
    return format_decimal(Decimal(str(value)), locale=lang)
