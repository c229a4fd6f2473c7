"""The documents as the workflow issues them, read back: the signed original, a duplicate, a copy in
one language, the QR code's fingerprint - with the real templates, PKI and database."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from docgen.errors import SigningFailed
from docgen.signing.verify import verify_pdf
from tests.conftest import decode_qr, docx_text, pdf_text
from tests.services.world import World


def _clerk(world: World) -> str:
    return "clerk-mtc-communications-committee"


def test_the_issued_license_reads_back_verifies_and_its_qr_matches_the_record(real_world: World) -> None:
    _, number = real_world.licensed()
    original = real_world.app.documents.download(real_world["dala"], number)
    assert not original.copy
    text = pdf_text(original.content)
    assert number in text and "МЕМЛЕКЕТТІК ЛИЦЕНЗИЯ" in text and "ГОСУДАРСТВЕННАЯ ЛИЦЕНЗИЯ" in text
    assert "«Дала Телеком»" in text
    assert verify_pdf(original.content, real_world.pki.folder).ok
    (url,) = decode_qr(original.content, page=0)
    address = urlparse(url)
    assert address.path.endswith(f"/verify/{number}")
    h = parse_qs(address.query)["h"][0]
    assert real_world.app.documents.check_fingerprint(number, h)["matches"] is True


def test_a_copy_in_one_language_is_marked_and_keeps_the_originals_qr(real_world: World) -> None:
    _, number = real_world.licensed()
    original = real_world.app.documents.download(real_world["dala"], number)
    copy = real_world.app.documents.download(real_world["dala"], number, "pdf", "ru")
    assert copy.copy and "КОПИЯ" in pdf_text(copy.content) and "КӨШІРМЕ" not in pdf_text(copy.content)
    assert decode_qr(copy.content, page=0) == decode_qr(original.content, page=0)
    docx = real_world.app.documents.download(real_world["dala"], number, "docx", "kk")
    assert "КӨШІРМЕ" in docx_text(docx.content)
    assert real_world.app.documents.check_file(number, copy.content)["matches"] is False


def test_a_duplicate_is_the_same_license_marked_as_such(real_world: World) -> None:
    _, original = real_world.licensed()
    clerk = real_world[_clerk(real_world)]
    request_id = real_world.file(clerk.login, action="duplicate", license_number=original)
    real_world.app.requests.submit(clerk, request_id)
    real_world.app.requests.record_receipt(clerk, request_id, "QR-1")
    real_world.app.requests.sign(clerk, request_id)
    number = real_world.app.requests.issue(clerk, request_id)
    assert number == f"{original}-D1"
    text = pdf_text(real_world.app.documents.download(clerk, number).content)
    assert "ТЕЛНҰСҚА" in text and "ДУБЛИКАТ" in text and original in text


def test_a_failure_while_signing_leaves_the_store_as_it_was(real_world: World) -> None:
    from docgen.services.ports import Official, Signers

    request_id = real_world.registered()
    issuer = real_world.app.requests.issuer
    real = issuer.signers

    class Broken(Signers):
        def official(self, provider: str) -> Official:
            return real.official(provider)

        def sign(self, provider: str, pdf: bytes) -> bytes:
            raise SigningFailed(detail="the key store is unavailable")

    issuer.signers = Broken()
    before = real_world.rows()
    with pytest.raises(SigningFailed):
        real_world.app.requests.issue(real_world[_clerk(real_world)], request_id)
    assert real_world.rows() == before
    issuer.signers = real
    assert (
        real_world.app.requests.issue(real_world[_clerk(real_world)], request_id)
        == "LIC-MTCCOMCOM-2026-000001"
    )


def test_audit_finds_a_history_row_edited_behind_the_applications_back(real_world: World) -> None:
    from sqlalchemy import text

    request_id = real_world.registered()
    assert real_world.app.audit.verify() == []
    if real_world.engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the trigger refuses the edit itself (tested in the storage tests)")
    with real_world.engine.begin() as connection:  # an attacker with the file: drop the guard, edit
        connection.execute(text("DROP TRIGGER history_no_update"))
        connection.execute(
            text("UPDATE history SET entry = json_set(entry, '$.actor.login', 'someone') WHERE seq = 2")
        )
    (problem,) = real_world.app.audit.verify()
    assert problem["id"] == request_id and problem["entry"] == 2


def test_an_attachment_is_kept_on_disk_under_its_sha256(real_world: World) -> None:
    request_id = real_world.file("dala")
    pdf = b"%PDF-1.7\nscan"
    key = real_world.app.requests.attach(
        real_world["dala"], request_id, "fee-receipt", "r.pdf", pdf, "application/pdf"
    )
    assert real_world.app.requests.attachments.get(key) == pdf
