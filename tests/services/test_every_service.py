"""Every service, every channel it offers: the happy path to a signed, stored document, and each
refusal the regulation names - with the real templates, PKI and database (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from docgen.domain.catalog import Catalog
from docgen.domain.workflow import Workflow
from docgen.signing.verify import verify_pdf
from tests.conftest import pdf_text
from tests.services.world import COMPANY_BIN, World

CATALOG = Catalog.load(__import__("docgen.config").config.PROJECT_ROOT / "forms")
#: The test PKI has keys for «Дала Телеком» (BIN) and one individual; portal requests are filed by it.
PORTAL_APPLICANT = {"kind": "legal", "bin": COMPANY_BIN, "name": "«Дала Телеком» ЖШС"}
ENTRANT = {"provider": "clerk", "centre": "operator", "local-body": "clerk"}
CASES = [(service.code, channel) for service in CATALOG for channel in service.channels]


def _login(world: World, code: str, channel: str) -> str:
    if channel == "portal":
        return "dala"
    if ENTRANT[channel] == "operator":
        return "operator-astana"
    return f"clerk-{CATALOG.get(code).provider_code}"


def _file(world: World, code: str, channel: str) -> tuple[str, str]:
    data = world.example(code)
    if channel == "portal":
        applicant = data["applicant"] | PORTAL_APPLICANT
        applicant.pop("iin", None)
        data["applicant"] = applicant
    login = _login(world, code, channel)
    action = next(iter(CATALOG.get(code).actions))
    return world.app.requests.new(world[login], code, action, channel, data), login


def _pay(world: World, login: str, request_id: str) -> None:
    if world[login].role == "applicant":
        world.pay(login, request_id)
    else:
        world.app.requests.record_receipt(world[login], request_id, "QR-000123")


def _to_registered(world: World, code: str, channel: str, key: str = COMPANY_BIN) -> tuple[str, str]:
    request_id, login = _file(world, code, channel)
    steps = Workflow.for_service(CATALOG.get(code), channel).steps
    if "check-originals" in steps:
        world.app.requests.check_originals(world[login], request_id)
    state = world.app.requests.submit(world[login], request_id)
    if state == "awaiting-payment":
        _pay(world, login, request_id)
    signature = None
    if channel == "portal":
        signature = world.real_signature(login, request_id, key)
    elif "entrant-signature" in steps:  # the operator's or officer's own key (seed 003 item 8, seed 004)
        signature = world.staff_signature(login, request_id)
    world.app.requests.sign(world[login], request_id, signature)
    return request_id, login


def _clerk(world: World, code: str) -> Any:
    return world[f"clerk-{CATALOG.get(code).provider_code}"]


@pytest.mark.slow
@pytest.mark.parametrize(("code", "channel"), CASES)
def test_happy_path_ends_in_a_signed_stored_document(real_world: World, code: str, channel: str) -> None:
    request_id, login = _to_registered(real_world, code, channel)
    clerk = _clerk(real_world, code)
    number = real_world.issue(clerk, request_id)
    if number is None:  # payment after the qualification check (radio spectrum)
        assert real_world.app.queries.show(clerk, request_id)["state"] == "awaiting-payment"
        _pay(real_world, login, request_id)
        number = real_world.issue(clerk, request_id)
    shown = real_world.app.queries.show(real_world[login], request_id)
    assert shown["state"] == "issued" and shown["outcome"]["code"] == "issued"
    assert shown["number"] and shown["due"]
    # every output of the action: a license with its annex where the service gives one
    kinds = [document["kind"] for document in shown["documents"]]
    assert kinds == [kind for kind in CATALOG.get(code).outputs if kind != "refusal"]
    document = shown["documents"][0]
    assert document["number"] == number and document["kind"] == CATALOG.get(code).outputs[0]
    download = real_world.app.documents.download(real_world[login], number)
    assert verify_pdf(download.content, real_world.pki.folder, expected_sha256=document["sha256"]).ok
    assert real_world.app.documents.check_file(number, download.content)["matches"] is True


@pytest.mark.slow
@pytest.mark.parametrize(("code", "channel"), CASES)
def test_qualification_not_met_is_a_reasoned_refusal_document(
    real_world: World, code: str, channel: str
) -> None:
    request_id, login = _to_registered(real_world, code, channel)
    explanation = {
        "kk": "Біліктілік талаптарына сәйкес келмейді",
        "ru": "Не соответствует квалификационным требованиям",
    }
    ground = next(g for g in CATALOG.get(code).refusal_grounds if g.applies_to(channel))
    number = real_world.app.requests.refuse(_clerk(real_world, code), request_id, [ground.code], explanation)
    shown = real_world.app.queries.show(real_world[login], request_id)
    assert shown["outcome"]["code"] == "qualification-not-met"
    assert shown["outcome"]["details"]["grounds"] == [ground.code]
    assert [d["kind"] for d in shown["documents"]] == ["refusal"]
    text = " ".join(pdf_text(real_world.app.documents.download(real_world[login], number).content).split())
    assert explanation["kk"] in text and explanation["ru"] in text
    assert ground.kk in text and ground.ru in text


@pytest.mark.parametrize("code", [service.code for service in CATALOG if "portal" in service.channels])
def test_portal_signature_of_someone_else_is_not_confirmed(real_world: World, code: str) -> None:
    request_id, login = _to_registered(real_world, code, "portal", key="880501300124")
    shown = real_world.app.queries.show(real_world[login], request_id)
    assert shown["outcome"] == {"code": "signature-not-confirmed", "details": {"reason": "identity-mismatch"}}


def _asks_state_databases(code: str, channel: str) -> bool:
    return "check-applicant" in Workflow.for_service(CATALOG.get(code), channel).steps


@pytest.mark.parametrize(
    "code", [s.code for s in CATALOG if any(_asks_state_databases(s.code, c) for c in s.channels)]
)
def test_applicant_not_in_the_state_database_is_refused(real_world: World, code: str) -> None:
    channel = next(c for c in CATALOG.get(code).channels if _asks_state_databases(code, c))
    data = real_world.example(code)
    number_key = "bin" if data["applicant"]["kind"] == "legal" else "iin"
    data["applicant"] = data["applicant"] | {
        number_key: "160540009875" if number_key == "bin" else "900101300017"
    }
    login = _login(real_world, code, channel)
    action = next(iter(CATALOG.get(code).actions))
    request_id = real_world.app.requests.new(real_world[login], code, action, channel, data)
    assert real_world.app.requests.submit(real_world[login], request_id) == "refused"
    assert (
        real_world.app.queries.show(real_world[login], request_id)["outcome"]["code"] == "applicant-not-found"
    )


@pytest.mark.parametrize("code", [s.code for s in CATALOG if s.payment.when == "before-review"])
def test_no_payment_is_refused(real_world: World, code: str) -> None:
    request_id, login = _file(real_world, code, "portal")
    assert real_world.app.requests.submit(real_world[login], request_id) == "awaiting-payment"
    real_world.app.requests.expire_unpaid(request_id)  # the gateway reported no payment
    assert real_world.app.queries.show(real_world[login], request_id)["outcome"]["code"] == "no-payment"


#: The assisted channels whose seed has the operator or officer sign with their own key.
KEYED = [
    (code, channel)
    for code, channel in CASES
    if channel != "portal" and "entrant-signature" in Workflow.for_service(CATALOG.get(code), channel).steps
]


@pytest.mark.parametrize(("code", "channel"), KEYED)
def test_the_operators_or_officers_own_cms_signature_is_checked(
    real_world: World, code: str, channel: str
) -> None:
    request_id, login = _to_registered(real_world, code, channel)
    shown = real_world.app.queries.show(real_world[login], request_id)
    assert shown["state"] == "registered"
    check = shown["signature_check"]
    assert check["ok"] is True and check["checker"] == "local"
    assert check["signer_iin"] == real_world[login].iin


@pytest.mark.parametrize(("code", "channel"), KEYED)
def test_an_applicants_key_does_not_sign_for_the_operator_or_officer(
    real_world: World, code: str, channel: str
) -> None:
    request_id, login = _file(real_world, code, channel)
    if "check-originals" in Workflow.for_service(CATALOG.get(code), channel).steps:
        real_world.app.requests.check_originals(real_world[login], request_id)
    if real_world.app.requests.submit(real_world[login], request_id) == "awaiting-payment":
        _pay(real_world, login, request_id)
    payload = real_world.app.requests.payload(real_world[login], request_id)
    from docgen.signing.request_signature import sign_request

    signature = sign_request(payload, real_world.pki.applicant_path(COMPANY_BIN).read_bytes(), b"demo")
    assert real_world.app.requests.sign(real_world[login], request_id, signature) == "refused"
    shown = real_world.app.queries.show(real_world[login], request_id)
    assert shown["outcome"] == {"code": "signature-not-confirmed", "details": {"reason": "identity-mismatch"}}
