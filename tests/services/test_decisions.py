"""The clerk's decision: checked against its per-service schema before anything is numbered, kept in
the sealed history, and the source of what an issued document says that a request cannot carry
(the licensed activity, the annex's objects, a permit's frequencies, sites and devices, the numbering
resource). Every output of the action is issued: a license with its annex."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from docgen.documents.decisions import (
    decision_example,
    decision_problems,
    decision_required,
    decision_schema,
)
from docgen.domain.catalog import Catalog
from docgen.domain.history import HistoryEntry
from docgen.domain.seal import data_digest
from docgen.errors import DecisionMissing, InvalidDecision
from docgen.signing.verify import verify_pdf
from tests.conftest import pdf_text
from tests.services.world import World

CATALOG = Catalog.load(__import__("docgen.config").config.PROJECT_ROOT / "forms")
SERVICE_ACTIONS = [
    pytest.param(service.code, action, id=f"{service.code}-{action}")
    for service in CATALOG
    for action in service.actions
]
#: What the old request-only mapping printed where the clerk had decided nothing: a band of 0 MHz,
#: coordinates 0°00′00″, a dash for a model or frequencies.
PLACEHOLDERS = re.compile(r"(?<![0-9,])0 МГц|0°00′00″|\"(?:model|frequencies)\": \"—\"")


def _clerk(code: str) -> str:
    return f"clerk-{CATALOG.get(code).provider_code}"


def _registered(world: World, code: str, action: str | None = None, **changes: Any) -> str:
    """A request filed by the provider's clerk (first action of the service unless given), carried to
    *registered*."""
    clerk = world[_clerk(code)]
    action = action or next(iter(CATALOG.get(code).actions))
    request_id = world.app.requests.new(clerk, code, action, "provider", world.example(code, **changes))
    if world.app.requests.submit(clerk, request_id) == "awaiting-payment":
        world.app.requests.record_receipt(clerk, request_id, "QR-000777")
    assert world.app.requests.sign(clerk, request_id) == "registered"
    return request_id


def _issue(world: World, code: str, request_id: str, decision: Any) -> str:
    """Issue with ``decision``; a service paid after review is approved and paid first."""
    clerk = world[_clerk(code)]
    number = world.app.requests.issue(clerk, request_id, decision)
    if number is None:  # approved: the applicant pays, then the clerk issues
        world.app.requests.record_receipt(clerk, request_id, "QR-000778")
        number = world.app.requests.issue(clerk, request_id, decision)
    assert number
    return number


def _documents(world: World, request_id: str) -> list[Any]:
    with world.app.requests.uow(write=False) as uow:
        return list(uow.documents.for_request(request_id))


def _issue_entry(world: World, request_id: str) -> HistoryEntry:
    with world.app.requests.uow(write=False) as uow:
        return next(e for e in uow.requests.history(request_id) if e.event == "issue")


@pytest.mark.parametrize(("code", "action"), SERVICE_ACTIONS)
def test_every_service_and_action_has_an_example_decision_that_its_schema_accepts(
    world: World, code: str, action: str
) -> None:
    service = CATALOG.get(code)
    example = world.app.requests.decision_example(code, action)
    assert decision_problems(service, action, example) == []
    if decision_required(service, action):
        assert example, "a decision is needed: the example must give one"
        schema = world.app.requests.decision_schema(code, action)
        assert set(schema["required"]) <= set(example)
    else:  # a duplicate (a copy) and the media certificate (all from the request) take none
        assert example == {}
        assert decision_problems(service, action, {"anything": 1})[0].field == "anything"


def test_the_license_sub_types_and_radio_services_are_the_services_own_lists() -> None:
    telecom = decision_schema(CATALOG.get("telecom-license"), "issue")
    assert telecom["properties"]["subtypes"]["items"]["enum"] == [
        "long-distance",
        "local",
        "cellular",
        "satellite",
        "data",
    ]
    device = decision_schema(CATALOG.get("radio-device-permit"), "issue")
    spectrum = decision_schema(CATALOG.get("radio-spectrum-permit"), "issue")
    assert "ism" in device["properties"]["radio_service"]["enum"]
    assert "ism" not in spectrum["properties"]["radio_service"]["enum"]
    cotton = decision_schema(CATALOG.get("cotton-warehouse-license"), "issue")
    assert "objects" in cotton["required"]  # the annex must name the warehouse


def test_a_bad_decision_is_refused_naming_every_bad_field_and_consumes_nothing(world: World) -> None:
    request_id = _registered(world, "radio-spectrum-permit")
    clerk = world[_clerk("radio-spectrum-permit")]
    assert world.app.requests.issue(clerk, request_id, None) is None  # approved first (paid after review)
    world.app.requests.record_receipt(clerk, request_id, "QR-000778")
    bad = decision_example(CATALOG.get("radio-spectrum-permit"), "issue")
    bad["radio_service"] = "telepathy"
    bad["sites"][0]["latitude"] = "91 north"
    bad["equipment"][1]["site"] = 7
    bad["bands"][0]["unit"] = "parsec"
    del bad["purpose"]
    bad["colour"] = "blue"
    rows, counters = world.rows(), world_counters(world)
    state = world.app.queries.show(clerk, request_id)["state"]
    with pytest.raises(InvalidDecision) as caught:
        world.app.requests.issue(clerk, request_id, bad)
    named = {error.field for error in caught.value.errors}
    assert named == {
        "radio_service",
        "sites.0.latitude",
        "equipment.1.site",
        "bands.0.unit",
        "purpose",
        "colour",
    }
    for lang in ("kk", "ru"):
        message = caught.value.message(lang)
        assert all(f"«{field}»" in message for field in named)
    assert "Ошибки в данных решения" in caught.value.message("ru")
    assert "Шешім деректерінде қате бар" in caught.value.message("kk")
    assert world.rows() == rows and world_counters(world) == counters  # no number, no document, no entry
    assert world.app.queries.show(clerk, request_id)["state"] == state


def test_an_equipment_row_must_name_a_site_the_decision_lists() -> None:
    service = CATALOG.get("radio-device-permit")
    bad = decision_example(service, "issue")
    bad["equipment"][0]["site"] = 2  # one site only
    (problem,) = decision_problems(service, "issue", bad)
    assert problem.field == "equipment.0.site" and "2" in problem.problem["ru"]


def world_counters(world: World) -> dict[Any, int]:
    with world.app.requests.uow(write=False) as uow:
        return dict(uow.counters.values())


def test_issuing_without_the_decision_a_service_needs_is_refused_in_both_languages(world: World) -> None:
    request_id = _registered(world, "telecom-license")
    rows, counters = world.rows(), world_counters(world)
    with pytest.raises(DecisionMissing) as caught:
        world.app.requests.issue(world[_clerk("telecom-license")], request_id)
    assert "decision-example telecom-license issue" in caught.value.message("kk")
    assert "Для выдачи результата услуги «telecom-license» (issue) нужно решение" in caught.value.message(
        "ru"
    )
    assert world.rows() == rows and world_counters(world) == counters
    assert world.app.queries.show(world[_clerk("telecom-license")], request_id)["state"] == "registered"


def test_the_license_and_its_annex_are_both_issued_signed_stored_and_named_in_the_history(
    world: World,
) -> None:
    request_id = _registered(world, "cotton-warehouse-license")
    decision = decision_example(CATALOG.get("cotton-warehouse-license"), "issue")
    number = _issue(world, "cotton-warehouse-license", request_id, decision)
    license_, annex = _documents(world, request_id)
    assert (license_.kind, license_.number) == ("license", number)
    assert annex.kind == "license-annex" and annex.number == "ANX-ALMREGAGR-2026-000001"
    for document in (license_, annex):
        assert document.pdf.endswith(b"signed-by:almaty-region-agriculture") and document.status == "active"
    assert annex.data["license"] == {"number": number, "issued_on": license_.data["issued_on"]}
    assert annex.data["annex_no"] == "001"
    (warehouse,) = annex.data["objects"]
    address = CATALOG.get("cotton-warehouse-license").example["fields"]["warehouse_address"]
    assert warehouse["address"] == address and "Илийский район" in warehouse["address"]["ru"]
    entry = _issue_entry(world, request_id)
    assert entry.details["document"] == number and entry.details["annex"] == annex.number
    assert (
        entry.details["document_sha256"] == license_.sha256 and entry.details["annex_sha256"] == annex.sha256
    )
    assert world.app.audit.verify() == []  # the annex is no orphan: its entry names it


def test_the_license_prints_the_licensed_activity_not_the_service_title(world: World) -> None:
    for code in ("telecom-license", "tv-radio-license", "archaeology-license", "cotton-warehouse-license"):
        service = CATALOG.get(code)
        request_id = _registered(world, code)
        _issue(world, code, request_id, decision_example(service, "issue"))
        license_ = _documents(world, request_id)[0]
        activity = service.raw["decision"]["activity"]
        for lang in ("kk", "ru"):
            assert license_.data["activity"][lang].startswith(activity[lang])
            assert service.title[lang] not in license_.data["activity"][lang]


def test_a_radio_device_permit_prints_its_decided_frequencies_coordinates_and_models(world: World) -> None:
    request_id = _registered(world, "radio-device-permit")
    decision = decision_example(CATALOG.get("radio-device-permit"), "issue")
    _issue(world, "radio-device-permit", request_id, decision)
    (permit,) = _documents(world, request_id)
    data = permit.data
    assert data["bands"] == [{"from": "453,1", "unit": "mhz"}, {"from": "463,1", "unit": "mhz"}]
    assert data["sites"][0]["latitude"] == "50°17′04″" and data["sites"][0]["longitude"] == "57°09′58″"
    assert [row["model"] for row in data["equipment"]] == ["Motorola DM4600", "Motorola DP4400"]
    assert data["radio_service"] == {"kk": "Құрлықтағы жылжымалы қызмет", "ru": "Сухопутная подвижная служба"}
    text = json.dumps(data, ensure_ascii=False)
    assert PLACEHOLDERS.search(text) is None


def test_the_numbering_order_allocates_the_decided_resource(world: World) -> None:
    request_id = _registered(world, "numbering-resource")
    decision = decision_example(CATALOG.get("numbering-resource"), "allocate")
    decision["resources"][0] |= {"range_from": "3570000", "range_to": "3579999"}
    _issue(world, "numbering-resource", request_id, decision)
    (order,) = _documents(world, request_id)
    assert order.data["resources"] == decision["resources"]


def test_the_decision_is_in_the_sealed_history_and_rewriting_it_is_detected(world: World) -> None:
    request_id = _registered(world, "telecom-license")
    decision = decision_example(CATALOG.get("telecom-license"), "issue")
    _issue(world, "telecom-license", request_id, decision)
    entry = _issue_entry(world, request_id)
    assert entry.details["decision"] == decision
    assert entry.details["decision_sha256"] == data_digest(decision)
    assert world.app.audit.verify() == []
    # Someone with the store's rights rewrites the decided sub-types in the stored entry.
    forged = entry.to_dict()
    forged["details"] = forged["details"] | {"decision": decision | {"subtypes": ["cellular"]}}
    history = world_store_history(world, request_id)
    history[history.index(entry)] = HistoryEntry.from_dict(forged)
    assert "edited-entry" in {finding["kind"] for finding in world.app.audit.verify()}


def world_store_history(world: World, request_id: str) -> list[HistoryEntry]:
    database = world.app.requests.uow
    store = database.store  # type: ignore[attr-defined]
    return store.history[request_id]  # type: ignore[no-any-return]


def test_a_duplicate_takes_no_decision(world: World) -> None:
    _, original = world.licensed()
    clerk = world[_clerk("telecom-license")]
    request_id = world.file(clerk.login, action="duplicate", license_number=original)
    world.app.requests.submit(clerk, request_id)
    world.app.requests.record_receipt(clerk, request_id, "QR-1")
    world.app.requests.sign(clerk, request_id)
    with pytest.raises(InvalidDecision):
        world.app.requests.issue(clerk, request_id, {"subtypes": ["data"]})
    assert world.app.requests.issue(clerk, request_id) == f"{original}-D1"
    assert "decision" not in _issue_entry(world, request_id).details


# -- read back from the real PDFs -----------------------------------------------------------------
def _read(world: World, number: str) -> str:
    return " ".join(
        pdf_text(world.app.documents.download(world[_clerk_of(world, number)], number).content).split()
    )


def _clerk_of(world: World, number: str) -> str:
    with world.app.requests.uow(write=False) as uow:
        document = uow.documents.by_number(number)
        assert document is not None
        return f"clerk-{document.provider}"


@pytest.mark.slow
def test_the_issued_annex_carries_the_cotton_warehouse_and_the_license_its_activity(
    real_world: World,
) -> None:
    code = "cotton-warehouse-license"
    request_id = _registered(real_world, code)
    number = _issue(real_world, code, request_id, decision_example(CATALOG.get(code), "issue"))
    license_, annex = _documents(real_world, request_id)
    for document in (license_, annex):
        assert verify_pdf(document.pdf, real_world.pki.folder, expected_sha256=document.sha256).ok
    text = _read(real_world, number)
    assert "Мақта қолхаттарын беру арқылы қойма қызметі бойынша қызметтер көрсету" in text
    assert "Оказание услуг по складской деятельности с выпуском хлопковых расписок" in text
    annex_text = _read(real_world, annex.number)
    assert "Индустриялық аймақ, 4-қойма" in annex_text and "Индустриальная зона, склад № 4" in annex_text
    assert number in annex_text


@pytest.mark.slow
def test_the_issued_device_permit_prints_frequencies_coordinates_and_models(real_world: World) -> None:
    code = "radio-device-permit"
    request_id = _registered(real_world, code)
    number = _issue(real_world, code, request_id, decision_example(CATALOG.get(code), "issue"))
    text = _read(real_world, number)
    assert "50°17′04″" in text and "57°09′58″" in text
    assert "Motorola DM4600" in text and "Motorola DP4400" in text and "807TRD5522" in text
    assert "453,1" in text and "Сухопутная подвижная служба" in text
    assert PLACEHOLDERS.search(text) is None


def _clerk_filed(world: World, action: str, original: str) -> str:
    clerk = world[_clerk("telecom-license")]
    request_id = world.file(clerk.login, action=action, license_number=original)
    world.app.requests.submit(clerk, request_id)
    world.app.requests.record_receipt(clerk, request_id, f"QR-{action}")
    world.app.requests.sign(clerk, request_id)
    return request_id


def test_a_duplicate_of_a_license_comes_with_a_duplicate_of_its_annex(world: World) -> None:
    first, original = world.licensed()
    (annex,) = [d for d in _documents(world, first) if d.kind == "license-annex"]
    request_id = _clerk_filed(world, "duplicate", original)
    assert world.app.requests.issue(world[_clerk("telecom-license")], request_id) == f"{original}-D1"
    copy, annex_copy = _documents(world, request_id)
    assert copy.duplicate and annex_copy.duplicate and annex_copy.kind == "license-annex"
    assert annex_copy.number == f"{annex.number}-D1" and annex_copy.data["duplicate"] is True
    assert annex_copy.data["license"] == annex.data["license"]  # the annex of the same license
    assert _issue_entry(world, request_id).details["annex"] == annex_copy.number
    assert world.app.audit.verify() == []


def test_a_reissue_replaces_the_old_licenses_annex_and_its_duplicates(world: World) -> None:
    first, original = world.licensed()
    (old_annex,) = [d for d in _documents(world, first) if d.kind == "license-annex"]
    world.app.requests.issue(world[_clerk("telecom-license")], _clerk_filed(world, "duplicate", original))
    request_id = _clerk_filed(world, "reissue", original)
    new = world.issue(_clerk("telecom-license"), request_id)
    assert new and new != original
    with world.app.requests.uow(write=False) as uow:
        statuses = {
            number: record.status
            for number in (original, old_annex.number, f"{old_annex.number}-D1")
            if (record := uow.documents.by_number(number)) is not None
        }
    assert statuses == {
        original: "replaced",
        old_annex.number: "replaced",
        f"{old_annex.number}-D1": "replaced",
    }
    new_license, new_annex = _documents(world, request_id)
    assert new_annex.status == "active" and new_annex.data["license"]["number"] == new_license.number
    assert world.app.audit.verify() == []
