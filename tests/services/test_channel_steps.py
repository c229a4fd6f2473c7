"""The steps the seeds name on the assisted channels, and only those: the operator's or officer's own
signature, the check of originals (seed 004), the hand-over where the request was filed, no
state-database step where the seed has none; and the applicant told when the result is ready."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from docgen.domain.workflow import Workflow
from docgen.errors import (
    DocgenError,
    DocumentNotFound,
    DomainRefusal,
    EntrantSignatureMissing,
    NotAllowed,
    SignatureMissing,
)
from docgen.services.ports import Notification
from tests import fakes
from tests.services.conftest import count_rows
from tests.services.world import COMPANY_BIN, World, make_world

ARCHAEOLOGY = "archaeology-license"  # seed 003: portal, provider, centre
MEDIA = "foreign-media-registration"  # seed 004: local body, centre, portal
OFFICER = "clerk-mangystau-internal-policy"  # the local executive body's officer (seed 004)


def refused(error: type[DocgenError], action: Callable[[], Any]) -> DocgenError:
    with pytest.raises(error) as caught:
        action()
    return caught.value


def issue(world: World, clerk: str, request_id: str) -> str | None:
    """Issue as ``clerk``, with the service's example decision where issuing takes one."""
    if hasattr(world, "issue"):
        return world.issue(clerk, request_id)  # type: ignore[no-any-return]
    return world.app.requests.issue(world[clerk], request_id)


def at_centre(world: World, service: str = ARCHAEOLOGY) -> str:
    """A request the Astana operator filed, submitted and (where charged) paid by paper receipt."""
    operator = world["operator-astana"]
    request_id = world.file("operator-astana", service, next(iter(world.catalog.get(service).actions)))
    if world.app.requests.submit(operator, request_id) == "awaiting-payment":
        world.app.requests.record_receipt(operator, request_id, f"KVT-{request_id[:8]}")
    return request_id


def at_local_body(world: World) -> str:
    officer = world[OFFICER]
    return world.app.requests.new(officer, MEDIA, "register", "local-body", world.example(MEDIA))


# -- the operator's and officer's own signature -------------------------------------------------------


def test_a_request_filed_at_a_centre_carries_the_operators_checked_signature(world: World) -> None:
    request_id = at_centre(world)
    signature = world.staff_signature("operator-astana", request_id)

    assert world.app.requests.sign(world["operator-astana"], request_id, signature) == "registered"

    shown = world.app.queries.show(world["operator-astana"], request_id)
    assert shown["signature_check"]["ok"] is True
    assert shown["signature_check"]["signer"] == world["operator-astana"].iin
    (sign,) = [entry for entry in shown["history"] if entry["event"] == "sign"]
    assert sign["actor"]["login"] == "operator-astana" and sign["details"]["signed_by"] == "operator-astana"
    assert len(sign["details"]["signature_sha256"]) == 64


def test_at_a_centre_the_operator_cannot_sign_without_their_key(world: World) -> None:
    request_id = at_centre(world)
    refused(SignatureMissing, lambda: world.app.requests.sign(world["operator-astana"], request_id, None))
    assert world.app.queries.show(world["operator-astana"], request_id)["state"] == "paid"


def test_a_signature_made_with_another_persons_key_is_not_confirmed(world: World) -> None:
    request_id = at_centre(world)
    signature = world.staff_signature("operator-astana", request_id, key="operator-aktau")

    assert world.app.requests.sign(world["operator-astana"], request_id, signature) == "refused"

    shown = world.app.queries.show(world["operator-astana"], request_id)
    assert shown["outcome"] == {"code": "signature-not-confirmed", "details": {"reason": "identity-mismatch"}}
    assert shown["signature_check"]["reason"] == "identity-mismatch"


def test_an_applicants_own_key_does_not_sign_for_the_operator(world: World) -> None:
    request_id = at_centre(world)
    payload = world.app.requests.payload(world["operator-astana"], request_id)
    signature = fakes.fake_signature(payload, COMPANY_BIN)
    assert world.app.requests.sign(world["operator-astana"], request_id, signature) == "refused"
    outcome = world.app.queries.show(world["operator-astana"], request_id)["outcome"]
    assert outcome["details"]["reason"] == "identity-mismatch"


def test_at_the_provider_the_seed_names_no_key_of_the_clerks(world: World) -> None:
    clerk = world["clerk-mci-culture-committee"]
    request_id = world.file("clerk-mci-culture-committee", ARCHAEOLOGY)
    world.app.requests.submit(clerk, request_id)
    world.app.requests.record_receipt(clerk, request_id, "KVT-77")
    assert world.app.requests.sign(clerk, request_id) == "registered"


# -- seed 004: originals checked, no state database ------------------------------------------------


def test_seed_004_local_body_checks_the_originals_and_asks_no_state_database() -> None:
    world = make_world(
        (database := fakes.MemoryDatabase()),
        lambda: count_rows(database),
        registry=fakes.PeopleRegistry({}),  # a state database that knows nobody: it is not asked
    )
    officer = world[OFFICER]
    workflow = Workflow.for_service(world.catalog.get(MEDIA), "local-body")
    assert "check-applicant" not in [row.event for row in workflow.path]
    assert "applicant-not-found" not in workflow.outcomes
    request_id = at_local_body(world)

    refused(DomainRefusal, lambda: world.app.requests.submit(officer, request_id))
    assert world.app.requests.check_originals(officer, request_id) == "originals-checked"
    assert world.app.requests.submit(officer, request_id) == "submitted"
    signature = world.staff_signature(OFFICER, request_id)
    assert world.app.requests.sign(officer, request_id, signature) == "registered"

    history = world.app.queries.show(officer, request_id)["history"]
    events = [entry["event"] for entry in history]
    assert events[:5] == ["open", "check-originals", "submit", "sign", "register"]
    assert history[1]["actor"]["login"] == OFFICER
    assert history[1]["step"]["kk"].startswith("Алушының өтiнiшi мен құжаттарының түпнұсқалығын ЖАО")


def test_the_originals_are_checked_only_where_the_seed_says(world: World) -> None:
    request_id = at_centre(world, MEDIA)
    refused(DomainRefusal, lambda: world.app.requests.check_originals(world["operator-astana"], request_id))


# -- the hand-over -------------------------------------------------------------------------------------


def issued_at_centre(world: World) -> tuple[str, str]:
    request_id = at_centre(world)
    operator = world["operator-astana"]
    world.app.requests.sign(operator, request_id, world.staff_signature("operator-astana", request_id))
    number = issue(world, "clerk-mci-culture-committee", request_id)
    assert number
    return request_id, number


def test_the_operator_hands_the_result_over_and_the_history_records_it(world: World) -> None:
    request_id, number = issued_at_centre(world)

    assert world.app.requests.hand_over(world["operator-astana"], request_id) == number

    history = world.app.queries.show(world["operator-astana"], request_id)["history"]
    last = history[-1]
    assert last["event"] == "hand-over" and last["actor"]["login"] == "operator-astana"
    assert last["details"] == {"document": number, "method": "in-person"}
    assert last["from_state"] == last["to_state"] == "issued"
    assert world.app.audit.verify() == []
    refused(NotAllowed, lambda: world.app.requests.hand_over(world["operator-astana"], request_id))


def test_another_centres_operator_cannot_hand_it_over(world: World) -> None:
    request_id, _ = issued_at_centre(world)
    refused(NotAllowed, lambda: world.app.requests.hand_over(world["operator-aktau"], request_id))
    refused(
        DomainRefusal, lambda: world.app.requests.hand_over(world["clerk-mci-culture-committee"], request_id)
    )


def test_there_is_no_hand_over_on_the_portal(world: World) -> None:
    request_id, _ = world.licensed()
    for login in ("dala", "clerk-mtc-communications-committee"):
        refused(DomainRefusal, lambda login=login: world.app.requests.hand_over(world[login], request_id))


# -- the applicant's notification ----------------------------------------------------------------------


def test_the_applicant_is_notified_when_the_result_is_ready(world: World) -> None:
    request_id, number = world.licensed()

    (notice,) = world.app.queries.notifications(world["dala"])
    assert notice["request_id"] == request_id and notice["kind"] == "result-ready"
    assert notice["document"] == number
    title = world.catalog.get("telecom-license").title
    assert title["kk"] in notice["message"]["kk"] and title["ru"] in notice["message"]["ru"]
    assert number in notice["message"]["kk"] and number in notice["message"]["ru"]
    assert "жеке кабинет" in notice["message"]["kk"] and "личном кабинете" in notice["message"]["ru"]
    assert "сауалнамаға" in notice["message"]["kk"] and "анкету" in notice["message"]["ru"]
    assert "/survey/" not in notice["message"]["kk"] + notice["message"]["ru"], "no link stored in clear"
    (row,) = world.app.queries.mine(world["dala"])
    assert row["notifications"] == [notice]


def test_a_result_handed_over_at_the_centre_says_to_collect_it_there(world: World) -> None:
    request_id, number = issued_at_centre(world)
    holder = world.example(ARCHAEOLOGY)["applicant"]
    with world.app.queries.uow(write=False) as uow:
        (notice,) = uow.notifications.for_recipients([holder.get("bin") or holder.get("iin")])
    assert notice.document == number and notice.request_id == request_id
    assert "ХҚКО" in notice.message["kk"] or "халыққа қызмет көрсету орталығ" in notice.message["kk"]
    assert "центре обслуживания населения" in notice.message["ru"]
    assert "QR-коду приглашения" in notice.message["ru"] and "шақырудағы QR-код" in notice.message["kk"]


def test_a_refusal_without_payment_is_notified_too(world: World) -> None:
    request_id = world.file("dala")
    world.app.requests.submit(world["dala"], request_id)
    world.app.requests.expire_unpaid(request_id)
    (notice,) = world.app.queries.notifications(world["dala"])
    assert notice["kind"] == "refusal-ready" and notice["document"] is None
    assert "төлемнің болмауына" in notice["message"]["kk"].lower()


class FailingSigners(fakes.FakeSigners):
    def sign(self, provider: str, pdf: bytes) -> bytes:
        raise RuntimeError("the signing key is unavailable")


def test_a_failed_issue_notifies_nobody() -> None:
    outbox = fakes.MemoryOutbox()
    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: count_rows(database), signers=FailingSigners(), outbox=outbox)
    request_id = world.registered()
    with pytest.raises(RuntimeError):
        issue(world, "clerk-mtc-communications-committee", request_id)
    assert world.app.queries.notifications(world["dala"]) == []
    assert database.store.notifications == [] and outbox.delivered == []


def test_the_outbox_delivers_once_the_decision_is_committed() -> None:
    outbox = fakes.MemoryOutbox()
    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: count_rows(database), outbox=outbox)
    _, number = world.licensed()
    (delivered,) = outbox.delivered
    assert isinstance(delivered, Notification) and delivered.document == number
    assert delivered.email == world.example("telecom-license")["applicant"].get("email")
    assert database.store.notifications == [delivered]


def test_only_an_applicant_has_notifications(world: World) -> None:
    refused(NotAllowed, lambda: world.app.queries.notifications(world["operator-astana"]))


def test_the_notification_is_stored_with_the_decision_and_never_changed(sql_world: World) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    request_id, number = sql_world.licensed()
    (notice,) = sql_world.app.queries.notifications(sql_world["dala"])
    assert notice["request_id"] == request_id and notice["document"] == number
    assert notice["message"]["kk"] and notice["message"]["ru"]
    with pytest.raises(DBAPIError), sql_world.engine.begin() as connection:
        connection.execute(text("UPDATE notifications SET kind = 'x'"))


def test_a_refusal_with_no_document_has_nothing_to_hand_over(world: World) -> None:
    request_id = at_centre(world)
    signature = world.staff_signature("operator-astana", request_id, key="operator-aktau")
    assert world.app.requests.sign(world["operator-astana"], request_id, signature) == "refused"
    refused(DocumentNotFound, lambda: world.app.requests.hand_over(world["operator-astana"], request_id))


def test_the_operator_is_told_it_is_their_own_signature_that_is_missing(world: World) -> None:
    request_id = at_centre(world)
    error = refused(
        EntrantSignatureMissing, lambda: world.app.requests.sign(world["operator-astana"], request_id)
    )
    assert "ХҚКО операторының" in error.message("kk") and "оператора ЦОН" in error.message("ru")
