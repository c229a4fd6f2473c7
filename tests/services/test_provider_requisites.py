"""The documents the workflow issues print their provider's own requisites (forms/providers.toml):
address, telephone, BIN and the place of issue, never a placeholder; and the BIN a document prints
is the one in its signer's certificate and in the signers' register, so it verifies for the
provider. Real templates, PKI and database."""

from __future__ import annotations

import re
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog
from docgen.signing.verify import verify_pdf
from tests.conftest import decode_qr, pdf_text
from tests.services.world import COMPANY_BIN, World

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
#: The test PKI holds the keys of «Дала Телеком»: it files every service's example on the portal.
PORTAL_APPLICANT = {"kind": "legal", "bin": COMPANY_BIN, "name": "«Дала Телеком» ЖШС"}
#: What the documents printed before providers had requisites: a dash, an all-zero BIN.
PLACEHOLDERS = ("000100000004", "тел. —", "БСН —", "БИН —")

pytestmark = pytest.mark.slow


def _registered(world: World, code: str) -> str:
    """The service's example, filed, paid and signed on the portal by «Дала Телеком»."""
    data = world.example(code)
    data["applicant"] = {k: v for k, v in data["applicant"].items() if k != "iin"} | PORTAL_APPLICANT
    action = next(iter(CATALOG.get(code).actions))
    request_id = world.app.requests.new(world["dala"], code, action, "portal", data)
    if world.app.requests.submit(world["dala"], request_id) == "awaiting-payment":
        world.pay("dala", request_id)
    signature = world.real_signature("dala", request_id, COMPANY_BIN)
    assert world.app.requests.sign(world["dala"], request_id, signature) == "registered"
    return request_id


def _squeezed(text: str) -> str:
    """Without white space: a line may break after a hyphen ("527-" / "кабинет")."""
    return re.sub(r"\s+", "", text)


def _clerk(world: World, code: str) -> Any:
    return world[f"clerk-{CATALOG.get(code).provider_code}"]


def _refusal(world: World, code: str) -> bytes:
    request_id = _registered(world, code)
    ground = CATALOG.get(code).refusal_grounds[0].code
    number = world.app.requests.refuse(_clerk(world, code), request_id, [ground])
    return world.app.documents.download(world["dala"], number).content


def _issue(world: World, code: str, request_id: str) -> str | None:
    """Issue as the provider's clerk, with the service's example decision where the world has one."""
    issue = getattr(world, "issue", None)
    if issue is not None:
        return issue(_clerk(world, code), request_id)  # type: ignore[no-any-return]
    return world.app.requests.issue(_clerk(world, code), request_id)


def _issued(world: World, code: str) -> bytes:
    request_id = _registered(world, code)
    number = _issue(world, code, request_id)
    if number is None:  # paid after the review
        world.pay("dala", request_id)
        number = _issue(world, code, request_id)
    assert number is not None
    return world.app.documents.download(world["dala"], number).content


def _register_bin(world: World, code: str) -> str:
    from docgen.signing.signers import load_register

    register = load_register(world.pki.folder)
    assert register is not None
    entry = register.provider(code)
    assert entry is not None
    return str(entry.bin)


@pytest.mark.parametrize("code", ["archaeology-license", "foreign-media-registration"])
def test_a_refusal_prints_its_providers_address_phone_and_bin_and_verifies_for_it(
    real_world: World, code: str
) -> None:
    provider = CATALOG.get(code).provider
    assert provider.address is not None and provider.bin is not None
    pdf = _refusal(real_world, code)
    text = pdf_text(pdf)
    for lang in ("kk", "ru"):
        assert _squeezed(provider.address[lang]) in _squeezed(text)
    assert _squeezed(f"БСН {provider.bin}, тел. {provider.phone}") in _squeezed(text)
    assert _squeezed(f"БИН {provider.bin}, тел. {provider.phone}") in _squeezed(text)
    assert not any(placeholder in text for placeholder in PLACEHOLDERS), text
    # the printed BIN is the register's and the signer's certificate's: it verifies for the provider
    assert _register_bin(real_world, provider.code) == provider.bin
    result = verify_pdf(pdf, real_world.pki.folder, provider=provider.code)
    assert result.ok and result.signatures[0].provider == provider.code
    assert decode_qr(pdf, page=0)


def test_the_mangystau_registrars_certificate_is_issued_in_aktau_with_its_address_and_phone(
    real_world: World,
) -> None:
    provider = CATALOG.get("foreign-media-registration").provider
    assert provider.address is not None
    text = pdf_text(_issued(real_world, "foreign-media-registration"))
    assert "Ақтау қаласы" in text and "город Актау" in text
    assert "Астана" not in text
    assert _squeezed(provider.address["kk"]) in _squeezed(text)
    assert _squeezed(provider.address["ru"]) in _squeezed(text)
    assert "тел. 8 (7292) 42-66-10" in text


def test_the_almaty_regions_license_is_issued_in_its_city(real_world: World) -> None:
    text = pdf_text(_issued(real_world, "cotton-warehouse-license"))
    assert "Қонаев қаласы" in text and "город Конаев" in text
    assert "Астана қаласы" not in text and "город Астана" not in text


def test_a_license_verifies_for_its_provider_whose_bin_the_register_and_certificate_carry(
    real_world: World,
) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from docgen.signing.pki import DEMO_PASSWORD

    code = "mtc-communications-committee"
    bin_ = CATALOG.providers()[code].bin
    _, number = real_world.licensed()
    pdf = real_world.app.documents.download(real_world["dala"], number).content
    assert "Астана қаласы" in pdf_text(pdf)
    _, certificate, _ = pkcs12.load_key_and_certificates(
        real_world.pki.provider_path(code).read_bytes(), DEMO_PASSWORD
    )
    assert certificate is not None
    unit = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
    assert unit == f"BIN{bin_}" and _register_bin(real_world, code) == bin_
    assert verify_pdf(pdf, real_world.pki.folder, provider=code).ok
    assert not verify_pdf(pdf, real_world.pki.folder, provider="mci-culture-committee").ok
