"""What every response carries and how sessions are keyed: security headers (a Content-Security-Policy
without inline script, no sniffing, no framing), and the session cookies' signing key."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response

    from docgen.config import Settings

__all__ = ["HEADERS", "init_app", "secret_key"]

#: Sent with every response. Scripts and styles only from this site, never inline.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def secret_key(settings: Settings) -> bytes:
    """``DOCGEN_SECRET_KEY``, else a random key made once and kept in ``instance/web-secret``."""
    if settings.secret_key:
        return settings.secret_key.encode()
    from docgen.adapters.outside import local_secret

    return local_secret(settings.instance_dir / "web-secret")


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
