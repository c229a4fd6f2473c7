"""The centre operator's pages: a foreign-media registration filed for an applicant who came in person
(the documents brought on paper marked, a scan attached), signed with the operator's own key, issued
by the local body's clerk, handed over at the centre; what another centre filed answers 404."""

from __future__ import annotations

import io

from tests.conftest import pdf_text
from tests.web.test_applicant import SCAN, Site, file_request, issued_number, post, sign_payload
from tests.web.test_applicant import site as site  # the module's application

SERVICE = "foreign-media-registration"


def test_the_form_offers_the_paper_marks_and_the_representative(site: Site) -> None:
    operator = site.client("operator-astana", "ru")
    page = operator.get(f"/operator/services/{SERVICE}/register/new").get_data(True)
    assert 'name="paper.distribution-contract"' in page
    assert 'name="representative.power_of_attorney.notarized"' in page
    assert "Копия договора о распространении" in page  # the attachment's label, in Russian
    assert (
        site.client("operator-astana").get("/operator/services/telecom-license/issue/new").status_code == 404
    )


def test_an_operator_files_a_foreign_media_registration_signs_it_and_hands_the_result_over(
    site: Site,
) -> None:
    operator = site.client("operator-astana", "kk")
    request_id = file_request(
        site,
        operator,
        "operator",
        SERVICE,
        "register",
        **{"paper.registration": "1", "paper.registration.pages": "2"},
    )
    base = f"/operator/requests/{request_id}"
    attached = post(
        operator,
        f"{base}/attach",
        base,
        {"code": "distribution-contract", "file": (io.BytesIO(SCAN), "contract-scan.pdf")},
        content_type="multipart/form-data",
    )
    assert attached.status_code == 302
    assert post(operator, f"{base}/submit", base).status_code == 302
    unsigned = post(operator, f"{base}/sign", base, follow_redirects=True)
    assert 'class="message error"' in unsigned.get_data(True)  # the operator's own .p7s is needed
    signature = sign_payload(operator, base, site.pki / "staff" / "operator-astana.p12")
    signed = post(
        operator,
        f"{base}/sign",
        base,
        {"signature": (io.BytesIO(signature), "request.p7s")},
        content_type="multipart/form-data",
    )
    assert signed.status_code == 302
    assert "Тіркелді" in operator.get(base).get_data(True)

    clerk = site.client(site.clerk_of(SERVICE), "kk")
    review = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    assert "<td>application/pdf</td>" in review  # the scan is listed with the request
    assert (
        post(clerk, f"/clerk/requests/{request_id}/issue", f"/clerk/requests/{request_id}").status_code == 302
    )

    page = operator.get(base).get_data(True)
    number = issued_number(page, "certificate")
    handed = post(operator, f"{base}/hand-over", base, {"method": "in-person"}, follow_redirects=True)
    assert handed.status_code == 200
    assert 'class="message error"' not in handed.get_data(True)
    again = post(operator, f"{base}/hand-over", base, {"method": "in-person"}, follow_redirects=True)
    assert 'class="message error"' in again.get_data(True)  # each document is handed over once
    document = operator.get(f"/operator/documents/{number}")
    assert document.status_code == 200
    assert number in pdf_text(document.data).replace(" ", "")
    rows = operator.get("/operator/").get_data(True)
    assert f"/operator/requests/{request_id}" in rows
    user = site.application.users.acting_as("operator-astana")
    history = site.application.queries.show(user, request_id)["history"]
    assert [e["details"].get("document") for e in history if e["event"] == "hand-over"] == [number]


def test_an_applicant_cannot_open_what_the_centre_filed(site: Site) -> None:
    operator = site.client("operator-astana", "kk")
    request_id = file_request(site, operator, "operator", SERVICE, "register")
    applicant = site.client("880501300124", "kk")
    assert applicant.get(f"/applicant/requests/{request_id}").status_code == 404
    assert applicant.get(f"/operator/requests/{request_id}").status_code == 403
