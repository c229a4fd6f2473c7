"""``docgen pki signers list|add|end``: managing who may sign for each provider.

Each test works on its own copy of a PKI folder; the refusals are named after what they stop (another
provider's official, a certificate from another root) and check that nothing was written.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from docgen.cli.signers import signers
from docgen.rendering.core import Renderer
from docgen.signing.pki import DEMO_PASSWORD, KeyPair, LocalPki, Subject, new_key
from docgen.signing.signers import (
    REGISTER_FILE,
    RegisterRefused,
    add_official,
    load_register,
    register_official,
)

PROVIDER = "dala-committee"
OTHER = "tau-committee"
BIN = "120340001230"
OTHER_BIN = "990340309166"
IIN = "880501300124"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return new_key(2048)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, key: rsa.RSAPrivateKey) -> LocalPki:
    """A root with two providers, each with one registered official."""
    pki = LocalPki.create(tmp_path_factory.mktemp("signers-pki"))
    for code, number in ((PROVIDER, BIN), (OTHER, OTHER_BIN)):
        pair = pki.issue(Subject(f"Official of {code}", iin=IIN, bin=number), key=key)
        register_official(pki.folder, code, number, pair.certificate)
    return pki


@pytest.fixture()
def local(base: LocalPki, tmp_path: Path) -> LocalPki:
    """A copy of ``base`` for one test."""
    return LocalPki(Path(shutil.copytree(base.folder, tmp_path / "pki")))


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    """Another root, with the same name as the development root."""
    return LocalPki.create(tmp_path_factory.mktemp("stranger-pki"))


def invoke(*args: object) -> Result:
    return CliRunner().invoke(signers, [str(arg) for arg in args])


def pem(tmp_path: Path, pair: KeyPair, name: str = "official.pem") -> Path:
    path = tmp_path / name
    path.write_bytes(pair.certificate.public_bytes(serialization.Encoding.PEM))
    return path


def official(pki: LocalPki, key: rsa.RSAPrivateKey, bin: str = BIN, name: str = "Әбенов Қайрат") -> KeyPair:
    return pki.issue(Subject(name, iin=IIN, bin=bin, organization="Дала комитеті"), key=key)


def serial_of(pair: KeyPair) -> str:
    return format(pair.certificate.serial_number, "X")


def serials(folder: Path, code: str) -> list[int]:
    register = load_register(folder)
    assert register is not None
    entry = register.provider(code)
    assert entry is not None
    return [item.serial for item in entry.officials]


# -- add and list -------------------------------------------------------------------------------------


def test_add_registers_the_official_and_list_shows_it(
    local: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    pair = official(local, key)
    added = invoke("add", local.folder, PROVIDER, pem(tmp_path, pair))
    assert added.exit_code == 0, added.output
    serial = format(pair.certificate.serial_number, "X")
    assert serial in added.output and PROVIDER in added.output
    assert pair.certificate.serial_number in serials(local.folder, PROVIDER)

    listed = invoke("list", local.folder)
    assert listed.exit_code == 0, listed.output
    block = listed.output.split(f"{PROVIDER}  BIN {BIN}")[1].split(f"{OTHER}  BIN")[0]
    line = next(line for line in block.splitlines() if serial in line)
    assert "Әбенов Қайрат" in line
    assert pair.certificate.not_valid_before_utc.isoformat() in line
    assert pair.certificate.not_valid_after_utc.isoformat() in line

    as_json = json.loads(invoke("list", local.folder, "--json").output)
    entry = as_json["providers"][PROVIDER]
    assert entry["bin"] == BIN and serial in [item["serial"] for item in entry["officials"]]


def test_add_reads_a_pkcs12_file_with_its_period(
    local: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    pair = official(local, key)
    path = tmp_path / "official.p12"
    path.write_bytes(pair.pkcs12(DEMO_PASSWORD))
    added = invoke(
        "add", local.folder, PROVIDER, path, "--from", "2026-01-15", "--until", "2026-06-30T18:00:00+05:00"
    )
    assert added.exit_code == 0, added.output
    register = load_register(local.folder)
    assert register is not None
    found = register.find(pair.certificate)
    assert found is not None and found[0].code == PROVIDER
    assert found[1].valid_from == dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    assert found[1].valid_until == dt.datetime(2026, 6, 30, 13, tzinfo=dt.UTC)
    wrong = invoke("add", local.folder, PROVIDER, path, "--password", "not-the-password")
    assert wrong.exit_code == 2 and "PKCS#12" in wrong.output


def test_add_to_a_new_provider_needs_its_bin(local: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    pair = official(local, key, bin="050140004473")
    refused = invoke("add", local.folder, "new-committee", pem(tmp_path, pair))
    assert refused.exit_code == 2 and "--bin" in refused.output
    added = invoke("add", local.folder, "new-committee", pem(tmp_path, pair), "--bin", "050140004473")
    assert added.exit_code == 0, added.output
    assert serials(local.folder, "new-committee") == [pair.certificate.serial_number]


# -- refusals -------------------------------------------------------------------------------------------


def test_another_providers_official_cannot_be_registered(
    local: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    """A certificate whose subject names another organisation's BIN, added to this provider."""
    before = (local.folder / REGISTER_FILE).read_bytes()
    pair = official(local, key, bin=OTHER_BIN)
    refused = invoke("add", local.folder, PROVIDER, pem(tmp_path, pair))
    assert refused.exit_code == 2
    assert "Қол қоюшылар тізілімі өзгертілмеді" in refused.output
    assert "Реестр подписантов не изменён" in refused.output
    assert OTHER_BIN in refused.output and BIN in refused.output
    # naming the other BIN on the command line does not help
    forced = invoke("add", local.folder, PROVIDER, pem(tmp_path, pair), "--bin", OTHER_BIN)
    assert forced.exit_code == 2 and "БИН" in forced.output
    # a certificate with no BIN at all (an individual's)
    individual = local.issue(Subject("Жеке тұлға", iin=IIN), key=key)
    assert invoke("add", local.folder, PROVIDER, pem(tmp_path, individual)).exit_code == 2
    assert (local.folder / REGISTER_FILE).read_bytes() == before


def test_certificate_from_another_root_cannot_be_registered(
    local: LocalPki, stranger: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    """Same subject, same BIN, same issuer name - but issued by a root this folder does not trust."""
    before = (local.folder / REGISTER_FILE).read_bytes()
    forged = official(stranger, key)
    assert forged.certificate.issuer == local.root().certificate.subject
    refused = invoke("add", local.folder, PROVIDER, pem(tmp_path, forged))
    assert refused.exit_code == 2
    assert "root-ca.pem" in refused.output
    assert "түбірлік сертификатына жетпейді" in refused.output and "не восходит" in refused.output
    assert (local.folder / REGISTER_FILE).read_bytes() == before


def test_one_certificate_cannot_sign_for_two_providers(local: LocalPki, key: rsa.RSAPrivateKey) -> None:
    """A branch registered with the same BIN cannot take over another provider's official."""
    pair = official(local, key)
    add_official(local.folder, PROVIDER, pair.certificate)
    with pytest.raises(RegisterRefused) as refused:
        add_official(local.folder, "dala-branch", pair.certificate, bin=BIN)
    assert PROVIDER in refused.value.message("kk+ru") and "уже зарегистрирован" in refused.value.message("ru")
    assert load_register(local.folder).provider("dala-branch") is None  # type: ignore[union-attr]


def test_an_empty_period_is_refused(local: LocalPki, key: rsa.RSAPrivateKey) -> None:
    pair = official(local, key)
    moment = _now()
    with pytest.raises(RegisterRefused) as refused:
        add_official(local.folder, PROVIDER, pair.certificate, valid_from=moment, valid_until=moment)
    assert "кезең бос" in refused.value.message("kk") and "пустой период" in refused.value.message("ru")


def test_bad_dates_and_serials_are_errors_in_both_languages(local: LocalPki, tmp_path: Path) -> None:
    result = invoke("end", local.folder, "ABC", "--date", "first of March")
    assert result.exit_code == 2 and "ISO 8601" in result.output and "мысалы" in result.output
    result = invoke("end", local.folder, "not-hex")
    assert result.exit_code == 2 and "шестнадцатеричное" in result.output
    result = invoke("end", local.folder, "ABCDEF")
    assert result.exit_code == 2 and "нет в реестре" in result.output and "тізілімде жоқ" in result.output


# -- end ---------------------------------------------------------------------------------------------------


def test_after_end_the_officials_signatures_are_unauthorized(
    local: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    pair = official(local, key)
    assert invoke("add", local.folder, PROVIDER, pem(tmp_path, pair)).exit_code == 0
    left = _now() - dt.timedelta(hours=1)
    ended = invoke(
        "end", local.folder, format(pair.certificate.serial_number, "x"), "--date", left.isoformat()
    )
    assert ended.exit_code == 0, ended.output
    assert left.isoformat() in ended.output

    register = load_register(local.folder)
    assert register is not None
    owner, why_not = register.authority(pair.certificate, _now(), PROVIDER)
    assert owner == PROVIDER and why_not is not None and left.isoformat() in why_not
    assert register.authority(pair.certificate, left - dt.timedelta(minutes=1), PROVIDER) == (PROVIDER, None)
    # the provider's other official keeps the period
    entry = register.provider(PROVIDER)
    assert entry is not None
    others = [item for item in entry.officials if item.serial != pair.certificate.serial_number]
    assert others and all(item.valid_until > _now() for item in others)


def test_end_never_extends_a_period(local: LocalPki, key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    pair = official(local, key)
    until = _now() + dt.timedelta(days=10)
    assert (
        invoke("add", local.folder, PROVIDER, pem(tmp_path, pair), "--until", until.isoformat()).exit_code
        == 0
    )
    later = until + dt.timedelta(days=100)
    assert (
        invoke(
            "end", local.folder, format(pair.certificate.serial_number, "X"), "--date", later.isoformat()
        ).exit_code
        == 0
    )
    register = load_register(local.folder)
    assert register is not None
    found = register.find(pair.certificate)
    assert found is not None and found[1].valid_until == until
    before_start = found[1].valid_from - dt.timedelta(days=1)
    refused = invoke(
        "end", local.folder, format(pair.certificate.serial_number, "X"), "--date", before_start.isoformat()
    )
    assert refused.exit_code == 2 and "начинается" in refused.output


def test_register_is_written_atomically(local: LocalPki, key: rsa.RSAPrivateKey) -> None:
    """No temporary file is left beside the register, and the register is always whole JSON."""
    for _ in range(3):
        add_official(local.folder, PROVIDER, official(local, key).certificate)
        json.loads((local.folder / REGISTER_FILE).read_text(encoding="utf-8"))
    assert sorted(path.name for path in local.folder.iterdir() if "signers" in path.name) == [REGISTER_FILE]


def test_group_attaches_to_a_pki_group(local: LocalPki) -> None:
    """How the coordinator attaches it: ``local.add_command(signers)``."""

    @click.group()
    def pki_group() -> None:
        pass

    pki_group.add_command(signers)
    result = CliRunner().invoke(pki_group, ["signers", "list", str(local.folder)])
    assert result.exit_code == 0 and f"{PROVIDER}  BIN {BIN}" in result.output


def test_list_of_a_folder_without_register(tmp_path: Path) -> None:
    result = invoke("list", tmp_path)
    assert result.exit_code == 0 and REGISTER_FILE in result.output
    assert json.loads(invoke("list", tmp_path, "--json").output) is None


def test_a_license_signed_after_the_official_left_office_does_not_verify(
    pki: LocalPki, renderer: Renderer, tmp_path: Path
) -> None:
    """The official of the demo PKI leaves office; a license they sign afterwards is
    ``unauthorized-signer`` in ``docgen verify``, though their certificate is still valid."""
    from docgen.signing.pades import DocumentSigner, load_signer
    from docgen.signing.trust import validation_context
    from docgen.signing.verify import verify_pdf
    from tests.conftest import example

    provider = "mtc-communications-committee"
    folder = Path(shutil.copytree(pki.folder, tmp_path / "demo-pki"))
    copy = LocalPki(folder)
    unsigned = renderer.render("license", example(renderer, "license"), "kk", "pdf")

    def sign() -> bytes:
        signer = load_signer(copy.provider_path(provider), DEMO_PASSWORD)
        return DocumentSigner(signer, validation_context=validation_context(folder)).sign(unsigned)

    before = verify_pdf(sign(), folder, provider=provider)
    assert before.ok, before.to_dict()

    certificate = load_signer(copy.provider_path(provider), DEMO_PASSWORD).signing_cert
    left = (_now() - dt.timedelta(minutes=30)).isoformat()
    ended = invoke("end", folder, format(certificate.serial_number, "X"), "--date", left)
    assert ended.exit_code == 0, ended.output

    after = verify_pdf(sign(), folder, provider=provider)
    assert not after.ok
    (signature,) = after.signatures
    assert "unauthorized-signer" in signature.reasons
    assert signature.trusted and signature.intact, "only the register refuses it"


@pytest.mark.parametrize(
    ("given", "serial"), [("d1", 0xD1), ("D1", 0xD1), ("0xab", 0xAB), ("12", 0x12), (" 7F ", 0x7F)]
)
def test_serials_are_hex_as_list_shows_them(given: str, serial: int) -> None:
    """A serial starting with ``d`` (a random hex serial does, one time in sixteen) is not decimal."""
    from docgen.cli.signers import _serial

    assert _serial(given) == serial
