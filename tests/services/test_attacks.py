"""Each rule of who may do what, tried by someone it should stop: refused with a kk/ru error, and
nothing stored. Run in memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from docgen.errors import (
    AttachmentRejected,
    DocgenError,
    DocumentNotFound,
    DomainRefusal,
    NotAllowed,
    PaymentRejected,
    SignatureNotForRequest,
    UnknownUser,
    UserDisabled,
    WrongCredentials,
    WrongLicense,
)
from tests import fakes
from tests.services.world import COMPANY_BIN, FARM_BIN, PASSWORD, PERSON_IIN, TV_BIN, World

PDF = b"%PDF-1.7\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def refused(world: World, error: type[DocgenError], attempt: Callable[[], Any]) -> DocgenError:
    """``attempt`` raises ``error``, which speaks both languages, and no row was added."""
    before = world.rows()
    with pytest.raises(error) as caught:
        attempt()
    assert world.rows() == before
    kk, ru = caught.value.message("kk"), caught.value.message("ru")
    assert kk and ru and kk != ru
    return caught.value


# -- acting as someone else ---------------------------------------------------------------------------


def test_a_clerk_of_another_provider_cannot_issue(any_world: World) -> None:
    request_id = any_world.registered()
    error = refused(
        any_world,
        NotAllowed,
        lambda: any_world.issue(any_world["clerk-mci-information-committee"], request_id),
    )
    assert "clerk-mci-information-committee" in error.message("ru")
    assert any_world.app.queries.show(any_world["dala"], request_id)["state"] == "registered"


def test_a_clerk_of_another_provider_cannot_refuse_or_read(any_world: World) -> None:
    request_id = any_world.registered()
    other = any_world["clerk-mci-information-committee"]
    refused(
        any_world,
        NotAllowed,
        lambda: any_world.app.requests.refuse(other, request_id, ["applicant-data-violations"]),
    )
    refused(any_world, NotAllowed, lambda: any_world.app.queries.show(other, request_id))


def test_an_applicant_cannot_read_another_applicants_request(any_world: World) -> None:
    request_id = any_world.file("dala")
    refused(any_world, NotAllowed, lambda: any_world.app.queries.show(any_world["farm"], request_id))
    refused(any_world, NotAllowed, lambda: any_world.app.requests.payload(any_world["farm"], request_id))
    assert any_world.app.queries.mine(any_world["farm"]) == []


def test_an_applicant_cannot_pay_or_submit_another_applicants_request(any_world: World) -> None:
    request_id = any_world.file("dala")
    farm = any_world["farm"]
    refused(any_world, NotAllowed, lambda: any_world.app.requests.submit(farm, request_id))
    any_world.app.requests.submit(any_world["dala"], request_id)
    refused(any_world, NotAllowed, lambda: any_world.app.requests.order_payment(farm, request_id))


def test_an_applicant_cannot_file_in_another_holders_name(any_world: World) -> None:
    # «Дала Телеком»'s head files the farm's cotton-warehouse request, with the farm's BIN.
    refused(any_world, NotAllowed, lambda: any_world.file("dala", "cotton-warehouse-license"))


def test_an_applicant_cannot_file_on_a_clerks_channel(any_world: World) -> None:
    data = any_world.example("telecom-license")
    refused(
        any_world,
        NotAllowed,
        lambda: any_world.app.requests.new(any_world["dala"], "telecom-license", "issue", "provider", data),
    )


def test_an_operator_cannot_act_on_another_centres_request(any_world: World) -> None:
    request_id = any_world.file("operator-astana", "archaeology-license")
    refused(
        any_world,
        NotAllowed,
        lambda: any_world.app.requests.submit(any_world["operator-aktau"], request_id),
    )
    assert any_world.app.requests.submit(any_world["operator-astana"], request_id) == "awaiting-payment"


def test_an_administrator_takes_no_step(any_world: World) -> None:
    request_id = any_world.registered()
    refused(any_world, NotAllowed, lambda: any_world.issue(any_world["admin"], request_id))


def test_an_unknown_or_disabled_user_cannot_act(any_world: World) -> None:
    refused(any_world, UnknownUser, lambda: any_world.app.users.acting_as("clerk-nobody"))
    refused(any_world, UserDisabled, lambda: any_world.app.users.acting_as("gone"))
    gone = any_world["gone"]
    refused(any_world, UserDisabled, lambda: any_world.file("gone", "radio-device-permit"))
    assert gone.enabled is False


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(any_world: World) -> None:
    wrong = refused(
        any_world, WrongCredentials, lambda: any_world.app.users.authenticate("dala", "wrong pass")
    )
    unknown = refused(
        any_world, WrongCredentials, lambda: any_world.app.users.authenticate("nobody", PASSWORD)
    )
    assert wrong.message("kk+ru") == unknown.message("kk+ru")
    assert any_world.app.users.authenticate("dala", PASSWORD).login == "dala"


# -- naming a license that is not the applicant's -----------------------------------------------------


def test_a_reissue_cannot_name_another_licensees_license(any_world: World) -> None:
    _, farm_license = any_world.licensed("farm", "cotton-warehouse-license", FARM_BIN)
    # «Дала Телеком» asks to reissue, as a telecom license, the farm's cotton-warehouse license.
    error = refused(
        any_world,
        WrongLicense,
        lambda: any_world.file("dala", "telecom-license", "reissue", license_number=farm_license),
    )
    assert farm_license in error.message("ru")
    status = any_world.app.documents.check_fingerprint(farm_license, "0" * 32)["status"]
    assert status == "active"


def test_a_duplicate_cannot_name_another_services_license(any_world: World) -> None:
    _, tv_license = any_world.licensed("akzhaiyk", "tv-radio-license", TV_BIN)
    refused(
        any_world,
        WrongLicense,
        lambda: any_world.file("dala", "telecom-license", "duplicate", license_number=tv_license),
    )


def test_a_reissue_of_the_same_licensees_license_of_the_same_service_is_filed(any_world: World) -> None:
    _, number = any_world.licensed()
    request_id = any_world.file("dala", "telecom-license", "reissue", license_number=number)
    assert any_world.app.queries.show(any_world["dala"], request_id)["state"] == "draft"


def test_a_reissue_cannot_name_an_unknown_license(any_world: World) -> None:
    refused(
        any_world,
        DocumentNotFound,
        lambda: any_world.file("dala", "telecom-license", "reissue", license_number="LIC-NOPE-2026-000001"),
    )


def test_a_clerk_of_another_provider_cannot_suspend_a_license(any_world: World) -> None:
    _, number = any_world.licensed()
    refused(
        any_world,
        NotAllowed,
        lambda: any_world.app.documents.set_status(
            any_world["clerk-mci-information-committee"], number, "suspended", "проверка"
        ),
    )


# -- payment -------------------------------------------------------------------------------------------


def test_a_replayed_payment_callback_changes_nothing(any_world: World) -> None:
    request_id = any_world.file("dala")
    any_world.app.requests.submit(any_world["dala"], request_id)
    order = any_world.app.requests.order_payment(any_world["dala"], request_id)
    payload, signature = any_world.gateway.pay(order)
    assert any_world.app.requests.payment_callback(payload, signature) == "paid"
    before = any_world.rows()
    assert any_world.app.requests.payment_callback(payload, signature) == "paid"
    assert any_world.rows() == before
    history = any_world.app.queries.show(any_world["dala"], request_id)["history"]
    assert [entry["event"] for entry in history].count("pay") == 1


def test_a_forged_payment_callback_is_refused(any_world: World) -> None:
    request_id = any_world.file("dala")
    any_world.app.requests.submit(any_world["dala"], request_id)
    order = any_world.app.requests.order_payment(any_world["dala"], request_id)
    payload, _ = any_world.gateway.pay(order)
    refused(any_world, PaymentRejected, lambda: any_world.app.requests.payment_callback(payload, "0" * 64))


def test_a_callback_for_an_order_never_opened_is_refused(any_world: World) -> None:
    request_id = any_world.file("dala")
    any_world.app.requests.submit(any_world["dala"], request_id)
    from docgen.domain.ports import PaymentOrder

    made_up = PaymentOrder(request_id, "0", "SBX-MADEUP")
    payload, signature = any_world.gateway.pay(made_up)
    refused(any_world, PaymentRejected, lambda: any_world.app.requests.payment_callback(payload, signature))


def test_a_callback_for_another_amount_is_refused(any_world: World) -> None:
    request_id = any_world.file("dala")
    any_world.app.requests.submit(any_world["dala"], request_id)
    order = any_world.app.requests.order_payment(any_world["dala"], request_id)
    payload = json.dumps(
        json.loads(any_world.gateway.pay(order)[0]) | {"amount": "1"}, sort_keys=True
    ).encode()
    refused(
        any_world,
        PaymentRejected,
        lambda: any_world.app.requests.payment_callback(payload, any_world.gateway.sign(payload)),
    )


# -- the applicant's signature -------------------------------------------------------------------------


def test_a_signature_made_for_another_request_is_refused(any_world: World) -> None:
    first = any_world.file("dala")
    second = any_world.file("dala")
    for request_id in (first, second):
        any_world.app.requests.submit(any_world["dala"], request_id)
        any_world.pay("dala", request_id)
    signature = fakes.fake_signature(any_world.app.requests.payload(any_world["dala"], first), COMPANY_BIN)
    refused(
        any_world,
        SignatureNotForRequest,
        lambda: any_world.app.requests.sign(any_world["dala"], second, signature),
    )
    assert any_world.app.queries.show(any_world["dala"], second)["state"] == "paid"
    assert any_world.app.requests.sign(any_world["dala"], first, signature) == "registered"


def test_the_payload_names_its_request(world: World) -> None:
    request_id = world.file("dala")
    payload = json.loads(world.app.requests.payload(world["dala"], request_id))
    assert payload["request"]["id"] == request_id
    assert payload["request"]["service"] == "telecom-license"
    assert payload["request"]["action"] == "issue"
    assert payload["request"]["opened_at"]


def test_a_signature_of_another_person_refuses_the_request_as_the_regulation_says(world: World) -> None:
    request_id = world.file("dala")
    world.app.requests.submit(world["dala"], request_id)
    world.pay("dala", request_id)
    payload = world.app.requests.payload(world["dala"], request_id)
    state = world.app.requests.sign(world["dala"], request_id, fakes.fake_signature(payload, PERSON_IIN))
    assert state == "refused"
    shown = world.app.queries.show(world["dala"], request_id)
    assert shown["outcome"]["code"] == "signature-not-confirmed"
    assert shown["signature_check"]["reason"] == "identity-mismatch"


# -- attachments ---------------------------------------------------------------------------------------


def test_an_upload_whose_bytes_are_not_its_claimed_type_is_refused(any_world: World) -> None:
    request_id = any_world.file("dala")
    attach = any_world.app.requests.attach
    dala = any_world["dala"]
    error = refused(
        any_world,
        AttachmentRejected,
        lambda: attach(dala, request_id, "fee-receipt", "r.pdf", b"MZ\x90\x00exe", "application/pdf"),
    )
    assert "r.pdf" in error.message("kk")
    refused(
        any_world,
        AttachmentRejected,
        lambda: attach(dala, request_id, "fee-receipt", "r.pdf", PNG, "application/pdf"),
    )


def test_an_upload_too_large_is_refused(any_world: World) -> None:
    request_id = any_world.file("dala")
    limit = any_world.app.requests.max_attachment_bytes
    big = PDF + b"0" * limit
    refused(
        any_world,
        AttachmentRejected,
        lambda: any_world.app.requests.attach(
            any_world["dala"], request_id, "fee-receipt", "big.pdf", big, "application/pdf"
        ),
    )


def test_an_upload_under_an_unknown_code_or_by_another_applicant_is_refused(any_world: World) -> None:
    request_id = any_world.file("dala")
    attach = any_world.app.requests.attach
    refused(
        any_world,
        AttachmentRejected,
        lambda: attach(any_world["dala"], request_id, "passport", "p.pdf", PDF, "application/pdf"),
    )
    refused(
        any_world,
        NotAllowed,
        lambda: attach(any_world["farm"], request_id, "fee-receipt", "p.pdf", PDF, "application/pdf"),
    )


def test_an_attachment_is_recorded_with_its_sha256(world: World) -> None:
    import hashlib

    request_id = world.file("dala")
    key = world.app.requests.attach(world["dala"], request_id, "fee-receipt", "r.pdf", PDF, "application/pdf")
    assert key == hashlib.sha256(PDF).hexdigest()
    entry = world.app.queries.show(world["dala"], request_id)["history"][-1]
    assert entry["event"] == "attach" and entry["details"]["sha256"] == key
    assert entry["details"]["media_type"] == "application/pdf"


# -- documents ------------------------------------------------------------------------------------------


def test_an_applicant_cannot_download_another_applicants_license(any_world: World) -> None:
    _, number = any_world.licensed()
    refused(any_world, NotAllowed, lambda: any_world.app.documents.download(any_world["farm"], number))


def test_checking_by_number_and_another_holder_finds_nothing(any_world: World) -> None:
    _, number = any_world.licensed()
    refused(
        any_world, DocumentNotFound, lambda: any_world.app.documents.check_file(number, b"x", holder=FARM_BIN)
    )


# -- a broken record --------------------------------------------------------------------------------------


def test_a_broken_history_is_reported_and_leaves_the_database_writable(any_world: World) -> None:
    broken = any_world.registered()
    any_world.break_history(broken)
    clerk = any_world["clerk-mtc-communications-committee"]
    error = refused(any_world, DomainRefusal, lambda: any_world.issue(clerk, broken))
    assert error.reason == "broken-history"
    refused(any_world, DomainRefusal, lambda: any_world.app.queries.show(any_world["dala"], broken))
    # The failed step released everything: another request is filed, carried and issued at once.
    _, number = any_world.licensed()
    assert number == "LIC-MTCCOMCOM-2026-000001"
    assert [problem["id"] for problem in any_world.app.audit.verify()] == [broken]


def test_an_administrator_is_handed_no_ones_documents(any_world: World) -> None:
    _, number = any_world.licensed()
    refused(any_world, NotAllowed, lambda: any_world.app.documents.download(any_world["admin"], number))


def test_an_applicant_cannot_record_a_refusal_for_no_payment_on_the_portal(any_world: World) -> None:
    request_id = any_world.file("dala")
    any_world.app.requests.submit(any_world["dala"], request_id)
    clerk = any_world["clerk-mtc-communications-committee"]
    refused(
        any_world, DomainRefusal, lambda: any_world.app.requests.refuse_unpaid(any_world["dala"], request_id)
    )
    refused(any_world, DomainRefusal, lambda: any_world.app.requests.refuse_unpaid(clerk, request_id))
    assert any_world.app.requests.expire_unpaid(request_id) == "refused"


def test_a_refusal_reason_or_status_reason_with_hidden_characters_is_refused(any_world: World) -> None:
    from docgen.errors import InvalidRequest

    _, number = any_world.licensed()
    clerk = any_world["clerk-mtc-communications-committee"]
    refused(
        any_world,
        InvalidRequest,
        lambda: any_world.app.documents.set_status(clerk, number, "suspended", "тексеру\u202e"),
    )
    refused(
        any_world, InvalidRequest, lambda: any_world.app.documents.set_status(clerk, number, "suspended", " ")
    )
    other = any_world.registered()
    refused(
        any_world,
        InvalidRequest,
        lambda: any_world.app.requests.refuse(
            clerk, other, ["applicant-data-violations"], {"kk": "себеп\x00", "ru": "причина"}
        ),
    )
