"""The first start of ``python app.py``: an embedded database with no users gets the demo.

On the embedded SQLite database in ``instance/`` (no ``DATABASE_URL``), a server started on an empty
database makes what ``docgen demo --requests`` makes - the state-database records, the demo PKI, the
demo users and the demo requests carried through the workflow - so there is something to sign in
to and look at. A configured database (``DATABASE_URL``) is never given demo users: their password
is printed for anyone to read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docgen.bootstrap import Application

__all__ = ["demo_sign_ins", "seed_demo_if_empty"]


def seed_demo_if_empty(application: Application, say: Callable[[str], None] = print) -> bool:
    """Make the demo on an embedded database that has no users; ``True`` when it was made.

    Several server processes starting at once (``gunicorn -w 2``) take turns under a lock file in the
    instance folder: the first makes the demo, the others then find its users and make nothing."""
    if application.settings.database_url:
        return False
    import fcntl

    folder = application.settings.instance_dir
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if application.users.list():
            return False
        from docgen.demo import prepare
        from docgen.demo_requests import make_demo_requests

        say("docgen: first start on an empty database - making the demo users and requests ...")
        prepare(application)
        made = make_demo_requests(application, application.settings.signing.pki_dir)
        say(f"docgen: {len(made)} demo requests made")
        return True


def demo_sign_ins(application: Application) -> list[str]:
    """The demo users of this (embedded) installation, as lines to print: login, role, and where."""
    if application.settings.database_url:
        return []
    from docgen.demo import DEMO_PASSWORD, demo_users

    present = {user.login: user for user in application.users.list()}
    lines = []
    for demo in demo_users(application.catalog):
        user = present.get(demo.login)
        if user is not None and user.enabled:
            where = user.provider or user.centre or ""
            lines.append(f"  {user.login:<40} {user.role:<10} {where}".rstrip())
    if lines:
        lines.insert(0, f"demo sign-ins (password: {DEMO_PASSWORD}):")
    return lines
