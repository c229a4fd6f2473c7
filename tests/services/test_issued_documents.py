"""The documents as the workflow issues them, read back: the signed original, a duplicate, a copy in
one language, the QR code's fingerprint - with the real templates, PKI and database."""

from __future__ import annotations

from pathlib import Path
from typing import Any
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
    number = real_world.issue(clerk, request_id)
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
        real_world.issue(real_world[_clerk(real_world)], request_id)
    assert real_world.rows() == before
    issuer.signers = real
    assert real_world.issue(real_world[_clerk(real_world)], request_id) == "LIC-MTCCOMCOM-2026-000001"


def test_issuing_with_an_expired_provider_certificate_is_refused_and_consumes_no_number(
    real_world: World, renderer: Any, tmp_path: Path
) -> None:
    import datetime as dt

    from docgen.adapters.signing import PadesSigners, ProviderSigners
    from docgen.config import SigningSettings
    from docgen.errors import SignerCertificateRefused
    from docgen.signing.pki import LocalPki, Subject

    expired = LocalPki.create(tmp_path / "expired-pki")
    now = dt.datetime.now(dt.UTC)
    pair = expired.issue(
        Subject("Әбенов Қайрат Үсенұлы", iin="790228300518"),
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=1),
    )
    expired.save(pair, expired.provider_path("mtc-communications-committee"))
    request_id = real_world.registered()
    issuer = real_world.app.requests.issuer
    real = issuer.signers
    # DOCGEN_EMBED_REVOCATION=0: nothing in pyHanko's signing looks at the certificate's validity
    settings = SigningSettings(pki_dir=expired.folder, embed_revocation=False)
    issuer.signers = PadesSigners(ProviderSigners(settings, renderer))
    before = real_world.rows()
    with pytest.raises(SignerCertificateRefused):
        real_world.issue(real_world[_clerk(real_world)], request_id)
    assert real_world.rows() == before
    issuer.signers = real
    assert real_world.issue(real_world[_clerk(real_world)], request_id) == "LIC-MTCCOMCOM-2026-000001"


def test_a_license_the_registry_knows_verifies_only_as_signed_by_its_providers_official(
    real_world: World, renderer: Any
) -> None:
    from docgen.signing.pades import DocumentSigner, load_signer
    from docgen.signing.pki import DEMO_PASSWORD
    from docgen.signing.trust import validation_context

    _, number = real_world.licensed()
    content = real_world.app.documents.download(real_world["dala"], number).content
    verdict = real_world.app.documents.check_file(number, content)
    assert verdict["provider"] == "mtc-communications-committee"
    assert verify_pdf(content, real_world.pki.folder, provider=verdict["provider"]).ok
    # the same license re-signed by another provider's official: trusted, but not this licensor's
    unsigned = renderer.render("license", _example_license(renderer), "kk", "pdf")
    other = load_signer(real_world.pki.provider_path("mci-culture-committee"), DEMO_PASSWORD)
    forged = DocumentSigner(other, validation_context=validation_context(real_world.pki.folder)).sign(
        unsigned
    )
    result = verify_pdf(forged, real_world.pki.folder, provider=verdict["provider"])
    assert not result.ok and result.signatures[0].reasons == ("unauthorized-signer",)


def _example_license(renderer: Any) -> dict[str, Any]:
    from tests.conftest import example

    return example(renderer, "license")


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


def test_the_decision_names_the_registered_official_whose_key_signed(real_world: World) -> None:
    """The sealed history says which official signed: the serial in the issuing entry is the
    signing certificate's, and the signers' register has it for the issuing provider."""
    from docgen.signing.signers import load_register

    request_id, number = real_world.licensed()
    shown = real_world.app.queries.show(real_world["dala"], request_id)
    (decision,) = [entry for entry in shown["history"] if entry.get("details", {}).get("document") == number]
    serial = decision["details"]["signer_certificate"]
    content = real_world.app.documents.download(real_world["dala"], number).content
    (signed_by,) = verify_pdf(content, real_world.pki.folder).signatures
    register = load_register(real_world.pki.folder)
    assert register is not None
    found = register.provider("mtc-communications-committee")
    assert found is not None
    assert int(serial, 16) in {official.serial for official in found.officials}
    assert signed_by.provider == "mtc-communications-committee"
