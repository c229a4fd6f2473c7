"""Who is signed in: revocable server-side sessions, and the pages that sign in and out.

The session cookie (Flask's signed cookie) holds only a random session id; the database keeps its
SHA-256 (:class:`~docgen.services.sessions.SessionService`). Every request re-reads the user through
the use cases: a session signed out, revoked, expired, or whose account was since disabled, given
another role or another password, is no session at all (:func:`current_user` answers ``None``).

API for the other pages: :func:`current_user`, :func:`login_required`, :func:`sign_in`,
:func:`sign_out`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from docgen.errors import DocgenError
from docgen.web import services
from docgen.web.security import SIGN_IN_LIMITS, SIGN_IN_LOGIN_LIMITS, failed, limiter, login_key

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from docgen.domain.users import User

__all__ = ["SESSION_KEY", "bp", "current_user", "login_required", "sign_in", "sign_out"]

#: The session cookie's key for the random session id.
SESSION_KEY = "sid"
#: Kept across signing in and out (the chosen language).
_KEPT = ("lang",)

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    """The signed-in user, re-read on every request; ``None`` when not signed in or the session no
    longer holds (signed out, revoked, expired, the account disabled or changed)."""
    if "docgen_user" not in g:
        token = session.get(SESSION_KEY)
        user = services().sessions.check(token) if isinstance(token, str) and token else None
        if user is None and token is not None:
            session.pop(SESSION_KEY, None)
        g.docgen_user = user
    return cast("User | None", g.docgen_user)


def sign_in(user: User) -> None:
    """Open a new session for ``user`` (a fresh id: no fixation) and keep its id in the cookie."""
    _clear_session()
    session[SESSION_KEY] = services().sessions.open(user)
    g.docgen_user = user


def sign_out() -> None:
    """Revoke the current session on the server and forget it in the cookie."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str) and token:
        services().sessions.revoke(token)
    _clear_session()
    g.docgen_user = None


def login_required(*roles: str) -> Callable[[F], F]:
    """A view for signed-in users (of one of ``roles`` when given): not signed in → the sign-in page
    (coming back afterwards); signed in with another role → 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.sign_in_page", next=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast("F", wrapped)

    return decorate


def _clear_session() -> None:
    kept = {key: session[key] for key in _KEPT if key in session}
    session.clear()
    session.update(kept)


#: Where each role works: the page a sign-in leads to when it was not asked for another one.
HOMES = {
    "applicant": "applicant.index",
    "clerk": "clerk.index",
    "operator": "operator.index",
    "admin": "survey.indicators",
}


def home_url(user: User | None) -> str:
    """The page ``user`` works on (the start page for a role without one)."""
    from flask import current_app

    endpoint = HOMES.get(user.role) if user is not None else None
    if endpoint and endpoint in current_app.view_functions:
        return url_for(endpoint)
    return url_for("public.index")


def _safe_next(target: str | None, default: str | None = None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return default or url_for("public.index")


def _lang() -> str:
    from docgen.web.i18n import current_lang

    return current_lang()


@bp.get("/sign-in")
def sign_in_page() -> str | Response:
    user = current_user()
    if user is not None:
        return redirect(_safe_next(request.args.get("next"), home_url(user)))
    return render_template("sign_in.html", next=request.args.get("next", ""), login="", error=None)


@bp.post("/sign-in")
@limiter.limit(SIGN_IN_LIMITS, deduct_when=failed)
@limiter.limit(SIGN_IN_LOGIN_LIMITS, key_func=login_key, deduct_when=failed)
def sign_in_submit() -> tuple[str, int] | Response:
    login = request.form.get("login", "").strip()
    password = request.form.get("password", "")
    target = request.form.get("next", "")
    try:
        if not login or not password:
            raise _Missing
        user = services().users.authenticate(login, password)
    except _Missing:
        error = _("Enter your login and password.")
    except DocgenError as problem:
        error = problem.message(_lang())
    else:
        sign_in(user)
        return redirect(_safe_next(target, home_url(user)))
    return render_template("sign_in.html", next=target, login=login, error=error), 401


@bp.post("/sign-out")
def sign_out_submit() -> Response:
    sign_out()
    return redirect(url_for("public.index"))


class _Missing(Exception):
    """The form left a field empty."""


@bp.app_context_processor
def _account() -> dict[str, Any]:
    from docgen.domain.users import ROLES

    def role_name(role: str) -> str:
        return ROLES.get(role, {}).get(_lang(), role)

    return {"current_user": current_user, "role_name": role_name, "home_url": home_url}
