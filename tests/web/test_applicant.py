"""The applicant's pages over a real SQLite application with the demo users and PKI: the whole journey
in Kazakh (file → attach → submit → pay → sign → the clerk issues → the PDF with the license number),
in Russian ending in a refusal, a form error that keeps what was typed, another applicant's URLs, and a
form posted without its CSRF token."""

from __future__ import annotations

import base64
import html
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import pdf_text

DALA = "120340001230"  # «Дала Телеком», whose head's key the demo PKI holds
PERSON = "880501300124"
PASSWORD = "docgen-demo"
#: The smallest file that is a PDF by its bytes.
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Site:
    """One application (SQLite in a temporary folder, demo users and PKI) and its Flask app."""

    def __init__(self, folder: Path) -> None:
        from docgen.bootstrap import build
        from docgen.config import load
        from docgen.demo import prepare
        from docgen.web import create_app

        self.pki = folder / "pki"
        self.application = build(
            load(
                {
                    "DOCGEN_INSTANCE_DIR": str(folder),
                    "DOCGEN_PKI_DIR": str(self.pki),
                    "DOCGEN_AUDIT_KEY": "the web tests' audit key, not a secret",
                    "DOCGEN_PAYMENT_SECRET": "the web tests' gateway secret",
                }
            )
        )
        prepare(self.application)
        self.app = create_app(self.application, testing=True, WTF_CSRF_ENABLED=True)

    def client(self, login: str, lang: str = "kk") -> FlaskClient:
        """A browser signed in as ``login``, reading pages in ``lang``."""
        client = self.app.test_client()
        client.get(f"/language/{lang}")
        page = client.get("/sign-in")
        answer = client.post(
            "/sign-in", data={"login": login, "password": PASSWORD, "csrf_token": token(page.get_data(True))}
        )
        assert answer.status_code == 302, answer.get_data(True)
        return client

    def clerk_of(self, service: str) -> str:
        return f"clerk-{self.application.catalog.get(service).provider_code}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = Site(tmp_path_factory.mktemp("web"))
    yield made
    made.application.engine.dispose()


def token(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def post(client: FlaskClient, url: str, page_url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """Post ``data`` to ``url`` with the CSRF token of the page at ``page_url``, as a browser would."""
    page = client.get(page_url)
    return client.post(url, data={**(data or {}), "csrf_token": token(page.get_data(True))}, **kw)


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Request data as the form's controls name it (``applicant.address.kk``)."""
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for key, value in data.items():
            out |= flatten(value, f"{prefix}{key}.")
        return out
    if isinstance(data, list):
        return {}
    if isinstance(data, bool):
        return {prefix[:-1]: "1"} if data else {}
    return {prefix[:-1]: str(data)}


def file_request(site: Site, client: FlaskClient, role: str, service: str, action: str, **extra: str) -> str:
    """Fill the service's form with its example and save it; the new request's id."""
    example = site.application.requests.intake_example(service)
    url = f"/{role}/services/{service}/{action}/new"
    answer = post(client, url, url, flatten(example) | extra)
    assert answer.status_code == 302, answer.get_data(True)
    return str(answer.headers["Location"]).rstrip("/").rsplit("/", 1)[-1]


def sign_payload(client: FlaskClient, base: str, key: Path) -> bytes:
    """Download the request's payload from its page and sign it with ``key``, as docgen sign-request."""
    from docgen.signing.request_signature import sign_request

    payload = client.get(f"{base}/payload")
    assert payload.status_code == 200
    return sign_request(payload.data, key.read_bytes(), b"demo")


def issued_number(page: str, kind: str) -> str:
    found = re.search(r"№ ([A-Z0-9А-ЯӘҒҚҢӨҰҮҺІ-]+)</strong>", page)
    assert found, f"no {kind} number on the page"
    return found.group(1)


def carry_to_registered(site: Site, client: FlaskClient) -> str:
    """As «Дала Телеком»: file a telecom license, attach, submit, pay in the sandbox, sign; the id."""
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
    gateway = post(client, f"{base}/pay", base)
    assert gateway.status_code == 200
    page = gateway.get_data(True)
    fields = dict(re.findall(r'name="(payload|signature)" value="([^"]+)"', page))
    assert base64.b64decode(fields["payload"])  # the gateway's signed callback, on the sandbox page
    paid = client.post(f"{base}/paid", data=fields | {"csrf_token": token(page)})
    assert paid.status_code == 302
    signature = sign_payload(client, base, site.pki / "applicants" / f"{DALA}.p12")
    signed = post(
        client,
        f"{base}/sign",
        base,
        {"signature": (io.BytesIO(signature), "request.p7s")},
        content_type="multipart/form-data",
    )
    assert signed.status_code == 302
    return request_id


def test_applicant_files_pays_signs_in_kazakh_and_downloads_the_issued_license(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    request_id = carry_to_registered(site, applicant)
    page = applicant.get(f"/applicant/requests/{request_id}").get_data(True)
    assert "Тіркелді" in page  # registered, in Kazakh
    assert "<td>application/pdf</td>" in page  # the attached receipt, typed by its bytes
    assert "Төленді" in page or "төле" in page.lower()  # the history names the payment

    clerk = site.client(site.clerk_of("telecom-license"), "kk")
    queue = clerk.get("/clerk/").get_data(True)
    assert f"/clerk/requests/{request_id}" in queue
    review = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    decision = html.unescape(
        re.search(r'<textarea name="decision"[^>]*>(.*?)</textarea>', review, re.S).group(1)
    )
    issued = clerk.post(
        f"/clerk/requests/{request_id}/issue", data={"decision": decision, "csrf_token": token(review)}
    )
    assert issued.status_code == 302

    page = applicant.get(f"/applicant/requests/{request_id}").get_data(True)
    assert "Нәтиже берілді" in page
    number = issued_number(page, "license")
    original = applicant.get(f"/applicant/documents/{number}")
    assert original.status_code == 200
    assert original.mimetype == "application/pdf"
    assert number in pdf_text(original.data).replace(" ", "")
    copy = applicant.get(f"/applicant/documents/{number}?format=docx&lang=ru")
    assert copy.status_code == 200 and copy.data[:2] == b"PK"
    mine = applicant.get("/applicant/").get_data(True)
    assert f"/applicant/requests/{request_id}" in mine
    assert number in mine  # the notification names the license


def refuse(site: Site, request_id: str, lang: str) -> None:
    """The telecom license's clerk refuses the request on the first ground the page offers, with an
    explanation in both languages."""
    clerk = site.client(site.clerk_of("telecom-license"), lang)
    review = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    grounds = re.findall(r'name="ground" id="[^"]+" value="([^"]+)"', review)
    assert grounds
    refused = clerk.post(
        f"/clerk/requests/{request_id}/refuse",
        data={
            "ground": grounds[0],
            "explanation_kk": "Өтініште көрсетілген БСН тізілімдегі деректерге сәйкес келмейді.",
            "explanation_ru": "БИН, указанный в заявлении, не совпадает с данными реестра.",
            "csrf_token": token(review),
        },
    )
    assert refused.status_code == 302


def test_applicant_in_russian_is_refused_and_gets_the_reasoned_refusal(site: Site) -> None:
    applicant = site.client(DALA, "ru")
    request_id = carry_to_registered(site, applicant)
    refuse(site, request_id, "ru")
    page = applicant.get(f"/applicant/requests/{request_id}").get_data(True)
    assert "Отказано" in page
    assert "Мотивированный отказ" in page
    number = issued_number(page, "refusal")
    document = applicant.get(f"/applicant/documents/{number}")
    assert document.status_code == 200
    assert "не совпадает с данными реестра" in pdf_text(document.data)


def test_a_form_error_keeps_what_was_typed_and_says_what_is_wrong_next_to_the_field(site: Site) -> None:
    example = site.application.requests.intake_example("telecom-license")
    typed = flatten(example) | {"applicant.bin": "12345", "fields.territory": ""}
    url = "/applicant/services/telecom-license/issue/new"
    for lang, problem in (("kk", "12 цифрдан тұруы керек"), ("ru", "должно состоять из 12 цифр")):
        client = site.client(DALA, lang)
        answer = post(client, url, url, typed)
        assert answer.status_code == 422
        page = answer.get_data(True)
        bin_error = re.search(r'<p class="error" id="f-applicant-bin-error">([^<]*)</p>', page)
        assert bin_error and problem in bin_error.group(1)
        assert 'id="f-fields-territory-error"' in page
        assert 'value="12345"' in page  # the wrong value stays, to be corrected
        assert html.escape(example["fields"]["network_description"], quote=False) in page
        assert f'value="{html.escape(example["applicant"]["address"]["kk"])}"' in page


def test_another_applicants_request_and_document_urls_answer_404(site: Site) -> None:
    owner = site.client(DALA, "kk")
    request_id = file_request(site, owner, "applicant", "telecom-license", "issue")
    stranger = site.client(PERSON, "kk")
    assert stranger.get(f"/applicant/requests/{request_id}").status_code == 404
    assert stranger.get(f"/applicant/requests/{request_id}/payload").status_code == 404
    submit = post(stranger, f"/applicant/requests/{request_id}/submit", "/applicant/")
    assert submit.status_code == 404
    assert stranger.get("/applicant/requests/no-such-request").status_code == 404
    assert stranger.get("/applicant/documents/LIC-NO-SUCH-1").status_code == 404
    # and the owner's request was not moved by the stranger's post
    assert "Жоба" in owner.get(f"/applicant/requests/{request_id}").get_data(True)


def test_a_step_posted_without_its_csrf_token_is_refused_and_changes_nothing(site: Site) -> None:
    client = site.client(DALA, "kk")
    request_id = file_request(site, client, "applicant", "telecom-license", "issue")
    answer = client.post(f"/applicant/requests/{request_id}/submit", data={})
    assert answer.status_code == 400
    assert "Жоба" in client.get(f"/applicant/requests/{request_id}").get_data(True)


def test_a_signed_out_visitor_is_sent_to_sign_in_and_a_clerk_may_not_open_applicant_pages(site: Site) -> None:
    answer = site.app.test_client().get("/applicant/")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]
    clerk = site.client(site.clerk_of("telecom-license"))
    assert clerk.get("/applicant/").status_code in (403, 404)


def test_a_file_that_is_not_what_it_claims_is_refused_in_the_pages_language(site: Site) -> None:
    client = site.client(DALA, "kk")
    request_id = file_request(site, client, "applicant", "telecom-license", "issue")
    base = f"/applicant/requests/{request_id}"
    answer = post(
        client,
        f"{base}/attach",
        base,
        {"code": "fee-receipt", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "receipt.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = answer.get_data(True)
    error = re.search(r'<p class="message error"[^>]*>([^<]*)</p>', page)
    assert error and "файлы қабылданбады" in error.group(1)
    assert "<td>application/pdf</td>" not in page  # nothing was attached


def _levels(page: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]


def test_the_role_pages_have_one_h1_and_headings_that_do_not_skip_levels(site: Site) -> None:
    client = site.client(DALA, "ru")
    request_id = file_request(site, client, "applicant", "telecom-license", "issue")
    clerk = site.client(site.clerk_of("telecom-license"), "ru")
    operator = site.client("operator-astana", "ru")
    pages = [
        client.get("/applicant/"),
        client.get("/applicant/services"),
        client.get("/applicant/services/telecom-license/reissue/new"),
        client.get(f"/applicant/requests/{request_id}"),
        clerk.get("/clerk/"),
        operator.get("/operator/"),
        operator.get("/operator/services/foreign-media-registration/register/new"),
    ]
    for answer in pages:
        page = answer.get_data(True)
        assert answer.status_code == 200
        levels = _levels(page)
        assert levels.count(1) == 1, levels
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
        assert '<html lang="ru">' in page
        for control in re.findall(r'<(?:input|select|textarea)[^>]*\bid="(f-[^"]+)"', page):
            assert f'for="{control}"' in page or re.search(
                rf'<label class="inline"><input[^>]*id="{control}"', page
            )
