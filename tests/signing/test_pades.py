"""Signed documents: PAdES by the provider, checked with pyHanko's validator."""

from __future__ import annotations

import io
import re
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from docgen.adapters.signing import ProviderSigners
from docgen.config import SigningSettings
from docgen.errors import SigningKeyError
from docgen.rendering.core import Renderer
from docgen.signing.pades import SIGNATURE_BOX
from docgen.signing.pki import LocalPki, Subject
from docgen.signing.verify import verify_pdf
from tests.conftest import example

PROVIDER = "mtc-communications-committee"


@pytest.fixture(scope="module")
def unsigned(renderer: Renderer) -> bytes:
    return renderer.render("license", example(renderer, "license"), "kk", "pdf")


@pytest.fixture(scope="module")
def signers(pki: LocalPki, renderer: Renderer) -> ProviderSigners:
    return ProviderSigners(SigningSettings(pki_dir=pki.folder), renderer)


@pytest.fixture(scope="module")
def signed(signers: ProviderSigners, unsigned: bytes) -> bytes:
    return signers.for_provider(PROVIDER).sign(unsigned)


def test_a_signed_license_is_intact_trusted_and_unmodified(signed: bytes, pki: LocalPki) -> None:
    result = verify_pdf(signed, pki.folder)
    assert result.ok
    (signature,) = result.signatures
    assert signature.intact and signature.trusted and not signature.modified and not signature.revoked
    assert signature.signer == "Әбенов Қайрат Үсенұлы"
    assert signature.signed_at is not None


def test_the_signature_is_pades_with_revocation_data_embedded(signed: bytes) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) >= 1 and len(dss["/Certs"]) >= 1
    # in the signed revision itself: nothing follows the signature, so it covers the whole file
    assert embedded.signed_revision == reader.xrefs.total_revisions - 1
    assert embedded.byte_range[-2] + embedded.byte_range[-1] == len(signed)


def test_the_signature_is_visible_on_the_last_page(signed: bytes) -> None:
    import pypdfium2
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_signatures
    widget = embedded.sig_field
    assert [round(float(v)) for v in widget["/Rect"]] == list(SIGNATURE_BOX)
    assert "/AP" in widget
    document = pypdfium2.PdfDocument(signed)
    document.init_forms()
    page = document[len(document) - 1]
    scale = 2
    image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
    height = image.height
    x1, y1, x2, y2 = SIGNATURE_BOX
    box = image.crop((x1 * scale, height - y2 * scale, x2 * scale, height - y1 * scale))
    blue = sum(1 for r, g, b in box.get_flattened_data() if b > 100 and r < 90)
    assert blue > 200, "the stamp's blue text and frame are drawn"
    document.close()


def test_content_added_after_signing_is_reported_as_modified(signed: bytes, pki: LocalPki) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    overlay = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (CANCELLED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    tampered = io.BytesIO()
    writer.write(tampered)
    result = verify_pdf(tampered.getvalue(), pki.folder)
    assert not result.ok
    assert result.signatures[0].modified
    assert result.signatures[0].intact  # the signed revision itself is untouched


def test_a_hybrid_cross_reference_shadow_is_reported_as_modified(signed: bytes, pki: LocalPki) -> None:
    tampered = hybrid_shadow(signed)
    result = verify_pdf(tampered, pki.folder)
    assert not result.ok
    assert result.signatures[0].modified
    assert "hybrid" in result.signatures[0].summary


def hybrid_shadow(signed: bytes, text: bytes = b"CANCELLED") -> bytes:
    """Append a revision whose classic xref section looks harmless while its
    /XRefStm (hybrid) stream redefines page 1's content: readers that honour
    hybrid files show the new content."""
    reader = PdfFileReader(io.BytesIO(signed))
    page = reader.root["/Pages"]["/Kids"][0]
    contents = page.raw_get("/Contents")
    target = contents.idnum if hasattr(contents, "idnum") else contents[0].idnum
    size = int(reader.trailer["/Size"])
    prev = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    root = reader.trailer.raw_get("/Root")
    body = bytearray(signed)
    if not body.endswith(b"\n"):
        body += b"\n"
    payload = b"BT /F1 36 Tf 100 600 Td (" + text + b") Tj ET"
    new_offset = len(body)
    body += (
        b"%d 0 obj\n<< /Length %d >>\nstream\n" % (target, len(payload)) + payload + b"\nendstream\nendobj\n"
    )
    xref_id = size
    rows = b"\x01" + struct.pack(">I", new_offset) + b"\x00"
    stream_offset = len(body)
    xref_stream = (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Index [%d 1] /Length %d >>\nstream\n"
        % (xref_id, size + 1, target, len(rows))
        + rows
        + b"\nendstream\nendobj\n"
    )
    body += xref_stream
    table_offset = len(body)
    body += b"xref\n%d 1\n%010d 00000 n \n" % (xref_id, stream_offset)
    body += b"trailer\n<< /Size %d /Root %d %d R /Prev %d /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1,
        root.idnum,
        root.generation,
        prev,
        stream_offset,
        table_offset,
    )
    return bytes(body)


def test_a_changed_byte_in_the_signed_range_breaks_integrity(signed: bytes, pki: LocalPki) -> None:
    position = signed.index(b"KZ73LAA") if b"KZ73LAA" in signed else len(signed) // 3
    tampered = signed[:position] + bytes([signed[position] ^ 0x01]) + signed[position + 1 :]
    result = verify_pdf(tampered, pki.folder)
    assert not result.ok


def test_a_signature_from_another_root_is_not_trusted(signed: bytes, tmp_path: Path) -> None:
    other = LocalPki.create(tmp_path / "other")
    result = verify_pdf(signed, other.folder)
    assert not result.ok and not result.signatures[0].trusted


def test_a_revoked_signer_is_not_ok(unsigned: bytes, renderer: Renderer, tmp_path: Path) -> None:
    own = LocalPki.create(tmp_path / "pki")
    pair = own.issue(Subject("Сынақ Қол Қоюшы", iin="880501300124", title="Тест / Тест"))
    own.save(pair, own.provider_path("test-provider"))
    settings = SigningSettings(pki_dir=own.folder, embed_revocation=False)
    signed = ProviderSigners(settings, renderer).for_provider("test-provider").sign(unsigned)
    assert verify_pdf(signed, own.folder).ok
    own.revoke(pair.certificate.serial_number)
    result = verify_pdf(signed, own.folder)
    assert not result.ok and result.signatures[0].revoked


def _own_signed(unsigned: bytes, renderer: Renderer, folder: Path) -> tuple[LocalPki, bytes]:
    own = LocalPki.create(folder)
    own.save(own.issue(Subject("Сынақ Қол Қоюшы", iin="880501300124")), own.provider_path("test-provider"))
    settings = SigningSettings(pki_dir=own.folder, embed_revocation=False)
    return own, ProviderSigners(settings, renderer).for_provider("test-provider").sign(unsigned)


def test_without_a_crl_revocation_checking_fails_closed(
    unsigned: bytes, renderer: Renderer, tmp_path: Path
) -> None:
    own, signed = _own_signed(unsigned, renderer, tmp_path / "pki")
    assert verify_pdf(signed, own.folder).ok
    own.crl_path.unlink()
    assert not verify_pdf(signed, own.folder).ok
    own.crl_path.write_text("not a CRL", encoding="utf-8")
    assert not verify_pdf(signed, own.folder).ok


def test_a_stale_crl_is_not_trusted(unsigned: bytes, renderer: Renderer, tmp_path: Path) -> None:
    import datetime as dt

    own, signed = _own_signed(unsigned, renderer, tmp_path / "pki")
    own.write_crl([], next_update=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    assert not verify_pdf(signed, own.folder).ok


def test_the_issued_hash_is_compared_when_given(signed: bytes, pki: LocalPki) -> None:
    import hashlib

    good = hashlib.sha256(signed).hexdigest()
    assert verify_pdf(signed, pki.folder, expected_sha256=good).ok
    result = verify_pdf(signed, pki.folder, expected_sha256="0" * 64)
    assert result.sha256_matches is False and not result.ok


def test_an_unsigned_pdf_is_not_ok(unsigned: bytes, pki: LocalPki) -> None:
    result = verify_pdf(unsigned, pki.folder)
    assert result.signatures == () and not result.ok


def test_b_t_with_a_timestamp_authority(unsigned: bytes, pki: LocalPki, renderer: Renderer) -> None:
    settings = SigningSettings(pki_dir=pki.folder, tsa="local")
    signed = ProviderSigners(settings, renderer).for_provider(PROVIDER).sign(unsigned)
    result = verify_pdf(signed, pki.folder)
    assert result.ok and result.signatures[0].timestamped


def test_a_wrong_key_password_is_a_clear_error(pki: LocalPki, renderer: Renderer) -> None:
    settings = replace(SigningSettings(pki_dir=pki.folder), key_password="wrong")
    with pytest.raises(SigningKeyError) as caught:
        ProviderSigners(settings, renderer).for_provider(PROVIDER)
    assert "wrong password" in caught.value.message("ru")


def test_a_document_signed_before_gets_an_approval_signature(
    signers: ProviderSigners, unsigned: bytes, pki: LocalPki
) -> None:
    """A certification must be a document's first signature: ``docgen sign`` on a PDF someone
    signed already adds an approval signature instead of failing."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers as pyhanko_signers

    from docgen.signing.pades import load_signer
    from docgen.signing.pki import DEMO_PASSWORD

    applicant = load_signer(pki.applicant_path("120340001230"), DEMO_PASSWORD)
    foreign = io.BytesIO()
    pyhanko_signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsigned)),
        pyhanko_signers.PdfSignatureMetadata(field_name="Applicant"),
        signer=applicant,
        output=foreign,
    )
    both = signers.for_provider(PROVIDER).sign(foreign.getvalue())
    first, second = PdfFileReader(io.BytesIO(both)).embedded_signatures
    assert first.field_name == "Applicant" and second.field_name == "DocgenSignature"
    assert second.docmdp_level is None and "/Perms" not in PdfFileReader(io.BytesIO(both)).root
    ours = verify_pdf(both, pki.folder).signatures[1]
    assert ours.ok and ours.intact and not ours.modified
