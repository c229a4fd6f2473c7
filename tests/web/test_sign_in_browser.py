"""Signing a request in the page: the page's own script (docgen/web/static/sign.js over the vendored
node-forge) run under Node as a browser runs it (tests/web/sign_in_browser.js), its CMS checked by the
server's checker exactly as an uploaded ``.p7s`` is; and the sign form taking that signature from its
``signature_b64`` field while the key file and its password have no name to be posted under.

Without Node these tests skip saying so - except under ``CI=true``, where they fail."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import cms
from flask.testing import FlaskClient

from tests.web.test_applicant import DALA, PERSON, SCAN, Site, file_request, post, token

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "sign_in_browser.js"
VENDOR = HERE.parents[1] / "docgen" / "web" / "static" / "vendor" / "node-forge"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        reason = "signing in the page is tested with Node (the page's script under it): node is not installed"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (CI=true: not skipped)", pytrace=False)
        pytest.skip(reason)
    return found


class Refused(Exception):
    """The page's script would not sign: its code (password, key) as the page shows it."""


def sign_in_page(key: Path, password: str, payload: bytes, folder: Path) -> bytes:
    """What the page's script posts (the DER behind ``signature_b64``) for ``payload``."""
    data = folder / "payload.json"
    data.write_bytes(payload)
    done = subprocess.run(
        [node(), str(SCRIPT), str(key), password, str(data)], capture_output=True, timeout=120, check=False
    )
    if done.returncode == 2:
        raise Refused(done.stderr.decode().strip())
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = Site(tmp_path_factory.mktemp("web-sign"))
    yield made
    made.application.engine.dispose()


def checker(site: Site):  # type: ignore[no-untyped-def]
    from docgen.signing.request_signature import CmsRequestChecker, TrustStore

    return CmsRequestChecker(TrustStore.from_folder(site.pki))


PAYLOAD = (
    '{"data":{"applicant":{"bin":"120340001230","name":"«Дала Телеком» ЖШС"}},"request":{"id":"r1"}}'.encode()
)


def test_the_vendored_forge_is_the_one_its_readme_names_with_its_licence() -> None:
    import hashlib

    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((VENDOR / "forge.min.js").read_bytes()).hexdigest()
    assert digest in readme and "1.4.3" in readme
    assert "BSD" in (VENDOR / "LICENSE").read_text(encoding="utf-8")


def test_a_signature_made_in_the_page_is_accepted_by_the_servers_checker(site: Site, tmp_path: Path) -> None:
    signature = sign_in_page(site.pki / "applicants" / f"{DALA}.p12", "demo", PAYLOAD, tmp_path)
    check = checker(site).check(PAYLOAD, signature, bin=DALA)
    assert check.ok, check.reason
    assert check.signer_bin == DALA and check.signed_at is not None

    # the same CMS as docgen sign-request: detached, SHA-256, RSA PKCS#1 v1.5, contentType, signingTime
    # and messageDigest signed, the signer's certificate (and the key file's chain) inside
    signed = cms.ContentInfo.load(signature)["content"]
    assert signed["encap_content_info"]["content"].native is None
    (info,) = signed["signer_infos"]
    assert info["digest_algorithm"]["algorithm"].native == "sha256"
    assert info["signature_algorithm"].signature_algo == "rsassa_pkcs1v15"
    assert [a["type"].native for a in info["signed_attrs"]] == [
        "content_type",
        "signing_time",
        "message_digest",
    ]
    assert len(signed["certificates"]) >= 1


def test_a_page_signature_over_other_bytes_than_the_payload_is_a_bad_signature(
    site: Site, tmp_path: Path
) -> None:
    signature = sign_in_page(site.pki / "applicants" / f"{DALA}.p12", "demo", PAYLOAD, tmp_path)
    check = checker(site).check(PAYLOAD.replace(b"r1", b"r2"), signature, bin=DALA)
    assert not check.ok and check.reason == "bad-signature"


def test_someone_elses_key_file_signs_but_the_checker_says_identity_mismatch(
    site: Site, tmp_path: Path
) -> None:
    signature = sign_in_page(site.pki / "applicants" / f"{PERSON}.p12", "demo", PAYLOAD, tmp_path)
    check = checker(site).check(PAYLOAD, signature, bin=DALA)
    assert not check.ok and check.reason == "identity-mismatch"


def test_a_wrong_password_does_not_open_the_key_file_in_the_page(site: Site, tmp_path: Path) -> None:
    with pytest.raises(Refused, match=r"^password$"):
        sign_in_page(site.pki / "applicants" / f"{DALA}.p12", "not the password", PAYLOAD, tmp_path)


def test_a_file_that_is_no_key_file_is_refused_in_the_page(site: Site, tmp_path: Path) -> None:
    not_a_key = tmp_path / "scan.p12"
    not_a_key.write_bytes(SCAN)
    with pytest.raises(Refused, match=r"^password$"):
        sign_in_page(not_a_key, "demo", PAYLOAD, tmp_path)


def to_the_sign_step(site: Site) -> tuple[FlaskClient, str]:
    """«Дала Телеком» files a telecom license, attaches, submits and pays: the client and the page URL."""
    client = site.client(DALA, "ru")
    request_id = file_request(site, client, "applicant", "telecom-license", "issue")
    base = f"/applicant/requests/{request_id}"
    attached = post(
        client,
        f"{base}/attach",
        base,
        {"code": "fee-receipt", "file": (io.BytesIO(SCAN), "receipt.pdf")},
        content_type="multipart/form-data",
    )
    assert attached.status_code == 302
    assert post(client, f"{base}/submit", base).status_code == 302
    page = post(client, f"{base}/pay", base).get_data(True)
    fields = dict(re.findall(r'name="(payload|signature)" value="([^"]+)"', page))
    assert client.post(f"{base}/paid", data=fields | {"csrf_token": token(page)}).status_code == 302
    return client, base


def test_the_sign_form_offers_signing_in_the_page_without_a_name_for_the_key_or_its_password(
    site: Site,
) -> None:
    client, base = to_the_sign_step(site)
    page = client.get(base).get_data(True)
    box = re.search(r"<fieldset class=\"in-page-sign\"[^>]*>.*?</fieldset>", page, re.S)
    assert box, "the sign form has no in-page signing"
    opening = box.group(0).split(">", 1)[0]
    assert " hidden" in opening  # shown by sign.js only: without JavaScript the upload is the way
    assert f'data-payload-url="{base}/payload"' in opening
    for control in re.findall(r"<input[^>]*>", box.group(0)):
        assert " name=" not in control, f"{control} would be posted with the form"
    assert 'type="password"' in box.group(0)
    assert '<input type="hidden" name="signature_b64"' in page
    assert '<input type="file" name="signature"' in page  # the .p7s upload stays
    assert "vendor/node-forge/forge.min.js" in page and "/static/sign.js" in page


def test_a_request_signed_in_the_page_is_registered(site: Site, tmp_path: Path) -> None:
    client, base = to_the_sign_step(site)
    payload = client.get(f"{base}/payload").data
    signature = sign_in_page(site.pki / "applicants" / f"{DALA}.p12", "demo", payload, tmp_path)
    answer = post(client, f"{base}/sign", base, {"signature_b64": base64.b64encode(signature).decode()})
    assert answer.status_code == 302
    page = client.get(base).get_data(True)
    assert "Зарегистрирован" in page, page
    assert "Заявление подписано" in page or "подписан" in page.lower()


def test_a_page_signature_with_someone_elses_key_is_checked_and_the_request_refused_as_unconfirmed(
    site: Site, tmp_path: Path
) -> None:
    client, base = to_the_sign_step(site)
    payload = client.get(f"{base}/payload").data
    signature = sign_in_page(site.pki / "applicants" / f"{PERSON}.p12", "demo", payload, tmp_path)
    answer = post(client, f"{base}/sign", base, {"signature_b64": base64.b64encode(signature).decode()})
    assert answer.status_code == 302
    page = client.get(base).get_data(True)
    assert "Зарегистрирован" not in page
    assert "<dd><strong>Отказано</strong>" in page  # the signature is not confirmed: the rules refuse
    assert "неподтверждением подлинности ЭЦП" in page


def test_text_that_is_no_signature_in_the_field_is_a_bad_signature_not_an_error(site: Site) -> None:
    client, base = to_the_sign_step(site)
    answer = post(client, f"{base}/sign", base, {"signature_b64": "not base64 at all!"})
    assert answer.status_code == 302
    page = client.get(base).get_data(True)
    assert 'class="message error"' in page and "Зарегистрирован" not in page
    assert "<dd><strong>Оплачено</strong>" in page  # nothing stored: still to be signed
