"""The development PKI issues certificates whose names keep within RFC 5280's upper bounds."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog
from docgen.signing.pades import SignerIdentity
from docgen.signing.pki import DEMO_PASSWORD, LocalPki, Subject, short_organization_name

DESCRIPTION = x509.ObjectIdentifier("2.5.4.13")

#: The bounds checked, in characters: RFC 5280 Appendix A.1 (ub-*), description from X.520.
BOUNDS = {
    NameOID.COMMON_NAME: 64,  # ub-common-name
    NameOID.ORGANIZATION_NAME: 64,  # ub-organization-name
    NameOID.ORGANIZATIONAL_UNIT_NAME: 64,  # ub-organizational-unit-name
    NameOID.TITLE: 64,  # ub-title
    NameOID.SERIAL_NUMBER: 64,  # ub-serial-number
    NameOID.LOCALITY_NAME: 128,  # ub-locality-name
    NameOID.STATE_OR_PROVINCE_NAME: 128,  # ub-state-name
    NameOID.PSEUDONYM: 128,  # ub-pseudonym
    NameOID.EMAIL_ADDRESS: 255,  # ub-emailaddress-length
    NameOID.GIVEN_NAME: 32768,  # ub-name
    NameOID.SURNAME: 32768,  # ub-name
    NameOID.COUNTRY_NAME: 2,  # exactly two letters
    DESCRIPTION: 1024,  # X.520 ub-description (RFC 5280 sets none)
}


def _certificates(pki: LocalPki) -> list[tuple[str, x509.Certificate]]:
    found = [("root-ca.pem", x509.load_pem_x509_certificate(pki.root_path.read_bytes()))]
    for path in sorted(pki.folder.rglob("*.p12")):
        _, certificate, chain = pkcs12.load_key_and_certificates(path.read_bytes(), DEMO_PASSWORD)
        assert certificate is not None
        found += [(path.name, certificate), *((f"{path.name} chain", item) for item in chain)]
    return found


def test_every_certificate_of_a_fresh_demo_pki_keeps_each_attribute_within_its_bound(pki: LocalPki) -> None:
    certificates = _certificates(pki)
    assert len(certificates) >= 10  # root, six providers, applicants, TSA (and their chains)
    for where, certificate in certificates:
        for name in (certificate.subject, certificate.issuer):
            for attribute in name:
                assert attribute.oid in BOUNDS, f"{where}: no bound checked for {attribute.oid}"
                value = str(attribute.value)
                assert len(value) <= BOUNDS[attribute.oid], f"{where}: {attribute.oid._name} {value!r}"


def test_a_providers_full_name_is_in_the_description_and_o_holds_its_abbreviation(pki: LocalPki) -> None:
    providers = Catalog.load(PROJECT_ROOT / "forms").providers()
    for code, provider in providers.items():
        name = provider.name
        _, certificate, _ = pkcs12.load_key_and_certificates(
            pki.provider_path(code).read_bytes(), DEMO_PASSWORD
        )
        assert certificate is not None
        subject = certificate.subject
        (organization,) = subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        assert organization.value == short_organization_name(name["ru"])
        identity = SignerIdentity.of(certificate)
        assert identity.organization == name["ru"], "the full official name is kept"
        if len(name["ru"]) > 64:
            (description,) = subject.get_attributes_for_oid(DESCRIPTION)
            assert description.value == name["ru"]
    inspectorate = providers["mtc-communications-inspectorate"].name["ru"]
    assert len(inspectorate) == 147
    assert short_organization_name(inspectorate) == "ИСиИпАОКСиИМТиКРК"
    assert (
        short_organization_name(
            "Государственное учреждение «Управление сельского хозяйства Алматинской области»"
        )
        == "ГУ «УСХАО»"
    )


def test_the_stamps_name_and_position_still_come_from_the_certificate(pki: LocalPki) -> None:
    _, certificate, _ = pkcs12.load_key_and_certificates(
        pki.provider_path("mtc-communications-committee").read_bytes(), DEMO_PASSWORD
    )
    assert certificate is not None
    identity = SignerIdentity.of(certificate)
    assert identity.name == "Әбенов Қайрат Үсенұлы"
    assert identity.position == "Төрағаның орынбасары / Заместитель председателя"


def test_a_subject_over_a_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="over 64"):
        Subject("Сынақ", organization="А" * 65).name()
    with pytest.raises(ValueError, match="64"):  # cryptography refuses a long common name itself
        Subject("С" * 65).name()
    with pytest.raises(ValueError, match="over 64"):
        Subject("Сынақ", title="Т" * 65).name()
