"""IIN and BIN: the 12-digit identification numbers and their check digit.

Check digit: the sum of digit[i] * weight[i] over the first 11 digits with
weights 1..11, mod 11; if that is 10, again with weights 3..11,1,2; if it is
10 again the number is not valid.

An IIN begins with its holder's birth date, YYMMDD, and its 7th digit gives
the century (and sex): 1 or 2 the 1800s, 3 or 4 the 1900s, 5 or 6 the 2000s.
The date must be a real one (no 31 February, no 29 February of a common year)
and not after today. A 7th digit 0, which some numbers given to foreign
nationals carry, says no century: the date must then be real and not in the
future in the 1900s or the 2000s. Any other 7th digit is refused. Odd 7th
digits (1, 3, 5) are men's, even ones (2, 4, 6) women's (:func:`iin_sex`).

A BIN begins with the year and month of registration, YYMM; its 5th digit is
the holder's type (4 a resident legal entity, 5 a non-resident one, 6 an
individual entrepreneur in joint form) and its 6th the unit (0 the head
office, 1 a branch, 2 a representative office, 3 a peasant farm in joint
form): :func:`bin_structure`.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "BIN_TYPES",
    "BIN_UNITS",
    "bin_structure",
    "birth_date",
    "check_digit",
    "iin_sex",
    "is_valid_bin",
    "is_valid_iin",
    "with_check_digit",
]

#: The century of the birth date by the IIN's 7th digit (which also gives the sex).
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
#: Kazakhstan keeps UTC+5 all year (since 1 March 2024): "today" for a birth date.
_KAZAKHSTAN = dt.timezone(dt.timedelta(hours=5))

#: The BIN's 5th digit: the type of its holder.
BIN_TYPES = {
    "4": "resident legal entity",
    "5": "non-resident legal entity",
    "6": "individual entrepreneur in joint form",
}
#: The BIN's 6th digit: which unit of the holder it names.
BIN_UNITS = {
    "0": "head office",
    "1": "branch",
    "2": "representative office",
    "3": "peasant farm in joint form",
}

_FIRST = tuple(range(1, 12))
_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or ``None`` when no digit fits."""
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST, _SECOND):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def _valid(number: str) -> bool:
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def birth_date(number: str, today: dt.date | None = None) -> dt.date | None:
    """The birth date an IIN's first seven digits give, or ``None`` when they give no real date
    on or before ``today`` (by default today in Kazakhstan). The check digit is not looked at."""
    if len(number) < 7 or not number[:7].isascii() or not number[:7].isdigit():
        return None
    today = today or dt.datetime.now(_KAZAKHSTAN).date()
    centuries = (1900, 2000) if number[6] == "0" else (_CENTURY.get(number[6]),)
    for century in centuries:
        if century is None:
            continue
        try:
            born = dt.date(century + int(number[:2]), int(number[2:4]), int(number[4:6]))
        except ValueError:  # 31 February, month 13, day 00...
            continue
        if born <= today:
            return born
    return None


def is_valid_iin(number: str, today: dt.date | None = None) -> bool:
    """12 digits, a real birth date (YYMMDD, century by the 7th digit) not after ``today``, and
    the right check digit."""
    return _valid(number) and birth_date(number, today) is not None


def is_valid_bin(number: str) -> bool:
    """12 digits with the right check digit (YYMM registration prefix)."""
    return _valid(number) and 1 <= int(number[2:4]) <= 12


def with_check_digit(first_eleven: str) -> str:
    """Complete 11 digits to a valid number (used to make examples and test data)."""
    digit = check_digit(first_eleven)
    if digit is None:
        raise ValueError(f"no check digit fits {first_eleven}")
    return first_eleven + str(digit)


def iin_sex(number: str) -> str | None:
    """``"male"`` or ``"female"`` by an IIN's 7th digit (odd: male, even: female); ``None`` for 0
    (no century given) or a number too short to have one."""
    if len(number) < 7 or number[6] not in "123456":
        return None
    return "male" if int(number[6]) % 2 else "female"


def bin_structure(number: str) -> tuple[str, str] | None:
    """The holder's type and unit a valid BIN's 5th and 6th digits give (:data:`BIN_TYPES`,
    :data:`BIN_UNITS`), or ``None`` when the number is not a valid BIN or a digit means nothing."""
    if not is_valid_bin(number) or number[4] not in BIN_TYPES or number[5] not in BIN_UNITS:
        return None
    return BIN_TYPES[number[4]], BIN_UNITS[number[5]]
