"""The workflow is derived from each service's definition, in the regulation's order."""

from __future__ import annotations

from itertools import pairwise

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog, Service
from docgen.domain.errors import ChannelNotOffered
from docgen.domain.workflow import (
    ACTOR_KINDS,
    AWAITING_PAYMENT,
    EVENTS,
    OUTCOMES,
    PAID,
    STATES,
    Workflow,
    steps_for,
)

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
PAID_BEFORE_REVIEW = [
    "tv-radio-license",
    "cotton-warehouse-license",
    "telecom-license",
    "archaeology-license",
]
FREE = ["numbering-resource", "radio-device-permit", "foreign-media-registration"]
EVERY_CHANNEL = [(service.code, channel) for service in CATALOG for channel in service.channels]


def events(service: str, channel: str) -> list[str]:
    return [row.event for row in steps_for(CATALOG.get(service), channel)]


def states(service: str, channel: str) -> list[str]:
    path = steps_for(CATALOG.get(service), channel)
    return [path[0].sources[0], *(row.target for row in path)]


def test_the_payment_order_of_each_service_is_the_seeds() -> None:
    assert {service.code: service.payment.when for service in CATALOG} == {
        **dict.fromkeys(PAID_BEFORE_REVIEW, "before-review"),
        **dict.fromkeys(FREE, "none"),
        "radio-spectrum-permit": "after-review",
    }


@pytest.mark.parametrize("code", PAID_BEFORE_REVIEW)
def test_on_the_portal_a_paid_service_is_paid_then_signed_registered_and_reviewed(code: str) -> None:
    assert states(code, "portal") == [
        "draft",
        "awaiting-payment",
        "paid",
        "signed",
        "registered",
        "in-review",
        "issued",
    ]
    assert events(code, "portal") == ["submit", "pay", "sign", "register", "start-review", "issue"]


def test_the_radio_spectrum_permit_is_paid_for_after_the_qualification_check() -> None:
    assert states("radio-spectrum-permit", "portal") == [
        "draft",
        "submitted",
        "signed",
        "registered",
        "in-review",
        "awaiting-payment",
        "paid",
        "issued",
    ]
    assert events("radio-spectrum-permit", "portal") == [
        "submit",
        "sign",
        "register",
        "start-review",
        "approve",
        "pay",
        "issue",
    ]


@pytest.mark.parametrize("code", FREE)
def test_on_the_portal_a_free_service_is_signed_registered_and_reviewed(code: str) -> None:
    if "portal" in CATALOG.get(code).channels:
        assert states(code, "portal") == ["draft", "submitted", "signed", "registered", "in-review", "issued"]


@pytest.mark.parametrize("code", FREE)
def test_a_free_service_never_waits_for_payment_on_any_channel(code: str) -> None:
    for channel in CATALOG.get(code).channels:
        workflow = Workflow.for_service(CATALOG.get(code), channel)
        assert AWAITING_PAYMENT not in workflow.states and PAID not in workflow.states
        assert not {"pay", "record-receipt"} & {row.event for row in workflow.transitions}
        assert "no-payment" not in workflow.outcomes


@pytest.mark.parametrize(
    ("code", "channel"),
    [
        pair
        for pair in EVERY_CHANNEL
        if pair[1] != "portal"
        and "check-applicant" in Workflow.for_service(CATALOG.get(pair[0]), pair[1]).steps
    ],
)
def test_on_an_assisted_channel_the_clerk_enters_the_state_databases_confirm_and_the_clerk_signs(
    code: str, channel: str
) -> None:
    path = steps_for(CATALOG.get(code), channel)
    entrant = "operator" if channel == "centre" else "clerk"
    by_event = {row.event: row for row in path}
    assert path[0].event == "submit" and path[1].event == "check-applicant"
    assert by_event["submit"].actors == (entrant,)
    assert by_event["check-applicant"].actors == ("system",)
    assert by_event["sign"].actors == (entrant,)
    assert [row.event for row in path].index("check-applicant") < [row.event for row in path].index("sign")
    assert all("applicant" not in row.actors for row in path)


@pytest.mark.parametrize("code", PAID_BEFORE_REVIEW)
def test_at_the_provider_the_clerk_takes_the_fee_receipt_before_signing(code: str) -> None:
    assert events(code, "provider") == [
        "submit",
        "check-applicant",
        "record-receipt",
        "sign",
        "register",
        "start-review",
        "issue",
    ]


def test_the_radio_spectrum_permit_at_the_provider_is_also_paid_after_review() -> None:
    assert states("radio-spectrum-permit", "provider")[-4:] == [
        "in-review",
        "awaiting-payment",
        "paid",
        "issued",
    ]


def test_foreign_media_goes_through_the_local_body_and_the_public_service_centre_free_of_charge() -> None:
    # Seed 004 items 6-7: the officer checks the originals first; neither channel asks a state database.
    assert events("foreign-media-registration", "local-body") == [
        "check-originals",
        "submit",
        "sign",
        "register",
        "start-review",
        "issue",
    ]
    assert events("foreign-media-registration", "centre") == [
        "submit",
        "sign",
        "register",
        "start-review",
        "issue",
    ]
    centre = steps_for(CATALOG.get("foreign-media-registration"), "centre")
    assert {row.event: row.actors for row in centre}["sign"] == ("operator",)


def test_a_channel_the_service_does_not_offer_is_refused() -> None:
    with pytest.raises(ChannelNotOffered) as caught:
        Workflow.for_service(CATALOG.get("tv-radio-license"), "centre")
    assert "portal, provider" in caught.value.message("ru")
    assert "арнасы арқылы көрсетілмейді" in caught.value.message("kk")


@pytest.mark.parametrize(("code", "channel"), EVERY_CHANNEL)
def test_every_step_is_a_step_of_the_regulation_named_in_both_languages(code: str, channel: str) -> None:
    workflow = Workflow.for_service(CATALOG.get(code), channel)
    for row in (workflow.opening, *workflow.transitions):
        assert row.step.kk.strip() and row.step.ru.strip() and row.step.kk != row.step.ru
        assert set(row.actors) <= set(ACTOR_KINDS) and row.actors
        assert row.event in EVENTS
        assert all(source in STATES for source in row.sources) and row.target in STATES


@pytest.mark.parametrize(("code", "channel"), EVERY_CHANNEL)
def test_the_path_is_one_chain_from_draft_to_issued(code: str, channel: str) -> None:
    path = steps_for(CATALOG.get(code), channel)
    assert path[0].sources == ("draft",) and path[-1].target == "issued"
    for before, after in pairwise(path):
        assert after.sources == (before.target,)
    assert len({row.target for row in path}) == len(path), "no state is visited twice"


@pytest.mark.parametrize(("code", "channel"), EVERY_CHANNEL)
def test_each_refusal_is_reachable_only_from_the_state_where_its_check_is_made(
    code: str, channel: str
) -> None:
    workflow = Workflow.for_service(CATALOG.get(code), channel)
    sources = {row.outcome: row.sources for row in workflow.refusals}
    expected = {
        "authorization-refused": ("draft",),
        "signature-not-confirmed": ("signed",),
        "qualification-not-met": ("in-review",),
    }
    if "check-applicant" in workflow.steps:
        expected["applicant-not-found"] = ("submitted",)
    if workflow.payment != "none":
        expected["no-payment"] = ("awaiting-payment",)
    assert sources == expected
    assert all(row.target == "refused" and row.event == "refuse" for row in workflow.refusals)


def test_the_clerk_refuses_on_qualification_and_the_systems_refuse_on_their_checks() -> None:
    workflow = Workflow.for_service(CATALOG.get("telecom-license"), "provider")
    actors = {row.outcome: row.actors for row in workflow.refusals}
    assert actors["qualification-not-met"] == ("clerk",)
    assert actors["signature-not-confirmed"] == ("system",)
    assert actors["applicant-not-found"] == ("system",)
    assert set(actors["no-payment"]) == {"system", "clerk"}


def test_on_the_portal_the_applicant_never_reviews_or_issues() -> None:
    for row in Workflow.for_service(CATALOG.get("telecom-license"), "portal").transitions:
        if row.event in {"start-review", "approve", "issue"} or row.outcome == "qualification-not-met":
            assert row.actors == ("clerk",)


def test_every_outcome_has_a_stable_code_and_a_civil_servants_wording_in_both_languages() -> None:
    assert set(OUTCOMES) == {
        "issued",
        "authorization-refused",
        "no-payment",
        "signature-not-confirmed",
        "applicant-not-found",
        "qualification-not-met",
    }
    assert [code for code, kind in OUTCOMES.items() if kind.positive] == ["issued"]
    for kind in OUTCOMES.values():
        assert kind.label.kk.strip() and kind.label.ru.strip()
    assert OUTCOMES["no-payment"].label.kk.lower().startswith("төлемнің болмауына байланысты бас тарту")
    assert OUTCOMES["signature-not-confirmed"].requires == ("reason",)
    assert OUTCOMES["qualification-not-met"].requires == ("reason",)
    assert OUTCOMES["applicant-not-found"].requires == ("database",)


def test_the_table_reads_as_a_listing() -> None:
    text = Workflow.for_service(CATALOG.get("radio-spectrum-permit"), "portal").describe()
    assert "in-review --approve [clerk]--> awaiting-payment" in text
    assert "awaiting-payment --pay [applicant, system]--> paid" in text


def _service(payment: str, channels: list[str]) -> Service:
    return Service.from_mapping(
        {
            "code": "made-up",
            "seed": "999",
            "title": {"kk": "Сынақ", "ru": "Тест"},
            "provider": {"code": "p", "kk": "Беруші", "ru": "Услугодатель"},
            "legal_basis": {"kk": "Қаулы", "ru": "Постановление"},
            "channels": channels,
            "payment": {"when": payment},
            "actions": {"issue": {"deadline_days": 5}},
        },
        "made-up.toml",
    )


def test_the_order_comes_from_the_definition_not_from_the_service_code() -> None:
    assert [row.event for row in steps_for(_service("after-review", ["local-body"]), "local-body")] == [
        "submit",
        "check-applicant",
        "sign",
        "register",
        "start-review",
        "approve",
        "record-receipt",
        "issue",
    ]
    assert [row.event for row in steps_for(_service("before-review", ["portal"]), "portal")][:2] == [
        "submit",
        "pay",
    ]
