"""Argon2id password hashes: a wrong password or a broken hash is a plain no."""

from __future__ import annotations

import argon2
import pytest

from docgen.adapters.passwords import Argon2Hasher

#: Cheap parameters: the tests check behaviour, not cost.
FAST = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def hasher() -> Argon2Hasher:
    return Argon2Hasher(FAST)


def test_a_password_verifies_against_its_own_hash_only(hasher: Argon2Hasher) -> None:
    password = "Құпия-сөз 2026 / Пароль"
    hashed = hasher.hash(password)
    assert hashed.startswith("$argon2id$") and password not in hashed
    assert hasher.hash(password) != hashed  # salted
    assert hasher.verify(hashed, password)
    assert not hasher.verify(hashed, "құпия-сөз 2026 / пароль")
    assert not hasher.verify(hashed, "")


@pytest.mark.parametrize("broken", ["", "plain-text", "$argon2id$v=19$m=8,t=1,p=1$bad", "$2b$12$" + "x" * 53])
def test_an_unreadable_hash_never_raises(hasher: Argon2Hasher, broken: str) -> None:
    assert hasher.verify(broken, "anything") is False


def test_hashes_made_with_other_parameters_verify_and_ask_to_be_rehashed() -> None:
    old = Argon2Hasher(FAST).hash("secret")
    current = Argon2Hasher()
    assert current.verify(old, "secret")
    assert current.needs_rehash(old)
    assert not current.needs_rehash(current.hash("secret"))
    assert current.needs_rehash("not a hash")
