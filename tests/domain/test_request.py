"""A request moves only along its workflow; a refused attempt changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from itertools import count
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog
from docgen.domain.errors import (
    ActionNotOffered,
    ActorNotAllowed,
    BrokenHistory,
    ChannelNotOffered,
    IllegalTransition,
    InvalidDetails,
    InvalidTimestamp,
    MissingDetail,
)
from docgen.domain.history import Actor, HistoryEntry, verify_chain
from docgen.domain.request import Request
from docgen.domain.workflow import Workflow

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
EVERY_CHANNEL = [(service.code, channel) for service in CATALOG for channel in service.channels]

APPLICANT = Actor("applicant", "090340007896", "ТОО «Жетысу Радиосвязь»")
CLERK = Actor("clerk", "d.akhmetova", "Ахметова Динара Сериковна")
OPERATOR = Actor("operator", "con-astana-17", "Нұрланов Ерлан")
SYSTEM = Actor("system", "e-licensing")

#: The regulation's order, written out by hand for each payment order and kind of channel.
JOURNEYS = {
    ("portal", "before-review"): ["submit", "pay", "sign", "register", "start-review", "issue"],
    ("portal", "none"): ["submit", "sign", "register", "start-review", "issue"],
    ("portal", "after-review"): ["submit", "sign", "register", "start-review", "approve", "pay", "issue"],
    ("assisted", "before-review"): [
        "submit",
        "check-applicant",
        "record-receipt",
        "sign",
        "register",
        "start-review",
        "issue",
    ],
    ("assisted", "none"): ["submit", "check-applicant", "sign", "register", "start-review", "issue"],
    ("assisted", "after-review"): [
        "submit",
        "check-applicant",
        "sign",
        "register",
        "start-review",
        "approve",
        "record-receipt",
        "issue",
    ],
}


def journey(code: str, channel: str) -> list[str]:
    """The hand-written order, with the steps the service's ``[steps]`` add or leave out on ``channel``."""
    kind = "portal" if channel == "portal" else "assisted"
    events = list(JOURNEYS[(kind, CATALOG.get(code).payment.when)])
    steps = Workflow.for_service(CATALOG.get(code), channel).steps
    if kind == "assisted" and "check-applicant" not in steps:
        events.remove("check-applicant")
    if "check-originals" in steps:
        events.insert(0, "check-originals")
    return events


def entrant(channel: str) -> Actor:
    return {"portal": APPLICANT, "centre": OPERATOR}.get(channel, CLERK)


def actor_for(event: str, channel: str) -> Actor:
    if event in {"check-applicant", "register"}:
        return SYSTEM
    if event in {"start-review", "approve", "issue"}:
        return CLERK
    if event == "pay":
        return APPLICANT
    return entrant(channel)


def details_for(event: str) -> dict[str, Any]:
    return {
        "register": {"number": "KZ04RPR00031544"},
        "record-receipt": {"receipt": "№ 0004518 от 02.10.2026"},
        "pay": {"gateway_reference": "PSHEP-2026-551203"},
        "sign": {"signature_sha256": "5" * 64},
    }.get(event, {})


class Clock:
    """Moments a minute apart, in UTC."""

    def __init__(self) -> None:
        self._minutes: Iterator[int] = count()

    def __call__(self) -> datetime:
        return datetime(2026, 10, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=next(self._minutes))


def opened(code: str, channel: str, clock: Clock | None = None) -> tuple[Request, Clock]:
    clock = clock or Clock()
    service = CATALOG.get(code)
    request = Request.open(
        service,
        request_id=f"{code}-{channel}-1",
        action=next(iter(service.actions)),
        channel=channel,
        applicant={"kind": "legal", "bin": "090340007896", "name": "ТОО «Жетысу Радиосвязь»"},
        actor=entrant(channel),
        at=clock(),
    )
    return request, clock


def walk(request: Request, clock: Clock, events: list[str]) -> None:
    for event in events:
        request.apply(event, actor_for(event, request.channel), clock(), **details_for(event))


def snapshot(request: Request) -> tuple[Any, ...]:
    return (request.state, request.number, request.outcome, request.history, dict(request.applicant))


# -- the happy path --------------------------------------------------------------------------


def test_every_service_is_offered_on_the_portal_and_the_assisted_channels_it_names() -> None:
    assert all("portal" in service.channels for service in CATALOG)
    assert {code for code, channel in EVERY_CHANNEL if channel == "provider"} == {
        service.code for service in CATALOG if service.code != "foreign-media-registration"
    }


@pytest.mark.parametrize(("code", "channel"), EVERY_CHANNEL)
def test_a_request_that_passes_every_check_ends_issued(code: str, channel: str) -> None:
    request, clock = opened(code, channel)
    events = journey(code, channel)

    walk(request, clock, events)

    assert request.state == "issued" and request.is_final
    assert request.outcome is not None and request.outcome.code == "issued" and request.outcome.positive
    assert request.number == "KZ04RPR00031544"
    assert [entry.event for entry in request.history] == ["open", *events]
    assert verify_chain(request.history, head=request.head) is None
    assert request.allowed() == ()


@pytest.mark.parametrize(("code", "channel"), EVERY_CHANNEL)
def test_each_history_entry_names_the_regulation_step_and_who_took_it(code: str, channel: str) -> None:
    request, clock = opened(code, channel)
    walk(request, clock, journey(code, channel))
    steps = {row.event: row.step.as_dict() for row in request.workflow.path}
    for entry in request.history[1:]:
        assert dict(entry.step) == steps[entry.event]
        assert entry.actor == actor_for(entry.event, channel)
        assert entry.request_id == request.id


def test_the_request_number_is_given_at_registration_and_not_before() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, ["submit", "pay", "sign"])
    assert request.number is None and request.registered_at is None

    entry = request.apply("register", SYSTEM, clock(), number="KZ17RLS00041200")

    assert request.number == "KZ17RLS00041200" and request.state == "registered"
    assert request.registered_at == entry.at
    assert entry.details == {"number": "KZ17RLS00041200"}


def test_the_radio_spectrum_applicant_pays_only_once_the_qualification_check_has_passed() -> None:
    request, clock = opened("radio-spectrum-permit", "portal")
    walk(request, clock, ["submit", "sign", "register", "start-review"])
    with pytest.raises(IllegalTransition):
        request.apply("pay", APPLICANT, clock())

    request.apply("approve", CLERK, clock())
    assert request.state == "awaiting-payment"
    request.apply("pay", APPLICANT, clock())
    assert request.state == "paid"
    request.apply("issue", CLERK, clock())
    assert request.state == "issued"


@pytest.mark.parametrize(
    ("code", "channel"), [pair for pair in EVERY_CHANNEL if CATALOG.get(pair[0]).payment.when == "none"]
)
def test_a_free_service_never_waits_for_payment(code: str, channel: str) -> None:
    request, clock = opened(code, channel)
    visited = [request.state]
    for event in journey(code, channel):
        with pytest.raises(IllegalTransition):
            request.apply("pay", APPLICANT, clock())
        request.apply(event, actor_for(event, channel), clock(), **details_for(event))
        visited.append(request.state)
    assert "awaiting-payment" not in visited and "paid" not in visited


def test_the_applicants_status_is_shown_in_both_languages() -> None:
    request, clock = opened("archaeology-license", "portal")
    walk(request, clock, ["submit"])
    assert request.state_label("kk") == "Төлемді күтуде"
    assert request.state_label("ru") == "Ожидает оплаты"


# -- refusals ------------------------------------------------------------------------------

REFUSALS = [
    ("tv-radio-license", "portal", [], "authorization-refused", SYSTEM, {}),
    ("cotton-warehouse-license", "provider", [], "authorization-refused", SYSTEM, {}),
    ("tv-radio-license", "portal", ["submit"], "no-payment", SYSTEM, {}),
    ("archaeology-license", "centre", ["submit", "check-applicant"], "no-payment", OPERATOR, {}),
    (
        "radio-spectrum-permit",
        "portal",
        ["submit", "sign", "register", "start-review", "approve"],
        "no-payment",
        SYSTEM,
        {},
    ),
    (
        "telecom-license",
        "portal",
        ["submit", "pay", "sign"],
        "signature-not-confirmed",
        SYSTEM,
        {"reason": "revoked"},
    ),
    (
        "foreign-media-registration",
        "local-body",
        ["check-originals", "submit", "sign"],
        "signature-not-confirmed",
        SYSTEM,
        {"reason": "expired"},
    ),
    (
        "cotton-warehouse-license",
        "provider",
        ["submit"],
        "applicant-not-found",
        SYSTEM,
        {"database": "legal-entities"},
    ),
    (
        "archaeology-license",
        "centre",
        ["submit"],
        "applicant-not-found",
        SYSTEM,
        {"database": "individuals"},
    ),
    (
        "archaeology-license",
        "portal",
        ["submit", "pay", "sign", "register", "start-review"],
        "qualification-not-met",
        CLERK,
        {"reason": "Ғылыми-реставрациялау жұмыстары бойынша білікті мамандар жоқ"},
    ),
    (
        "radio-spectrum-permit",
        "provider",
        ["submit", "check-applicant", "sign", "register", "start-review"],
        "qualification-not-met",
        CLERK,
        {"reason": "Отсутствует заключение о электромагнитной совместимости"},
    ),
]


@pytest.mark.parametrize(
    ("code", "channel", "before", "outcome", "actor", "details"),
    REFUSALS,
    ids=[f"{row[3]}-{row[0]}-{row[1]}" for row in REFUSALS],
)
def test_each_refusal_is_reached_from_the_state_where_its_check_is_made(
    code: str, channel: str, before: list[str], outcome: str, actor: Actor, details: dict[str, Any]
) -> None:
    request, clock = opened(code, channel)
    walk(request, clock, before)

    entry = request.apply("refuse", actor, clock(), outcome=outcome, **details)

    assert request.state == "refused" and request.is_final
    assert request.outcome is not None and request.outcome.code == outcome and not request.outcome.positive
    assert dict(request.outcome.details) == details
    assert entry.details == {"outcome": outcome, **details}
    assert request.outcome.label("kk") and request.outcome.label("ru")
    assert request.allowed() == ()


def test_the_signature_refusal_carries_the_checks_reason_code() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, ["submit", "pay", "sign"])
    request.apply("refuse", SYSTEM, clock(), outcome="signature-not-confirmed", reason="revoked")
    assert request.outcome is not None
    assert request.outcome.to_dict() == {"code": "signature-not-confirmed", "details": {"reason": "revoked"}}
    assert request.outcome.label("kk") == "ЭЦҚ түпнұсқалығының расталмауына байланысты бас тарту"


def test_a_refusal_without_its_reason_is_not_recorded() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, ["submit", "pay", "sign", "register", "start-review"])
    before = snapshot(request)

    with pytest.raises(MissingDetail) as caught:
        request.apply("refuse", CLERK, clock(), outcome="qualification-not-met")

    assert snapshot(request) == before
    assert "reason" in caught.value.message("kk") and "reason" in caught.value.message("ru")


def test_the_state_database_must_be_named_as_individuals_or_legal_entities() -> None:
    request, clock = opened("telecom-license", "provider")
    walk(request, clock, ["submit"])
    before = snapshot(request)
    with pytest.raises(MissingDetail) as caught:
        request.apply("refuse", SYSTEM, clock(), outcome="applicant-not-found", database="ГБД")
    assert snapshot(request) == before
    assert "individuals, legal-entities" in caught.value.message("ru")


def test_a_refusal_must_say_which_one_and_the_error_lists_those_possible_now() -> None:
    request, clock = opened("telecom-license", "provider")
    walk(request, clock, ["submit"])
    with pytest.raises(MissingDetail) as caught:
        request.apply("refuse", SYSTEM, clock())
    assert "applicant-not-found" in caught.value.message("ru")


@pytest.mark.parametrize(
    ("before", "outcome", "actor"),
    [
        (["submit", "pay", "sign", "register", "start-review"], "no-payment", SYSTEM),
        (["submit"], "signature-not-confirmed", SYSTEM),
        (["submit", "pay"], "qualification-not-met", CLERK),
        (["submit"], "applicant-not-found", SYSTEM),
        ([], "made-up-outcome", SYSTEM),
    ],
)
def test_a_refusal_from_a_state_where_its_check_is_not_made_is_refused(
    before: list[str], outcome: str, actor: Actor
) -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, before)
    state = snapshot(request)
    with pytest.raises(IllegalTransition):
        request.apply("refuse", actor, clock(), outcome=outcome, reason="x", database="individuals")
    assert snapshot(request) == state


# -- illegal attempts change nothing -----------------------------------------------------------


def test_signing_a_draft_is_refused_naming_the_state_the_event_and_what_is_allowed() -> None:
    request, clock = opened("tv-radio-license", "portal")
    before = snapshot(request)

    with pytest.raises(IllegalTransition) as caught:
        request.apply("sign", APPLICANT, clock())

    assert snapshot(request) == before
    assert len(request.history) == 1
    kk, ru = caught.value.message("kk"), caught.value.message("ru")
    assert "«Жоба» (draft)" in kk and "(sign)" in kk and "(submit)" in kk
    assert "«Черновик» (draft)" in ru and "«Подписание ЭЦП» (sign)" in ru and "недопустимо" in ru
    assert "(refuse:authorization-refused)" in ru
    assert caught.value.code == "illegal-transition"


def test_registering_twice_is_refused_and_keeps_the_first_number() -> None:
    request, clock = opened("numbering-resource", "portal")
    walk(request, clock, ["submit", "sign", "register"])
    before = snapshot(request)
    with pytest.raises(IllegalTransition):
        request.apply("register", SYSTEM, clock(), number="KZ99OTHER")
    assert snapshot(request) == before and request.number == "KZ04RPR00031544"


def test_nothing_may_happen_after_the_outcome() -> None:
    request, clock = opened("radio-device-permit", "portal")
    walk(request, clock, journey("radio-device-permit", "portal"))
    before = snapshot(request)
    with pytest.raises(IllegalTransition) as caught:
        request.apply("refuse", CLERK, clock(), outcome="qualification-not-met", reason="поздно")
    assert snapshot(request) == before
    assert "по заявлению принято решение" in caught.value.message("ru")


@pytest.mark.parametrize(
    ("before", "event", "actor"),
    [
        (["submit", "pay", "sign", "register", "start-review"], "issue", APPLICANT),
        (["submit", "pay"], "sign", CLERK),
        (["submit", "pay", "sign"], "register", APPLICANT),
        (["submit", "pay", "sign", "register"], "start-review", OPERATOR),
    ],
)
def test_a_step_taken_by_the_wrong_participant_is_refused(
    before: list[str], event: str, actor: Actor
) -> None:
    request, clock = opened("tv-radio-license", "portal")
    walk(request, clock, before)
    state = snapshot(request)
    with pytest.raises(ActorNotAllowed) as caught:
        request.apply(event, actor, clock(), **details_for(event))
    assert snapshot(request) == state
    assert actor.kind in caught.value.message("kk")


def test_on_the_portal_the_applicant_signs_and_at_the_provider_the_clerk_does() -> None:
    portal, clock = opened("telecom-license", "portal")
    walk(portal, clock, ["submit", "pay"])
    with pytest.raises(ActorNotAllowed):
        portal.apply("sign", CLERK, clock())

    provider, clock = opened("telecom-license", "provider")
    walk(provider, clock, ["submit", "check-applicant", "record-receipt"])
    with pytest.raises(ActorNotAllowed):
        provider.apply("sign", APPLICANT, clock())
    provider.apply("sign", CLERK, clock())
    assert provider.state == "signed"


def test_a_receipt_without_its_number_is_not_taken() -> None:
    request, clock = opened("cotton-warehouse-license", "provider")
    walk(request, clock, ["submit", "check-applicant"])
    before = snapshot(request)
    with pytest.raises(MissingDetail):
        request.apply("record-receipt", CLERK, clock(), receipt="  ")
    assert snapshot(request) == before


def test_a_moment_without_a_time_zone_is_refused() -> None:
    request, _ = opened("tv-radio-license", "portal")
    before = snapshot(request)
    with pytest.raises(InvalidTimestamp):
        request.apply("submit", APPLICANT, datetime(2026, 10, 2, 10, 0))
    assert snapshot(request) == before


def test_a_moment_earlier_than_the_last_entry_is_refused() -> None:
    request, clock = opened("tv-radio-license", "portal")
    walk(request, clock, ["submit"])
    before = snapshot(request)
    with pytest.raises(InvalidTimestamp):
        request.apply("pay", APPLICANT, datetime(2026, 10, 1, tzinfo=UTC))
    assert snapshot(request) == before


def test_a_moment_in_another_time_zone_is_recorded_in_utc() -> None:
    request, _ = opened("tv-radio-license", "portal")
    almaty = timezone(timedelta(hours=5))
    entry = request.apply("submit", APPLICANT, datetime(2026, 10, 2, 15, 30, tzinfo=almaty))
    assert entry.at == datetime(2026, 10, 2, 10, 30, tzinfo=UTC) and entry.at.tzinfo is UTC


def test_details_that_cannot_be_stored_are_refused() -> None:
    request, clock = opened("tv-radio-license", "portal")
    before = snapshot(request)
    with pytest.raises(InvalidDetails):
        request.apply("submit", APPLICANT, clock(), attachments={object()})
    assert snapshot(request) == before


def test_the_request_cannot_be_changed_around_apply() -> None:
    request, _ = opened("tv-radio-license", "portal")
    with pytest.raises(AttributeError):
        request.state = "issued"  # type: ignore[misc]
    with pytest.raises(TypeError):
        request.applicant["bin"] = "000000000000"  # type: ignore[index]
    history = request.history
    assert isinstance(history, tuple)


# -- opening --------------------------------------------------------------------------------


def test_a_request_opens_as_a_draft_recording_service_action_and_channel() -> None:
    request, _ = opened("cotton-warehouse-license", "provider")
    first = request.history[0]
    assert request.state == "draft" and request.number is None and request.outcome is None
    assert first.event == "open" and first.from_state is None and first.to_state == "draft"
    assert first.actor == CLERK
    assert first.details == {"service": "cotton-warehouse-license", "action": "issue", "channel": "provider"}
    assert request.opened_at == first.at


def test_a_request_is_not_opened_on_a_channel_or_for_an_action_the_service_lacks() -> None:
    service = CATALOG.get("tv-radio-license")
    common: dict[str, Any] = {"request_id": "r-1", "applicant": {}, "at": Clock()()}
    with pytest.raises(ChannelNotOffered):
        Request.open(service, action="issue", channel="centre", actor=OPERATOR, **common)
    with pytest.raises(ActionNotOffered) as caught:
        Request.open(service, action="duplicate", channel="portal", actor=APPLICANT, **common)
    assert "issue, reissue" in caught.value.message("ru")
    with pytest.raises(ActorNotAllowed):
        Request.open(service, action="issue", channel="provider", actor=APPLICANT, **common)


# -- restoring from storage --------------------------------------------------------------------


def stored(request: Request) -> list[dict[str, Any]]:
    return [entry.to_dict() for entry in request.history]


def test_a_stored_request_is_rebuilt_from_its_history() -> None:
    request, clock = opened("radio-spectrum-permit", "provider")
    walk(request, clock, journey("radio-spectrum-permit", "provider"))

    service = CATALOG.get("radio-spectrum-permit")
    again = Request.restore(
        service, [HistoryEntry.from_dict(row) for row in stored(request)], applicant=request.applicant
    )

    assert snapshot(again) == snapshot(request)
    assert (again.id, again.action, again.channel) == (request.id, request.action, request.channel)


def test_a_refused_request_is_rebuilt_with_its_outcome() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, ["submit", "pay", "sign"])
    request.apply("refuse", SYSTEM, clock(), outcome="signature-not-confirmed", reason="revoked")
    again = Request.restore(CATALOG.get("telecom-license"), request.history, applicant={})
    assert again.outcome == request.outcome and again.state == "refused"


def test_an_edited_stored_history_is_not_rebuilt() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, journey("telecom-license", "portal"))
    rows = stored(request)
    rows[4]["details"]["number"] = "KZ00FORGED"
    with pytest.raises(BrokenHistory) as caught:
        Request.restore(
            CATALOG.get("telecom-license"), [HistoryEntry.from_dict(r) for r in rows], applicant={}
        )
    assert "№5" in caught.value.message("kk") and "№ 5" in caught.value.message("ru")


def test_a_well_chained_history_that_skips_a_step_is_not_rebuilt() -> None:
    request, clock = opened("telecom-license", "portal")
    history = [request.history[0]]
    # Forged with correct hashes: straight from draft to signed, skipping payment.
    for event, source, target in [
        ("submit", "draft", "awaiting-payment"),
        ("sign", "awaiting-payment", "signed"),
    ]:
        history.append(
            HistoryEntry.record(
                history[-1],
                request_id=request.id,
                at=clock(),
                actor=APPLICANT,
                event=event,
                step={"kk": "қадам", "ru": "шаг"},
                from_state=source,
                to_state=target,
            )
        )
    assert verify_chain(history) is None
    with pytest.raises(BrokenHistory) as caught:
        Request.restore(CATALOG.get("telecom-license"), history, applicant={})
    assert "№ 3" in caught.value.message("ru")


def test_a_history_cut_short_is_caught_against_the_head_kept_apart() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, journey("telecom-license", "portal"))
    shorter = request.history[:-1]
    Request.restore(CATALOG.get("telecom-license"), shorter, applicant={})  # no head: looks whole
    with pytest.raises(BrokenHistory):
        Request.restore(CATALOG.get("telecom-license"), shorter, applicant={}, head=request.head)


def test_a_history_of_another_service_is_not_rebuilt_as_this_one() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, ["submit"])
    with pytest.raises(BrokenHistory):
        Request.restore(CATALOG.get("tv-radio-license"), request.history, applicant={})


# -- one hierarchy outside the core -----------------------------------------------------------


def test_outside_the_core_a_domain_error_is_a_docgen_error_in_both_languages() -> None:
    from docgen.errors import DocgenError, DomainRefusal

    request, clock = opened("tv-radio-license", "portal")
    with pytest.raises(IllegalTransition) as caught:
        request.apply("issue", CLERK, clock())
    wrapped = DomainRefusal(caught.value)
    assert isinstance(wrapped, DocgenError)
    assert wrapped.message("kk") == caught.value.message("kk")
    assert wrapped.message("kk+ru") == caught.value.message("kk+ru")
    assert wrapped.reason == "illegal-transition" and wrapped.error is caught.value
