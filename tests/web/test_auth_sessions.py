"""The session use cases over the in-memory store (the SQL store is exercised through the pages in
test_auth.py): what ends a session, and what is kept of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from docgen.domain.users import User
from docgen.errors import UnknownUser
from docgen.services.sessions import SessionService, session_hash
from tests.fakes import MemoryDatabase, SteppingClock

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _world() -> tuple[MemoryDatabase, SessionService, User]:
    database = MemoryDatabase()
    user = User("clerk", "clerk", "Clerk", provider="mci-culture-committee", password_hash="hash-1")
    with database() as uow:
        uow.users.add(user)
        uow.commit()
    return database, SessionService(database, SteppingClock(START)), user


def _save(database: MemoryDatabase, user: User) -> None:
    with database() as uow:
        uow.users.save(user)
        uow.commit()


def test_only_the_hash_of_the_random_id_is_stored_and_each_sign_in_gets_its_own() -> None:
    database, sessions, user = _world()
    first, second = sessions.open(user), sessions.open(user)
    assert first != second and len(first) >= 40
    assert set(database.store.web_sessions) == {session_hash(first), session_hash(second)}
    assert sessions.check(first) == user


def test_a_guessed_or_oversized_id_is_no_session() -> None:
    _, sessions, user = _world()
    sessions.open(user)
    assert sessions.check("guess") is None
    assert sessions.check("x" * 10_000) is None
    assert sessions.check("") is None


def test_signing_out_ends_only_that_session() -> None:
    _, sessions, user = _world()
    phone, laptop = sessions.open(user), sessions.open(user)
    sessions.revoke(phone)
    assert sessions.check(phone) is None
    assert sessions.check(laptop) == user


def test_revoking_every_session_of_a_login_counts_the_live_ones() -> None:
    _, sessions, user = _world()
    tokens = [sessions.open(user) for _ in range(3)]
    sessions.revoke(tokens[0])
    assert sessions.revoke_all_for("clerk") == 2
    assert all(sessions.check(token) is None for token in tokens)
    assert sessions.revoke_all_for("clerk") == 0


def test_a_mistyped_login_is_refused_rather_than_reported_as_nothing_to_end() -> None:
    _, sessions, user = _world()
    token = sessions.open(user)
    with pytest.raises(UnknownUser):
        sessions.revoke_all_for("clrek")
    assert sessions.check(token) == user


def test_a_disabled_account_a_new_role_or_a_new_password_ends_the_session() -> None:
    for change in (
        {"enabled": False},
        {"role": "admin", "provider": None},
        {"password_hash": "hash-2"},
    ):
        database, sessions, user = _world()
        token = sessions.open(user)
        _save(database, replace(user, **change))
        assert sessions.check(token) is None, change


def test_a_session_ends_after_its_lifetime() -> None:
    database, _, user = _world()
    sessions = SessionService(database, SteppingClock(START), lifetime=dt.timedelta(seconds=2))
    token = sessions.open(user)  # opened at START; the clock steps a second per reading
    assert sessions.check(token) == user
    assert sessions.check(token) is None
