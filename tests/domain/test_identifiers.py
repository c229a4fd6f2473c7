import pytest

from docgen.domain.identifiers import check_digit, is_valid_bin, is_valid_iin, with_check_digit


@pytest.mark.parametrize("number", ["880501300124", "850715400337", "991212400788"])
def test_real_looking_iins_pass(number: str) -> None:
    assert is_valid_iin(number)


@pytest.mark.parametrize("number", ["120340001230", "071140004566", "150620400116"])
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
