"""The request's journey through the use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from docgen.adapters.calendar import KazakhstanCalendar
from docgen.adapters.db.tables import counters, documents, history
from docgen.adapters.outside import LocalNotary, SandboxGateway, TableStateRegistry
from docgen.bootstrap import ProviderSigners
from docgen.config import SigningSettings
from docgen.demo import seed_people
from docgen.domain.history import Actor
from docgen.domain.ports import Clock
from docgen.errors import DomainRefusal
from docgen.rendering.core import Renderer
from docgen.services.requests import RequestService, signed_payload
from docgen.signing.pki import LocalPki
from docgen.signing.request_signature import CmsRequestChecker, TrustStore, sign_request

CLERK = Actor("clerk", "clerk-mtc-communications-committee")
COMPANY = Actor("applicant", "120340001230")


class SteppingClock(Clock):
    """A clock that moves one second per reading, so history times strictly increase."""

    def __init__(self, start: dt.datetime) -> None:
        self.moments = (start + dt.timedelta(seconds=n) for n in itertools.count())

    def now(self) -> dt.datetime:
        return next(self.moments)


def make_service(
    engine: Engine,
    pki: LocalPki,
    renderer: Renderer,
    start: dt.datetime = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC),
) -> RequestService:
    """The use cases over a test database, the session PKI and a stepping clock."""
    seed_people(engine, renderer.catalog)
    return RequestService(
        engine=engine,
        catalog=renderer.catalog,
        registry=TableStateRegistry(engine),
        gateway=SandboxGateway(b"test secret"),
        calendar=KazakhstanCalendar(),
        renderer=renderer,
        signers=ProviderSigners(SigningSettings(pki_dir=pki.folder), renderer),
        checker=CmsRequestChecker(TrustStore.from_folder(pki.folder)),
        clock=SteppingClock(start),
        notary=LocalNotary([("17/26", "920214450117")]),
    )


@pytest.fixture
def service(engine: Engine, pki: LocalPki, renderer: Renderer) -> Iterator[RequestService]:
    yield make_service(engine, pki, renderer)


def _example(service: RequestService, code: str) -> dict[str, Any]:
    return dict(service.catalog.get(code).example)


def _portal_request(service: RequestService, pki: LocalPki, key: str = "120340001230") -> str:
    request_id = service.new(
        "telecom-license", "issue", "portal", _example(service, "telecom-license"), COMPANY
    )
    assert service.submit(request_id, COMPANY) == "awaiting-payment"
    assert service.pay(request_id, COMPANY) == "paid"
    with service.engine.connect() as connection:
        from docgen.adapters.db import store

        data = store.row(connection, request_id).data
    signature = sign_request(signed_payload(data), pki.applicant_path(key).read_bytes(), b"demo")
    service.sign(request_id, COMPANY, signature)
    return request_id


def test_a_portal_request_is_paid_signed_and_registered_with_a_number_and_deadline(
    service: RequestService, pki: LocalPki
) -> None:
    request_id = _portal_request(service, pki)
    shown = service.show(request_id)
    assert shown["state"] == "registered"
    assert shown["number"] == "MTCCOMCOM-2026-000001"
    assert shown["registered"] == "2026-11-20"
    assert shown["due"] == "2026-12-07"  # 15 calendar days; Sat 5 Dec rolls to Mon 7 Dec
    assert shown["signature_check"]["ok"] is True
    assert [entry["event"] for entry in shown["history"]] == ["open", "submit", "pay", "sign", "register"]


def test_a_signature_by_someone_else_refuses_with_the_checks_reason(
    service: RequestService, pki: LocalPki
) -> None:
    request_id = _portal_request(service, pki, key="880501300124")
    shown = service.show(request_id)
    assert shown["state"] == "refused"
    assert shown["outcome"]["code"] == "signature-not-confirmed"
    assert shown["outcome"]["details"]["reason"] == "identity-mismatch"
    assert shown["signature_check"]["reason"] == "identity-mismatch"
    assert shown["number"] is None


def test_an_applicant_missing_from_the_state_database_is_refused(service: RequestService) -> None:
    data = _example(service, "telecom-license")
    data["applicant"] = data["applicant"] | {"bin": "160540009875", "name": "Белгісіз ЖШС"}  # in no database
    request_id = service.new("telecom-license", "issue", "provider", data, CLERK)
    assert service.submit(request_id, CLERK) == "refused"
    assert service.show(request_id)["outcome"]["code"] == "applicant-not-found"


def test_an_illegal_step_is_refused_and_changes_nothing(service: RequestService) -> None:
    request_id = service.new(
        "telecom-license", "issue", "portal", _example(service, "telecom-license"), COMPANY
    )
    before = service.show(request_id)
    with pytest.raises(DomainRefusal) as caught:
        service.pay(request_id, COMPANY)
    assert "draft" in caught.value.message("ru")
    assert service.show(request_id) == before


def test_request_numbers_are_gapless_per_provider(service: RequestService, pki: LocalPki) -> None:
    first = _portal_request(service, pki)
    second = _portal_request(service, pki)
    assert [service.show(i)["number"][-6:] for i in (first, second)] == ["000001", "000002"]


def test_issuing_stores_a_signed_license_that_verifies(service: RequestService, pki: LocalPki) -> None:
    import hashlib

    from docgen.signing.verify import verify_pdf

    request_id = _portal_request(service, pki)
    number = service.issue(request_id, CLERK)
    assert number == "LIC-MTCCOMCOM-2026-000001"
    shown = service.show(request_id)
    assert shown["state"] == "issued" and shown["outcome"]["code"] == "issued"
    (document,) = shown["documents"]
    assert document == {"kind": "license", "number": number, "sha256": document["sha256"], "status": "active"}
    _kind, pdf, _data = service.document(request_id)
    assert hashlib.sha256(pdf).hexdigest() == document["sha256"]
    assert verify_pdf(pdf, pki.folder, expected_sha256=document["sha256"]).ok
    with pytest.raises(DomainRefusal):
        service.issue(request_id, CLERK)


def test_a_reasoned_refusal_is_a_signed_document(service: RequestService, pki: LocalPki) -> None:
    request_id = _portal_request(service, pki)
    number = service.refuse(request_id, CLERK, "Біліктілік талаптарына сәйкес келмейді")
    shown = service.show(request_id)
    assert shown["state"] == "refused" and shown["outcome"]["code"] == "qualification-not-met"
    assert shown["documents"][0]["kind"] == "refusal" and shown["documents"][0]["number"] == number


def test_a_failure_while_rendering_leaves_the_store_as_it_was(
    service: RequestService, pki: LocalPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id = _portal_request(service, pki)

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("the renderer crashed")

    monkeypatch.setattr(service.renderer, "render", broken)
    with pytest.raises(RuntimeError):
        service.issue(request_id, CLERK)
    shown = service.show(request_id)
    assert shown["state"] == "registered" and shown["documents"] == []
    with service.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(documents)).scalar_one() == 0
        series = connection.execute(select(counters.c.series)).scalars().all()
        assert "license" not in series  # no document number consumed
        assert connection.execute(select(func.count()).select_from(history)).scalar_one() == 5
    monkeypatch.undo()
    assert service.issue(request_id, CLERK) == "LIC-MTCCOMCOM-2026-000001"


def test_audit_finds_a_history_row_edited_behind_the_applications_back(
    service: RequestService, pki: LocalPki
) -> None:
    from sqlalchemy import text

    request_id = _portal_request(service, pki)
    assert service.audit() == []
    if service.engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the trigger refuses the edit itself (tested in the storage tests)")
    with service.engine.begin() as connection:  # an attacker with the file: drop the guard, edit
        connection.execute(text("DROP TRIGGER history_no_update"))
        connection.execute(
            text("UPDATE history SET entry = json_set(entry, '$.actor.login', 'someone') WHERE seq = 2")
        )
    (problem,) = service.audit()
    assert problem["id"] == request_id and problem["entry"] == 2


def test_a_failure_while_signing_leaves_the_store_as_it_was(
    service: RequestService, pki: LocalPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.errors import SigningFailed

    request_id = _portal_request(service, pki)
    signer = service.signers.for_provider("mtc-communications-committee")

    def broken(pdf: bytes) -> bytes:
        raise SigningFailed(detail="the key store is unavailable")

    monkeypatch.setattr(signer, "sign", broken)
    with pytest.raises(SigningFailed):
        service.issue(request_id, CLERK)
    shown = service.show(request_id)
    assert shown["state"] == "registered" and shown["documents"] == []
    monkeypatch.undo()
    assert service.issue(request_id, CLERK) == "LIC-MTCCOMCOM-2026-000001"


def _license_issued(service: RequestService, pki: LocalPki) -> str:
    number = service.issue(_portal_request(service, pki), CLERK)
    assert number is not None
    return number


def _follow_up(service: RequestService, pki: LocalPki, action: str, license_number: str) -> str:
    data = _example(service, "telecom-license") | {"license_number": license_number}
    request_id = service.new("telecom-license", action, "provider", data, CLERK)
    service.submit(request_id, CLERK)
    service.pay(request_id, CLERK, receipt="QR-1")
    service.sign(request_id, CLERK)
    return request_id


def test_a_reissue_is_a_new_version_that_replaces_the_old_license(
    service: RequestService, pki: LocalPki
) -> None:
    original = _license_issued(service, pki)
    request_id = _follow_up(service, pki, "reissue", original)
    new_number = service.issue(request_id, CLERK)
    with service.engine.connect() as connection:
        from docgen.adapters.db import store

        rows = {row.number: row for row in store.document_rows(connection, request_id)}
        old = store.active_document(connection, "license", original)
    assert new_number != original and rows[new_number].version == 2
    assert old is None  # the original is no longer active: it was replaced
    first = service.show(service.show(request_id)["id"])["documents"][0]
    assert first["status"] == "active"


def test_a_duplicate_is_the_same_license_marked_as_such(service: RequestService, pki: LocalPki) -> None:
    from tests.conftest import pdf_text

    original = _license_issued(service, pki)
    request_id = _follow_up(service, pki, "duplicate", original)
    number = service.issue(request_id, CLERK)
    assert number == f"{original}-D1"
    _kind, pdf, data = service.document(request_id)
    assert data["number"] == original and data["duplicate"] is True
    text = pdf_text(pdf)
    assert "ТЕЛНҰСҚА" in text and "ДУБЛИКАТ" in text


def test_a_reissue_of_an_unknown_license_is_refused_clearly(service: RequestService, pki: LocalPki) -> None:
    from docgen.errors import DocumentNotFound

    request_id = _follow_up(service, pki, "reissue", "LIC-NOPE-2026-000099")
    with pytest.raises(DocumentNotFound) as caught:
        service.issue(request_id, CLERK)
    assert "LIC-NOPE-2026-000099" in caught.value.message("kk")
    assert service.show(request_id)["state"] == "registered"


def _with_representative(service: RequestService, notarized: bool, number: str) -> str:
    data = _example(service, "telecom-license") | {
        "representative": {
            "name": "Ким Виктория Александровна",
            "iin": "920214450117",
            "power_of_attorney": {"number": number, "date": "2026-09-01", "notarized": notarized},
        }
    }
    request_id = service.new("telecom-license", "issue", "provider", data, CLERK)
    service.submit(request_id, CLERK)
    return request_id


def test_a_power_of_attorney_unknown_to_the_notary_system_is_refused(service: RequestService) -> None:
    assert service.show(_with_representative(service, False, "17/26"))["state"] == "awaiting-payment"
    refused = service.show(_with_representative(service, False, "99/99"))
    assert refused["outcome"] == {"code": "applicant-not-found", "details": {"database": "notary"}}
    assert service.show(_with_representative(service, True, "99/99"))["state"] == "awaiting-payment"


def test_overdue_and_due_soon_are_queryable(service: RequestService, pki: LocalPki) -> None:
    request_id = _portal_request(service, pki)  # registered 2026-11-20, due 2026-12-07
    assert service.overdue(today=dt.date(2026, 12, 7)) == []
    (soon,) = service.overdue(today=dt.date(2026, 12, 5), soon_days=2)
    assert soon["id"] == request_id and soon["overdue"] is False
    (late,) = service.overdue(today=dt.date(2026, 12, 8))
    assert late["overdue"] is True
    service.issue(request_id, CLERK)
    assert service.overdue(today=dt.date(2026, 12, 8)) == []
