"""The survey page and the indicators dashboard over a real SQLite application: the applicant's
request page offers the survey once the result or refusal is delivered; the page asks the seed's
questions in Kazakh or Russian as labelled radio buttons, refuses a post without its CSRF token,
asks again when an answer is missing, confirms what was sent, and politely refuses a second answer
(410) or an unknown link (404); the dashboard shows the answers to an administrator and to the
provider's own clerk only, draws its charts as SVG, and exports the same numbers as CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from tests.conftest import decode_qr, pdf_text
from tests.web.test_applicant import (
    DALA,
    SCAN,
    Site,
    carry_to_registered,
    file_request,
    post,
    refuse,
    sign_payload,
    token,
)

SERVICE = "telecom-license"
#: A clerk of another provider than the telecom license's.
OTHER_SERVICE = "tv-radio-license"
#: A service filed at a public service centre.
CENTRE_SERVICE = "foreign-media-registration"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    made = Site(tmp_path_factory.mktemp("survey"))
    yield made
    made.application.engine.dispose()


def refused_request(site: Site, applicant: FlaskClient) -> str:
    """A telecom license request carried to a refusal by the provider's clerk; its id."""
    request_id = carry_to_registered(site, applicant)
    refuse(site, request_id, "kk")
    return request_id


def fresh_survey(site: Site, applicant: FlaskClient) -> str:
    """The survey path the page of a newly refused request offers."""
    request_id = refused_request(site, applicant)
    return survey_path(applicant.get(f"/applicant/requests/{request_id}").get_data(True))


def survey_path(page: str) -> str:
    found = re.search(r'href="(/survey/[A-Za-z0-9_-]+)"', page)
    assert found, "the request page offers no survey link"
    return found.group(1)


def visitor(site: Site, lang: str) -> FlaskClient:
    """A browser nobody signed in on, reading pages in ``lang``."""
    client = site.app.test_client()
    client.get(f"/language/{lang}")
    return client


@pytest.fixture(scope="module")
def answered(site: Site) -> dict[str, str]:
    """Two refused requests of «Дала Телеком» whose surveys were answered: in Kazakh (2, 3) and in
    Russian (1, 3); lang -> the survey's path."""
    applicant = site.client(DALA, "kk")
    paths = {}
    for lang, (q1, q2) in (("kk", ("2", "3")), ("ru", ("1", "3"))):
        request_id = refused_request(site, applicant)
        path = survey_path(applicant.get(f"/applicant/requests/{request_id}").get_data(True))
        client = visitor(site, lang)
        page = client.get(path).get_data(True)
        sent = client.post(path, data={"q1": q1, "q2": q2, "csrf_token": token(page)})
        assert sent.status_code == 200, sent.get_data(True)
        paths[lang] = path
    return paths


def test_the_request_page_offers_the_survey_only_once_the_refusal_is_delivered(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    request_id = carry_to_registered(site, applicant)
    before = applicant.get(f"/applicant/requests/{request_id}").get_data(True)
    assert "/survey/" not in before, "no survey before the result"
    clerk = site.client(site.clerk_of(SERVICE), "kk")
    review = clerk.get(f"/clerk/requests/{request_id}").get_data(True)
    ground = re.findall(r'name="ground" id="[^"]+" value="([^"]+)"', review)[0]
    clerk.post(
        f"/clerk/requests/{request_id}/refuse",
        data={
            "ground": ground,
            "explanation_kk": "Өтініште көрсетілген БСН тізілімдегі деректерге сәйкес келмейді.",
            "explanation_ru": "БИН, указанный в заявлении, не совпадает с данными реестра.",
            "csrf_token": token(review),
        },
    )
    after = applicant.get(f"/applicant/requests/{request_id}").get_data(True)
    path = survey_path(after)
    token_part = path.rsplit("/", 1)[-1]
    assert len(token_part) >= 43, "at least 256 bits of token in base64url"
    assert survey_path(applicant.get(f"/applicant/requests/{request_id}").get_data(True)) == path


@pytest.mark.parametrize(
    ("lang", "question", "answer", "button"),
    [
        ("kk", "Электрондық мемлекеттік қызметті көрсету", "қанағаттанамын", "Жауаптарымды жіберу"),
        ("ru", "Удовлетворены ли Вы", "удовлетворен", "Отправить мои ответы"),
    ],
)
def test_the_survey_page_asks_the_seeds_questions_as_labelled_radio_buttons_in_the_chosen_language(
    site: Site, lang: str, question: str, answer: str, button: str
) -> None:
    applicant = site.client(DALA, lang)
    path = survey_path(
        applicant.get(f"/applicant/requests/{refused_request(site, applicant)}").get_data(True)
    )
    page = visitor(site, lang).get(path)
    assert page.status_code == 200
    text = page.get_data(True)
    assert f'<html lang="{lang}">' in text
    assert text.count("<fieldset") == 2 and text.count("<legend>") == 2
    assert question in text and answer in text.lower() and button in text
    radios = re.findall(r'<input type="radio" id="(q[12]-[123])" name="q[12]" value="[123]"', text)
    assert len(radios) == 6
    for radio in radios:
        assert f'<label for="{radio}">' in text, f"{radio} has its label"


def test_the_answer_is_confirmed_and_a_second_attempt_is_politely_refused_in_both_languages(
    site: Site, answered: dict[str, str]
) -> None:
    for lang, path in answered.items():
        client = visitor(site, lang)
        again = client.get(path)
        assert again.status_code == 410
        text = again.get_data(True)
        assert "Сауалнамаға жауап берілген" in text and "На анкету уже ответили" in text
        form = client.get("/sign-in").get_data(True)  # a page of this site with a CSRF token
        posted = client.post(path, data={"q1": "3", "q2": "3", "csrf_token": token(form)})
        assert posted.status_code == 410


def test_the_confirmation_repeats_what_was_sent(site: Site) -> None:
    applicant = site.client(DALA, "ru")
    path = survey_path(
        applicant.get(f"/applicant/requests/{refused_request(site, applicant)}").get_data(True)
    )
    client = visitor(site, "ru")
    page = client.get(path).get_data(True)
    sent = client.post(path, data={"q1": "1", "q2": "2", "csrf_token": token(page)}).get_data(True)
    assert "Спасибо" in sent
    confirmed = re.findall(r"<dd>([^<]+)</dd>", sent)
    assert len(confirmed) == 2
    assert "не удовлетворен" in confirmed[0].lower() and "частично" in confirmed[1].lower()


def test_a_missing_answer_is_asked_again_and_nothing_is_stored(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    path = survey_path(
        applicant.get(f"/applicant/requests/{refused_request(site, applicant)}").get_data(True)
    )
    client = visitor(site, "kk")
    page = client.get(path).get_data(True)
    half = client.post(path, data={"q1": "3", "csrf_token": token(page)})
    assert half.status_code == 400
    text = half.get_data(True)
    assert 'id="q2-error"' in text and 'id="q1-error"' not in text
    assert 'value="3" required checked' in text, "the answer given stays chosen"
    assert client.get(path).status_code == 200, "the link is still unused"


def test_a_survey_posted_without_its_csrf_token_is_refused_and_the_link_stays_unused(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    path = survey_path(
        applicant.get(f"/applicant/requests/{refused_request(site, applicant)}").get_data(True)
    )
    client = visitor(site, "kk")
    client.get(path)
    assert client.post(path, data={"q1": "3", "q2": "3"}).status_code == 400
    assert client.get(path).status_code == 200


def test_an_unknown_survey_link_answers_404_in_both_languages(site: Site) -> None:
    answer = visitor(site, "ru").get("/survey/" + "A" * 43)
    assert answer.status_code == 404
    text = answer.get_data(True)
    assert "Анкета не найдена" in text and "Сауалнама табылмады" in text


def test_the_dashboard_shows_the_answers_to_the_administrator_with_svg_charts_and_a_csv(
    site: Site, answered: dict[str, str]
) -> None:
    admin = site.client("admin", "kk")
    page = admin.get(f"/indicators?service={SERVICE}")
    assert page.status_code == 200
    text = page.get_data(True)
    assert re.search(r"<dd>(\d+)</dd>", text), "the number of answers is shown"
    count = int(re.search(r"<dd>(\d+)</dd>", text).group(1))  # type: ignore[union-attr]
    assert count >= 2
    charts = re.findall(r'<img src="([^"]+chart\.svg[^"]*)"[^>]* alt="([^"]+)"', text)
    assert len(charts) == 2
    svg = admin.get(charts[0][0].replace("&amp;", "&"))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    drawn = svg.get_data(True)
    assert "<svg" in drawn and "Қанағаттанамын" in drawn, "pygal drew the answers, labelled in Kazakh"
    exported = admin.get(f"/indicators/report.csv?service={SERVICE}")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.get_data(True))))
    assert any(SERVICE in row for row in rows), rows
    for lang, heading in (("kk", "«қолжетімділік» көрсеткіштері"), ("ru", "«доступность»")):
        printable = admin.get(f"/indicators/report.pdf?service={SERVICE}&lang={lang}")
        assert printable.status_code == 200 and printable.mimetype == "application/pdf", lang
        assert heading in pdf_text(printable.data).lower(), lang


def test_a_clerk_sees_only_their_own_providers_indicators(site: Site, answered: dict[str, str]) -> None:
    own = site.client(site.clerk_of(SERVICE), "ru")
    page = own.get("/indicators")
    assert page.status_code == 200
    assert SERVICE in page.get_data(True)
    other = site.client(site.clerk_of(OTHER_SERVICE), "ru")
    theirs = other.get("/indicators").get_data(True)
    assert f'<th scope="row">{SERVICE}' not in theirs, "another provider's answers are not shown"
    provider = site.application.catalog.get(SERVICE).provider_code
    assert other.get(f"/indicators?provider={provider}").status_code == 403


def test_an_applicant_may_not_open_the_dashboard(site: Site) -> None:
    applicant = site.client(DALA, "kk")
    assert applicant.get("/indicators").status_code == 403
    assert applicant.get("/indicators/chart.svg?q=1").status_code == 403
    assert applicant.get("/indicators/report.csv").status_code == 403


def centre_decided(site: Site) -> str:
    """A foreign-media registration filed at the Astana centre, signed by its operator, issued by
    the local body's clerk; its id."""
    operator = site.client("operator-astana", "kk")
    request_id = file_request(
        site, operator, "operator", CENTRE_SERVICE, "register", **{"paper.registration": "1"}
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
    signature = sign_payload(operator, base, site.pki / "staff" / "operator-astana.p12")
    signed = post(
        operator,
        f"{base}/sign",
        base,
        {"signature": (io.BytesIO(signature), "request.p7s")},
        content_type="multipart/form-data",
    )
    assert signed.status_code == 302
    clerk = site.client(site.clerk_of(CENTRE_SERVICE), "kk")
    review = f"/clerk/requests/{request_id}"
    assert post(clerk, f"{review}/issue", review).status_code == 302
    return request_id


def test_the_centre_operator_gets_the_link_to_print_and_enters_a_paper_answer_once(site: Site) -> None:
    request_id = centre_decided(site)
    operator = site.client("operator-astana", "ru")
    base = f"/operator/requests/{request_id}"
    page = operator.get(base).get_data(True)
    printed = re.search(r"<code class=\"hash\">(http://[^<]+/survey/[A-Za-z0-9_-]{43})</code>", page)
    assert printed, "the whole address, to print or hand over"
    assert page.count('name="q1"') == 3 and page.count('name="q2"') == 3
    entered = post(operator, f"{base}/survey", base, {"q1": "3", "q2": "1"}, follow_redirects=True)
    assert "Бумажная анкета внесена" in entered.get_data(True)
    again = post(operator, f"{base}/survey", base, {"q1": "1", "q2": "1"}, follow_redirects=True)
    assert "уже заполнена" in again.get_data(True), "one response per request"
    path = urlsplit(printed.group(1)).path
    assert visitor(site, "kk").get(path).status_code == 410, "the link is used up by the paper answer"
    admin = site.client("admin", "ru").get(f"/indicators?service={CENTRE_SERVICE}").get_data(True)
    assert re.search(r"<dd>1</dd>", admin), "the paper answer is counted"


def test_the_centre_operator_prints_the_invitation_whose_qr_code_opens_the_survey(site: Site) -> None:
    request_id = centre_decided(site)
    operator = site.client("operator-astana", "kk")
    page = operator.get(f"/operator/requests/{request_id}").get_data(True)
    address = re.search(r"<code class=\"hash\">(http://[^<]+)</code>", page)
    assert address
    links = re.findall(r'href="(/requests/[^"]+/survey-invitation\.pdf\?lang=(kk|ru))"', page)
    assert [lang for _, lang in links] == ["kk", "ru"]
    for link, lang in links:
        got = operator.get(link)
        assert got.status_code == 200 and got.mimetype == "application/pdf"
        assert decode_qr(got.data) == [address.group(1)]
        title = {"kk": "Сауалнамаға шақыру", "ru": "Приглашение к анкетированию"}[lang]
        assert title.upper() in pdf_text(got.data).upper()
    assert visitor(site, "kk").get(urlsplit(address.group(1)).path).status_code == 200


def test_someone_elses_invitation_is_not_found_and_a_clerk_may_not_print_one(site: Site) -> None:
    """Another centre's operator is refused by the same use case (tests/services/test_survey.py)."""
    request_id = centre_decided(site)
    path = f"/requests/{request_id}/survey-invitation.pdf?lang=ru"
    assert site.client(site.clerk_of(CENTRE_SERVICE), "ru").get(path).status_code == 403
    assert site.client(DALA, "ru").get(path).status_code == 404
    assert site.client("operator-astana", "ru").get(path.replace("ru", "en")).status_code == 404
    assert visitor(site, "ru").get(path).status_code == 302  # not signed in: to the sign-in page


def test_answers_posted_too_fast_from_one_address_get_429(site: Site) -> None:
    """Last in this module: it uses up the survey's rate limit for the test client's address."""
    from docgen.web.survey import SURVEY_LIMITS

    allowed = int(SURVEY_LIMITS.split()[0])
    client = visitor(site, "kk")
    form = token(client.get("/sign-in").get_data(True))
    answers = [
        client.post("/survey/" + "B" * 43, data={"q1": "3", "q2": "3", "csrf_token": form}).status_code
        for _ in range(allowed + 1)
    ]
    assert answers[-1] == 429
    assert 429 not in answers[: allowed - 10], "an ordinary visitor is not limited"
    assert client.get("/survey/" + "B" * 43).status_code == 404, "reading the page is not limited"
