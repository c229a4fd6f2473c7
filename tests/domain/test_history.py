"""The history is appended, never rewritten: any edit, deletion or reordering is detected."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

import pytest

from docgen.domain.errors import InvalidActor, InvalidDetails, InvalidTimestamp
from docgen.domain.history import Actor, HistoryEntry, canonical_json, verify_chain

APPLICANT = Actor("applicant", "880501300124", "Сейтқали Айгерім Маратқызы")
SYSTEM = Actor("system", "e-licensing")
CLERK = Actor("clerk", "d.akhmetova", "Ахметова Д. С.")
START = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)

ROWS: list[tuple[Actor, str, str | None, str, dict[str, Any]]] = [
    (
        APPLICANT,
        "open",
        None,
        "draft",
        {"service": "telecom-license", "action": "issue", "channel": "portal"},
    ),
    (APPLICANT, "submit", "draft", "awaiting-payment", {}),
    (APPLICANT, "pay", "awaiting-payment", "paid", {"gateway_reference": "PSHEP-551203"}),
    (APPLICANT, "sign", "paid", "signed", {"certificate": {"serial": "IIN880501300124"}}),
    (SYSTEM, "register", "signed", "registered", {"number": "KZ17RLS00041200"}),
    (CLERK, "start-review", "registered", "in-review", {}),
]


def chain(request_id: str = "req-1") -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for minute, (actor, event, source, target, details) in enumerate(ROWS):
        entries.append(
            HistoryEntry.record(
                entries[-1] if entries else None,
                request_id=request_id,
                at=START + timedelta(minutes=minute),
                actor=actor,
                event=event,
                step={"kk": f"{event} қадамы", "ru": f"шаг {event}"},
                from_state=source,
                to_state=target,
                details=details,
            )
        )
    return entries


def test_an_intact_history_verifies() -> None:
    entries = chain()
    assert verify_chain(entries) is None
    assert verify_chain(entries, head=entries[-1].hash) is None
    assert verify_chain([]) is None


def test_each_entry_points_at_the_one_before_and_hashes_its_own_fields() -> None:
    entries = chain()
    assert entries[0].previous_hash is None
    for before, after in pairwise(entries):
        assert after.previous_hash == before.hash
    for position, entry in enumerate(entries, start=1):
        assert entry.seq == position
        payload = {key: value for key, value in entry.to_dict().items() if key != "hash"}
        expected = hashlib.sha256(
            json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        assert entry.hash == expected == entry.compute_hash()


EDITS: dict[str, Any] = {
    "request_id": "req-2",
    "seq": 9,
    "at": START + timedelta(days=1),
    "actor": Actor("clerk", "someone.else"),
    "event": "issue",
    "step": {"kk": "басқа қадам", "ru": "другой шаг"},
    "from_state": "draft",
    "to_state": "issued",
    "details": {"number": "KZ00FORGED"},
    "previous_hash": "0" * 64,
    "hash": "f" * 64,
}


@pytest.mark.parametrize("field", sorted(EDITS))
@pytest.mark.parametrize("index", [0, 3, 5])
def test_editing_any_field_of_any_entry_is_detected_at_that_entry(field: str, index: int) -> None:
    entries = chain()
    entries[index] = dataclasses.replace(entries[index], **{field: EDITS[field]})
    assert verify_chain(entries) == index


def test_every_field_is_covered_by_the_edits_above() -> None:
    assert {item.name for item in dataclasses.fields(HistoryEntry)} == set(EDITS)


def test_editing_the_stored_data_is_detected_after_loading_it() -> None:
    rows = [entry.to_dict() for entry in chain()]
    rows[4]["details"]["number"] = "KZ00FORGED"
    rows[2]["actor"]["name"] = "Басқа адам"
    assert verify_chain([HistoryEntry.from_dict(row) for row in rows]) == 2


def test_a_nested_detail_changed_in_place_is_detected() -> None:
    entries = chain()
    entries[3].details["certificate"]["serial"] = "IIN000000000000"
    assert verify_chain(entries) == 3


@pytest.mark.parametrize(("deleted", "detected_at"), [(0, 0), (2, 2), (4, 4)])
def test_deleting_an_entry_is_detected(deleted: int, detected_at: int) -> None:
    entries = chain()
    del entries[deleted]
    assert verify_chain(entries) == detected_at


def test_deleting_the_last_entry_is_detected_only_against_the_head_kept_apart() -> None:
    entries = chain()
    head = entries[-1].hash
    del entries[-1]
    assert verify_chain(entries) is None
    assert verify_chain(entries, head=head) == len(entries)
    assert verify_chain([], head=head) == 0


@pytest.mark.parametrize(("first", "second"), [(0, 1), (2, 3), (1, 5)])
def test_reordering_entries_is_detected(first: int, second: int) -> None:
    entries = chain()
    entries[first], entries[second] = entries[second], entries[first]
    assert verify_chain(entries) == first


def test_an_entry_of_another_request_is_detected_even_when_spliced_in_whole() -> None:
    ours, theirs = chain("req-1"), chain("req-2")
    assert verify_chain([*ours[:3], *theirs[3:]]) == 3


def test_an_entry_is_frozen() -> None:
    entry = chain()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.to_state = "issued"  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.details["service"] = "other"  # type: ignore[index]
    with pytest.raises(TypeError):
        entry.step["kk"] = "басқа"  # type: ignore[index]


def test_an_entry_survives_a_round_trip_through_json_storage() -> None:
    for entry in chain():
        stored = json.loads(json.dumps(entry.to_dict()))
        again = HistoryEntry.from_dict(stored)
        assert again == entry and again.hash == entry.hash
        assert again.to_dict() == entry.to_dict()


def test_what_is_stored_says_when_who_which_step_and_what_changed() -> None:
    stored = chain()[4].to_dict()
    assert stored == {
        "request_id": "req-1",
        "seq": 5,
        "at": "2026-10-02T09:04:00.000000+00:00",
        "actor": {"kind": "system", "login": "e-licensing", "name": ""},
        "event": "register",
        "step": {"kk": "register қадамы", "ru": "шаг register"},
        "from_state": "signed",
        "to_state": "registered",
        "details": {"number": "KZ17RLS00041200"},
        "previous_hash": chain()[3].hash,
        "hash": chain()[4].hash,
    }


def test_moments_are_kept_in_utc_and_a_moment_without_a_zone_is_refused() -> None:
    almaty = timezone(timedelta(hours=5))
    entry = HistoryEntry.record(
        None,
        request_id="r",
        at=datetime(2026, 10, 2, 14, 0, tzinfo=almaty),
        actor=APPLICANT,
        event="open",
        step={"kk": "а", "ru": "о"},
        from_state=None,
        to_state="draft",
    )
    assert entry.at == START and entry.at.tzinfo is UTC
    with pytest.raises(InvalidTimestamp):
        HistoryEntry.record(
            None,
            request_id="r",
            at=datetime(2026, 10, 2, 14, 0),
            actor=APPLICANT,
            event="open",
            step={"kk": "а", "ru": "о"},
            from_state=None,
            to_state="draft",
        )


def test_the_hash_does_not_depend_on_the_order_details_were_given_in() -> None:
    common: dict[str, Any] = {
        "request_id": "r",
        "at": START,
        "actor": APPLICANT,
        "event": "open",
        "step": {"kk": "а", "ru": "о"},
        "from_state": None,
        "to_state": "draft",
    }
    one = HistoryEntry.record(None, details={"a": 1, "b": "ә"}, **common)
    two = HistoryEntry.record(None, details={"b": "ә", "a": 1}, **common)
    assert one.hash == two.hash
    assert canonical_json({"b": "ә", "a": 1}) == '{"a":1,"b":"ә"}'.encode()


def test_details_that_are_not_json_are_refused() -> None:
    with pytest.raises(InvalidDetails):
        HistoryEntry.record(
            None,
            request_id="r",
            at=START,
            actor=APPLICANT,
            event="open",
            step={"kk": "а", "ru": "о"},
            from_state=None,
            to_state="draft",
            details={"when": START},
        )


@pytest.mark.parametrize(("kind", "login"), [("citizen", "x"), ("clerk", ""), ("system", "  ")])
def test_an_actor_has_a_known_kind_and_a_login(kind: str, login: str) -> None:
    with pytest.raises(InvalidActor):
        Actor(kind, login)
