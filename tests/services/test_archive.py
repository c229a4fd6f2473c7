"""``docgen archive-timestamp`` as a use case: every stored document gets a new file with a document
timestamp, recorded in its request's sealed history, so checks and the audit accept it."""

from __future__ import annotations

import hashlib

import pytest

from docgen.domain.history import HistoryEntry
from docgen.errors import DocgenError, DocumentNotFound
from tests import fakes
from tests.services.conftest import count_rows
from tests.services.world import TV_BIN, World, make_world


@pytest.fixture
def world() -> World:
    database = fakes.MemoryDatabase()
    made = make_world(database, lambda: count_rows(database), timestamper=fakes.FakeTimestamper())

    def append_raw(entry: HistoryEntry) -> None:
        database.store.history[entry.request_id].append(entry)

    made.append_raw = append_raw
    return made


def test_every_stored_document_gets_a_new_file_named_by_its_history_and_the_audit_stays_clean(
    world: World,
) -> None:
    licenses = [world.licensed()[1], world.licensed("akzhaiyk", "tv-radio-license", TV_BIN)[1]]
    issued = [*licenses, "ANX-MTCCOMCOM-2026-000001", "ANX-MCIINFCOM-2026-000001"]  # and their annexes
    holders = {number: "akzhaiyk" if "MCIINFCOM" in number else "dala" for number in issued}
    before = {number: world.app.documents.check_file(number, b"")["sha256"] for number in issued}
    archive = world.app.archive
    assert archive is not None
    results = list(archive.refresh_all())
    assert sorted(item.number for item in results) == sorted(issued) and all(item.ok for item in results)
    for item in results:
        assert item.previous_sha256 == before[item.number] != item.sha256
        pdf = world.app.documents.download(world[holders[item.number]], item.number).content
        assert hashlib.sha256(pdf).hexdigest() == item.sha256
        assert b"\ndocument-timestamp:" in pdf and hashlib.sha256(pdf).hexdigest() != before[item.number]
        assert world.app.documents.check_file(item.number, pdf)["matches"] is True
    assert world.app.audit.verify() == []
    with world.app.requests.uow(write=False) as uow:
        document = uow.documents.by_number(issued[0])
        assert document is not None
        events = [
            e
            for e in uow.requests.history(document.request_id)
            if e.event == "archive-timestamp" and e.details["document"] == document.number
        ]
    assert len(events) == 1 and events[0].actor.kind == "system"
    assert events[0].details["document_sha256"] == document.sha256


def test_an_unknown_document_and_a_broken_history_are_refused_and_store_nothing(world: World) -> None:
    archive = world.app.archive
    assert archive is not None
    with pytest.raises(DocumentNotFound):
        archive.refresh("LIC-NONE-2026-000001")
    request_id, number = world.licensed()
    world.break_history(request_id)
    rows = world.rows()
    with pytest.raises(DocgenError):
        archive.refresh(number)
    assert world.rows() == rows
    with world.app.requests.uow(write=False) as uow:
        document = uow.documents.by_number(number)
    assert document is not None and not document.pdf.endswith(b"document-timestamp:1")
