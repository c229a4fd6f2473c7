"""The output document's data, built from a stored request: valid, renderable, mapped as documented."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.documents import get_kind
from docgen.documents.decisions import decision_example, resolve
from docgen.documents.from_request import Signer, document_data
from docgen.documents.validation import validate
from docgen.domain.catalog import Catalog, Service
from docgen.errors import InvalidData, MissingField, UnknownKind
from docgen.rendering.core import Renderer
from tests.conftest import pdf_text

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
CASES = [
    pytest.param(service.code, kind, id=f"{service.code}-{kind}")
    for service in CATALOG
    for kind in service.outputs
]

SIGNER = Signer(
    name="Әбенов Қ. Ү.",
    position={"kk": "Комитет төрағасы", "ru": "Председатель Комитета"},
    city={"kk": "Астана қаласы", "ru": "город Астана"},
)
ISSUED_ON = dt.date(2026, 11, 24)
NUMBER = "DOC-TEST-2026-000007"
EXPLANATION = {
    "kk": "Біліктілік талаптарына сәйкес келмейді.",
    "ru": "Не соответствует квалификационным требованиям.",
}
EXTRA: dict[str, Any] = {
    "explanation": EXPLANATION,
    "license_number": "LIC-TEST-2026-000001",
    "license_date": "2026-11-20",
    "annex_no": "001",
}


def _build(code: str, kind: str, **extra: Any) -> dict[str, Any]:
    service = CATALOG.get(code)
    return document_data(
        kind,
        service,
        dict(service.example),
        number=NUMBER,
        issued_on=ISSUED_ON,
        signer=SIGNER,
        extra=EXTRA | {"grounds": [service.refusal_grounds[0].code], "decision": _decision(service)} | extra,
    )


def _decision(service: Service, action: str | None = None) -> dict[str, Any]:
    """The service's example decision for its example request's action, as the issuing step gives it."""
    return resolve(service, decision_example(service, action or service.example["action"]))


def _party_of(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "license": lambda: data["licensee"],
        "license-annex": lambda: data["licensee"],
        "permit": lambda: data["permittee"],
        "media-certificate": lambda: data["distributor"],
        "numbering-order": lambda: data["operator"],
        "refusal": lambda: data["applicant"],
    }[kind]()


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_every_output_of_every_service_is_valid_and_renders(code: str, kind: str, renderer: Renderer) -> None:
    service = CATALOG.get(code)
    applicant = service.example["applicant"]
    data = _build(code, kind)
    validate(kind, get_kind(kind).schema(), data)
    html = renderer.render(kind, data, "kk", "html").decode("utf-8")
    assert NUMBER in html
    assert data["number"] == NUMBER
    party = _party_of(kind, data)
    assert party["name"] == {"kk": applicant["name"], "ru": applicant["name"]}
    if kind != "refusal":
        identifier = "bin" if applicant["kind"] == "legal" else "iin"
        assert party[identifier] == applicant[identifier]
    provider = data.get("licensor", data.get("issuing_body", data.get("registrar", data.get("authority"))))
    assert (provider["name"] if provider else data["issuer"]) == service.provider.name


@pytest.mark.parametrize("code", [service.code for service in CATALOG])
def test_the_refusal_carries_the_grounds_the_request_and_the_signatory(code: str, renderer: Renderer) -> None:
    service = CATALOG.get(code)
    example = service.example
    ground = service.refusal_grounds[0]
    data = _build(code, "refusal", registered_on="2026-11-21")
    assert data["grounds"] == [
        {"code": ground.code, "paragraph": dict(ground.paragraph), "text": {"kk": ground.kk, "ru": ground.ru}}
    ]
    assert data["explanation"] == EXPLANATION
    assert data["request"] == {"number": example["number"], "registered_on": "2026-11-21"}
    assert data["issued_on"] == ISSUED_ON.isoformat()
    assert data["signatory"] == {"position": dict(SIGNER.position), "name": SIGNER.name}
    html = renderer.render("refusal", data, "ru", "html").decode("utf-8")
    assert ground.ru in html and EXPLANATION["ru"] in html and example["number"] in html


def test_a_refusal_cites_a_ground_of_its_own_service_only() -> None:
    with pytest.raises(InvalidData) as caught:
        _build("telecom-license", "refusal", grounds=["applicant-data-distorted"])  # tv-radio's
    assert caught.value.field == "grounds"
    assert "applicant-data-violations" in caught.value.message("kk")


def test_a_refusal_needs_a_reason_and_the_request_number() -> None:
    service = CATALOG.get("telecom-license")
    with pytest.raises(MissingField) as caught:
        document_data(
            "refusal", service, dict(service.example), number=NUMBER, issued_on=ISSUED_ON, signer=SIGNER
        )
    assert caught.value.field == "grounds"
    request = {key: value for key, value in service.example.items() if key != "number"}
    with pytest.raises(MissingField) as caught:
        document_data(
            "refusal",
            service,
            request,
            number=NUMBER,
            issued_on=ISSUED_ON,
            signer=SIGNER,
            extra=EXTRA | {"grounds": ["applicant-data-violations"]},
        )
    assert caught.value.field == "request.number"


def test_the_refusal_authority_takes_the_catalog_providers_requisites_or_given_ones(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider = CATALOG.get("archaeology-license").provider
    with caplog.at_level(logging.WARNING, logger="docgen.documents.from_request"):
        data = _build("archaeology-license", "refusal")
    assert provider.address is not None and provider.bin is not None and provider.phone is not None
    assert data["authority"] == {
        "name": provider.name,
        "address": provider.address,
        "bin": provider.bin,
        "phone": provider.phone,
    }
    assert caplog.text == ""
    authority = {
        "address": {"kk": "Астана қ., Орынбор к-сі, 8", "ru": "г. Астана, ул. Орынбор, 8"},
        "bin": "120340001230",
        "phone": "8 (7172) 74-05-68",
    }
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="docgen.documents.from_request"):
        data = _build("archaeology-license", "refusal", authority=authority)
    assert data["authority"] == {"name": provider.name} | authority
    assert caplog.text == ""


def test_the_license_prints_the_licensed_activity_not_the_service_title() -> None:
    data = _build("telecom-license", "license")
    service = CATALOG.get("telecom-license")
    assert data["activity"] == {
        "kk": "Байланыс саласындағы қызметтерді көрсету",
        "ru": "Оказание услуг в области связи",
    }
    assert service.title["ru"] not in data["activity"]["ru"]
    assert data["special_conditions"]["ru"] == (
        "Территория оказания услуг: города Алматы и Астана, Алматинская область."
    )
    assert data["licensor"]["head"] == SIGNER.name
    assert data["place"] == dict(SIGNER.city)
    assert data["issued_on"] == "2026-11-24"


def test_a_license_without_an_annex_prints_its_sub_types_after_the_activity() -> None:
    data = _build("archaeology-license", "license")
    assert data["activity"]["kk"].endswith("жөніндегі қызмет: Археологиялық жұмыстар")
    assert data["activity"]["ru"].endswith("памятниках истории и культуры: Археологические работы")
    assert data["special_conditions"] == {"kk": "Ерекше шарттар жоқ.", "ru": "Особых условий нет."}


def test_an_individual_applicant_is_named_by_iin() -> None:
    permittee = _build("radio-device-permit", "permit")["permittee"]
    assert permittee["kind"] == "individual" and permittee["iin"] == "880501300124" and "bin" not in permittee


def test_the_annex_needs_the_license_and_takes_the_decided_sub_types() -> None:
    data = _build("telecom-license", "license-annex", annex_no="002")
    assert data["license"] == {"number": "LIC-TEST-2026-000001", "issued_on": "2026-11-20"}
    assert data["annex_no"] == "002"
    assert data["subtypes"] == [{"kk": "Деректерді беру қызметтері", "ru": "Услуги передачи данных"}]
    service = CATALOG.get("telecom-license")
    with pytest.raises(MissingField) as caught:
        document_data(
            "license-annex",
            service,
            dict(service.example),
            number=NUMBER,
            issued_on=ISSUED_ON,
            signer=SIGNER,
            extra={"license_date": dt.date(2026, 11, 20), "annex_no": "001", "decision": _decision(service)},
        )
    assert caught.value.field == "extra.license_number"


def test_the_cotton_annex_lists_the_warehouse_the_decision_names() -> None:
    (item,) = _build("cotton-warehouse-license", "license-annex")["objects"]
    assert item["kind"] == "object"
    assert (
        item["address"]["kk"]
        == CATALOG.get("cotton-warehouse-license").example["fields"]["warehouse_address"]["kk"]
    )
    assert item["address"]["ru"].startswith("Алматинская область, Илийский район")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("telecom-license", "license"),
        ("radio-spectrum-permit", "permit"),
        ("numbering-resource", "numbering-order"),
    ],
)
def test_a_decided_kind_without_a_decision_is_refused_not_filled_with_placeholders(
    code: str, kind: str
) -> None:
    with pytest.raises(MissingField) as caught:
        _build(code, kind, decision=None)
    assert caught.value.field == "decision"


def test_the_spectrum_permit_takes_bands_sites_and_equipment_from_the_decision() -> None:
    data = _build("radio-spectrum-permit", "permit")
    assert data["permit_type"] == "radio-spectrum"
    assert data["bands"] == [
        {"from": "453", "to": "453,5", "unit": "mhz"},
        {"from": "463", "to": "463,5", "unit": "mhz"},
    ]
    assert data["radio_service"] == {"kk": "Құрлықтағы жылжымалы қызмет", "ru": "Сухопутная подвижная служба"}
    assert [site["latitude"] for site in data["sites"]] == ["43°13′28″", "43°18′12″"]
    assert [row["model"] for row in data["equipment"]] == ["Motorola SLR 5500", "Motorola SLR 5500"]
    assert data["valid_from"] == "2026-11-24" and data["valid_until"] == "2031-11-30"
    assert len(data["conditions"]) == 5  # the spectrum fee too


def test_the_device_permit_prints_the_decided_radio_service_and_devices() -> None:
    data = _build("radio-device-permit", "permit")
    assert data["permit_type"] == "radio-device"
    assert data["radio_service"]["kk"] == "Құрлықтағы жылжымалы қызмет"
    base, portable = data["equipment"]
    assert base["model"] == "Motorola DM4600" and base["serial"] == "807TRD5522" and base["site"] == 1
    assert portable["count"] == 6 and "site" not in portable
    assert data["sites"][0]["latitude"] == "50°17′04″"
    assert len(data["conditions"]) == 4  # no spectrum fee on a device permit


def test_the_numbering_order_maps_action_request_and_the_decided_resource() -> None:
    data = _build("numbering-resource", "numbering-order")
    example = CATALOG.get("numbering-resource").example
    assert data["action"] == "allocate"
    assert data["request"] == {"date": example["filed_on"], "number": example["number"]}
    assert data["date"] == "2026-11-24"
    (resource,) = data["resources"]
    assert resource == {
        "kind": "number-range",
        "code": "727",
        "range_from": "3560000",
        "range_to": "3569999",
        "quantity": 10000,
        "territory": {"kk": "Алматы қаласы", "ru": "город Алматы"},
        "purpose": {"kk": "Тіркелген телефон байланысы желісі", "ru": "Сеть фиксированной телефонной связи"},
    }
    assert data["basis"]["ru"].startswith("стандартом государственной услуги «Выделение ресурса нумерации")
    assert "утвержденным постановлением Правительства" in data["basis"]["ru"]
    assert "№ 1152 қаулысымен бекітілген" in data["basis"]["kk"]


def test_a_withdrawal_order_follows_the_request_action() -> None:
    service = CATALOG.get("numbering-resource")
    request = dict(service.example) | {"action": "withdraw"}
    data = document_data(
        "numbering-order",
        service,
        request,
        number=NUMBER,
        issued_on=ISSUED_ON,
        signer=SIGNER,
        extra={"decision": _decision(service, "withdraw")},
    )
    assert data["action"] == "withdraw"


def test_the_media_certificate_maps_the_outlet() -> None:
    data = _build("foreign-media-registration", "media-certificate")
    fields = CATALOG.get("foreign-media-registration").example["fields"]
    assert data["outlet"]["name"] == fields["outlet_name"]
    assert data["outlet"]["kind"] == "print"
    # each column in its own words: the options' kk and ru labels, not one filed text copied twice
    assert data["outlet"]["languages"] == [{"kk": "орыс тілі", "ru": "русский язык"}]
    assert data["outlet"]["country"] == {"kk": "Ресей Федерациясы", "ru": "Российская Федерация"}
    assert data["outlet"]["periodicity"] == {"kk": "айына бір рет", "ru": "один раз в месяц"}
    assert data["territory"] == {"kk": "Маңғыстау облысы", "ru": "Мангистауская область"}
    provider = CATALOG.get("foreign-media-registration").provider
    assert data["registrar"] == {"name": provider.name, "address": provider.address, "phone": provider.phone}


def test_a_kind_the_service_does_not_output_is_refused() -> None:
    service: Service = CATALOG.get("telecom-license")
    with pytest.raises(UnknownKind):
        document_data(
            "permit", service, dict(service.example), number=NUMBER, issued_on=ISSUED_ON, signer=SIGNER
        )


def test_the_telecom_license_renders_to_pdf(renderer: Renderer) -> None:
    pdf = renderer.render("license", _build("telecom-license", "license"), "kk", "pdf")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert NUMBER in text and "Дала Телеком" in text
