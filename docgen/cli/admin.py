"""``docgen db``, ``docgen demo``, ``docgen user …``, ``docgen audit``: looking after the installation."""

from __future__ import annotations

import sys
from typing import Any

import click

from docgen.cli.app import application
from docgen.cli.common import echo_json, echo_result, json_option, run

__all__ = ["audit", "db", "demo_command", "user"]


@click.group()
def db() -> None:
    """The database (DATABASE_URL; default a SQLite file in instance/)."""


@db.command("upgrade")
@click.option(
    "--app-role",
    help="PostgreSQL: the role the application connects as; it gets only the rights it needs "
    "(no DELETE, TRUNCATE or ownership). Run this command as the schema's owner.",
)
@json_option
def db_upgrade(app_role: str | None, as_json: bool) -> None:
    """Create or migrate the schema (Alembic)."""
    from docgen.adapters.db.migrate import grant_application_role

    app = application()
    run(app.upgrade)
    if app_role:
        run(lambda: grant_application_role(app.engine, app_role))
    where = str(app.engine.url.render_as_string(hide_password=True)).split("@")[-1]
    echo_result({"database": where, "schema": "up to date"}, as_json, f"schema up to date: {where}")


@click.command("demo")
@click.option(
    "--requests",
    "with_requests",
    is_flag=True,
    help="Also carry demo requests through the workflow: every service issued (every action), a "
    "refusal per service, a centre hand-over, and some left in earlier states (skipped when demo "
    "requests exist).",
)
@json_option
def demo_command(with_requests: bool, as_json: bool) -> None:
    """The schema, demo state-database records, the demo PKI and demo users (development only)."""
    from docgen.demo import DEMO_PASSWORD, prepare

    app = application()
    done = run(lambda: prepare(app))
    made = None
    if with_requests:
        from docgen.demo_requests import make_demo_requests

        made = run(lambda: make_demo_requests(app, app.settings.signing.pki_dir))
    if as_json:
        if made is not None:
            done["requests"] = [request.to_dict() for request in made]
        echo_json(done)
        return
    created = "created" if done["pki_created"] else "kept"
    click.echo(f"state-database records: {done['people']}; PKI: {done['pki']} ({created})")
    click.echo(f"every demo user's password: {DEMO_PASSWORD}")
    for row in done["users"]:
        click.echo(f"  {row['login']:<40} {row['role']:<10} {row['provider'] or row['centre'] or ''}")
    if made is None:
        return
    if not made:
        click.echo("demo requests: already there, none made")
        return
    click.echo(f"demo requests: {len(made)}")
    for request in made:
        documents = ", ".join(f"{kind} {number}" for kind, number in request.documents)
        handed = f"; handed over {request.handed_over}" if request.handed_over else ""
        click.echo(
            f"  {request.service:<27} {request.label:<10} {request.channel:<10} {request.id} "
            f"{request.state:<17} {request.number or '-'}  {documents}{handed}"
        )


# -- users ------------------------------------------------------------------------------------------


@click.group("user")
def user() -> None:
    """Accounts: applicants, clerks, centre operators, administrators."""


_PASSWORD = click.option(
    "--password",
    envvar="DOCGEN_USER_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="The password (asked for when not given; or DOCGEN_USER_PASSWORD).",
)


@user.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["applicant", "clerk", "operator", "admin"]))
@click.option("--name", required=True)
@click.option(
    "--iin", help="The person's IIN (an applicant's own; an organisation's head or authorised person)."
)
@click.option("--bin", "bin_", help="An organisation applicant's BIN.")
@click.option("--provider", help="A clerk's provider code (docgen services).")
@click.option("--centre", help="An operator's public service centre.")
@_PASSWORD
@json_option
def user_add(
    login: str,
    role: str,
    name: str,
    iin: str | None,
    bin_: str | None,
    provider: str | None,
    centre: str | None,
    password: str,
    as_json: bool,
) -> None:
    """Add a user; the password is kept only as an Argon2 hash."""
    fields = {
        "login": login,
        "role": role,
        "name": name,
        "iin": iin,
        "bin": bin_,
        "provider": provider,
        "centre": centre,
    }
    added = run(lambda: application().users.add(password, **fields))
    echo_result(_public(added), as_json, f"added {added.login} ({added.role})")


@user.command("list")
@json_option
def user_list(as_json: bool) -> None:
    """Every user, with role, binding and whether enabled."""
    users = [_public(found) for found in run(application().users.list)]
    if as_json:
        echo_json(users)
        return
    for row in users:
        state = "" if row["enabled"] else "DISABLED"
        binding = row["provider"] or row["centre"] or row["bin"] or row["iin"] or ""
        click.echo(f"{row['login']:<40} {row['role']:<10} {binding:<30} {state}")


@user.command("disable")
@click.argument("login")
def user_disable(login: str) -> None:
    """Disable a user: they can no longer sign in or act."""
    run(lambda: application().users.set_enabled(login, False))
    click.echo(f"disabled {login}")


@user.command("enable")
@click.argument("login")
def user_enable(login: str) -> None:
    run(lambda: application().users.set_enabled(login, True))
    click.echo(f"enabled {login}")


@user.command("password")
@click.argument("login")
@_PASSWORD
def user_password(login: str, password: str) -> None:
    """Set a user's password."""
    run(lambda: application().users.set_password(login, password))
    click.echo(f"password changed: {login}")


@user.command("sign-out")
@click.argument("login")
def user_sign_out(login: str) -> None:
    """End every web session of LOGIN now (a lost or stolen device): they must sign in again."""
    ended = run(lambda: application().sessions.revoke_all_for(login))
    click.echo(f"{login}: {ended} session(s) ended")


def _public(found: Any) -> dict[str, Any]:
    fields = ("login", "role", "name", "iin", "bin", "provider", "centre", "enabled")
    return {name: getattr(found, name) for name in fields}


# -- the record ---------------------------------------------------------------------------------------


@click.group()
def audit() -> None:
    """Checks of the stored record."""


@audit.command("verify")
@json_option
def audit_verify(as_json: bool) -> None:
    """Verify every request's hash-chained history; exit 1 if any was altered."""
    problems = run(application().audit.verify)
    if as_json:
        echo_json({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            where = problem["id"] or problem["number"] or "-"
            text = f"{problem['problem']['kk']} / {problem['problem']['ru']}"
            click.echo(f"{problem['kind']}: {where}: entry {problem['entry'] or '-'}: {text}")
        click.echo(
            "OK: every history chain is intact" if not problems else f"NOT OK: {len(problems)} request(s)"
        )
    sys.exit(1 if problems else 0)
