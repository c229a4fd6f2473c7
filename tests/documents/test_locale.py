import datetime as dt

import pytest

from docgen.documents.locale import format_number, kazakh_locative, long_date, official_date, short_date


def test_official_dates_read_as_the_seeds_write_them() -> None:
    assert official_date("2012-11-07", "kk") == "2012 жылғы 7 қарашадағы"
    assert official_date(dt.date(2012, 11, 7), "ru") == "7 ноября 2012 года"
    assert official_date("2003-01-07", "kk") == "2003 жылғы 7 қаңтардағы"
    assert official_date("2012-11-26", "kk") == "2012 жылғы 26 қарашадағы"


@pytest.mark.parametrize(
    ("month", "expected"),
    [(4, "сәуірдегі"), (7, "шілдедегі"), (9, "қыркүйектегі"), (10, "қазандағы"), (12, "желтоқсандағы")],
)
def test_kazakh_suffix_follows_vowel_harmony_and_the_last_sound(month: int, expected: str) -> None:
    assert official_date(dt.date(2026, month, 1), "kk").endswith(expected)


def test_locative_of_plain_words() -> None:
    assert kazakh_locative("мамыр") == "мамырдағы"
    assert kazakh_locative("тамыз") == "тамыздағы"


def test_long_and_short_dates() -> None:
    assert long_date("2026-11-20", "ru").replace("\u202f", " ") == "20 ноября 2026 г."
    assert "қараша" in long_date("2026-11-20", "kk")
    assert short_date("2026-01-05", "kk") == "05.01.2026"


def test_numbers_group_as_the_locale_does() -> None:
    assert format_number("1234567.5", "ru").replace("\xa0", " ") == "1 234 567,5"
    assert format_number(1500, "kk").replace("\xa0", " ") == "1 500"
