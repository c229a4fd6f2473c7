"""``python app.py``'s start-up: an empty embedded instance gets the demo users and requests once;
a configured database never gets demo users."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_the_first_start_on_an_empty_instance_makes_the_demo_and_the_next_start_keeps_it(
    tmp_path: Path,
) -> None:
    from docgen.bootstrap import build
    from docgen.config import load
    from docgen.demo import DEMO_PASSWORD
    from docgen.web import create_app
    from docgen.web.startup import demo_sign_ins, seed_demo_if_empty

    env = {"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_PKI_DIR": str(tmp_path / "pki")}
    application = build(load(env))
    application.upgrade()
    said: list[str] = []
    assert seed_demo_if_empty(application, said.append) is True
    logins = {user.login for user in application.users.list()}
    assert {user.role for user in application.users.list()} == {"applicant", "clerk", "operator", "admin"}
    clerk = next(user for user in application.users.list() if user.role == "clerk")
    applicants = [user for user in application.users.list() if user.role == "applicant"]
    assert any(application.queries.mine(user) for user in applicants)
    lines = demo_sign_ins(application)
    assert DEMO_PASSWORD in lines[0]
    assert any(clerk.login in line for line in lines)

    assert seed_demo_if_empty(application, said.append) is False  # the second start makes nothing
    assert len({user.login for user in application.users.list()}) == len(logins)

    client = create_app(application, testing=True).test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    signed = client.post(
        "/sign-in", data={"login": clerk.login, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302
    application.engine.dispose()


def test_a_configured_database_never_gets_demo_users(tmp_path: Path) -> None:
    from docgen.bootstrap import build
    from docgen.config import load
    from docgen.web.startup import demo_sign_ins, seed_demo_if_empty

    url = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    application = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url}))
    application.upgrade()
    assert seed_demo_if_empty(application, print) is False
    assert application.users.list() == []
    assert demo_sign_ins(application) == []
    application.engine.dispose()
