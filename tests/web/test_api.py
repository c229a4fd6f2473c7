"""The JSON API by HTTP, over a real Application on SQLite with the demo users and the test PKI:
the whole journey (file → attach → pay → sign → issue → download), and every way a call is refused,
each answered with a clear JSON error and nothing stored."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from docgen.adapters.outside import SandboxGateway
from docgen.bootstrap import Application
from docgen.signing.request_signature import sign_request
from docgen.web.api import SIGNATURE_HEADER
from tests.conftest import decode_qr, pdf_text

PASSWORD = "docgen-demo"
DALA = "120340001230"  # «Дала Телеком»: the telecom license's applicant, a demo user with a key
PERSON = "880501300124"  # another applicant
CLERK = "clerk-mtc-communications-committee"  # the telecom license's provider's clerk
OTHER_CLERK = "clerk-mangystau-internal-policy"
PDF = b"%PDF-1.4\n% an attachment\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def build_application(folder: Path, pki: Any, **env: str) -> Application:
    from docgen.bootstrap import build
    from docgen.config import load
    from docgen.demo import prepare

    application = build(
        load(
            {
                "DOCGEN_INSTANCE_DIR": str(folder),
                "DOCGEN_AUDIT_KEY": "the web tests' audit key, not a secret",
                "DOCGEN_PKI_DIR": str(pki.folder),
                "DOCGEN_MAX_ATTACHMENT_MB": "1",
                **env,
            }
        )
    )
    prepare(application)
    return application


@pytest.fixture(scope="module")
def application(tmp_path_factory: pytest.TempPathFactory, pki: Any) -> Iterator[Application]:
    application = build_application(tmp_path_factory.mktemp("api"), pki)
    yield application
    application.engine.dispose()


@pytest.fixture(scope="module")
def client(application: Application) -> FlaskClient:
    from docgen.web import create_app

    # every test of the module calls from the same address: the per-address limit is tested on its own
    return create_app(application, testing=True, API_RATE_LIMIT="100000 per minute").test_client()


def basic(login: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return dict(error)


def example(client: FlaskClient, service: str = "telecom-license") -> dict[str, Any]:
    return dict(ok(client.get(f"/api/v1/services/{service}"))["intake_example"])


def file(client: FlaskClient, login: str = DALA, service: str = "telecom-license", **changes: Any) -> str:
    data = example(client, service) | changes
    made = ok(
        client.post("/api/v1/requests", json={"service": service, "data": data}, headers=basic(login)), 201
    )
    return str(made["id"])


def show(client: FlaskClient, request_id: str, login: str = DALA) -> dict[str, Any]:
    return dict(ok(client.get(f"/api/v1/requests/{request_id}", headers=basic(login))))


def pay(client: FlaskClient, application: Application, request_id: str, login: str = DALA) -> str:
    order = ok(client.post(f"/api/v1/requests/{request_id}/payment", headers=basic(login)), 201)["order"]
    gateway = application.gateway
    assert isinstance(gateway, SandboxGateway)
    from docgen.domain.ports import PaymentOrder

    payload, signature = gateway.pay(PaymentOrder(**order))
    answer = client.post(
        "/api/v1/payments/callback",
        data=payload,
        headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
    )
    return str(ok(answer)["state"])


def sign(client: FlaskClient, pki: Any, request_id: str, login: str = DALA, key: Path | None = None) -> Any:
    """Sign the payload with ``key`` (default the applicant's of the demo PKI), as the applicant would."""
    payload = client.get(f"/api/v1/requests/{request_id}/payload", headers=basic(login))
    assert payload.status_code == 200
    key = key or pki.applicant_path(DALA)
    signature = sign_request(payload.data, key.read_bytes(), b"demo")
    return client.post(
        f"/api/v1/requests/{request_id}/signature",
        json={"signature": base64.b64encode(signature).decode()},
        headers=basic(login),
    )


def registered(client: FlaskClient, application: Application, pki: Any) -> str:
    request_id = file(client)
    ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(DALA)))
    assert pay(client, application, request_id) == "paid"
    assert ok(sign(client, pki, request_id))["state"] == "registered"
    return request_id


def multipart(content: bytes, media_type: str = "application/pdf", **fields: str) -> dict[str, Any]:
    """A multipart body built in memory: the test client would spool a big one to a temporary file it
    does not close when the server refuses the body unread."""
    boundary = "docgen-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="file.pdf"\r\n'
        f"Content-Type: {media_type}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={boundary}"}


def history_length(application: Application, request_id: str) -> int:
    with application.queries.uow(write=False) as uow:
        return len(uow.requests.history(request_id))


def request_count(application: Application) -> int:
    with application.queries.uow(write=False) as uow:
        return len(uow.requests.ids())


# -- the journey -----------------------------------------------------------------------------------


def test_a_telecom_license_from_filing_to_the_downloaded_pdf_by_api(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    catalog = ok(client.get("/api/v1/services"))["services"]
    telecom = next(s for s in catalog if s["code"] == "telecom-license")
    assert telecom["title"]["kk"] and telecom["title"]["ru"]
    assert "issue" in [a["name"] for a in telecom["actions"]] and "portal" in telecom["channels"]
    detail = ok(client.get("/api/v1/services/telecom-license"))
    assert detail["intake_schema"]["type"] == "object" and detail["intake_example"]["applicant"]

    made = client.post(
        "/api/v1/requests",
        json={"service": "telecom-license", "action": "issue", "data": detail["intake_example"]},
        headers=basic(DALA),
    )
    created = ok(made, 201)
    request_id = created["id"]
    assert created["state"] == "draft" and made.headers["Location"].endswith(f"/api/v1/requests/{request_id}")

    multipart = {"code": "technical-means", "file": (io.BytesIO(PDF), "means.pdf", "application/pdf")}
    attached = ok(
        client.post(f"/api/v1/requests/{request_id}/attachments", data=multipart, headers=basic(DALA)), 201
    )
    assert len(attached["sha256"]) == 64
    as_json = {
        "code": "fee-receipt",
        "name": "receipt.png",
        "media_type": "image/png",
        "content_base64": base64.b64encode(PNG).decode(),
    }
    ok(client.post(f"/api/v1/requests/{request_id}/attachments", json=as_json, headers=basic(DALA)), 201)
    assert [e["event"] for e in show(client, request_id)["history"]].count("attach") == 2

    assert ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(DALA)))["state"] == (
        "awaiting-payment"
    )
    assert pay(client, application, request_id) == "paid"
    signed = ok(sign(client, pki, request_id))
    assert signed["state"] == "registered" and signed["number"] and signed["due"]
    assert signed["signature_check"]["ok"] is True

    queue = ok(client.get("/api/v1/queue", headers=basic(CLERK)))["requests"]
    assert request_id in [r["id"] for r in queue]
    decision = ok(client.get("/api/v1/services/telecom-license/decisions/issue"))["example"]
    issued = ok(
        client.post(f"/api/v1/requests/{request_id}/issue", json={"decision": decision}, headers=basic(CLERK))
    )
    number = issued["document"]
    assert number and issued["request"]["state"] == "issued"

    mine = ok(client.get("/api/v1/requests", headers=basic(DALA)))["requests"]
    assert next(r for r in mine if r["id"] == request_id)["state"] == "issued"
    documents = ok(client.get(f"/api/v1/requests/{request_id}/documents", headers=basic(DALA)))["documents"]
    assert number in [d["number"] for d in documents]

    original = client.get(f"/api/v1/documents/{number}", headers=basic(DALA))
    assert original.status_code == 200 and original.mimetype == "application/pdf"
    assert original.headers["X-Docgen-Copy"] == "false"
    assert original.data.startswith(b"%PDF") and number in pdf_text(original.data)
    copy = client.get(f"/api/v1/documents/{number}?language=ru&format=html", headers=basic(DALA))
    assert copy.status_code == 200 and copy.headers["X-Docgen-Copy"] == "true"
    assert number in copy.get_data(as_text=True)
    downloads = [e for e in show(client, request_id)["history"] if e["event"] == "download"]
    assert len(downloads) == 2

    notices = ok(client.get("/api/v1/notifications", headers=basic(DALA)))["notifications"]
    assert any(n["document"] == number for n in notices)

    # anyone may check it: by the QR code's h, by the holder, by the file itself
    address = next(text for text in decode_qr(original.data) if "/verify/" in text)
    h = address.split("h=")[1]
    by_h = ok(client.get(f"/api/v1/check/{number}?h={h}"))
    assert by_h["matches"] is True and by_h["status"] == "active"
    by_holder = ok(client.get(f"/api/v1/check/{number}?holder={DALA}"))
    assert by_holder["number"] == number and "matches" not in by_holder
    refused(client.get(f"/api/v1/check/{number}?holder={PERSON}"), 404, "document-not-found")
    upload = {"file": (io.BytesIO(original.data), "license.pdf", "application/pdf")}
    assert ok(client.post(f"/api/v1/check/{number}", data=upload))["matches"] is True
    forged = {"file": (io.BytesIO(original.data + b"\n"), "license.pdf", "application/pdf")}
    assert ok(client.post(f"/api/v1/check/{number}", data=forged))["matches"] is False

    # the clerk suspends the license; the check says so
    suspended = client.post(
        f"/api/v1/documents/{number}/status",
        json={"status": "suspended", "reason": "тексеру / проверка"},
        headers=basic(CLERK),
    )
    assert ok(suspended)["status"] == "suspended"
    assert ok(client.get(f"/api/v1/check/{number}?h={h}"))["status"] == "suspended"


def test_a_refusal_cites_the_grounds_and_is_downloaded_in_russian(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    request_id = registered(client, application, pki)
    grounds = ok(client.get("/api/v1/services/telecom-license"))["refusal_grounds"]
    code = next(g["code"] for g in grounds if not g["channels"] or "portal" in g["channels"])
    before = history_length(application, request_id)
    error = refused(
        client.post(
            f"/api/v1/requests/{request_id}/refuse?lang=ru",
            json={"grounds": ["no-such-ground"]},
            headers=basic(CLERK),
        ),
        400,
        "unknown-refusal-ground",
    )
    assert "Среди оснований отказа" in error["message"]
    refused(
        client.post(f"/api/v1/requests/{request_id}/refuse", json={}, headers=basic(CLERK)),
        400,
        "invalid-request",
    )
    assert history_length(application, request_id) == before
    answer = client.post(
        f"/api/v1/requests/{request_id}/refuse",
        json={
            "grounds": [code],
            "explanation": {"kk": "Деректер сәйкес емес.", "ru": "Данные не совпадают."},
        },
        headers=basic(CLERK),
    )
    refusal = ok(answer)
    assert refusal["request"]["state"] == "refused" and refusal["document"]
    copy = client.get(f"/api/v1/documents/{refusal['document']}?language=ru", headers=basic(DALA))
    assert copy.status_code == 200 and "Данные не совпадают." in pdf_text(copy.data)


def test_a_centre_operator_files_takes_the_receipt_signs_and_hands_over(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    operator = "operator-astana"
    data = example(client, "archaeology-license")
    created = ok(
        client.post(
            "/api/v1/requests", json={"service": "archaeology-license", "data": data}, headers=basic(operator)
        ),
        201,
    )
    request_id = created["id"]
    assert created["channel"] == "centre"
    state = ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(operator)))["state"]
    assert state == "awaiting-payment"
    receipt = ok(
        client.post(
            f"/api/v1/requests/{request_id}/receipt", json={"receipt": "kv 1001"}, headers=basic(operator)
        )
    )
    assert receipt["state"] == "paid"
    assert (
        ok(sign(client, pki, request_id, operator, pki.staff_path(operator)))["state"] == "registered"
    )  # own key
    # the same paper receipt cannot pay a second request of the provider
    second = ok(
        client.post(
            "/api/v1/requests", json={"service": "archaeology-license", "data": data}, headers=basic(operator)
        ),
        201,
    )["id"]
    ok(client.post(f"/api/v1/requests/{second}/submit", headers=basic(operator)))
    refused(
        client.post(
            f"/api/v1/requests/{second}/receipt", json={"receipt": "KV 1001"}, headers=basic(operator)
        ),
        409,
        "payment-rejected",
    )
    assert show(client, second, operator)["state"] == "awaiting-payment"

    clerk = "clerk-" + application.catalog.get("archaeology-license").provider_code
    decision = ok(client.get("/api/v1/services/archaeology-license/decisions/issue"))["example"]
    issued = ok(
        client.post(f"/api/v1/requests/{request_id}/issue", json={"decision": decision}, headers=basic(clerk))
    )
    handed = ok(
        client.post(
            f"/api/v1/requests/{request_id}/hand-over", json={"method": "in-person"}, headers=basic(operator)
        )
    )
    assert handed["document"] == issued["document"]
    refused(
        client.post(f"/api/v1/requests/{request_id}/hand-over", headers=basic(operator)), 403, "not-allowed"
    )


# -- who is asking ---------------------------------------------------------------------------------


def test_a_call_without_credentials_or_with_a_wrong_password_is_401_and_says_how_to_authenticate(
    client: FlaskClient,
) -> None:
    error = refused(client.get("/api/v1/requests"), 401, "unauthenticated")
    assert "HTTP Basic" in error["message"]
    wrong = client.get("/api/v1/requests", headers=basic(DALA, "not the password"))
    refused(wrong, 401, "wrong-credentials")
    assert wrong.headers["WWW-Authenticate"].startswith("Basic")
    unknown = client.get("/api/v1/requests", headers=basic("nobody", "not the password"))
    assert unknown.get_json() == wrong.get_json()  # a login cannot be guessed from the answer
    answer = client.get("/api/v1/me", headers=basic(DALA))
    assert answer.headers["Cache-Control"] == "no-store"
    me = ok(answer)
    assert me["role"] == "applicant" and me["bin"] == DALA


def test_a_forged_cross_site_post_has_no_session_to_ride_on(client: FlaskClient) -> None:
    """The API reads no cookie: a browser's session gives a cross-site form nothing, so no CSRF token
    is asked of API calls, and a call without credentials is refused whatever cookie comes with it."""
    client.set_cookie("docgen_session", "whatever")
    refused(client.post("/api/v1/requests", json={}), 401, "unauthenticated")
    client.delete_cookie("docgen_session")


def test_password_guessing_over_basic_auth_is_rate_limited(tmp_path: Path, pki: Any) -> None:
    from docgen.web import create_app

    application = build_application(tmp_path, pki)
    try:
        app = create_app(application, testing=True, API_AUTH_FAILURE_LIMIT="3 per minute")
        client = app.test_client()
        for _ in range(3):
            refused(client.get("/api/v1/me", headers=basic(DALA, "guess")), 401, "wrong-credentials")
        error = refused(client.get("/api/v1/me", headers=basic(DALA)), 429, "rate-limited")
        assert error["message"]
        # the public check has its own limit
        app.config["API_CHECK_RATE_LIMIT"] = "2 per minute"
        for _ in range(2):
            refused(client.get("/api/v1/check/LIC-NONE?holder=1"), 404, "document-not-found")
        refused(client.get("/api/v1/check/LIC-NONE?holder=1"), 429, "rate-limited")
    finally:
        application.engine.dispose()


# -- bad input: a clear error, nothing stored ------------------------------------------------------


def test_a_wrong_bin_and_a_missing_field_are_all_named_and_nothing_is_filed(
    client: FlaskClient, application: Application
) -> None:
    data = example(client)
    data["applicant"] = dict(data["applicant"], bin="120340001231")  # wrong check digit
    del data["applicant"]["name"]
    before = request_count(application)
    answer = client.post(
        "/api/v1/requests?lang=ru", json={"service": "telecom-license", "data": data}, headers=basic(DALA)
    )
    error = refused(answer, 400, "invalid-request")
    fields = {f["field"] for f in error["fields"]}
    assert {"applicant.bin", "applicant.name"} <= fields
    assert "Ошибки в данных заявления" in error["message"]
    assert all(f["message"] for f in error["fields"])
    assert request_count(application) == before


def test_an_empty_body_names_every_missing_field_in_kazakh_by_default(client: FlaskClient) -> None:
    error = refused(client.post("/api/v1/requests", json={}, headers=basic(DALA)), 400, "invalid-request")
    assert [f["field"] for f in error["fields"]] == ["service", "data"]
    assert "Өтініш деректерінде қате бар" in error["message"]
    russian = client.post(
        "/api/v1/requests", json={}, headers=basic(DALA) | {"Accept-Language": "ru-RU,ru;q=0.9"}
    )
    assert "Ошибки в данных заявления" in refused(russian, 400, "invalid-request")["message"]
    refused(
        client.post(
            "/api/v1/requests", data="{not json", headers=basic(DALA), content_type="application/json"
        ),
        400,
        "bad-body",
    )
    unknown = {"service": "no-such-service", "data": {}}
    refused(client.post("/api/v1/requests", json=unknown, headers=basic(DALA)), 400, "unknown-service")
    refused(client.get("/api/v1/services/no-such-service"), 404, "unknown-service")


def test_an_oversized_attachment_is_413_and_nothing_is_stored(
    client: FlaskClient, application: Application
) -> None:
    request_id = file(client)
    before = history_length(application, request_id)
    too_big = PDF + b"\0" * (1024 * 1024)  # DOCGEN_MAX_ATTACHMENT_MB=1
    refused(
        client.post(
            f"/api/v1/requests/{request_id}/attachments",
            **multipart(too_big, code="technical-means"),
            headers=basic(DALA),
        ),
        413,
        "attachment-rejected",
    )
    as_json = {
        "code": "technical-means",
        "name": "big.pdf",
        "media_type": "application/pdf",
        "content_base64": base64.b64encode(too_big).decode(),
    }
    refused(
        client.post(f"/api/v1/requests/{request_id}/attachments", json=as_json, headers=basic(DALA)),
        413,
        "attachment-rejected",
    )
    huge = multipart(PDF + b"\0" * (3 * 1024 * 1024), code="technical-means")
    refused(
        client.post(f"/api/v1/requests/{request_id}/attachments", **huge, headers=basic(DALA)),
        413,
        "too-large",
    )
    assert history_length(application, request_id) == before


def test_an_attachment_that_is_not_what_it_claims_or_badly_encoded_is_refused(
    client: FlaskClient, application: Application
) -> None:
    request_id = file(client)
    before = history_length(application, request_id)
    lying = {"code": "technical-means", "file": (io.BytesIO(PNG), "means.pdf", "application/pdf")}
    refused(
        client.post(f"/api/v1/requests/{request_id}/attachments", data=lying, headers=basic(DALA)),
        400,
        "attachment-rejected",
    )
    bad = {
        "code": "technical-means",
        "name": "x.pdf",
        "media_type": "application/pdf",
        "content_base64": "%%",
    }
    error = refused(
        client.post(f"/api/v1/requests/{request_id}/attachments", json=bad, headers=basic(DALA)),
        400,
        "invalid-request",
    )
    assert [f["field"] for f in error["fields"]] == ["content_base64"]
    error = refused(
        client.post(f"/api/v1/requests/{request_id}/attachments", data={}, headers=basic(DALA)),
        400,
        "invalid-request",
    )
    assert {f["field"] for f in error["fields"]} == {"code", "name", "media_type", "content_base64"}
    assert history_length(application, request_id) == before


def test_the_request_form_is_printed_once_signed_and_only_for_those_who_see_the_request(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    draft = file(client)
    refused(client.get(f"/api/v1/requests/{draft}/form", headers=basic(DALA)), 409, "not-allowed")
    refused(client.get(f"/api/v1/requests/{draft}/form", headers=basic(PERSON)), 404, "request-not-found")
    request_id = registered(client, application, pki)
    form = client.get(f"/api/v1/requests/{request_id}/form?language=ru", headers=basic(DALA))
    assert form.status_code == 200 and form.mimetype == "application/pdf"
    assert show(client, request_id)["number"] in pdf_text(form.data)
    refused(
        client.get(f"/api/v1/requests/{request_id}/form", headers=basic(PERSON)), 404, "request-not-found"
    )


def test_a_step_out_of_order_is_409(client: FlaskClient, application: Application) -> None:
    request_id = file(client)
    ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(DALA)))
    before = history_length(application, request_id)
    refused(
        client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(DALA)), 409, "illegal-transition"
    )
    assert history_length(application, request_id) == before


def test_a_signature_over_another_requests_bytes_is_refused_and_nothing_stored(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    first, second = file(client), file(client)
    for request_id in (first, second):
        ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(DALA)))
        pay(client, application, request_id)
    payload = client.get(f"/api/v1/requests/{first}/payload", headers=basic(DALA)).data
    signature = sign_request(payload, pki.applicant_path(DALA).read_bytes(), b"demo")
    before = history_length(application, second)
    answer = client.post(
        f"/api/v1/requests/{second}/signature",
        json={"signature": base64.b64encode(signature).decode()},
        headers=basic(DALA),
    )
    refused(answer, 400, "signature-not-for-request")
    refused(
        client.post(f"/api/v1/requests/{second}/signature", json={}, headers=basic(DALA)),
        400,
        "signature-missing",
    )
    assert history_length(application, second) == before
    assert show(client, second)["state"] == "paid"


# -- the wrong person ------------------------------------------------------------------------------


def test_a_clerk_cannot_file_an_applicants_portal_request(
    client: FlaskClient, application: Application
) -> None:
    before = request_count(application)
    body = {"service": "telecom-license", "channel": "portal", "data": example(client)}
    refused(client.post("/api/v1/requests", json=body, headers=basic(CLERK)), 403, "not-allowed")
    body = {"service": "telecom-license", "data": example(client)}
    error = refused(client.post("/api/v1/requests", json=body, headers=basic(CLERK)), 400, "invalid-request")
    assert error["fields"][0]["field"] == "channel"
    assert request_count(application) == before


def test_an_applicant_cannot_issue_their_own_request_nor_see_a_clerks_queue(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    request_id = registered(client, application, pki)
    before = history_length(application, request_id)
    decision = ok(client.get("/api/v1/services/telecom-license/decisions/issue"))["example"]
    answer = client.post(
        f"/api/v1/requests/{request_id}/issue", json={"decision": decision}, headers=basic(DALA)
    )
    assert answer.status_code == 403, answer.get_data(as_text=True)
    refused(client.get("/api/v1/queue", headers=basic(DALA)), 403, "not-allowed")
    assert history_length(application, request_id) == before
    assert show(client, request_id)["state"] == "registered"


def test_someone_elses_request_answers_exactly_as_one_that_does_not_exist(
    client: FlaskClient, application: Application
) -> None:
    request_id = file(client)
    nowhere = "00000000-0000-4000-8000-000000000000"
    for login in (PERSON, OTHER_CLERK):
        for path in ("", "/payload", "/documents"):
            theirs = client.get(f"/api/v1/requests/{request_id}{path}", headers=basic(login))
            missing = client.get(f"/api/v1/requests/{nowhere}{path}", headers=basic(login))
            refused(theirs, 404, "request-not-found")
            refused(missing, 404, "request-not-found")
            assert (
                theirs.get_json()["error"]["message"].replace(request_id, nowhere)
                == (missing.get_json()["error"]["message"])
            )
    before = history_length(application, request_id)
    multipart = {"code": "technical-means", "file": (io.BytesIO(PDF), "means.pdf", "application/pdf")}
    refused(
        client.post(f"/api/v1/requests/{request_id}/attachments", data=multipart, headers=basic(PERSON)),
        404,
        "request-not-found",
    )
    refused(
        client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(PERSON)), 404, "request-not-found"
    )
    assert history_length(application, request_id) == before
    assert request_id not in [
        r["id"] for r in ok(client.get("/api/v1/requests", headers=basic(PERSON)))["requests"]
    ]


def test_someone_elses_document_answers_as_a_missing_one_and_is_not_recorded(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    request_id = registered(client, application, pki)
    decision = ok(client.get("/api/v1/services/telecom-license/decisions/issue"))["example"]
    number = ok(
        client.post(f"/api/v1/requests/{request_id}/issue", json={"decision": decision}, headers=basic(CLERK))
    )["document"]
    before = history_length(application, request_id)
    for login in (PERSON, OTHER_CLERK, "admin"):
        theirs = client.get(f"/api/v1/documents/{number}", headers=basic(login))
        refused(theirs, 404, "document-not-found")
        missing = client.get("/api/v1/documents/LIC-NOPE-2026-000001", headers=basic(login))
        assert refused(missing, 404, "document-not-found")["message"] == theirs.get_json()["error"][
            "message"
        ].replace(number, "LIC-NOPE-2026-000001")
    status = {"status": "suspended", "reason": "x"}
    refused(
        client.post(f"/api/v1/documents/{number}/status", json=status, headers=basic(OTHER_CLERK)),
        404,
        "document-not-found",
    )
    assert history_length(application, request_id) == before
    bad = client.get(f"/api/v1/documents/{number}?format=odt", headers=basic(DALA))
    refused(bad, 400, "unsupported-format")


def test_a_payment_callback_not_signed_by_the_gateway_is_refused_and_nothing_paid(
    client: FlaskClient, application: Application
) -> None:
    request_id = file(client)
    ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(DALA)))
    order = ok(client.post(f"/api/v1/requests/{request_id}/payment", headers=basic(DALA)), 201)["order"]
    payload = json.dumps(order | {"paid_at": "2026-12-01T10:00:00+00:00"}, sort_keys=True).encode()
    forged = SandboxGateway(b"not the gateway's secret").sign(payload)
    before = history_length(application, request_id)
    answer = client.post("/api/v1/payments/callback", data=payload, headers={SIGNATURE_HEADER: forged})
    refused(answer, 403, "payment-rejected")
    refused(client.post("/api/v1/payments/callback", data=payload), 403, "payment-rejected")
    # signed by the gateway, but for an amount other than the order's
    gateway = application.gateway
    assert isinstance(gateway, SandboxGateway)
    other = json.dumps(
        order | {"amount": "1", "paid_at": "2026-12-01T10:00:00+00:00"}, sort_keys=True
    ).encode()
    answer = client.post(
        "/api/v1/payments/callback", data=other, headers={SIGNATURE_HEADER: gateway.sign(other)}
    )
    refused(answer, 400, "payment-rejected")
    assert history_length(application, request_id) == before
    assert show(client, request_id)["state"] == "awaiting-payment"
    # the real one is accepted once; a replay changes nothing
    real = gateway.sign(payload)
    assert (
        ok(client.post("/api/v1/payments/callback", data=payload, headers={SIGNATURE_HEADER: real}))["state"]
        == "paid"
    )
    after = history_length(application, request_id)
    assert (
        ok(client.post("/api/v1/payments/callback", data=payload, headers={SIGNATURE_HEADER: real}))["state"]
        == "paid"
    )
    assert history_length(application, request_id) == after


def test_unknown_addresses_and_methods_answer_in_json(client: FlaskClient) -> None:
    error = refused(client.get("/api/v1/nothing-here?lang=ru"), 404, "not-found")
    assert "/api/v1/nothing-here" in error["message"]
    answer = client.delete("/api/v1/requests", headers=basic(DALA))
    refused(answer, 405, "method-not-allowed")
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "POST"}
    refused(client.get("/api/v1/queue?soon=x", headers=basic(CLERK)), 400, "invalid-request")


def test_a_local_body_officer_checks_the_originals_before_submitting(
    client: FlaskClient, application: Application
) -> None:
    officer = OTHER_CLERK  # the Mangystau local body's officer (seed 004)
    body = {"service": "foreign-media-registration", "channel": "local-body"}
    created = client.post(
        "/api/v1/requests", json=body | {"data": example(client, body["service"])}, headers=basic(officer)
    )
    request_id = ok(created, 201)["id"]
    checked = ok(client.post(f"/api/v1/requests/{request_id}/check-originals", headers=basic(officer)))
    assert "check-originals" in [e["event"] for e in checked["history"]]
    before = history_length(application, request_id)
    refused(
        client.post(f"/api/v1/requests/{request_id}/check-originals", headers=basic(officer)),
        409,
        "illegal-transition",
    )
    assert history_length(application, request_id) == before
    portal = file(client)
    answer = client.post(f"/api/v1/requests/{portal}/check-originals", headers=basic(DALA))
    assert answer.status_code in (403, 409), answer.get_data(as_text=True)


def test_an_unpaid_centre_request_is_refused_by_the_operator(client: FlaskClient) -> None:
    operator = "operator-astana"
    body = {"service": "archaeology-license", "data": example(client, "archaeology-license")}
    request_id = ok(client.post("/api/v1/requests", json=body, headers=basic(operator)), 201)["id"]
    ok(client.post(f"/api/v1/requests/{request_id}/submit", headers=basic(operator)))
    refused(
        client.post(f"/api/v1/requests/{request_id}/refuse-unpaid", headers=basic(DALA)),
        404,
        "request-not-found",
    )
    refusal = ok(client.post(f"/api/v1/requests/{request_id}/refuse-unpaid", headers=basic(operator)))
    assert refusal["state"] == "refused" and refusal["outcome"]["code"] == "no-payment"


def test_the_overdue_list_is_a_clerks_or_an_admins(client: FlaskClient) -> None:
    assert isinstance(ok(client.get("/api/v1/overdue?soon=365", headers=basic("admin")))["requests"], list)
    assert isinstance(ok(client.get("/api/v1/overdue", headers=basic(CLERK)))["requests"], list)
    refused(client.get("/api/v1/overdue", headers=basic(DALA)), 403, "not-allowed")
    refused(client.get("/api/v1/notifications", headers=basic(CLERK)), 403, "not-allowed")


def test_another_providers_clerk_cannot_issue_and_learns_nothing(
    client: FlaskClient, application: Application, pki: Any
) -> None:
    request_id = registered(client, application, pki)
    decision = ok(client.get("/api/v1/services/telecom-license/decisions/issue"))["example"]
    answer = client.post(
        f"/api/v1/requests/{request_id}/issue", json={"decision": decision}, headers=basic(OTHER_CLERK)
    )
    refused(answer, 404, "request-not-found")
    refused(client.get("/api/v1/services/telecom-license/decisions/no-such-action"), 404, "unknown-action")
    wrong = decision | {"subtypes": ["no-such-subtype"], "special_conditions": "one language only"}
    bad = client.post(f"/api/v1/requests/{request_id}/issue", json={"decision": wrong}, headers=basic(CLERK))
    error = refused(bad, 400, "invalid-decision")
    assert {"subtypes.0", "special_conditions"} <= {f["field"] for f in error["fields"]}
    assert show(client, request_id)["state"] in ("registered", "in-review")
    assert show(client, request_id)["documents"] == []
