"""Notes: what is recorded in a request's history without moving it on."""

from __future__ import annotations

import pytest

from docgen.domain.errors import ActorNotAllowed, BrokenHistory, IllegalTransition, MissingDetail
from docgen.domain.history import Actor
from docgen.domain.request import Request
from tests.domain.test_request import APPLICANT, CATALOG, CLERK, journey, opened, walk

ATTACHED = {"code": "fee-receipt", "sha256": "ab" * 32, "media_type": "application/pdf", "size": 10}


def test_an_attachment_is_noted_on_a_draft_without_moving_it() -> None:
    request, clock = opened("telecom-license", "portal")
    entry = request.note("attach", APPLICANT, clock(), **ATTACHED)
    assert request.state == "draft" and entry.from_state == entry.to_state == "draft"
    assert request.history[-1] == entry and entry.previous_hash == request.history[-2].hash


def test_a_note_out_of_its_state_by_the_wrong_actor_or_without_its_details_changes_nothing() -> None:
    request, clock = opened("telecom-license", "portal")
    before = request.history
    with pytest.raises(IllegalTransition):
        request.note("download", APPLICANT, clock(), document="X", format="pdf", lang="kk", copy=False)
    with pytest.raises(ActorNotAllowed):
        request.note("attach", Actor("system", "docgen"), clock(), **ATTACHED)
    with pytest.raises(MissingDetail):
        request.note("attach", APPLICANT, clock(), code="fee-receipt")
    with pytest.raises(IllegalTransition):
        request.note("no-such-note", APPLICANT, clock())
    assert request.history == before


def test_notes_replay_with_the_history_and_a_forged_one_breaks_it() -> None:
    request, clock = opened("telecom-license", "portal")
    request.note("attach", APPLICANT, clock(), **ATTACHED)
    walk(request, clock, journey("telecom-license", "portal"))
    request.note("registry-status", CLERK, clock(), document="LIC-1", status="suspended", reason="проверка")
    service = CATALOG.get("telecom-license")
    restored = Request.restore(service, request.history, applicant=request.applicant)
    assert restored.state == "issued" and restored.history == request.history
    forged = list(request.history)
    forged.insert(2, forged[1])  # the attachment note twice: the chain no longer holds
    with pytest.raises(BrokenHistory):
        Request.restore(service, forged, applicant=request.applicant)


def test_a_registry_status_note_is_a_clerks_on_an_issued_request_only() -> None:
    request, clock = opened("telecom-license", "portal")
    walk(request, clock, journey("telecom-license", "portal"))
    with pytest.raises(ActorNotAllowed):
        request.note("registry-status", APPLICANT, clock(), document="LIC-1", status="active", reason="—")
