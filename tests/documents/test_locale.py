import datetime as dt

import pytest

from docgen.documents.locale import format_number, long_date, official_date, short_date, until_date

# Month -> (plain, "dated" -дағы/-дегі/-тағы/-тегі, "until" -ға/-ге/-қа/-ке), as official acts write them.
KAZAKH = {
    1: ("қаңтар", "қаңтардағы", "қаңтарға"),
    2: ("ақпан", "ақпандағы", "ақпанға"),
    3: ("наурыз", "наурыздағы", "наурызға"),
    4: ("сәуір", "сәуірдегі", "сәуірге"),
    5: ("мамыр", "мамырдағы", "мамырға"),
    6: ("маусым", "маусымдағы", "маусымға"),
    7: ("шілде", "шілдедегі", "шілдеге"),
    8: ("тамыз", "тамыздағы", "тамызға"),
    9: ("қыркүйек", "қыркүйектегі", "қыркүйекке"),
    10: ("қазан", "қазандағы", "қазанға"),
    11: ("қараша", "қарашадағы", "қарашаға"),
    12: ("желтоқсан", "желтоқсандағы", "желтоқсанға"),
}
RUSSIAN = {
    1: "января", 2: "февраля", 3: "марта", 4: "апреля", 5: "мая", 6: "июня",
    7: "июля", 8: "августа", 9: "сентября", 10: "октября", 11: "ноября", 12: "декабря",
}  # fmt: skip


def test_official_dates_read_as_the_seeds_write_them() -> None:
    assert official_date("2012-11-07", "kk") == "2012 жылғы 7 қарашадағы"
    assert official_date(dt.date(2012, 11, 7), "ru") == "7 ноября 2012 года"
    assert official_date("2003-01-07", "kk") == "2003 жылғы 7 қаңтардағы"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_the_three_kazakh_forms_and_russian(month: int) -> None:
    plain, dated, until = KAZAKH[month]
    day = dt.date(2026, month, 20)
    assert long_date(day, "kk") == f"2026 жылғы 20 {plain}"
    assert official_date(day, "kk") == f"2026 жылғы 20 {dated}"
    assert until_date(day, "kk") == f"2026 жылғы 20 {until} дейін"
    assert long_date(day, "ru") == f"20 {RUSSIAN[month]} 2026 г."
    assert official_date(day, "ru") == f"20 {RUSSIAN[month]} 2026 года"
    assert until_date(day, "ru") == f"до 20 {RUSSIAN[month]} 2026 г."


def test_no_plain_date_uses_the_abbreviated_babel_form() -> None:
    assert "ж." not in long_date("2026-11-20", "kk")
    assert long_date("2026-11-20", "kk") == "2026 жылғы 20 қараша"


def test_short_dates() -> None:
    assert short_date("2026-01-05", "kk") == "05.01.2026"


def test_numbers_group_as_the_locale_does() -> None:
    assert format_number("1234567.5", "ru").replace("\xa0", " ") == "1 234 567,5"
    assert format_number(1500, "kk").replace("\xa0", " ") == "1 500"


# Month -> ablative "from" (-дан/-ден after vowels and voiced sounds, -нан/-нен after м н ң,
# -тан/-тен after voiceless ones), written out independently of the module's table.
FROM = {
    1: "қаңтардан", 2: "ақпаннан", 3: "наурыздан", 4: "сәуірден", 5: "мамырдан", 6: "маусымнан",
    7: "шілдеден", 8: "тамыздан", 9: "қыркүйектен", 10: "қазаннан", 11: "қарашадан", 12: "желтоқсаннан",
}  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_the_from_form_of_a_validitys_start(month: int) -> None:
    from docgen.documents.locale import from_date

    day = dt.date(2026, month, 1)
    assert from_date(day, "kk") == f"2026 жылғы 1 {FROM[month]} бастап"
    assert from_date(day, "ru") == f"с 1 {RUSSIAN[month]} 2026 г."
