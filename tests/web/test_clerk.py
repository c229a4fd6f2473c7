"""The clerk's pages: the provider's queue, a decision with a bad field shown next to it (what was
typed kept), a license suspended with a reason, a duplicate filed at the provider, and another
provider's clerk who cannot open the request."""

from __future__ import annotations

import html
import re

from tests.web.test_applicant import DALA, Site, carry_to_registered, file_request, issued_number, post, token
from tests.web.test_applicant import site as site  # the module's application


def _decision(page: str) -> str:
    found = re.search(r'<textarea name="decision"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no decision form"
    return html.unescape(found.group(1))


def test_a_bad_decision_is_named_next_to_the_textarea_and_what_was_typed_stays(site: Site) -> None:
    applicant = site.client(DALA, "ru")
    request_id = carry_to_registered(site, applicant)
    clerk = site.client(site.clerk_of("telecom-license"), "ru")
    review = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    bad = _decision(review).replace('"subtypes": [\n    "data"\n  ]', '"subtypes": ["no-such-subtype"]')
    assert "no-such-subtype" in bad
    answer = clerk.post(
        f"/clerk/requests/{request_id}/issue", data={"decision": bad, "csrf_token": token(review)}
    )
    assert answer.status_code == 422
    page = answer.get_data(True)
    error = re.search(r'<ul class="error" id="decision-error">(.*?)</ul>', page, re.S)
    assert error and "subtypes" in error.group(1)
    assert "no-such-subtype" in _decision(page)  # the clerk's text is kept for correcting
    broken = clerk.post(
        f"/clerk/requests/{request_id}/issue", data={"decision": "{not json", "csrf_token": token(review)}
    )
    assert broken.status_code == 422 and "JSON" in broken.get_data(True)
    assert "Зарегистрировано" in clerk.get(f"/clerk/requests/{request_id}").get_data(True)


def test_the_queue_shows_the_providers_requests_and_another_providers_clerk_gets_404(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    request_id = carry_to_registered(site, applicant)
    clerk = site.client(site.clerk_of("telecom-license"), "kk")
    queue = clerk.get("/clerk/")
    assert queue.status_code == 200
    assert f"/clerk/requests/{request_id}" in queue.get_data(True)
    stranger = site.client(site.clerk_of("foreign-media-registration"), "kk")
    assert f"/clerk/requests/{request_id}" not in stranger.get("/clerk/").get_data(True)
    assert stranger.get(f"/clerk/requests/{request_id}").status_code == 404
    answer = post(stranger, f"/clerk/requests/{request_id}/issue", "/clerk/", {"decision": "{}"})
    assert answer.status_code == 404


def test_the_clerk_suspends_the_license_files_a_duplicate_at_the_provider_and_issues_it(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    request_id = carry_to_registered(site, applicant)
    clerk = site.client(site.clerk_of("telecom-license"), "kk")
    review = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    assert (
        clerk.post(
            f"/clerk/requests/{request_id}/issue",
            data={"decision": _decision(review), "csrf_token": token(review)},
        ).status_code
        == 302
    )
    page = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    number = issued_number(page, "license")

    # a duplicate asked for at the provider's office, filed by the clerk
    duplicate_id = file_request(site, clerk, "clerk", "telecom-license", "duplicate", license_number=number)
    base = f"/clerk/requests/{duplicate_id}"
    assert post(clerk, f"{base}/submit", base).status_code == 302
    page = clerk.get(base).get_data(True)
    if 'name="receipt"' in page:
        assert post(clerk, f"{base}/receipt", base, {"receipt": "KZ-RCPT-0001"}).status_code == 302
    assert post(clerk, f"{base}/sign", base).status_code == 302
    review = clerk.get(base).get_data(True)
    assert f'action="/clerk/requests/{duplicate_id}/issue"' in review
    assert post(clerk, f"{base}/issue", base).status_code == 302
    assert "Нәтиже берілді" in clerk.get(base).get_data(True)

    suspended = post(
        clerk,
        f"/clerk/documents/{number}/status",
        f"/clerk/requests/{request_id}",
        {"status": "suspended", "reason": "Тексеру нәтижесі бойынша", "request_id": request_id},
    )
    assert suspended.status_code == 302
    page = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    shown = re.search(rf"№ {number}</strong> — ([^<]+)", page)
    assert shown and shown.group(1).strip() not in ("in force", "әрекет етеді")
    user = site.application.users.acting_as(site.clerk_of("telecom-license"))
    documents = site.application.queries.show(user, request_id)["documents"]
    assert [d["status"] for d in documents if d["number"] == number] == ["suspended"]
    empty = post(
        clerk,
        f"/clerk/documents/{number}/status",
        f"/clerk/requests/{request_id}",
        {"status": "active", "reason": " ", "request_id": request_id},
        follow_redirects=True,
    )
    assert 'class="message error"' in empty.get_data(True)  # a reason is required: nothing changed
