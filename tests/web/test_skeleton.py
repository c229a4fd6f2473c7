"""The factory builds an app over an Application; every response carries the security headers."""

from __future__ import annotations

from pathlib import Path

from docgen.web.security import HEADERS


def test_the_start_page_lists_the_services_with_the_security_headers(tmp_path: Path) -> None:
    from docgen.bootstrap import build
    from docgen.config import load
    from docgen.web import create_app

    application = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "k" * 32}))
    application.upgrade()
    client = create_app(application, testing=True).test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "Байланыс" in page.get_data(as_text=True)
    for name, value in HEADERS.items():
        assert page.headers[name] == value
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    application.engine.dispose()
