"""``docgen db``, ``docgen demo``, ``docgen request …``, ``docgen overdue``: the request's journey."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from docgen.cli.common import FORMAT_CHOICE, LANG_CHOICE, echo_json, echo_result, json_option, run

__all__ = ["audit", "db", "demo_command", "document", "overdue_command", "request"]


def _service() -> Any:
    from docgen.bootstrap import make_request_service

    return make_request_service()


def _actor(login: str) -> Any:
    from docgen.domain.history import Actor

    if login.startswith("clerk-"):
        return Actor("clerk", login)
    if login.startswith("operator-"):
        return Actor("operator", login)
    return Actor("applicant", login)


@click.group()
def db() -> None:
    """The database (DATABASE_URL; default a SQLite file in instance/)."""


@db.command("upgrade")
@json_option
def db_upgrade(as_json: bool) -> None:
    """Create or migrate the schema (Alembic)."""
    import os

    from docgen.adapters.db.engine import default_url, make_engine
    from docgen.adapters.db.migrate import upgrade

    url = os.environ.get("DATABASE_URL") or default_url()
    upgrade(make_engine(url))
    echo_result(
        {"database": url.split("@")[-1], "schema": "up to date"},
        as_json,
        f"schema up to date: {url.split('@')[-1]}",
    )


@click.command("demo")
@json_option
def demo_command(as_json: bool) -> None:
    """Demo records, PKI and users (development only)."""
    from docgen.config import load_signing_settings
    from docgen.demo import demo_users, ensure_pki, seed_people

    service = _service()
    people = seed_people(service.engine, service.catalog)
    pki_dir: Path = load_signing_settings().pki_dir
    created = ensure_pki(pki_dir, service.catalog)
    users = [user.__dict__ for user in demo_users(service.catalog)]
    if as_json:
        echo_result({"people": people, "pki": str(pki_dir), "pki_created": created, "users": users}, True)
        return
    click.echo(f"state-database records: {people}; PKI: {pki_dir} ({'created' if created else 'kept'})")
    click.echo(f"{'login':<40} {'password':<9} {'role':<10} provider")
    for user in users:
        click.echo(f"{user['login']:<40} {user['password']:<9} {user['role']:<10} {user['provider'] or ''}")


@click.group()
def request() -> None:
    """File and carry a request through its regulation."""


@request.command("example")
@click.argument("service")
@click.option("--action")
def request_example(service: str, action: str | None) -> None:
    """Valid request data for SERVICE, as JSON."""
    from docgen.documents import get_kind

    def build() -> Any:
        from docgen.bootstrap import make_renderer

        kind = get_kind("request")
        data = kind.example(kind.service(make_renderer().catalog, service))
        return data | ({"action": action} if action else {})

    echo_json(run(build))


@request.command("new")
@click.argument("service")
@click.option("--action", required=True)
@click.option("--channel", required=True, type=click.Choice(["portal", "provider", "centre", "local-body"]))
@click.option(
    "--data", "data_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--as", "login", default="880501300124", show_default=True)
@json_option
def request_new(service: str, action: str, channel: str, data_file: Path, login: str, as_json: bool) -> None:
    """File a new request; prints its id."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    request_id = run(lambda: _service().new(service, action, channel, data, _actor(login)))
    echo_result({"id": request_id}, as_json, request_id)


@request.command("payload")
@click.argument("request_id")
def request_payload(request_id: str) -> None:
    """The exact bytes the applicant signs (for docgen sign-request --data)."""
    from docgen.services.requests import signed_payload

    shown = run(lambda: _service().show(request_id))
    service = _service()
    with service.engine.connect() as connection:
        from docgen.adapters.db import store

        row = store.row(connection, shown["id"])
    sys.stdout.buffer.write(signed_payload(row.data))


def _state_command(name: str, doc: str, call: Any, *extra_options: Any) -> None:
    @request.command(name, help=doc)
    @click.argument("request_id")
    @click.option("--as", "login", default="880501300124", show_default=True)
    @json_option
    def command(request_id: str, login: str, as_json: bool, **options: Any) -> None:
        result = run(lambda: call(_service(), request_id, _actor(login), **options))
        echo_result({"id": request_id, "result": result}, as_json, str(result))

    for option in extra_options:
        command = option(command)


_state_command(
    "submit", "Submit (assisted channels: also the state-database check).", lambda s, i, a: s.submit(i, a)
)
_state_command(
    "pay",
    "Pay through the gateway sandbox, or record a paper --receipt.",
    lambda s, i, a, receipt=None: s.pay(i, a, receipt=receipt),
    click.option("--receipt", help="Number of a paper receipt (clerk or operator)."),
)
_state_command(
    "sign",
    "Sign: the applicant's .p7s on the portal; the clerk's or operator's act otherwise.",
    lambda s, i, a, signature=None: s.sign(i, a, signature.read_bytes() if signature else None),
    click.option("--signature", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
)
_state_command("issue", "Review and issue: prints the document number.", lambda s, i, a: s.issue(i, a))
_state_command(
    "refuse",
    "The reasoned refusal, with the clerk's --reason.",
    lambda s, i, a, reason: s.refuse(i, a, reason),
    click.option("--reason", required=True),
)


@request.command("show")
@click.argument("request_id")
@json_option
def request_show(request_id: str, as_json: bool) -> None:
    """State, number, deadline, outcome, history and documents of a request."""
    shown = run(lambda: _service().show(request_id))
    if as_json:
        echo_result(shown, True)
        return
    click.echo(f"{shown['service']} {shown['action']} via {shown['channel']}: {shown['state']}")
    click.echo(
        f"number {shown['number'] or '-'}; due {shown['due'] or '-'}; outcome {shown['outcome'] or '-'}"
    )
    for entry in shown["history"]:
        who, event = entry["actor"]["kind"], entry["event"]
        click.echo(f"  {entry['seq']:>2} {entry['at']} {who:<9} {event:<14} → {entry['to_state']}")
    for document in shown["documents"]:
        kind, number, status = document["kind"], document["number"], document["status"]
        click.echo(f"  document {kind} {number} {status} sha256 {document['sha256']}")


@request.command("document")
@click.argument("request_id")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="pdf", show_default=True)
@click.option("--lang", type=LANG_CHOICE, default="kk+ru", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def request_document(request_id: str, fmt: str, lang: str, out: Path) -> None:
    """The request's document: the signed original (pdf, kk+ru) or a copy in another form."""
    from docgen.output import write_atomic

    def produce() -> bytes:
        service = _service()
        kind, pdf, data = service.document(request_id)
        if fmt == "pdf" and lang == "kk+ru":
            return pdf
        return service.renderer.render(kind, data, lang, fmt)  # type: ignore[no-any-return]

    content = run(produce)
    run(lambda: write_atomic(out, content))
    click.echo(str(out))


@click.command("overdue")
@click.option("--soon", default=0, show_default=True, help="Also list requests due within this many days.")
@json_option
def overdue_command(soon: int, as_json: bool) -> None:
    """Requests past their decision deadline (and, with --soon N, those due soon)."""
    rows = run(lambda: _service().overdue(soon_days=soon))
    if as_json:
        echo_result(rows, True)
        return
    for row in rows:
        mark = "OVERDUE" if row["overdue"] else "due soon"
        click.echo(f"{row['due']} {mark:<8} {row['number'] or '-'} {row['service']} {row['id']}")
    if not rows:
        click.echo("none")


@click.group()
def audit() -> None:
    """Checks of the stored record."""


@audit.command("verify")
@json_option
def audit_verify(as_json: bool) -> None:
    """Verify every request's hash-chained history; exit 1 if any was altered."""
    problems = run(lambda: _service().audit())
    if as_json:
        echo_result({"ok": not problems, "problems": problems}, True)
    else:
        for problem in problems:
            click.echo(f"{problem['id']}: entry {problem['entry'] or '-'}: {problem['problem']}")
        click.echo(
            "OK: every history chain is intact" if not problems else f"NOT OK: {len(problems)} request(s)"
        )
    sys.exit(1 if problems else 0)


@click.group()
def document() -> None:
    """Issued documents in the registry."""


@document.command("status")
@click.argument("number")
@click.argument("status", type=click.Choice(["active", "suspended", "terminated"]))
@json_option
def document_status(number: str, status: str, as_json: bool) -> None:
    """Suspend, terminate or reinstate the document NUMBER."""
    result = run(lambda: _service().set_document_status(number, status))
    echo_result({"number": number, "status": result}, as_json, f"{number}: {result}")
