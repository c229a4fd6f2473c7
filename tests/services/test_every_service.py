"""Every service, every channel it offers: the happy path to a signed, stored
document, and each refusal the regulation names (on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from docgen.adapters.db import store
from docgen.domain.catalog import Catalog
from docgen.domain.history import Actor
from docgen.rendering.core import Renderer
from docgen.services.requests import RequestService, signed_payload
from docgen.signing.pki import LocalPki
from docgen.signing.request_signature import sign_request
from docgen.signing.verify import verify_pdf
from tests.services.test_requests import make_service

CATALOG = Catalog.load(__import__("docgen.config").config.PROJECT_ROOT / "forms")
#: The demo PKI has keys for these two applicants; portal requests are filed in their name.
PORTAL_APPLICANT = {"kind": "legal", "bin": "120340001230", "name": "«Дала Телеком» ЖШС"}
ENTRANT = {"provider": "clerk", "centre": "operator", "local-body": "clerk"}
CASES = [(service.code, channel) for service in CATALOG for channel in service.channels]


@pytest.fixture
def service(engine: Engine, pki: LocalPki, renderer: Renderer) -> RequestService:
    return make_service(engine, pki, renderer)


def _clerk(code: str) -> Actor:
    return Actor("clerk", f"clerk-{CATALOG.get(code).provider_code}")


def _file(service: RequestService, code: str, channel: str) -> tuple[str, Actor]:
    data = dict(CATALOG.get(code).example)
    action = next(iter(CATALOG.get(code).actions))
    if channel == "portal":
        data["applicant"] = data["applicant"] | PORTAL_APPLICANT
        data["applicant"].pop("iin", None) if data["applicant"]["kind"] == "legal" else None
        actor = Actor("applicant", PORTAL_APPLICANT["bin"])
    else:
        actor = Actor(ENTRANT[channel], f"{ENTRANT[channel]}-demo")
    return service.new(code, action, channel, data, actor), actor


def _signature(service: RequestService, pki: LocalPki, request_id: str, key: str) -> bytes:
    with service.engine.connect() as connection:
        data = store.row(connection, request_id).data
    return sign_request(signed_payload(data), pki.applicant_path(key).read_bytes(), b"demo")


def _pay(service: RequestService, request_id: str, channel: str, actor: Actor) -> None:
    if channel == "portal":
        service.pay(request_id, actor)
    else:
        service.pay(request_id, actor, receipt="QR-000123")


def _to_registered(service: RequestService, pki: LocalPki, code: str, channel: str, key: str = "") -> str:
    request_id, actor = _file(service, code, channel)
    state = service.submit(request_id, actor)
    if state == "awaiting-payment":
        _pay(service, request_id, channel, actor)
    signature = _signature(service, pki, request_id, key or "120340001230") if channel == "portal" else None
    service.sign(request_id, actor, signature)
    return request_id


@pytest.mark.slow
@pytest.mark.parametrize(("code", "channel"), CASES)
def test_happy_path_ends_in_a_signed_stored_document(
    service: RequestService, pki: LocalPki, code: str, channel: str
) -> None:
    request_id = _to_registered(service, pki, code, channel)
    clerk = _clerk(code)
    number = service.issue(request_id, clerk)
    if number is None:  # payment after the qualification check (radio spectrum)
        assert service.show(request_id)["state"] == "awaiting-payment"
        _pay(
            service, request_id, channel, Actor("applicant", "120340001230") if channel == "portal" else clerk
        )
        number = service.issue(request_id, clerk)
    shown = service.show(request_id)
    assert shown["state"] == "issued" and shown["outcome"]["code"] == "issued"
    assert shown["number"] and shown["due"]
    (document,) = shown["documents"]
    assert document["number"] == number and document["kind"] == CATALOG.get(code).outputs[0]
    _, pdf, _ = service.document(request_id)
    assert verify_pdf(pdf, pki.folder, expected_sha256=document["sha256"]).ok


@pytest.mark.slow
@pytest.mark.parametrize(("code", "channel"), CASES)
def test_qualification_not_met_is_a_reasoned_refusal_document(
    service: RequestService, pki: LocalPki, code: str, channel: str
) -> None:
    request_id = _to_registered(service, pki, code, channel)
    service.refuse(request_id, _clerk(code), "Біліктілік талаптарына сәйкес келмейді")
    shown = service.show(request_id)
    assert shown["outcome"]["code"] == "qualification-not-met"
    assert [d["kind"] for d in shown["documents"]] == ["refusal"]


@pytest.mark.parametrize("code", [service.code for service in CATALOG if "portal" in service.channels])
def test_portal_signature_of_someone_else_is_not_confirmed(
    service: RequestService, pki: LocalPki, code: str
) -> None:
    request_id = _to_registered(service, pki, code, "portal", key="880501300124")
    shown = service.show(request_id)
    assert shown["outcome"] == {"code": "signature-not-confirmed", "details": {"reason": "identity-mismatch"}}


@pytest.mark.parametrize("code", [s.code for s in CATALOG if any(c != "portal" for c in s.channels)])
def test_applicant_not_in_the_state_database_is_refused(service: RequestService, code: str) -> None:
    channel = next(c for c in CATALOG.get(code).channels if c != "portal")
    data: dict[str, Any] = dict(CATALOG.get(code).example)
    number_key = "bin" if data["applicant"]["kind"] == "legal" else "iin"
    data["applicant"] = data["applicant"] | {
        number_key: "160540009875" if number_key == "bin" else "900101300017"
    }
    actor = Actor(ENTRANT[channel], f"{ENTRANT[channel]}-demo")
    request_id = service.new(code, next(iter(CATALOG.get(code).actions)), channel, data, actor)
    assert service.submit(request_id, actor) == "refused"
    assert service.show(request_id)["outcome"]["code"] == "applicant-not-found"


@pytest.mark.parametrize("code", [s.code for s in CATALOG if s.payment.when == "before-review"])
def test_no_payment_is_refused(service: RequestService, code: str) -> None:
    request_id, actor = _file(service, code, "portal")
    assert service.submit(request_id, actor) == "awaiting-payment"
    service.refuse_unpaid(request_id)
    assert service.show(request_id)["outcome"]["code"] == "no-payment"


@pytest.mark.parametrize("code", [s.code for s in CATALOG])
def test_authorization_refused_ends_a_draft(service: RequestService, code: str) -> None:
    request_id, _ = _file(service, code, CATALOG.get(code).channels[0])
    service.refuse_authorization(request_id)
    assert service.show(request_id)["outcome"]["code"] == "authorization-refused"
