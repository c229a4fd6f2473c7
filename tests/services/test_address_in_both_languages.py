"""An address is filed in both languages, each printed in its own column: the intake refuses an
address without its Russian (or Kazakh) half, naming the field in both languages; the request form
and every document issued from the request print the Kazakh address in the Kazakh column and the
Russian one in the Russian column. A request stored with a plain-string address (before addresses
were filed in both) still issues its documents: the string is taken as filed once."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.documents import get_kind
from docgen.documents.decisions import decision_example, resolve
from docgen.documents.from_request import Signer, document_data
from docgen.documents.validation import validate
from docgen.domain.catalog import Catalog
from docgen.errors import InvalidRequest
from docgen.rendering.core import Renderer
from tests.conftest import pdf_text
from tests.services.conftest import memory_world
from tests.services.test_attacks import refused
from tests.services.world import World

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
DALA_KK = "Алматы қ., Медеу ауданы, Достық даңғылы, 97Б, 12-кеңсе"
DALA_RU = "г. Алматы, Медеуский район, проспект Достык, 97Б, офис 12"
SIGNER = Signer(
    name="Әбенов Қ. Ү.",
    position={"kk": "Комитет төрағасы", "ru": "Председатель Комитета"},
    city={"kk": "Астана қаласы", "ru": "город Астана"},
)


def _file(world: World, data: dict[str, Any], service: str = "telecom-license", login: str = "dala") -> str:
    return world.app.requests.new(world[login], service, "issue", "portal", data)


@pytest.mark.parametrize("missing", ["ru", "kk"])
def test_an_address_without_one_language_is_refused_naming_it_in_both_languages(missing: str) -> None:
    world = memory_world()
    data = copy.deepcopy(world.example("telecom-license"))
    del data["applicant"]["address"][missing]
    error = refused(world, InvalidRequest, lambda: _file(world, data))
    assert isinstance(error, InvalidRequest)
    assert [item.field for item in error.errors] == [f"applicant.address.{missing}"]
    assert f"applicant.address.{missing}" in error.message("kk")
    assert f"applicant.address.{missing}" in error.message("ru")
    assert "міндетті өріс толтырылмаған" in error.message("kk")
    assert "не заполнено обязательное поле" in error.message("ru")


def test_an_address_typed_as_one_string_is_refused() -> None:
    world = memory_world()
    data = copy.deepcopy(world.example("telecom-license"))
    data["applicant"]["address"] = DALA_RU
    error = refused(world, InvalidRequest, lambda: _file(world, data))
    assert isinstance(error, InvalidRequest)
    assert [item.field for item in error.errors] == ["applicant.address"]


def test_a_service_field_address_needs_both_languages() -> None:
    world = memory_world()
    data = copy.deepcopy(world.example("radio-device-permit"))
    data["fields"]["installation_address"] = {"kk": "Ақтөбе қ., Шернияз көшесі, 31"}
    error = refused(world, InvalidRequest, lambda: _file(world, data, "radio-device-permit", "person"))
    assert isinstance(error, InvalidRequest)
    assert [item.field for item in error.errors] == ["fields.installation_address.ru"]


def test_every_example_files_every_address_in_both_languages() -> None:
    for service in CATALOG:
        address = service.example["applicant"]["address"]
        assert set(address) == {"kk", "ru"} and address["kk"] != address["ru"], service.code
        for field in service.fields:
            if field.type == "address":
                value = service.example["fields"][field.name]
                assert set(value) == {"kk", "ru"} and value["kk"] != value["ru"], service.code


def test_the_request_form_prints_each_languages_address_in_its_own_column(renderer: Renderer) -> None:
    kind = get_kind("request")
    data = kind.example(CATALOG.get("telecom-license"))
    assert data["applicant"]["address"] == {"kk": DALA_KK, "ru": DALA_RU}
    kk = renderer.render("request", data, "kk", "html", "telecom-license").decode("utf-8")
    ru = renderer.render("request", data, "ru", "html", "telecom-license").decode("utf-8")
    assert DALA_KK in kk and DALA_RU not in kk
    assert DALA_RU in ru and DALA_KK not in ru


def test_the_request_form_prints_an_installation_address_in_each_language(renderer: Renderer) -> None:
    service = CATALOG.get("radio-device-permit")
    data = get_kind("request").example(service)
    assert data["fields"]["installation_address"]["ru"].startswith("г. Актобе, улица Шернияза, 31")
    kk = renderer.render("request", data, "kk", "html", service.code).decode("utf-8")
    ru = renderer.render("request", data, "ru", "html", service.code).decode("utf-8")
    assert "Шернияз көшесі" in kk and "улица Шернияза" not in kk
    assert "улица Шернияза" in ru and "Шернияз көшесі" not in ru


def _license(applicant_address: Any) -> dict[str, Any]:
    service = CATALOG.get("telecom-license")
    request = copy.deepcopy(dict(service.example))
    request["applicant"]["address"] = applicant_address
    return document_data(
        "license",
        service,
        request,
        number="LIC-TEST-2026-000001",
        issued_on=dt.date(2026, 11, 24),
        signer=SIGNER,
        extra={"decision": resolve(service, decision_example(service, "issue"))},
    )


def test_the_license_maps_the_kazakh_address_to_the_kazakh_column_and_the_russian_to_the_russian(
    renderer: Renderer,
) -> None:
    data = _license({"kk": DALA_KK, "ru": DALA_RU})
    assert data["licensee"]["address"] == {"kk": DALA_KK, "ru": DALA_RU}
    kk = pdf_text(renderer.render("license", data, "kk", "pdf"))
    ru = pdf_text(renderer.render("license", data, "ru", "pdf"))
    assert "Достық даңғылы" in kk and "проспект Достык" not in kk
    assert "проспект Достык" in ru and "Достық даңғылы" not in ru


def test_a_stored_request_with_a_plain_string_address_still_issues_its_license(renderer: Renderer) -> None:
    """Requests stored before addresses were filed in both: the string is filed once, in both columns."""
    data = _license(DALA_KK)
    assert data["licensee"]["address"] == {"kk": DALA_KK, "ru": DALA_KK}
    validate("license", get_kind("license").schema(), data)
    pdf = renderer.render("license", data, "kk+ru", "pdf")
    assert pdf_text(pdf).count("Достық даңғылы") == 2


def test_the_column_scan_catches_a_russian_address_filed_once(renderer: Renderer) -> None:
    """What the examples used to file (one Russian string) prints Russian in the Kazakh column, and
    the scan of the issued documents, which exempts no address, says so."""
    from tests.documents.test_language_columns import russian_in_kazakh

    kk = pdf_text(renderer.render("license", _license(DALA_RU), "kk", "pdf"))
    assert {"проспект", "район", "офис", "г."} <= set(russian_in_kazakh(kk))
    assert (
        russian_in_kazakh(
            pdf_text(renderer.render("license", _license({"kk": DALA_KK, "ru": DALA_RU}), "kk", "pdf"))
        )
        == []
    )
