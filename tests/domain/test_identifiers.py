import datetime as dt

import pytest

from docgen.domain.identifiers import (
    bin_structure,
    birth_date,
    check_digit,
    iin_sex,
    is_valid_bin,
    is_valid_iin,
    with_check_digit,
)


@pytest.mark.parametrize("number", ["880501300124", "850715400337", "850715300330", "991212300783"])
def test_real_looking_iins_pass(number: str) -> None:
    assert is_valid_iin(number)


@pytest.mark.parametrize("number", ["120340001230", "071140004566", "150640010117"])
def test_bins_with_their_check_digit_pass(number: str) -> None:
    assert is_valid_bin(number)


def test_a_changed_digit_breaks_the_check() -> None:
    assert not is_valid_iin("880501300125")
    assert not is_valid_bin("120340001231")


@pytest.mark.parametrize(
    "number", ["88050130012", "8805013001244", "88050130012a", "８８０５０１３００１２４"]
)
def test_wrong_length_or_non_digits_fail(number: str) -> None:
    assert not is_valid_iin(number)


def test_iin_needs_a_real_month_and_day() -> None:
    assert not is_valid_iin(with_check_digit("88130130012"))
    assert not is_valid_iin(with_check_digit("880500300122"[:11]))


def test_second_weights_are_used_when_the_first_sum_gives_ten() -> None:
    # 1*1 + 2*10 = 21 = 10 (mod 11) with weights 1..11; with 3..11,1,2 the sum is 3 + 2*1 = 5.
    assert check_digit("10000000020") == 5
    assert is_valid_bin("100000000205") is False  # month 00
    assert with_check_digit("10000000020") == "100000000205"


def test_no_check_digit_when_both_weightings_give_ten() -> None:
    # Both weightings give remainder 10 for these digits (asserted first).
    digits = "10000000028"
    first = sum(int(d) * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    second = sum(int(d) * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
    assert (first, second) == (10, 10)
    assert check_digit(digits) is None
    with pytest.raises(ValueError):
        with_check_digit(digits)


# -- the birth date an IIN begins with ----------------------------------------------------------------

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("first_eleven", "born"),
    [
        ("88050130012", dt.date(1988, 5, 1)),  # 3: a man of the 1900s
        ("85071540033", dt.date(1985, 7, 15)),  # 4: a woman of the 1900s
        ("10022850012", dt.date(2010, 2, 28)),  # 5: the 2000s
        ("00022960012", dt.date(2000, 2, 29)),  # 2000 was a leap year
        ("99123110012", dt.date(1899, 12, 31)),  # 1: the 1800s
        ("26112350012", TODAY),  # born today
    ],
)
def test_the_birth_date_and_its_century(first_eleven: str, born: dt.date) -> None:
    number = with_check_digit(first_eleven)
    assert birth_date(number, TODAY) == born
    assert is_valid_iin(number, TODAY)


@pytest.mark.parametrize(
    "first_eleven",
    [
        "88023130012",  # 31 February
        "01022950012",  # 29 February 2001
        "00022930012",  # 29 February 1900: not a leap year
        "88043130012",  # 31 April
        "88000130012",  # month 00
        "88050030012",  # day 00
        "30010150012",  # born 2030
        "26112450012",  # tomorrow
        "88050170012",  # 7th digit 7: no such century
        "88050190012",  # 7th digit 9
    ],
)
def test_an_impossible_or_future_birth_date_is_not_an_iin(first_eleven: str) -> None:
    number = with_check_digit(first_eleven)  # the check digit is right: the date alone is wrong
    assert check_digit(number[:11]) == int(number[11])
    assert birth_date(number, TODAY) is None
    assert not is_valid_iin(number, TODAY)


def test_without_a_century_the_date_must_be_real_in_the_1900s_or_2000s() -> None:
    # A 7th digit 0 (some numbers of foreign nationals) gives no century.
    assert birth_date(with_check_digit("88050100012"), TODAY) == dt.date(1988, 5, 1)
    assert birth_date(with_check_digit("00022900012"), TODAY) == dt.date(2000, 2, 29)
    assert birth_date(with_check_digit("88023100012"), TODAY) is None


def test_today_is_kazakhstans_by_default() -> None:
    assert is_valid_iin("880501300124")
    tomorrow = dt.datetime.now(dt.timezone(dt.timedelta(hours=5))).date() + dt.timedelta(days=2)
    number = with_check_digit(tomorrow.strftime("%y%m%d") + "50012")
    assert not is_valid_iin(number)


def test_every_iin_the_project_ships_is_real() -> None:
    from docgen.signing.pki import DEMO_SIGNERS

    shipped = ["880501300124", "850715300330", "920214450117", "900101300017", "991212300783"]
    shipped += [iin for _, _, iin in DEMO_SIGNERS.values()]
    assert all(is_valid_iin(number, TODAY) for number in shipped)


def test_the_seventh_digit_gives_the_sex() -> None:
    assert iin_sex("880501300124") == "male"
    assert iin_sex("850715400337") == "female"
    assert iin_sex("050101500012") == "male" and iin_sex("050101600012") == "female"
    assert iin_sex("880501000124") is None


def test_a_bins_fifth_and_sixth_digits_give_its_holder_and_unit() -> None:
    assert bin_structure("120340001230") == ("resident legal entity", "head office")
    assert bin_structure(with_check_digit("12035100123")) == ("non-resident legal entity", "branch")
    assert bin_structure(with_check_digit("12036200123")) == (
        "individual entrepreneur in joint form",
        "representative office",
    )


def test_a_bin_whose_type_digit_means_nothing_has_no_structure() -> None:
    assert is_valid_bin("150620400116")  # the check digit fits...
    assert bin_structure("150620400116") is None  # ...but a 5th digit 2 is no holder type
    assert bin_structure(with_check_digit("12034900123")) is None  # nor a 6th digit 9 a unit
    assert bin_structure("120340001231") is None  # nor is a wrong check digit a BIN
