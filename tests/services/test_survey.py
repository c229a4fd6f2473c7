"""The citizens' survey: the single-use link token, the anonymous answers and the indicators."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import secrets
import threading
from typing import Any

import pytest

from docgen.errors import (
    NotAllowed,
    SurveyAlreadyAnswered,
    SurveyAnswerInvalid,
    SurveyNotOpen,
    SurveyTokenUnknown,
)
from docgen.services.ports import SurveyAnswer
from tests import fakes
from tests.conftest import decode_qr, pdf_text
from tests.services.test_channel_steps import issued_at_centre
from tests.services.world import COMPANY_BIN, World, make_world

PROVIDER = "mtc-communications-committee"
CLERK = f"clerk-{PROVIDER}"


def _answers(world: World) -> list[SurveyAnswer]:
    with world.app.requests.uow(write=False) as uow:
        return uow.surveys.answers()


def test_a_decided_request_has_one_link_token_of_256_bits_stored_only_as_its_hash(any_world: World) -> None:
    request_id, _ = any_world.licensed()
    token = any_world.app.survey.offer(any_world["dala"], request_id)
    assert len(token) >= 43  # 32 bytes in base64url
    assert any_world.app.survey.offer(any_world["dala"], request_id) == token
    with any_world.app.requests.uow(write=False) as uow:
        stored = uow.surveys.token_of(request_id)
    assert stored is not None
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in dataclasses.astuple(stored)


def test_a_request_not_yet_decided_offers_no_survey(world: World) -> None:
    request_id = world.registered()
    with pytest.raises(SurveyNotOpen):
        world.app.survey.offer(world["dala"], request_id)


def test_another_applicant_gets_no_link_to_someone_elses_survey(world: World) -> None:
    request_id, _ = world.licensed()
    with pytest.raises(NotAllowed):
        world.app.survey.offer(world["farm"], request_id)


def test_the_form_is_the_services_own_seed_survey_in_the_asked_language(world: World) -> None:
    request_id, _ = world.licensed()
    token = world.app.survey.offer(world["dala"], request_id)
    survey = world.catalog.get("telecom-license").survey
    assert survey is not None
    for lang in ("kk", "ru"):
        form = world.app.survey.form(token, lang)
        assert form["title"] == survey.title[lang]
        assert form["questions"] == [q[lang] for q in survey.questions]
        assert [a["label"] for a in form["answers"]] == [a[lang] for a in survey.answers]
        assert [a["value"] for a in form["answers"]] == [1, 2, 3]


def test_a_survey_is_answered_once_and_a_second_answer_is_politely_refused(any_world: World) -> None:
    request_id, _ = any_world.licensed()
    token = any_world.app.survey.offer(any_world["dala"], request_id)
    any_world.app.survey.answer(token, 3, 2)
    with pytest.raises(SurveyAlreadyAnswered) as refused:
        any_world.app.survey.answer(token, 1, 1)
    assert "Спасибо" in refused.value.message("ru")
    with pytest.raises(SurveyAlreadyAnswered):
        any_world.app.survey.form(token, "kk")
    assert [(a.service, a.provider, a.q1, a.q2) for a in _answers(any_world)] == [
        ("telecom-license", PROVIDER, 3, 2)
    ]


def test_a_stored_answer_has_no_field_that_could_name_who_answered() -> None:
    assert {f.name for f in dataclasses.fields(SurveyAnswer)} == {
        "service",
        "provider",
        "answered_on",
        "q1",
        "q2",
        "channel",
    }


def test_a_guessed_or_mangled_token_is_refused(any_world: World) -> None:
    request_id, _ = any_world.licensed()
    token = any_world.app.survey.offer(any_world["dala"], request_id)
    for guess in (secrets.token_urlsafe(32), token[:-1], token + "A", "", "x" * 500):
        with pytest.raises(SurveyTokenUnknown):
            any_world.app.survey.answer(guess, 3, 3)
    assert _answers(any_world) == []


def test_an_answer_outside_one_to_three_is_refused(world: World) -> None:
    request_id, _ = world.licensed()
    token = world.app.survey.offer(world["dala"], request_id)
    with pytest.raises(SurveyAnswerInvalid):
        world.app.survey.answer(token, 4, 1)
    world.app.survey.answer(token, 1, 3)  # the refused answer did not use the token up


def test_two_answers_racing_for_one_token_store_exactly_one(sql_world: World) -> None:
    request_id, _ = sql_world.licensed()
    token = sql_world.app.survey.offer(sql_world["dala"], request_id)
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def answer(q: int) -> None:
        start.wait()
        try:
            sql_world.app.survey.answer(token, q, q)
            outcomes.append("stored")
        except SurveyAlreadyAnswered:
            outcomes.append("refused")

    threads = [threading.Thread(target=answer, args=(1 + i % 3,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["refused"] * 5 + ["stored"]
    assert len(_answers(sql_world)) == 1


def test_an_operator_enters_a_paper_answer_only_for_their_own_centre_and_once(world: World) -> None:
    portal_request, _ = world.licensed()
    with pytest.raises(NotAllowed):  # filed on the portal: no centre's paper
        world.app.survey.enter_paper(world["operator-astana"], portal_request, 2, 2)
    request_id, _ = issued_at_centre(world)
    with pytest.raises(NotAllowed):
        world.app.survey.enter_paper(world["operator-aktau"], request_id, 2, 2)
    world.app.survey.enter_paper(world["operator-astana"], request_id, 2, 1)
    with pytest.raises(SurveyAlreadyAnswered):
        world.app.survey.enter_paper(world["operator-astana"], request_id, 3, 3)
    link = world.app.survey.offer(world["operator-astana"], request_id)  # the QR printed on the result
    with pytest.raises(SurveyAlreadyAnswered):
        world.app.survey.answer(link, 3, 3)
    [paper] = _answers(world)
    assert (paper.service, paper.q1, paper.q2, paper.channel) == ("archaeology-license", 2, 1, "paper")


# -- the invitation handed over with a result at a centre ----------------------------------------


def test_the_centres_operator_prints_the_invitation_carrying_the_requests_survey_link(world: World) -> None:
    request_id, _ = issued_at_centre(world)
    operator = world["operator-astana"]
    slip = world.app.survey.invitation(operator, request_id, "ru")
    head, _, body = slip.partition(b"\n")
    assert head == b"pdf:survey-invitation:ru:original"
    data = json.loads(body)
    token = world.app.survey.offer(operator, request_id)
    assert data["address"] == world.app.survey.address(token)
    assert data["address"].endswith(f"/survey/{token}")
    shown = world.app.queries.show(operator, request_id)
    assert data["request"] == shown["number"] and data["service"] == "archaeology-license"
    assert set(data) == {"service", "request", "decided_on", "address"}  # no name, no IIN
    world.app.survey.answer(token, 3, 3)  # the printed link is the request's one answer
    with pytest.raises(SurveyAlreadyAnswered):
        world.app.survey.enter_paper(operator, request_id, 1, 1)


def test_another_centres_operator_cannot_print_someone_elses_invitation(world: World) -> None:
    request_id, _ = issued_at_centre(world)
    with pytest.raises(NotAllowed):
        world.app.survey.invitation(world["operator-aktau"], request_id, "kk")
    portal_request, _ = world.licensed()
    with pytest.raises(NotAllowed):
        world.app.survey.invitation(world["farm"], portal_request, "kk")


def test_no_invitation_before_the_request_is_decided(world: World) -> None:
    with pytest.raises(SurveyNotOpen):
        world.app.survey.invitation(world["dala"], world.registered(), "kk")


def test_the_invitation_as_printed_reads_back_with_a_qr_code_that_opens_the_survey(renderer: Any) -> None:
    from docgen.adapters.rendering import TemplateRenderer

    world = make_world(fakes.MemoryDatabase(), lambda: 0, renderer=TemplateRenderer(renderer))
    request_id, _ = issued_at_centre(world)
    operator = world["operator-astana"]
    token = world.app.survey.offer(operator, request_id)
    survey = world.catalog.get("archaeology-license").survey
    assert survey is not None
    for lang, title in (("kk", "Сауалнамаға шақыру"), ("ru", "Приглашение к анкетированию")):
        pdf = world.app.survey.invitation(operator, request_id, lang)
        text = " ".join(pdf_text(pdf).split())
        assert title.upper() in text.upper()
        for question in survey.questions:
            assert " ".join(question[lang].split())[:40] in text
        assert decode_qr(pdf) == [world.app.survey.address(token)]
        for identity in ("850715300330", COMPANY_BIN):
            assert identity not in text


# -- the indicators ------------------------------------------------------------------------------


def _known_answers(world: World) -> None:
    """Four answers to the telecom license and one to another provider's service."""
    day = dt.date(2026, 11, 23)
    with world.app.requests.uow() as uow:
        for q1, q2 in ((3, 3), (3, 3), (2, 3), (1, 2)):
            uow.surveys.add_answer(SurveyAnswer("telecom-license", PROVIDER, day, q1, q2))
        uow.surveys.add_answer(SurveyAnswer("other-service", "other-provider", day, 1, 1))
        uow.surveys.add_answer(SurveyAnswer("telecom-license", PROVIDER, day.replace(year=2025), 1, 1))
        uow.commit()


def test_the_indicators_are_exact_counts_shares_and_scores_of_known_answers(any_world: World) -> None:
    any_world.licensed()  # decided the same day, before its deadline
    _known_answers(any_world)
    found = any_world.app.survey.report(
        any_world["admin"], service="telecom-license", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    [row] = found["rows"]
    assert row["answers"] == 4
    assert row["q1"] == {
        "1": {"count": 1, "share": 25.0},
        "2": {"count": 1, "share": 25.0},
        "3": {"count": 2, "share": 50.0},
    }
    assert row["q2"] == {
        "1": {"count": 0, "share": 0.0},
        "2": {"count": 1, "share": 25.0},
        "3": {"count": 3, "share": 75.0},
    }
    assert row["quality"] == 62.5  # (100 + 100 + 50 + 0) / 4
    assert row["accessibility"] == 87.5  # (100 + 100 + 100 + 50) / 4
    assert (row["decided"], row["on_time"], row["on_time_share"]) == (1, 1, 100.0)


def test_a_period_with_no_decision_and_no_answer_has_no_score(world: World) -> None:
    _known_answers(world)
    found = world.app.survey.report(world["admin"], start=dt.date(2027, 1, 1))
    assert found["rows"] == []
    assert found["total"]["quality"] is None and found["total"]["on_time_share"] is None


def test_a_clerk_sees_only_their_own_providers_indicators(world: World) -> None:
    _known_answers(world)
    found = world.app.survey.report(world[CLERK])
    assert {row["provider"] for row in found["rows"]} == {PROVIDER}
    with pytest.raises(NotAllowed):
        world.app.survey.report(world[CLERK], provider="other-provider")
    with pytest.raises(NotAllowed):
        world.app.survey.report(world["dala"])


def test_the_exports_read_back_with_the_counts_and_name_no_one(world: World) -> None:
    request_id, _ = world.licensed()
    token = world.app.survey.offer(world["dala"], request_id)
    world.app.survey.answer(token, 3, 2)
    admin = world["admin"]
    loaded = json.loads(world.app.survey.export(admin, "json", "ru"))
    assert loaded["total"]["answers"] == 1
    assert loaded["rows"][0]["q1"]["3"] == {"count": 1, "share": 100.0}
    rows = list(csv.reader(io.StringIO(world.app.survey.export(admin, "csv", "kk").decode("utf-8-sig"))))
    assert rows[0][0] == "Қызмет коды"
    assert rows[1][:4] == ["telecom-license", world.catalog.get("telecom-license").title["kk"], PROVIDER, "1"]
    assert rows[1][6] == "1 (100.0%)"
    for fmt in ("json", "csv"):
        exported = world.app.survey.export(admin, fmt, "kk").decode("utf-8-sig")
        for identity in ("dala", "850715300330", COMPANY_BIN, request_id, token):
            assert identity not in exported


def test_the_printable_report_is_drawn_by_the_render_core_with_the_counts_in_the_languages_numbers(
    renderer: Any,
) -> None:
    from docgen.adapters.rendering import TemplateRenderer

    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: 0, renderer=TemplateRenderer(renderer))
    request_id, _ = world.licensed()
    token = world.app.survey.offer(world["dala"], request_id)
    world.app.survey.answer(token, 3, 2)
    _known_answers(world)
    for lang, heading in (("kk", "Сапа"), ("ru", "Качество")):
        text = pdf_text(world.app.survey.export(world["admin"], "pdf", lang, service="telecom-license"))
        assert heading in text
        assert "6" in text.split()  # four known answers, the one given and last year's
        # shares and scores in the language's own numbers: 3 of 6, 2 of 6, the quality score 58.3
        assert "(50%)" in text and "(33,3%)" in text and "58,3" in text
        for identity in ("dala", "850715300330", COMPANY_BIN):
            assert identity not in text


def test_a_request_decided_after_its_due_date_counts_as_late_and_only_in_its_period() -> None:
    clock = fakes.SteppingClock(dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC))
    world = make_world(fakes.MemoryDatabase(), lambda: 0, clock=clock)
    on_time = world.registered()
    late = world.registered()
    world.issue(CLERK, on_time)
    clock.start += dt.timedelta(days=90)
    world.issue(CLERK, late)
    admin = world["admin"]
    [row] = world.app.survey.report(admin)["rows"]
    assert (row["decided"], row["on_time"], row["on_time_share"]) == (2, 1, 50.0)
    [row] = world.app.survey.report(admin, start=dt.date(2027, 1, 1))["rows"]
    assert (row["decided"], row["on_time"], row["on_time_share"]) == (1, 0, 0.0)
    assert world.app.survey.report(admin, end=dt.date(2026, 12, 31))["total"]["on_time_share"] == 100.0
