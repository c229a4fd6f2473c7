"""Service definitions: every service has one, and malformed ones are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog, CatalogError

CODES = {
    "tv-radio-license",
    "cotton-warehouse-license",
    "telecom-license",
    "numbering-resource",
    "radio-spectrum-permit",
    "radio-device-permit",
    "archaeology-license",
    "foreign-media-registration",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(PROJECT_ROOT / "forms")


def test_all_eight_services_are_defined(catalog: Catalog) -> None:
    assert set(catalog.codes()) == CODES


def test_each_service_is_named_in_both_languages_with_provider_and_basis(catalog: Catalog) -> None:
    for service in catalog:
        for text in (service.title, service.provider, service.legal_basis):
            assert text["kk"].strip() and text["ru"].strip(), service.code
        assert service.fields and service.attachments and service.outputs, service.code


def test_kazakh_titles_are_the_seeds_wording(catalog: Catalog) -> None:
    assert catalog.get("telecom-license").title["kk"].startswith("Байланыс саласындағы қызметтерді көрсетуге")
    assert "радиожиілік спектрін" in catalog.get("radio-spectrum-permit").title["kk"]


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


MINIMAL = """
code = "x-service"
seed = "000"
outputs = ["license"]
title = { kk = "а", ru = "а" }
provider = { code = "x", kk = "б", ru = "б" }
legal_basis = { kk = "в", ru = "в" }
"""


def test_a_definition_must_be_named_after_its_code(tmp_path: Path) -> None:
    _write(tmp_path, "other.toml", MINIMAL)
    with pytest.raises(CatalogError, match=r"other\.toml"):
        Catalog.load(tmp_path)


def test_a_field_of_unknown_type_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path, "x-service.toml", MINIMAL + '[[fields]]\nname="a"\ntype="colour"\nlabel={kk="a",ru="a"}\n'
    )
    with pytest.raises(CatalogError, match="unknown type 'colour'"):
        Catalog.load(tmp_path)


def test_text_needs_both_languages(tmp_path: Path) -> None:
    _write(
        tmp_path, "x-service.toml", MINIMAL.replace('title = { kk = "а", ru = "а" }', 'title = { kk = "а" }')
    )
    with pytest.raises(CatalogError, match="title"):
        Catalog.load(tmp_path)


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "x-service.toml", "code = ")
    with pytest.raises(CatalogError, match=r"x-service\.toml"):
        Catalog.load(tmp_path)
