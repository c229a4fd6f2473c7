"""IIN and BIN: the 12-digit identification numbers and their check digit.

Check digit: the sum of digit[i] * weight[i] over the first 11 digits with
weights 1..11, mod 11; if that is 10, again with weights 3..11,1,2; if it is
10 again the number is not valid.
"""

from __future__ import annotations

__all__ = ["check_digit", "is_valid_bin", "is_valid_iin", "with_check_digit"]

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


def is_valid_iin(number: str) -> bool:
    """12 digits, a real birth date prefix (YYMMDD) and the right check digit."""
    if not _valid(number):
        return False
    month, day = int(number[2:4]), int(number[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def is_valid_bin(number: str) -> bool:
    """12 digits with the right check digit (YYMM registration prefix)."""
    return _valid(number) and 1 <= int(number[2:4]) <= 12


def with_check_digit(first_eleven: str) -> str:
    """Complete 11 digits to a valid number (used to make examples and test data)."""
    digit = check_digit(first_eleven)
    if digit is None:
        raise ValueError(f"no check digit fits {first_eleven}")
    return first_eleven + str(digit)
