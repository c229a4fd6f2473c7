"""The steps the browser tests take on the pages, as a person would: fill a service's form with its
example, attach a scan, sign with a ``.p7s`` made over the payload the page offers, and carry a
telecom license request to "registered"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser.conftest import Browser, Server
from tests.conftest import decode_qr

DALA = "120340001230"  # «Дала Телеком», whose head's key the demo PKI holds
TELECOM = "telecom-license"
MEDIA = "foreign-media-registration"
#: The smallest file that is a PDF by its bytes (a scan, as far as the pages can tell).
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Issued:
    """Journey (a)'s result: the request, the license's number and its signed PDF."""

    request_id: str
    number: str
    pdf: bytes


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Request data as the form's controls name them (``applicant.address.kk``); lists left out."""
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


def clerk_of(examples: Any, service: str) -> str:
    return f"clerk-{examples.catalog.get(service).provider_code}"


def request_id(web: Browser) -> str:
    found = re.search(r"/requests/([^/?#]+)$", web.path)
    assert found, web.path
    return found.group(1)


def message(web: Browser) -> str:
    """The page's flashed messages; an error fails the step that caused it."""
    errors = [e.text for e in web.all(".message.error")]
    assert not errors, errors
    return " ".join(e.text for e in web.all(".message"))


def file_form(web: Browser, examples: Any, role: str, service: str, action: str, **extra: str) -> str:
    """Open the service's form from the role's page, fill it with the service's example, save it."""
    link = f"a[href$='/{role}/services/{service}/{action}/new']"
    if not web.all(link):
        web.click(f"a[href$='/{role}/services']")
    web.click(link)
    assert web.all("fieldset#s-applicant"), "the form has the applicant's fieldset"
    for name, value in (flatten(examples.requests.intake_example(service)) | extra).items():
        web.fill(name, value)
    web.click("form.request-form button[type=submit]")
    message(web)
    return request_id(web)


def attach(web: Browser, folder: Path, code: str) -> None:
    scan = folder / f"{code}.pdf"
    scan.write_bytes(SCAN)
    web.fill("code", code)
    web.find("#attach-file").send_keys(str(scan))
    web.click("form[action$='/attach'] button[type=submit]")
    message(web)


def sign(web: Browser, folder: Path, key: Path) -> None:
    """Download the payload the page offers, sign it as ``docgen sign-request`` does, upload the .p7s."""
    from docgen.signing.request_signature import sign_request

    payload = web.get(web.find("a[href$='/payload']").get_attribute("href"))
    signature = folder / "request.p7s"
    signature.write_bytes(sign_request(payload, key.read_bytes(), b"demo"))
    web.find("#sign-file").send_keys(str(signature))
    web.click("form[action$='/sign'] button[type=submit]")
    message(web)


def carry_to_registered(web: Browser, examples: Any, server: Server, folder: Path) -> str:
    """As «Дала Телеком», on the portal: file, attach the scans, submit, pay, sign; the request's id."""
    rid = file_form(web, examples, "applicant", TELECOM, "issue")
    for code in ("technical-means", "network-scheme"):
        attach(web, folder, code)
    web.click("form[action$='/submit'] button")
    message(web)
    web.click("form[action$='/pay'] button")
    assert web.all("form[action$='/paid']"), "the sandbox gateway's payment page"
    web.click("form[action$='/paid'] button")
    message(web)
    sign(web, folder, server.pki / "applicants" / f"{DALA}.p12")
    return rid


def documents(web: Browser) -> dict[str, str]:
    """Number -> the signed original's link, of the documents the request page lists."""
    found = {}
    for link in web.all("ul.documents a[href*='/documents/']:not([href*='format='])"):
        href = str(link.get_attribute("href"))
        found[href.rsplit("/", 1)[-1]] = href
    return found


def issued_number(web: Browser) -> str:
    """The number the clerk's page announces after issuing (№ …)."""
    found = re.search(r"№\s*(\S+)", message(web))
    assert found, message(web)
    return found.group(1).rstrip(".,:;")


def verification_url(server: Server, pdf: bytes) -> str:
    """The QR code's address, at the test server."""
    (text,) = [t for t in decode_qr(pdf, 0) + decode_qr(pdf) if "/verify/" in t][:1]
    return server.url + "/verify/" + text.split("/verify/", 1)[1]
