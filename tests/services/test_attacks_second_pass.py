"""Attacks found by a second, adversarial pass over the service layer: each test is named after
what it stops (acting on a stale or made-up user value, another principal's power of attorney, a
clerk writing into an applicant's draft, claimed attachments, duplicates outliving their license,
concurrent reissues and duplicates, a guessable payment secret, crafted callbacks, reused receipts,
a locked database while the gateway answers, NUL bytes, one-language reasons).

Most run in memory (``world``); those that depend on the database's locking or on what a driver
accepts run on SQLite and PostgreSQL (``any_world``; the memory variant is skipped where a shared
store without locks would prove nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from docgen.adapters.outside import SandboxGateway
from docgen.errors import DocgenError, DomainRefusal, InvalidRequest, NotAllowed, PaymentRejected
from tests import fakes
from tests.services.conftest import count_rows
from tests.services.world import PERSON_IIN, World, make_world

CLERK = "clerk-mtc-communications-committee"
PDF = b"%PDF-1.7\n" + b"0" * 100


def outcome_of(attempt: Callable[[], Any]) -> Any:
    """What ``attempt`` returns, or the error it raises (any error: a traceback is a finding too)."""
    try:
        return attempt()
    except Exception as error:  # the point is to see what comes out, a traceback included
        return error


def needs_database(world: World) -> None:
    if isinstance(world.app.requests.uow, fakes.MemoryDatabase):
        pytest.skip("the in-memory store has no locks: only a database can show this")


def portal_request_paid(world: World, login: str = "dala", **changes: Any) -> str:
    request_id = world.file(login, **changes)
    world.app.requests.submit(world[login], request_id)
    world.pay(login, request_id)
    return request_id


def history(world: World, login: str, request_id: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = world.app.queries.show(world[login], request_id)["history"]
    return entries


# -- acting for another holder --------------------------------------------------------------------


def test_a_power_of_attorney_from_one_principal_does_not_let_its_holder_file_for_another(
    world: World,
) -> None:
    # The notary knows power of attorney 17/26 for the farm's head (920214450117): «Дала Телеком»
    # gave it (numbering-resource example). Ахметов (PERSON_IIN) never did - yet the farm's head
    # files a request in Ахметов's name with it, and then reads it as "his representative".
    data = world.example("radio-device-permit")
    data["representative"] = {
        "name": "Ким Виктория Александровна",
        "iin": world["farm"].iin,
        "power_of_attorney": {"number": "17/26", "date": "2026-01-10", "notarized": False},
    }
    assert data["applicant"]["iin"] == PERSON_IIN
    result = outcome_of(
        lambda: world.app.requests.new(world["farm"], "radio-device-permit", "issue", "portal", data)
    )
    assert isinstance(result, NotAllowed), f"filed in another person's name: {result!r}"


def test_a_user_value_taken_before_the_account_was_disabled_no_longer_acts(world: World) -> None:
    # A session (web) or a long-running caller holds the User it authenticated; the administrator
    # then disables the account. The use cases trust the value they are handed.
    dala = world.app.users.authenticate("dala", "correct horse")
    world.app.users.set_enabled("dala", False)
    result = outcome_of(
        lambda: world.app.requests.new(
            dala, "telecom-license", "issue", "portal", world.example("telecom-license")
        )
    )
    assert isinstance(result, DocgenError), f"a disabled account filed request {result!r}"


def test_a_user_value_that_is_no_account_at_all_cannot_issue(world: World) -> None:
    from docgen.domain.users import User

    request_id = world.registered()
    ghost = User("ghost", "clerk", "Nobody", provider="mtc-communications-committee")  # never stored
    result = outcome_of(lambda: world.issue(ghost, request_id))
    assert isinstance(result, DocgenError), f"an account that does not exist issued {result!r}"


# -- changing another person's request ----------------------------------------------------------------


def test_a_clerk_cannot_attach_files_to_an_applicants_portal_draft(world: World) -> None:
    # On the portal the applicant fills in the draft and attaches; the clerk of the provider may act
    # on every request of the provider, and the "attach" note admits clerks on every channel: the
    # clerk slips a file into the draft the applicant is about to sign.
    request_id = world.file("dala")
    result = outcome_of(
        lambda: world.app.requests.attach(
            world[CLERK], request_id, "fee-receipt", "planted.pdf", PDF, "application/pdf"
        )
    )
    assert isinstance(result, DocgenError), f"the clerk attached {result!r} to the applicant's draft"


def test_refusing_a_portal_request_for_no_payment_names_who_did_it(world: World) -> None:
    # refuse_unpaid on the portal records the refusal as the information system, whoever calls it:
    # the provider's clerk refuses the request the moment its payment order is opened, and the
    # history says "system" did it.
    request_id = world.file("dala")
    world.app.requests.submit(world["dala"], request_id)
    world.app.requests.order_payment(world["dala"], request_id)
    clerk = world[CLERK]
    result = outcome_of(lambda: world.app.requests.refuse_unpaid(clerk, request_id))
    if isinstance(result, DocgenError):
        return  # refused to the clerk: held
    last = history(world, "dala", request_id)[-1]
    assert last["actor"]["login"] == clerk.login, (
        f"refusal recorded as {last['actor']}, done by {clerk.login}"
    )


def test_attachments_claimed_in_the_intake_data_are_not_taken_as_attached(world: World) -> None:
    # The intake data may list attachments with form "electronic", media type and size: the request
    # then shows a fee receipt "attached electronically" that was never uploaded (no bytes, no
    # SHA-256 in the history), exactly as an uploaded one looks in its data.
    claimed = [{"code": "fee-receipt", "form": "electronic", "media_type": "application/pdf", "size": 4096}]
    with pytest.raises(InvalidRequest) as caught:
        world.file("dala", attachments=claimed)
    assert "attachments.0.form" in {error.field for error in caught.value.errors}


# -- licenses: duplicates, reissues, status -----------------------------------------------------------


def test_a_duplicate_does_not_stay_in_force_after_its_license_is_reissued_and_terminated(
    world: World,
) -> None:
    dala, clerk = world["dala"], world[CLERK]
    _, license_number = world.licensed()
    duplicate_request = world.registered(action="duplicate", license_number=license_number)
    duplicate = world.issue(clerk, duplicate_request)
    reissue_request = world.registered(action="reissue", license_number=license_number)
    reissued = world.issue(clerk, reissue_request)
    assert reissued and duplicate
    world.app.documents.set_status(clerk, reissued, "terminated", "грубое нарушение")

    def status(number: str) -> str:
        return str(world.app.documents.check_fingerprint(number, "0")["status"])

    assert status(license_number) == "replaced"
    assert status(reissued) == "terminated"
    # The holder still shows the duplicate of the replaced license; the public check says "active",
    # and no clerk can change it (set_status refuses duplicates and replaced licenses).
    assert status(duplicate) != "active", f"{duplicate} is still in force; {dala.login} keeps a live license"


def _two_at_once(world: World, first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """``first`` runs until it renders its document and waits there; ``second`` runs meanwhile (for
    two seconds, or to its end); then ``first`` is let go. Returns both outcomes."""
    rendering, release = threading.Event(), threading.Event()
    renderer = world.app.requests.issuer.renderer

    class Pausing(fakes.FakeRenderer):
        def render(
            self, kind: str, data: dict[str, Any], lang: str, fmt: str, *, copy: bool = False
        ) -> bytes:
            if threading.current_thread().name == "first":
                rendering.set()
                release.wait(30)
            return renderer.render(kind, data, lang, fmt, copy=copy)

    world.app.requests.issuer.renderer = Pausing()
    results: dict[str, Any] = {}

    def run(name: str, attempt: Callable[[], Any]) -> threading.Thread:
        thread = threading.Thread(target=lambda: results.__setitem__(name, outcome_of(attempt)), name=name)
        thread.start()
        return thread

    a = run("first", first)
    assert rendering.wait(30)
    b = run("second", second)
    b.join(2)  # on SQLite the second waits for the database; on PostgreSQL it gets as far as it can
    release.set()
    a.join(90)
    b.join(90)
    return results["first"], results["second"]


def test_two_reissues_of_one_license_at_once_leave_one_license_in_force(any_world: World) -> None:
    needs_database(any_world)
    clerk = any_world[CLERK]
    _, license_number = any_world.licensed()
    one = any_world.registered(action="reissue", license_number=license_number)
    two = any_world.registered(action="reissue", license_number=license_number)
    first, second = _two_at_once(
        any_world,
        lambda: any_world.issue(clerk, one),
        lambda: any_world.issue(clerk, two),
    )
    issued = [r for r in (first, second) if isinstance(r, str)]
    # The license is checked "active" without a lock: both reissues pass, both replace it, and the
    # licensee ends with two licenses in force, each "version 2" of the same one.
    assert len(issued) == 1, f"both reissues of {license_number} issued: {issued}"


def test_two_duplicates_of_one_license_at_once_get_numbers_not_a_traceback(any_world: World) -> None:
    needs_database(any_world)
    clerk = any_world[CLERK]
    _, license_number = any_world.licensed()
    one = any_world.registered(action="duplicate", license_number=license_number)
    two = any_world.registered(action="duplicate", license_number=license_number)
    first, second = _two_at_once(
        any_world,
        lambda: any_world.issue(clerk, one),
        lambda: any_world.issue(clerk, two),
    )
    for result in (first, second):
        # <number>-D<count+1> is computed without a counter or a lock: both take -D1, and the second
        # insert dies on the unique index with the driver's IntegrityError.
        assert isinstance(result, str | DocgenError), f"a traceback, not an answer: {result!r}"


# -- payment --------------------------------------------------------------------------------------------


def test_the_payment_secret_as_shipped_does_not_let_an_applicant_forge_the_callback(tmp_path: Path) -> None:
    # bootstrap.build signs callbacks with Settings.payment_secret, whose default is "sandbox" (in
    # the source). The applicant reads the order's reference and amount from their own request and
    # signs the "paid" callback themselves.
    from docgen.bootstrap import build
    from docgen.config import load

    try:
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        built = build(replace(load({}), database_url=url, instance_dir=tmp_path))
    except DocgenError:
        return  # refuses to start with the published secret: held
    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: count_rows(database), gateway=built.gateway)
    if built.engine is not None:
        built.engine.dispose()
    request_id = world.file("dala")
    world.app.requests.submit(world["dala"], request_id)
    world.app.requests.order_payment(world["dala"], request_id)
    order = next(e for e in history(world, "dala", request_id) if e["event"] == "order-payment")["details"]
    payload = json.dumps(
        {
            "request_id": request_id,
            "amount": str(order["amount"]),
            "reference": order["reference"],
            "paid_at": "2026-11-23T09:00:00+05:00",
        },
        sort_keys=True,
    ).encode()
    forged = hmac.new(b"sandbox", payload, hashlib.sha256).hexdigest()
    result = outcome_of(lambda: world.app.requests.payment_callback(payload, forged))
    assert isinstance(result, PaymentRejected), f"a callback the applicant signed was taken: {result!r}"


def test_a_callback_with_a_non_ascii_signature_is_rejected_not_a_traceback(world: World) -> None:
    # The callback endpoint needs no account: anyone can send it a header the HMAC comparison chokes on.
    request_id = world.file("dala")
    world.app.requests.submit(world["dala"], request_id)
    order = world.app.requests.order_payment(world["dala"], request_id)
    payload, _ = world.gateway.pay(order)
    result = outcome_of(lambda: world.app.requests.payment_callback(payload, "é" * 64))
    assert isinstance(result, PaymentRejected), f"not a refusal: {result!r}"


def test_one_paper_receipt_does_not_pay_two_requests(world: World) -> None:
    # On the assisted channels the clerk or operator types in the receipt's number: the same receipt
    # is taken for any number of requests (a paper "replayed callback").
    operator = world["operator-astana"]
    first = world.file("operator-astana", "archaeology-license")
    second = world.file("operator-astana", "archaeology-license")
    for request_id in (first, second):
        assert world.app.requests.submit(operator, request_id) == "awaiting-payment"
    assert world.app.requests.record_receipt(operator, first, "KVT-000123") == "paid"
    result = outcome_of(lambda: world.app.requests.record_receipt(operator, second, "KVT-000123"))
    assert isinstance(result, DocgenError), f"the receipt already used for {first} paid {second} too"


def test_opening_a_payment_order_does_not_hold_the_database_while_the_gateway_answers(
    any_world: World,
) -> None:
    # order_payment calls the gateway inside its writing unit of work (submit takes care to call the
    # outside systems outside it): on SQLite every other writer waits for the gateway - up to the
    # 60 s busy timeout, then "database is locked".
    needs_database(any_world)
    gateway = any_world.gateway
    other_done = threading.Event()

    def another_files() -> None:
        any_world.file("farm", "cotton-warehouse-license")
        other_done.set()

    class SlowGateway(SandboxGateway):
        def order(self, request_id: str, amount: str) -> Any:
            another = threading.Thread(target=another_files, daemon=True)
            another.start()
            other_done.wait(3)  # the gateway takes its time; meanwhile someone else files a request
            return gateway.order(request_id, amount)

    request_id = any_world.file("dala")
    any_world.app.requests.submit(any_world["dala"], request_id)
    any_world.app.requests.gateway = SlowGateway(gateway.secret)
    any_world.app.requests.order_payment(any_world["dala"], request_id)
    in_time = other_done.is_set()
    other_done.wait(90)  # let the blocked writer finish before the database goes
    assert in_time, "another applicant could not file while the gateway was being asked"


# -- crafted input: tracebacks instead of answers -------------------------------------------------------


def test_a_nul_byte_in_a_number_or_login_is_an_answer_not_a_traceback(any_world: World) -> None:
    # On PostgreSQL a NUL in a text parameter makes psycopg raise DataError. Reached without an
    # account (the public check, sign-in) and by any applicant (a reissue's license_number).
    attempts = {
        "public check": lambda: any_world.app.documents.check_file("LIC-\x00", b"x"),
        "sign in": lambda: any_world.app.users.authenticate("dala\x00", "correct horse"),
        "reissue": lambda: any_world.file("dala", action="reissue", license_number="LIC-\x00"),
    }
    for name, attempt in attempts.items():
        result = outcome_of(attempt)
        assert isinstance(result, DocgenError), f"{name}: {result!r}"


def test_a_refusal_reason_in_one_language_is_refused_cleanly(world: World) -> None:
    request_id = world.registered()
    before = world.rows()
    reason = {"kk": "Біліктілік талаптарына сай емес"}  # the Russian left out
    result = outcome_of(
        lambda: world.app.requests.refuse(world[CLERK], request_id, ["applicant-data-violations"], reason)
    )
    assert isinstance(result, DocgenError), f"not an answer: {result!r}"
    assert world.rows() == before


# -- the record -----------------------------------------------------------------------------------------


def test_the_audit_notices_a_request_moved_to_another_holder(world: World) -> None:
    # Someone with write access to the database gives the farm Дала's request, its license and its
    # history, by changing the row's holder. Whose a request is is recorded in its opening entry:
    # the request is refused before anything is handed out, and the audit names it.
    request_id, number = world.licensed()
    store = world.app.requests.uow.store  # type: ignore[attr-defined]
    store.requests[request_id] = replace(store.requests[request_id], holder=world["farm"].holder)
    with pytest.raises(DomainRefusal):
        world.app.documents.download(world["farm"], number)
    (finding,) = world.app.audit.verify()
    assert finding["kind"] == "row-altered" and finding["id"] == request_id
    assert "holder" in finding["problem"]["ru"]


def test_a_clerk_does_not_see_an_applicants_unsubmitted_draft(any_world: World) -> None:
    """A draft is the applicant's own until submitted: not in the provider's queue, not readable."""
    from docgen.errors import NotAllowed

    clerk = any_world["clerk-mtc-communications-committee"]
    draft = any_world.file("dala")
    assert draft not in {row["id"] for row in any_world.app.queries.queue(clerk)}
    with pytest.raises(NotAllowed):
        any_world.app.queries.show(clerk, draft)
    any_world.app.requests.submit(any_world["dala"], draft)
    assert draft in {row["id"] for row in any_world.app.queries.queue(clerk)}
