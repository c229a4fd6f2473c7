"""A license's signature over its whole life: timestamped at issue (B-T) with its validation data
(B-LT), judged at the time its timestamp proves when its signer is later revoked or expires, kept
verifiable by document timestamps (B-LTA); and revocations that keep their reasons and dates."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID

from docgen.adapters.signing import PadesArchiver, ProviderSigners
from docgen.config import SigningSettings, load_signing_settings
from docgen.errors import SignerCertificateRefused
from docgen.rendering.core import Renderer
from docgen.signing.pki import DEMO_PASSWORD, KeyPair, LocalPki, Subject
from docgen.signing.trust import validation_context
from docgen.signing.verify import verify_pdf
from tests.conftest import example

PROVIDER = "test-provider"
DOCGEN = [sys.executable, "-m", "docgen.cli"]


@pytest.fixture(scope="module")
def unsigned(renderer: Renderer) -> bytes:
    return renderer.render("license", example(renderer, "license"), "kk", "pdf")


@pytest.fixture
def own(tmp_path: Path) -> LocalPki:
    """A PKI of its own (its CRL is changed here) with a timestamp authority, as ``pki init`` makes."""
    pki = LocalPki.create(tmp_path / "pki")
    tsa = pki.issue(
        Subject("Сынақ уақыт белгісі", organization="docgen (tests)"),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    pki.save(tsa, pki.tsa_path)
    return pki


def _official(own: LocalPki, **validity: dt.datetime) -> KeyPair:
    pair = own.issue(Subject("Сынақ Қол Қоюшы", iin="880501300124", title="Тест / Тест"), **validity)  # type: ignore[arg-type]
    own.save(pair, own.provider_path(PROVIDER))
    return pair


def _signed(own: LocalPki, renderer: Renderer, unsigned: bytes, tsa: str | None = "local") -> bytes:
    settings = SigningSettings(pki_dir=own.folder, tsa=tsa)
    return ProviderSigners(settings, renderer).sign(PROVIDER, unsigned)


def _moment(text: str | None) -> dt.datetime:
    assert text is not None
    return dt.datetime.fromisoformat(text)


# -- timestamps by default ---------------------------------------------------------------------------
def test_documents_are_timestamped_by_the_local_authority_unless_docgen_tsa_says_none() -> None:
    assert load_signing_settings({}).tsa == "local"
    assert load_signing_settings({"DOCGEN_TSA": "none"}).tsa is None
    assert (
        load_signing_settings({"DOCGEN_TSA": "https://tsa.example.kz/tsp"}).tsa
        == "https://tsa.example.kz/tsp"
    )


def test_a_timestamped_signature_embeds_the_validation_data_of_the_signer_and_the_timestamp_authority(
    own: LocalPki, renderer: Renderer, unsigned: bytes
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    pair = _official(own)
    signed = _signed(own, renderer, unsigned)
    store = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(signed)))
    serials = {certificate.serial_number for certificate in store.load_certs()}
    tsa_serial = pkcs12.load_key_and_certificates(own.tsa_path.read_bytes(), DEMO_PASSWORD)[1].serial_number  # type: ignore[union-attr]
    assert {pair.certificate.serial_number, tsa_serial} <= serials
    assert store.crls, "the CRL that covers both is embedded"


# -- revocation judged at the timestamp's time ---------------------------------------------------------
def test_a_timestamped_document_still_verifies_after_its_signer_is_revoked_for_affiliation_changed(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    pair = _official(own)
    signed = _signed(own, renderer, unsigned)
    untimestamped = _signed(own, renderer, unsigned, tsa=None)
    entry = own.revoke(pair.certificate.serial_number, "affiliation-changed")

    result = verify_pdf(signed, own.folder)
    (signature,) = result.signatures
    assert result.ok and signature.reasons == () and not signature.revoked
    assert signature.timestamped and signature.validation_time_source == "signature-timestamp"
    assert _moment(signature.validation_time) < entry.revoked_at
    assert abs(_moment(signature.validation_time) - _moment(signature.signed_at)) < dt.timedelta(seconds=5)

    (plain,) = verify_pdf(untimestamped, own.folder).signatures
    assert plain.reasons == ("revoked",) and plain.validation_time_source == "now"

    path = tmp_path / "license.pdf"
    path.write_bytes(signed)
    command = [*DOCGEN, "verify", str(path), "--pki-dir", str(own.folder)]
    report = json.loads(
        subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout
    )
    assert report["signatures"][0]["validation_time_source"] == "signature-timestamp"
    assert report["signatures"][0]["validation_time"] == signature.validation_time
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert f"judged at {signature.validation_time} (signature-timestamp" in text


def test_a_key_compromise_dated_before_the_signature_makes_the_timestamped_document_revoked(
    own: LocalPki, renderer: Renderer, unsigned: bytes
) -> None:
    pair = _official(own)
    signed = _signed(own, renderer, unsigned)
    own.revoke(
        pair.certificate.serial_number, "key-compromise", dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    result = verify_pdf(signed, own.folder)
    (signature,) = result.signatures
    assert not result.ok and signature.revoked and signature.reasons == ("revoked",)
    assert signature.validation_time_source == "signature-timestamp"


def test_a_key_compromise_dated_after_the_timestamped_signature_leaves_it_valid(
    own: LocalPki, renderer: Renderer, unsigned: bytes
) -> None:
    pair = _official(own)
    signed = _signed(own, renderer, unsigned)
    (before,) = verify_pdf(signed, own.folder).signatures
    stamped = _moment(before.validation_time)
    own.revoke(pair.certificate.serial_number, "key-compromise", stamped + dt.timedelta(seconds=2))
    result = verify_pdf(signed, own.folder)
    assert result.ok, result.reasons
    assert result.signatures[0].validation_time == before.validation_time


def test_a_compromise_in_the_invalidity_date_before_a_later_revocation_date_is_revoked(
    own: LocalPki, renderer: Renderer, unsigned: bytes
) -> None:
    """A CA may record the revocation when it processes it and the compromise in InvalidityDate."""
    from docgen.signing.pki import Revocation

    pair = _official(own)
    signed = _signed(own, renderer, unsigned)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    own.write_crl(
        [
            Revocation(
                pair.certificate.serial_number,
                now + dt.timedelta(minutes=5),
                "key-compromise",
                invalid_since=now - dt.timedelta(hours=2),
            )
        ]
    )
    assert verify_pdf(signed, own.folder).signatures[0].reasons == ("revoked",)


def test_a_document_verified_after_its_signers_certificate_expired_verifies_from_its_embedded_validation_data(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    _official(own, not_after=until)
    signed = _signed(own, renderer, unsigned)
    untimestamped = _signed(own, renderer, unsigned, tsa=None)
    later = until + dt.timedelta(days=1)
    # no current CRL anywhere: only the root (and the register) remain; nothing may be fetched
    offline = tmp_path / "offline"
    offline.mkdir()
    shutil.copy(own.root_path, offline / "root-ca.pem")
    assert not (offline / "crl.pem").exists()

    result = verify_pdf(signed, offline, now=later)
    (signature,) = result.signatures
    assert result.ok, (result.reasons, signature.summary)
    assert signature.validation_time_source == "signature-timestamp"
    assert _moment(signature.validation_time) < until

    (plain,) = verify_pdf(untimestamped, offline, now=later).signatures
    assert not plain.ok and plain.validation_time_source == "now"
    # the same moment given as a fixed context judges everything then: expired
    (fixed,) = verify_pdf(signed, own.folder, context=validation_context(own.folder, moment=later)).signatures
    assert fixed.reasons == ("expired",) and fixed.validation_time_source == "context"


# -- B-LTA -------------------------------------------------------------------------------------------
def test_archive_timestamp_adds_a_document_timestamp_that_validates_and_the_document_still_verifies(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_timestamp

    _official(own)
    signed = _signed(own, renderer, unsigned)
    settings = SigningSettings(pki_dir=own.folder, tsa="local")
    refreshed = PadesArchiver(settings).timestamp(signed)
    assert refreshed.startswith(signed), "incremental: the signed revision is untouched"

    (stamp,) = PdfFileReader(io.BytesIO(refreshed)).embedded_timestamp_signatures
    status = validate_pdf_timestamp(stamp, validation_context=validation_context(own.folder))
    assert status.valid and status.intact and status.trusted

    result = verify_pdf(refreshed, own.folder)
    assert result.ok, result.reasons
    (timestamp,) = result.timestamps
    assert timestamp.trusted and timestamp.intact
    assert not result.signatures[0].modified

    again = PadesArchiver(settings).timestamp(refreshed)
    twice = verify_pdf(again, own.folder)
    assert twice.ok and len(twice.timestamps) == 2 and all(item.trusted for item in twice.timestamps)

    source, out = tmp_path / "license.pdf", tmp_path / "license-lta.pdf"
    source.write_bytes(signed)
    env = {**os.environ, "DOCGEN_TSA": "local"}
    made = subprocess.run(
        [*DOCGEN, "archive-timestamp", str(source), "--out", str(out), "--pki-dir", str(own.folder)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    checked = subprocess.run(
        [*DOCGEN, "verify", str(out), "--pki-dir", str(own.folder), "--json"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["timestamps"][0]["trusted"] is True


def test_a_document_timestamp_keeps_a_signature_valid_after_its_timestamp_authority_expired(
    own: LocalPki, renderer: Renderer, unsigned: bytes, tmp_path: Path
) -> None:
    """B-LTA's purpose: the signature timestamp's authority and the signer expire; a document timestamp
    by a newer authority, added before then, proves the old timestamp while it could be checked."""
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    _official(own, not_after=soon)
    short_lived = own.issue(
        Subject("Ескі уақыт белгісі", organization="docgen (tests)"),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        not_after=soon,
    )
    own.save(short_lived, own.tsa_path)
    signed = _signed(own, renderer, unsigned)
    newer = own.issue(
        Subject("Жаңа уақыт белгісі", organization="docgen (tests)"),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    own.save(newer, own.tsa_path)
    archived = PadesArchiver(SigningSettings(pki_dir=own.folder, tsa="local")).timestamp(signed)
    offline = tmp_path / "offline"
    offline.mkdir()
    shutil.copy(own.root_path, offline / "root-ca.pem")
    later = soon + dt.timedelta(days=5)

    result = verify_pdf(archived, offline, now=later)
    (signature,) = result.signatures
    assert result.ok, (result.reasons, signature.summary, result.timestamps)
    assert signature.validation_time_source == "signature-timestamp"
    (stamp,) = result.timestamps
    assert stamp.trusted and _moment(stamp.checked_at) == later

    (alone,) = verify_pdf(signed, offline, now=later).signatures
    assert not alone.ok and alone.validation_time_source == "now-timestamp-not-valid"


def test_a_changed_document_timestamp_is_reported(own: LocalPki, renderer: Renderer, unsigned: bytes) -> None:
    _official(own)
    refreshed = PadesArchiver(SigningSettings(pki_dir=own.folder, tsa="local")).timestamp(
        _signed(own, renderer, unsigned)
    )
    # the document timestamp covers everything before its /Contents: change a byte of the DSS update
    marker = refreshed.rfind(b"/DocTimeStamp")
    position = refreshed.rfind(b"/Type", 0, marker - 200)
    tampered = refreshed[:position] + b"/Typf" + refreshed[position + 5 :]
    result = verify_pdf(tampered, own.folder)
    assert not result.ok


# -- the CRL keeps what it said ------------------------------------------------------------------------
def test_the_crl_re_signed_keeps_earlier_entries_reasons_and_dates(own: LocalPki, tmp_path: Path) -> None:
    compromised = own.issue(Subject("Бірінші", iin="880501300124")).certificate.serial_number
    left = own.issue(Subject("Екінші", iin="880501300124")).certificate.serial_number
    compromise = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    revoke = subprocess.run(
        [
            *DOCGEN,
            "pki",
            "revoke",
            str(own.folder),
            format(compromised, "X"),
            "--reason",
            "key-compromise",
            "--date",
            compromise.isoformat(),
        ],
        capture_output=True,
        text=True,
    )
    assert revoke.returncode == 0, revoke.stderr
    own.revoke(left, "affiliation-changed")
    first = {entry.serial: entry for entry in own.revocations()}
    time.sleep(1.1)
    own.write_crl(own.revoked_serials())  # re-signed, as any later revocation does
    own.revoke(own.issue(Subject("Үшінші", iin="880501300124")).certificate.serial_number, "superseded")
    kept = {entry.serial: entry for entry in own.revocations()}

    assert kept[compromised] == first[compromised]
    assert kept[compromised].reason == "key-compromise"
    assert kept[compromised].revoked_at == compromise and kept[compromised].invalid_since == compromise
    assert kept[left] == first[left] and kept[left].reason == "affiliation-changed"
    assert len(kept) == 3


# -- issuing refuses an unregistered official --------------------------------------------------------------
def test_issuing_with_an_unregistered_officials_certificate_is_refused_and_consumes_no_number(
    pki: LocalPki, renderer: Renderer, tmp_path: Path
) -> None:
    folder = tmp_path / "pki"
    shutil.copytree(pki.folder, folder)
    copy = LocalPki(folder)
    code = "mtc-communications-committee"
    registered = copy.provider_path(code).read_bytes()
    stranger = copy.issue(Subject("Тіркелмеген Тұлға", iin="880501300124", title="Тест / Тест"))
    copy.save(stranger, copy.provider_path(code))

    with pytest.raises(SignerCertificateRefused) as caught:
        ProviderSigners(SigningSettings(pki_dir=folder), renderer).check_certificate(code)
    assert "реестру подписантов" in caught.value.message("ru")

    with _world(folder, renderer, tmp_path) as world:
        request_id = world.registered()
        clerk = world[f"clerk-{code}"]
        with pytest.raises(SignerCertificateRefused):
            world.issue(clerk, request_id)
        with world.app.requests.uow(write=False) as uow:
            assert not [key for key, value in uow.counters.values().items() if key[2] == "license" and value]
            assert uow.documents.for_request(request_id) == []
        copy.provider_path(code).write_bytes(registered)
        world.app.requests.issuer.signers.providers._signers.clear()  # type: ignore[attr-defined]  # key reloaded
        number = world.issue(clerk, request_id)
        assert number is not None and number.endswith("-000001"), number
        assert world.app.audit.verify() == []


# -- every stored document, on the command line --------------------------------------------------------
def test_archive_timestamp_of_every_stored_document_keeps_verify_number_and_the_audit_clean(
    pki: LocalPki, renderer: Renderer, tmp_path: Path
) -> None:
    from tests.services.world import AUDIT_KEY

    with _world(pki.folder, renderer, tmp_path, tsa="local") as world:
        licenses = [world.licensed()[1], world.licensed("akzhaiyk", "tv-radio-license", "130540013570")[1]]
        originals = {}
        with world.app.requests.uow(write=False) as uow:
            numbers = list(uow.documents.numbers())  # the licenses and their annexes
            assert set(licenses) < set(numbers) and any(n.startswith("ANX-") for n in numbers)
            for number in numbers:
                document = uow.documents.by_number(number)
                assert document is not None
                originals[number] = document.sha256
        url = str(world.engine.url.render_as_string(hide_password=False))  # type: ignore[attr-defined]

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DOCGEN_PKI_DIR": str(pki.folder),
        "DOCGEN_AUDIT_KEY": AUDIT_KEY,
        "DOCGEN_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    env.pop("DOCGEN_TSA", None)  # the default: the PKI folder's timestamp authority
    done = subprocess.run([*DOCGEN, "archive-timestamp", "--json"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["failed"] == []
    assert sorted(item["number"] for item in report["refreshed"]) == sorted(numbers)
    for item in report["refreshed"]:
        assert item["previous_sha256"] == originals[item["number"]] != item["sha256"]

    audit = subprocess.run([*DOCGEN, "audit", "verify"], capture_output=True, text=True, env=env)
    assert audit.returncode == 0 and "OK" in audit.stdout, audit.stdout + audit.stderr

    from docgen.adapters.db.engine import make_engine
    from docgen.adapters.db.uow import sql_unit_of_work

    engine = make_engine(url)
    try:
        with sql_unit_of_work(engine)(write=False) as uow:
            for item in report["refreshed"]:
                document = uow.documents.by_number(item["number"])
                assert document is not None and document.sha256 == item["sha256"]
                path = tmp_path / f"{item['number']}.pdf"
                path.write_bytes(document.pdf)
                checked = subprocess.run(
                    [*DOCGEN, "verify", str(path), "--number", item["number"], "--json"],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                assert checked.returncode == 0, checked.stdout + checked.stderr
                verdict = json.loads(checked.stdout)
                assert verdict["sha256_matches"] is True and len(verdict["timestamps"]) == 1
        # a file put in with database access alone, not named by the sealed history, is found
        from sqlalchemy import insert

        from docgen.adapters.db.tables import document_files

        with sql_unit_of_work(engine)(write=False) as uow:
            target = uow.documents.by_number(numbers[0])
        assert target is not None
        with engine.begin() as connection:
            connection.execute(
                insert(document_files).values(
                    document_id=target.id,
                    seq=99,
                    sha256="0" * 64,
                    pdf=b"%PDF-forged",
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
    finally:
        engine.dispose()
    audit = subprocess.run([*DOCGEN, "audit", "verify", "--json"], capture_output=True, text=True, env=env)
    assert audit.returncode != 0 and "altered-document" in audit.stdout


def _world(folder: Path, renderer: Renderer, tmp_path: Path, tsa: str | None = None) -> Any:
    """A SQLite world with the real templates, PAdES signing from ``folder`` and (with ``tsa``)
    document timestamps, as tests/services/conftest.py's ``real_world`` builds it."""
    import contextlib

    @contextlib.contextmanager
    def made() -> Iterator[Any]:
        from docgen.adapters.attachments import FolderAttachments
        from docgen.adapters.calendar import KazakhstanCalendar
        from docgen.adapters.db.engine import make_engine
        from docgen.adapters.db.migrate import upgrade
        from docgen.adapters.db.people import TableStateRegistry
        from docgen.adapters.db.uow import sql_unit_of_work
        from docgen.adapters.rendering import TemplateRenderer
        from docgen.adapters.signing import PadesSigners
        from docgen.demo import seed_people
        from docgen.signing.request_signature import CmsRequestChecker, TrustStore
        from tests.services.conftest import count_rows
        from tests.services.world import make_world

        engine = make_engine(f"sqlite:///{tmp_path / 'docgen.sqlite3'}")
        upgrade(engine)
        seed_people(engine, renderer.catalog)
        uow = sql_unit_of_work(engine)
        settings = SigningSettings(pki_dir=folder, tsa=tsa)
        try:
            world = make_world(
                uow,
                lambda: count_rows(uow),
                renderer=TemplateRenderer(renderer),
                signers=PadesSigners(ProviderSigners(settings, renderer)),
                checker=CmsRequestChecker(TrustStore.from_folder(folder)),
                registry=TableStateRegistry(engine),
                attachments=FolderAttachments(tmp_path / "attachments"),
                calendar=KazakhstanCalendar(),
                timestamper=PadesArchiver(settings),
            )
            world.pki = LocalPki(folder)
            world.engine = engine
            yield world
        finally:
            engine.dispose()

    return made()
