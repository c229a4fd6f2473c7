"""The guards on every request, each test named after the attack or accident it stops: forged
forms (CSRF), password guessing (rate limits), oversized uploads, a debugger left on, files other
processes of the server could not read."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docgen.bootstrap import Application

PASSWORD = "correct horse battery"


@pytest.fixture
def application(tmp_path: Path) -> Iterator[Application]:
    from docgen.bootstrap import build
    from docgen.config import load

    app = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "k" * 32}))
    app.upgrade()
    app.users.add(PASSWORD, login="admin", role="admin", name="Әкімші")
    yield app
    app.engine.dispose()


@pytest.fixture
def web(application: Application) -> Flask:
    from docgen.web import create_app

    return create_app(application, testing=True)


@pytest.fixture
def client(web: Flask) -> FlaskClient:
    return web.test_client()


def csrf(client: FlaskClient, url: str = "/sign-in") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found
    return found.group(1)


def test_cross_site_request_forgery_a_form_posted_without_this_sites_token_is_refused(
    client: FlaskClient,
) -> None:
    forged = client.post("/sign-in", data={"login": "admin", "password": PASSWORD})
    assert forged.status_code == 400
    page = forged.get_data(as_text=True)
    assert "Нысанның мерзімі өтті" in page or "The form has expired" in page
    assert "sign-out" not in client.get("/").get_data(as_text=True)  # nobody was signed in
    genuine = client.post(
        "/sign-in", data={"login": "admin", "password": PASSWORD, "csrf_token": csrf(client)}
    )
    assert genuine.status_code == 302


def test_cross_site_request_forgery_a_sign_out_without_the_token_signs_nobody_out(
    client: FlaskClient,
) -> None:
    client.post("/sign-in", data={"login": "admin", "password": PASSWORD, "csrf_token": csrf(client)})
    assert client.post("/sign-out").status_code == 400
    assert "sign-out" in client.get("/").get_data(as_text=True)


def test_password_guessing_the_sixth_wrong_sign_in_within_a_minute_gets_429(client: FlaskClient) -> None:
    token = csrf(client)
    for attempt in range(5):
        wrong = client.post(
            "/sign-in", data={"login": "admin", "password": f"guess {attempt}", "csrf_token": token}
        )
        assert wrong.status_code == 401, attempt
    sixth = client.post("/sign-in", data={"login": "admin", "password": "guess 6", "csrf_token": token})
    assert sixth.status_code == 429
    page = sixth.get_data(as_text=True)
    assert "<h1>" in page and "Тым көп әрекет" in page
    assert "Retry-After" in sixth.headers
    # the right password is refused too until the minute is over
    right = client.post("/sign-in", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
    assert right.status_code == 429


def test_password_guessing_successful_sign_ins_do_not_use_up_the_limit(client: FlaskClient) -> None:
    for _ in range(7):
        token = csrf(client)
        signed = client.post("/sign-in", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        client.post("/sign-out", data={"csrf_token": csrf(client, "/")})


def test_verification_scraping_is_rate_limited(client: FlaskClient) -> None:
    from docgen.web.security import VERIFY_LIMITS

    allowed = int(VERIFY_LIMITS.split()[0])
    answers = [client.get("/verify/LIC-NONE-2026-000001?h=00").status_code for _ in range(allowed + 1)]
    assert answers[:allowed] == [404] * allowed
    assert answers[-1] == 429


def test_an_oversized_upload_is_refused_with_a_readable_413_page(web: Flask, client: FlaskClient) -> None:
    limit = web.config["MAX_CONTENT_LENGTH"]
    assert limit
    token = csrf(client, "/verify")
    boundary = "docgen-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="number"\r\n\r\nX\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-"
        ).encode()
        + b"0" * limit
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = client.post("/verify/file", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert "<h1>" in page and 'lang="ru"' in page  # the reader's language, then the other one


def test_the_interactive_debugger_is_never_on(
    application: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.web import create_app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    web = create_app(application)
    assert web.debug is False

    @web.get("/boom")
    def boom() -> str:
        raise RuntimeError("a secret detail of the server")

    answer = web.test_client().get("/boom")
    assert answer.status_code == 500
    page = answer.get_data(as_text=True)
    assert "a secret detail" not in page and "Traceback" not in page
    assert answer.headers["Content-Security-Policy"]


def test_an_uploaded_attachment_is_readable_by_the_servers_group_not_private_to_one_user(
    tmp_path: Path,
) -> None:
    from docgen.adapters.attachments import FolderAttachments

    previous = os.umask(0o027)
    try:
        key = FolderAttachments(tmp_path / "attachments").put(b"%PDF- an attachment")
    finally:
        os.umask(previous)
    mode = (tmp_path / "attachments" / key).stat().st_mode & 0o777
    assert mode == 0o640


def test_the_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    answer = client.post(
        "/sign-in", data={"login": "admin", "password": PASSWORD, "csrf_token": csrf(client)}
    )
    cookies = [value for name, value in answer.headers if name == "Set-Cookie" and "docgen_session" in value]
    assert cookies, answer.headers
    assert all("HttpOnly" in value and "SameSite=Lax" in value for value in cookies)


def test_rate_limits_are_counted_in_redis_when_redis_url_is_set(tmp_path: Path) -> None:
    from docgen.bootstrap import build
    from docgen.config import load
    from docgen.web import create_app

    url = "redis://127.0.0.1:6399/0"
    env = {"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "k" * 32, "REDIS_URL": url}
    application = build(load(env))
    try:
        try:
            import redis  # noqa: F401
        except ImportError:
            with pytest.raises(RuntimeError, match=r"\.\[redis\]"):
                create_app(application, testing=True)
        else:
            assert create_app(application, testing=True).config["RATELIMIT_STORAGE_URI"] == url
    finally:
        application.engine.dispose()


def test_no_page_needs_what_the_csp_blocks_no_inline_style_or_script_in_any_template() -> None:
    templates = Path(__file__).resolve().parents[2] / "docgen" / "web" / "templates"
    inline = re.compile(
        r"""\sstyle\s*=|<script(?![^>]*\ssrc=)|<style|\son[a-z]+\s*=|javascript:""", re.IGNORECASE
    )
    found = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inline.search(line)
    ]
    assert len(list(templates.rglob("*.html"))) > 5
    assert not found, found


def test_every_page_declares_its_language_and_keeps_the_heading_order(client: FlaskClient) -> None:
    for url in ("/", "/sign-in", "/verify", "/verify/NONE?h=0"):
        page = client.get(url).get_data(as_text=True)
        assert re.search(r'<html lang="(kk|ru)">', page), url
        assert 'href="#main"' in page and 'id="main"' in page, url
        levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]
        assert levels and levels[0] == 1 and levels.count(1) == 1, (url, levels)
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (url, levels)
