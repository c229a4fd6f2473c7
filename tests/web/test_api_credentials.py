"""The API's HTTP Basic credentials: Argon2 once, then recognised for a while, never past a change.

The hasher is the real Argon2 one, counted: a recognised call must not verify again, and everything
that would make the full check refuse (a wrong password, another password set, the account disabled,
the time run out) must reach it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from docgen.bootstrap import Application
from docgen.errors import UserDisabled, WrongCredentials
from docgen.services.ports import PasswordHasher
from docgen.web.credentials import VerifiedCredentials

PASSWORD = "docgen-demo"
CLERK = "clerk-mtc-communications-committee"
APPLICANT = "120340001230"
OTHER = "880501300124"


class CountingHasher(PasswordHasher):
    """The installation's hasher, counting its verifications."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.verified = 0

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return self.inner.verify(password_hash, password)


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory, pki: Any) -> Iterator[Application]:
    from tests.web.test_api import build_application

    application = build_application(tmp_path_factory.mktemp("credentials"), pki)
    application.users.hasher = CountingHasher(application.users.hasher)
    yield application
    application.engine.dispose()


@pytest.fixture
def application(installation: Application) -> Iterator[Application]:
    """The module's installation, its count at zero; the accounts a test changed are put back."""
    hasher(installation).verified = 0
    yield installation
    for login in (CLERK, APPLICANT):
        installation.users.set_password(login, PASSWORD)
        installation.users.set_enabled(login, True)
    hasher(installation).verified = 0


def hasher(application: Application) -> CountingHasher:
    counting = application.users.hasher
    assert isinstance(counting, CountingHasher)
    return counting


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_verified_password_is_recognised_without_argon2(application: Application) -> None:
    verified = VerifiedCredentials(application.users)
    first = verified.authenticate(CLERK, PASSWORD)
    assert hasher(application).verified == 1
    again = verified.authenticate(CLERK, PASSWORD)
    assert hasher(application).verified == 1
    assert again.login == first.login == CLERK
    assert again.role == "clerk"


def test_a_wrong_password_is_checked_every_time_and_never_remembered(application: Application) -> None:
    verified = VerifiedCredentials(application.users)
    for attempt in (1, 2, 3):
        with pytest.raises(WrongCredentials):
            verified.authenticate(CLERK, "not-the-password")
        assert hasher(application).verified == attempt
    assert len(verified) == 0


def test_a_changed_password_ends_the_old_one_at_once(application: Application) -> None:
    verified = VerifiedCredentials(application.users)
    verified.authenticate(CLERK, PASSWORD)
    application.users.set_password(CLERK, "a-new-long-password-2026")
    with pytest.raises(WrongCredentials):
        verified.authenticate(CLERK, PASSWORD)
    assert verified.authenticate(CLERK, "a-new-long-password-2026").login == CLERK


def test_a_disabled_account_is_refused_at_once(application: Application) -> None:
    verified = VerifiedCredentials(application.users)
    verified.authenticate(CLERK, PASSWORD)
    application.users.set_enabled(CLERK, False)
    with pytest.raises(UserDisabled):
        verified.authenticate(CLERK, PASSWORD)


def test_recognition_ends_after_its_time(application: Application) -> None:
    clock = Clock()
    verified = VerifiedCredentials(application.users, ttl=60, clock=clock)
    verified.authenticate(CLERK, PASSWORD)
    clock.now += 59
    verified.authenticate(CLERK, PASSWORD)
    assert hasher(application).verified == 1
    clock.now += 2
    verified.authenticate(CLERK, PASSWORD)
    assert hasher(application).verified == 2


def test_at_most_size_credentials_are_kept(application: Application) -> None:
    verified = VerifiedCredentials(application.users, size=2)
    for login in (CLERK, APPLICANT, OTHER):
        verified.authenticate(login, PASSWORD)
    assert len(verified) == 2
    verified.authenticate(CLERK, PASSWORD)  # the oldest went first: Argon2 again
    assert hasher(application).verified == 4


def test_no_time_means_nothing_is_remembered(application: Application) -> None:
    verified = VerifiedCredentials(application.users, ttl=0)
    verified.authenticate(CLERK, PASSWORD)
    verified.authenticate(CLERK, PASSWORD)
    assert hasher(application).verified == 2
    assert len(verified) == 0


def basic(login: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def test_the_api_verifies_a_caller_once_and_refuses_an_old_password(application: Application) -> None:
    from docgen.web import create_app

    client = create_app(application, testing=True, API_RATE_LIMIT="100000 per minute").test_client()
    for _ in range(3):
        answer = client.get("/api/v1/me", headers=basic(APPLICANT))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.get_json()["login"] == APPLICANT
    assert hasher(application).verified == 1
    application.users.set_password(APPLICANT, "another-long-password-2026")
    refused = client.get("/api/v1/me", headers=basic(APPLICANT))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "wrong-credentials"
    assert client.get("/api/v1/me", headers=basic(APPLICANT, "another-long-password-2026")).status_code == 200
