"""Signing in and out, and sessions that end: each test is named after the attack it stops.

The session cookie holds a random id whose SHA-256 the database keeps; a cookie copied before the
session ended must not open anything afterwards."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from docgen.bootstrap import Application

PASSWORD = "correct horse battery"
CLERK_IIN = "820115300131"


@pytest.fixture
def application(tmp_path: Path) -> Iterator[Application]:
    from docgen.bootstrap import build
    from docgen.config import load

    app = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "k" * 32}))
    app.upgrade()
    provider = next(iter(app.catalog.providers()))
    app.users.add(PASSWORD, login="clerk", role="clerk", name="Сейтқали Айгүл", provider=provider)
    app.users.add(PASSWORD, login="admin", role="admin", name="Әкімші")
    yield app
    app.engine.dispose()


@pytest.fixture
def client(application: Application) -> FlaskClient:
    from docgen.web import create_app

    return create_app(application, testing=True).test_client()


def csrf(client: FlaskClient, url: str = "/sign-in") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def sign_in(
    client: FlaskClient, login: str = "clerk", password: str = PASSWORD, headers: Any = None, **extra: str
) -> Any:
    data = {"login": login, "password": password, "csrf_token": csrf(client)} | extra
    return client.post("/sign-in", data=data, headers=headers or {})


def signed_in_as(client: FlaskClient) -> str | None:
    """Who the header says is signed in (``None``: offered to sign in)."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r"<strong>([^<]+)</strong> <span class=\"role\">", page)
    return found.group(1) if found else None


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("docgen_session")
    assert cookie is not None
    return cookie.value


def replay(client: FlaskClient, cookie: str) -> None:
    client.set_cookie("docgen_session", cookie)


def test_signing_in_shows_the_user_and_a_wrong_password_is_refused_in_both_languages(
    client: FlaskClient,
) -> None:
    refused = sign_in(client, password="wrong password", headers={"Accept-Language": "ru"})
    assert refused.status_code == 401
    assert "Неверный логин или пароль" in refused.get_data(as_text=True)
    client.get("/language/kk")
    refused = sign_in(client, login="nobody", password="wrong password")
    assert "Логин немесе құпиясөз қате" in refused.get_data(as_text=True)
    assert signed_in_as(client) is None
    answer = sign_in(client)
    assert answer.status_code == 302
    assert signed_in_as(client) == "Сейтқали Айгүл"


def test_the_database_keeps_only_the_hash_of_the_cookies_session_id(
    client: FlaskClient, application: Application
) -> None:
    from sqlalchemy import select

    from docgen.adapters.db.tables import web_sessions
    from docgen.web.auth import SESSION_KEY

    sign_in(client)
    with client.session_transaction() as session:
        token = session[SESSION_KEY]
    with application.engine.connect() as connection:
        stored = connection.execute(select(web_sessions.c.id_hash, web_sessions.c.login)).all()
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), "clerk")]
    assert len(token) >= 40


def test_session_fixation_a_session_id_planted_before_sign_in_is_not_the_one_after(
    client: FlaskClient,
) -> None:
    from docgen.web.auth import SESSION_KEY

    with client.session_transaction() as session:
        session[SESSION_KEY] = "planted-by-the-attacker"
    sign_in(client)
    with client.session_transaction() as session:
        assert session[SESSION_KEY] != "planted-by-the-attacker"
    assert signed_in_as(client) == "Сейтқали Айгүл"


def test_a_cookie_replayed_after_sign_out_is_refused(client: FlaskClient) -> None:
    sign_in(client)
    stolen = session_cookie(client)
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    assert signed_in_as(client) is None
    replay(client, stolen)
    assert signed_in_as(client) is None


def test_a_cookie_replayed_after_the_account_was_disabled_is_refused(
    client: FlaskClient, application: Application
) -> None:
    sign_in(client)
    stolen = session_cookie(client)
    application.users.set_enabled("clerk", False)
    replay(client, stolen)
    assert signed_in_as(client) is None
    application.users.set_enabled("clerk", True)
    replay(client, stolen)
    assert signed_in_as(client) == "Сейтқали Айгүл", "re-enabling is the administrator's choice"


def test_a_cookie_replayed_after_a_role_change_is_refused(
    client: FlaskClient, application: Application
) -> None:
    from dataclasses import replace

    sign_in(client)
    stolen = session_cookie(client)
    with application.users.uow() as uow:
        user = uow.users.get("clerk")
        assert user is not None
        uow.users.save(replace(user, role="admin", provider=None))
        uow.commit()
    replay(client, stolen)
    assert signed_in_as(client) is None


def test_a_cookie_replayed_after_a_password_change_is_refused(
    client: FlaskClient, application: Application
) -> None:
    sign_in(client)
    stolen = session_cookie(client)
    application.users.set_password("clerk", "a new password, not the old")
    replay(client, stolen)
    assert signed_in_as(client) is None
    sign_in(client, password="a new password, not the old")
    assert signed_in_as(client) == "Сейтқали Айгүл"


def test_a_stolen_device_every_session_of_a_login_is_revoked_at_once(
    application: Application,
) -> None:
    from docgen.web import create_app

    web = create_app(application, testing=True)
    phone, laptop = web.test_client(), web.test_client()
    sign_in(phone)
    sign_in(laptop)
    assert application.sessions.revoke_all_for("clerk") == 2
    assert signed_in_as(phone) is None
    assert signed_in_as(laptop) is None


def test_an_expired_session_is_refused(application: Application) -> None:
    import datetime as dt

    from docgen.services.sessions import SessionService

    user = application.users.acting_as("clerk")
    short = SessionService(application.users.uow, _Later(dt.timedelta(0)), lifetime=dt.timedelta(hours=1))
    token = short.open(user)
    assert short.check(token) == user
    later = SessionService(application.users.uow, _Later(dt.timedelta(hours=2)))
    assert later.check(token) is None


def test_a_page_for_signed_in_users_sends_others_to_sign_in_and_refuses_another_role(
    application: Application,
) -> None:
    from flask import Flask

    from docgen.web import create_app
    from docgen.web.auth import login_required

    web: Flask = create_app(application, testing=True)

    @web.get("/only-clerks")
    @login_required("clerk")
    def only_clerks() -> str:
        return "clerk's page"

    client = web.test_client()
    answer = client.get("/only-clerks")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sign-in?next=/only-clerks")
    sign_in(client, login="admin")
    assert client.get("/only-clerks").status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    answer = sign_in(client, next="/only-clerks")
    assert answer.headers["Location"] == "/only-clerks"
    assert client.get("/only-clerks").get_data(as_text=True) == "clerk's page"


def test_an_open_redirect_after_sign_in_goes_to_the_users_page_not_to_another_site(
    client: FlaskClient,
) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"):
        answer = sign_in(client, next=target)
        assert answer.headers["Location"] == "/clerk/", target
        client.post("/sign-out", data={"csrf_token": csrf(client, "/")})


class _Later:
    """A clock ``offset`` from now."""

    def __init__(self, offset: Any) -> None:
        self.offset = offset

    def now(self) -> Any:
        import datetime as dt

        return dt.datetime.now(dt.UTC) + self.offset
