"""The request form as filed: linked from the request's page once it is registered, downloadable by
its applicant, and a 404 for anyone else."""

from __future__ import annotations

import html

from tests.conftest import pdf_text
from tests.web.test_applicant import DALA, PERSON, Site, carry_to_registered, site  # noqa: F401


def test_the_registered_request_links_its_printed_form_and_another_applicant_gets_404(site: Site) -> None:  # noqa: F811
    applicant = site.client(DALA, "ru")
    request_id = carry_to_registered(site, applicant)
    page = html.unescape(applicant.get(f"/applicant/requests/{request_id}").get_data(True))
    link = f"/applicant/requests/{request_id}/form"
    assert link in page and "Заявление в поданном виде (PDF)" in page
    form = applicant.get(link)
    assert form.status_code == 200 and form.mimetype == "application/pdf"
    number = site.application.queries.show(site.application.users.acting_as(DALA), request_id)["number"]
    assert number in " ".join(pdf_text(form.data).split())
    assert site.client(PERSON).get(link).status_code == 404
