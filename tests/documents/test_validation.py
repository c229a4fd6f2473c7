"""Data errors name the field and say what is wrong, in kk and ru."""

from __future__ import annotations

import pytest

from docgen.documents import get_kind
from docgen.documents.validation import normalize, validate
from docgen.errors import InvalidData, MissingField


@pytest.fixture
def license_data() -> dict:  # type: ignore[type-arg]
    return get_kind("license").example()


def _error(data: dict) -> InvalidData:  # type: ignore[type-arg]
    with pytest.raises(InvalidData) as caught:
        validate("license", get_kind("license").schema(), data)
    return caught.value


def test_the_example_is_valid(license_data: dict) -> None:  # type: ignore[type-arg]
    validate("license", get_kind("license").schema(), license_data)


def test_a_bin_with_a_wrong_check_digit(license_data: dict) -> None:  # type: ignore[type-arg]
    license_data["licensee"]["bin"] = "120340001231"
    error = _error(license_data)
    assert error.field == "licensee.bin"
    assert "БСН жарамсыз" in error.message("kk") and "БИН недействителен" in error.message("ru")


def test_a_bin_that_is_not_twelve_digits(license_data: dict) -> None:  # type: ignore[type-arg]
    license_data["licensee"]["bin"] = "12034"
    assert "12 цифр" in _error(license_data).message("ru")


def test_a_legal_entity_needs_its_bin(license_data: dict) -> None:  # type: ignore[type-arg]
    del license_data["licensee"]["bin"]
    error = _error(license_data)
    assert isinstance(error, MissingField) and error.field == "licensee.bin"


def test_an_individual_needs_an_iin(license_data: dict) -> None:  # type: ignore[type-arg]
    license_data["licensee"] = license_data["licensee"] | {"kind": "individual"}
    del license_data["licensee"]["bin"]
    assert _error(license_data).field == "licensee.iin"


def test_a_date_that_is_not_iso(license_data: dict) -> None:  # type: ignore[type-arg]
    license_data["issued_on"] = "20.11.2026"
    error = _error(license_data)
    assert error.field == "issued_on"
    assert "ЖЖЖЖ-АА-КК" in error.message("kk") and "ГГГГ-ММ-ДД" in error.message("ru")


def test_an_unknown_field_is_named(license_data: dict) -> None:  # type: ignore[type-arg]
    license_data["licensor"]["stamp"] = "x"
    error = _error(license_data)
    assert error.field == "licensor.stamp"
    assert error.message("ru").endswith("неизвестное поле")


def test_a_translation_missing_one_language(license_data: dict) -> None:  # type: ignore[type-arg]
    del license_data["activity"]["ru"]
    assert _error(license_data).field == "activity.ru"


def test_wrong_type_is_named_in_the_users_words(license_data: dict) -> None:  # type: ignore[type-arg]
    license_data["number"] = 12345
    error = _error(license_data)
    assert error.message("kk") == "license: «number» өрісі: мәні мәтін болуы керек"


def test_normalize_fills_absent_optional_blocks_with_none(license_data: dict) -> None:  # type: ignore[type-arg]
    assert "paper_copy" not in license_data  # the example is the seed 002 form, which has no such block
    filled = normalize(get_kind("license").schema(), license_data)
    assert filled["paper_copy"] is None
    assert filled["licensee"]["iin"] is None
    assert filled["licensee"]["bin"] == license_data["licensee"]["bin"]


def _request_error(change: dict) -> InvalidData:  # type: ignore[type-arg]
    from docgen.config import PROJECT_ROOT
    from docgen.domain.catalog import Catalog

    service = Catalog.load(PROJECT_ROOT / "forms").get("telecom-license")
    kind = get_kind("request")
    data = kind.example(service)
    data["attachments"][0] = data["attachments"][0] | change
    with pytest.raises(InvalidData) as caught:
        validate("request", kind.schema(service), data)
    return caught.value


def test_an_attachment_of_a_type_not_accepted_is_named() -> None:
    error = _request_error({"media_type": "application/x-msdownload"})
    assert error.field == "attachments.0.media_type"
    assert "application/pdf" in error.message("kk")


def test_an_attachment_over_the_size_limit_is_named() -> None:
    error = _request_error({"size": 50 * 1024 * 1024})
    assert error.field == "attachments.0.size" and "10485760" in error.message("ru")
