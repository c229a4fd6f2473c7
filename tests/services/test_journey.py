"""The request's journey through the use cases, in memory: the fast tier (no database, no
WeasyPrint, no PKI)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from docgen.domain.deadlines import deadline_for
from docgen.domain.fingerprint import fingerprint
from docgen.errors import DocumentNotFound, DomainRefusal, InvalidRequest, RenderFailed, WrongLicense
from docgen.services.queries import QueryService
from tests import fakes
from tests.services.conftest import count_rows
from tests.services.world import COMPANY_BIN, World, make_world


def at_day(world: World, day: dt.date) -> QueryService:
    """The queries as they answer on ``day`` (noon in Astana)."""
    moment = dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC)
    return QueryService(
        world.app.queries.uow, world.catalog, fakes.SteppingClock(moment), world.app.queries.seal
    )


def test_a_portal_request_is_paid_signed_and_registered_with_a_number_and_deadline(world: World) -> None:
    request_id = world.registered()
    shown = world.app.queries.show(world["dala"], request_id)
    assert shown["state"] == "registered"
    assert shown["number"] == "MTCCOMCOM-2026-000001"
    assert shown["registered"] == "2026-11-23"
    assert shown["due"] == "2026-12-08"  # 15 calendar days from Monday 23 November
    assert shown["signature_check"]["ok"] is True
    events = [entry["event"] for entry in shown["history"]]
    assert events == ["open", "submit", "order-payment", "pay", "sign", "register"]


def test_a_registration_at_two_in_the_night_in_astana_is_dated_that_day() -> None:
    # 02:00 on Monday 23 November 2026 in Kazakhstan is 21:00 on Sunday 22 November in UTC.
    night = dt.datetime(2026, 11, 22, 21, 0, tzinfo=dt.UTC)
    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: count_rows(database), clock_start=night)
    request_id = world.registered("person", "radio-device-permit", "880501300124")
    shown = world.app.queries.show(world["person"], request_id)
    assert shown["registered"] == "2026-11-23"
    assert shown["filed_on"] == "2026-11-23"
    expected = deadline_for(
        world.catalog.get("radio-device-permit"), "issue", dt.date(2026, 11, 23), fakes.WeekendCalendar()
    )
    assert shown["due"] == expected.due.isoformat()
    wrong = deadline_for(
        world.catalog.get("radio-device-permit"), "issue", dt.date(2026, 11, 22), fakes.WeekendCalendar()
    )
    assert expected.due != wrong.due  # counted from Sunday, it would end a day early


def test_every_field_error_is_reported_at_once_in_both_languages(world: World) -> None:
    data = world.example("telecom-license")
    data["applicant"] = {"kind": "legal", "name": "", "bin": "120340001231"}
    data["fields"] = {}
    with pytest.raises(InvalidRequest) as caught:
        world.app.requests.new(world["dala"], "telecom-license", "issue", "portal", data)
    paths = [error.field for error in caught.value.errors]
    assert {"applicant.address", "applicant.bin", "applicant.name"} <= set(paths)
    assert any(path.startswith("fields.") for path in paths)
    assert "applicant.bin" in caught.value.message("kk") and "applicant.bin" in caught.value.message("ru")


def test_the_system_fields_cannot_be_typed_in(world: World) -> None:
    data = world.example("telecom-license") | {"number": "MTCCOMCOM-2026-999999", "filed_on": "2020-01-01"}
    with pytest.raises(InvalidRequest) as caught:
        world.app.requests.new(world["dala"], "telecom-license", "issue", "portal", data)
    assert {error.field for error in caught.value.errors} == {"number", "filed_on"}


def test_an_illegal_step_is_refused_and_changes_nothing(world: World) -> None:
    request_id = world.file("dala")
    before = world.app.queries.show(world["dala"], request_id)
    with pytest.raises(DomainRefusal) as caught:
        world.app.requests.order_payment(world["dala"], request_id)
    assert "draft" in caught.value.message("ru")
    assert world.app.queries.show(world["dala"], request_id) == before


def test_request_numbers_are_gapless_per_provider(world: World) -> None:
    first, second = world.registered(), world.registered()
    numbers = [world.app.queries.show(world["dala"], i)["number"][-6:] for i in (first, second)]
    assert numbers == ["000001", "000002"]


def test_issuing_stores_the_signed_document_and_a_second_issue_is_refused(world: World) -> None:
    request_id, number = world.licensed()
    assert number == "LIC-MTCCOMCOM-2026-000001"
    shown = world.app.queries.show(world["dala"], request_id)
    document, annex = shown["documents"]  # the license and its annex
    assert shown["state"] == "issued" and document["number"] == number and document["status"] == "active"
    assert annex["kind"] == "license-annex" and annex["number"] == "ANX-MTCCOMCOM-2026-000001"
    download = world.app.documents.download(world["dala"], number)
    assert download.copy is False and download.content.endswith(b"signed-by:mtc-communications-committee")
    assert hashlib.sha256(download.content).hexdigest() == document["sha256"]
    with pytest.raises(DomainRefusal):
        world.issue(world["clerk-mtc-communications-committee"], request_id)


class BrokenRenderer(fakes.FakeRenderer):
    def render(self, kind: str, data: dict[str, Any], lang: str, fmt: str, *, copy: bool = False) -> bytes:
        raise RenderFailed(kind=kind, detail="the renderer crashed")


def test_a_failure_while_rendering_leaves_the_store_as_it_was() -> None:
    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: count_rows(database), renderer=BrokenRenderer())
    request_id = world.registered()
    before = world.rows()
    counters = dict(database.store.counters)
    with pytest.raises(RenderFailed):
        world.issue(world["clerk-mtc-communications-committee"], request_id)
    assert world.rows() == before and database.store.counters == counters  # no number consumed
    assert world.app.queries.show(world["dala"], request_id)["state"] == "registered"


def test_a_reasoned_refusal_is_a_signed_document_with_its_grounds_and_explanation(world: World) -> None:
    request_id = world.registered()
    explanation = {
        "kk": "Біліктілік талаптарына сәйкес келмейді",
        "ru": "Не соответствует квалификационным требованиям",
    }
    clerk = world["clerk-mtc-communications-committee"]
    number = world.app.requests.refuse(clerk, request_id, ["applicant-data-violations"], explanation)
    shown = world.app.queries.show(world["dala"], request_id)
    assert shown["outcome"]["code"] == "qualification-not-met"
    assert shown["outcome"]["details"]["grounds"] == ["applicant-data-violations"]
    assert shown["outcome"]["details"]["explanation"] == explanation
    assert shown["documents"][0] == shown["documents"][0] | {"kind": "refusal", "number": number}
    content = world.app.documents.download(world["dala"], number).content
    data = json.loads(content.split(b"\n", 1)[1].rsplit(b"\nsigned-by", 1)[0])
    assert [ground["code"] for ground in data["grounds"]] == ["applicant-data-violations"]
    assert data["explanation"] == explanation


def test_a_download_in_another_form_is_a_copy_and_every_download_is_recorded(world: World) -> None:
    request_id, number = world.licensed()
    copy = world.app.documents.download(world["dala"], number, "docx", "ru")
    assert copy.copy and copy.content.startswith(b"docx:license:ru:copy")
    assert copy.filename == f"{number}-copy-ru.docx"
    history = world.app.queries.show(world["dala"], request_id)["history"]
    downloads = [entry for entry in history if entry["event"] == "download"]
    assert [d["details"] for d in downloads] == [
        {"document": number, "format": "docx", "lang": "ru", "copy": True}
    ]
    assert downloads[0]["actor"]["login"] == "dala"


def test_a_file_and_a_qr_fingerprint_are_checked_against_the_record(world: World) -> None:
    _, number = world.licensed()
    original = world.app.documents.download(world["dala"], number).content
    assert world.app.documents.check_file(number, original)["matches"] is True
    assert world.app.documents.check_file(number, original + b" ")["matches"] is False
    assert world.app.documents.check_file(number, original, holder=COMPANY_BIN)["status"] == "active"
    data = json.loads(original.split(b"\n", 1)[1].rsplit(b"\nsigned-by", 1)[0])
    assert world.app.documents.check_fingerprint(number, fingerprint(data))["matches"] is True
    assert world.app.documents.check_fingerprint(number, "0" * 32)["matches"] is False


def _follow_up(world: World, action: str, license_number: str) -> str:
    request_id = world.file(
        "clerk-mtc-communications-committee", action=action, license_number=license_number
    )
    clerk = world["clerk-mtc-communications-committee"]
    world.app.requests.submit(clerk, request_id)
    world.app.requests.record_receipt(clerk, request_id, "QR-1")
    world.app.requests.sign(clerk, request_id)
    return request_id


def test_a_reissue_is_a_new_version_that_replaces_the_old_license(world: World) -> None:
    _, original = world.licensed()
    request_id = _follow_up(world, "reissue", original)
    new_number = world.issue(world["clerk-mtc-communications-committee"], request_id)
    assert new_number and new_number != original
    assert world.app.documents.check_file(original, b"")["status"] == "replaced"
    assert world.app.documents.check_file(new_number, b"")["status"] == "active"
    with pytest.raises(DocumentNotFound):
        world.file("dala", "telecom-license", "duplicate", license_number=original)


def test_a_duplicate_follows_the_status_of_its_license(world: World) -> None:
    _, original = world.licensed()
    request_id = _follow_up(world, "duplicate", original)
    clerk = world["clerk-mtc-communications-committee"]
    duplicate = world.issue(clerk, request_id)
    assert duplicate == f"{original}-D1"
    world.app.documents.set_status(clerk, original, "suspended", "Тексеру / Проверка")
    assert world.app.documents.check_file(duplicate, b"")["status"] == "suspended"
    with pytest.raises(WrongLicense):
        world.app.documents.set_status(clerk, duplicate, "active", "—")


def test_a_status_change_records_the_clerk_and_the_reason(world: World) -> None:
    request_id, number = world.licensed()
    clerk = world["clerk-mtc-communications-committee"]
    world.app.documents.set_status(clerk, number, "terminated", "Лицензиат өтініші / Заявление лицензиата")
    last = world.app.queries.show(world["dala"], request_id)["history"][-1]
    assert last["event"] == "registry-status" and last["actor"]["login"] == clerk.login
    assert last["details"] == {
        "document": number,
        "status": "terminated",
        "reason": "Лицензиат өтініші / Заявление лицензиата",
    }
    with pytest.raises(WrongLicense):  # termination is final
        world.app.documents.set_status(clerk, number, "active", "—")


def test_the_clerks_queue_puts_overdue_then_due_soon_first(world: World) -> None:
    first = world.registered()  # due 2026-12-08
    unpaid = world.file("dala")  # submitted, not yet paid nor registered: no deadline yet
    world.app.requests.submit(world["dala"], unpaid)
    world.file("dala")  # a draft is the applicant's own: in no clerk's queue
    clerk = world["clerk-mtc-communications-committee"]
    assert [row["id"] for row in at_day(world, dt.date(2026, 12, 1)).queue(clerk)] == [first, unpaid]
    (late, _) = at_day(world, dt.date(2026, 12, 9)).queue(clerk)
    assert late["id"] == first and late["overdue"] is True
    (soon, _) = at_day(world, dt.date(2026, 12, 7)).queue(clerk)
    assert soon["due_soon"] is True and soon["overdue"] is False
    assert at_day(world, dt.date(2026, 12, 9)).queue(world["clerk-mci-information-committee"]) == []


def test_overdue_lists_only_the_clerks_provider_and_everything_for_the_administrator(world: World) -> None:
    request_id = world.registered()
    later = at_day(world, dt.date(2026, 12, 9))
    assert [row["id"] for row in later.overdue(world["clerk-mtc-communications-committee"])] == [request_id]
    assert later.overdue(world["clerk-mci-information-committee"]) == []
    assert [row["id"] for row in later.overdue(world["admin"])] == [request_id]


def test_an_applicants_history_of_services_lists_their_own_requests(world: World) -> None:
    mine = world.file("dala")
    world.file("farm", "cotton-warehouse-license", representative=None)
    listed = world.app.queries.mine(world["dala"])
    assert [row["id"] for row in listed] == [mine]
    assert listed[0]["state_label"]["kk"] and listed[0]["title"]["ru"]


def test_an_operator_files_at_their_centre_and_sees_what_was_filed_there(world: World) -> None:
    request_id = world.file("operator-astana", "archaeology-license")
    assert [row["id"] for row in world.app.queries.mine(world["operator-astana"])] == [request_id]
    assert world.app.queries.mine(world["operator-aktau"]) == []


def test_a_power_of_attorney_unknown_to_the_notary_system_is_refused(world: World) -> None:
    clerk = world["clerk-mtc-communications-committee"]

    def with_representative(notarized: bool, number: str) -> str:
        representative = {
            "name": "Ким Виктория Александровна",
            "iin": "920214450117",
            "power_of_attorney": {"number": number, "date": "2026-09-01", "notarized": notarized},
        }
        request_id = world.file(clerk.login, representative=representative)
        world.app.requests.submit(clerk, request_id)
        return request_id

    assert world.app.queries.show(clerk, with_representative(False, "17/26"))["state"] == "awaiting-payment"
    refused = world.app.queries.show(clerk, with_representative(False, "99/99"))
    assert refused["outcome"] == {"code": "applicant-not-found", "details": {"database": "notary"}}
    assert world.app.queries.show(clerk, with_representative(True, "99/99"))["state"] == "awaiting-payment"


def test_a_service_paid_after_review_is_approved_then_paid_then_issued(world: World) -> None:
    request_id = world.registered("radio", "radio-spectrum-permit", "090340007896")
    clerk = world["clerk-mtc-communications-committee"]
    assert world.issue(clerk, request_id) is None
    assert world.pay("radio", request_id) == "paid"
    assert world.issue(clerk, request_id) == "PRM-MTCCOMCOM-2026-000001"
