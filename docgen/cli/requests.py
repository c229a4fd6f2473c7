"""``docgen request …``: file a request and carry it through its regulation, as a named user."""

from __future__ import annotations

import mimetypes
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from docgen.cli.app import application, as_option, regulation, user
from docgen.cli.common import (
    FORMAT_CHOICE,
    LANG_CHOICE,
    echo_json,
    echo_result,
    fail,
    json_option,
    run,
    unreadable,
)

__all__ = ["request"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def request() -> None:
    """File and carry a request through its regulation."""


@request.command("example")
@click.argument("service")
def request_example(service: str) -> None:
    """What a person types into a request for SERVICE (valid example), as JSON."""
    echo_json(run(lambda: regulation().intake_example(service)))


@request.command("schema")
@click.argument("service")
def request_schema(service: str) -> None:
    """JSON Schema of what a person types into a request for SERVICE."""
    echo_json(run(lambda: regulation().intake_schema(service)))


def _read_json(path: Path, option: str = "--data") -> Any:
    """The JSON of ``path``, bounded before it is parsed (size, UTF-8, depth, lone surrogates:
    :func:`~docgen.documents.limits.load_json`); anything wrong is one line and exit 2."""
    from docgen.documents.limits import MAX_BYTES, load_json

    try:
        with path.open("rb") as file:
            content = file.read(MAX_BYTES + 1)  # one byte over the limit is enough to say "too large"
    except OSError as error:
        fail(unreadable(option, path, error))
    return run(lambda: load_json(content, option, str(path)))


@request.command("decision-example")
@click.argument("service")
@click.argument("action")
def request_decision_example(service: str, action: str) -> None:
    """The clerk's example decision for issuing ACTION of SERVICE, as JSON ({} where none is taken):
    edit it and give it to ``docgen request issue ID --decision FILE``."""
    echo_json(run(lambda: regulation().decision_example(service, action)))


@request.command("decision-schema")
@click.argument("service")
@click.argument("action")
def request_decision_schema(service: str, action: str) -> None:
    """JSON Schema of the clerk's decision for issuing ACTION of SERVICE."""
    echo_json(run(lambda: regulation().decision_schema(service, action)))


@request.command("new")
@click.argument("service")
@click.option("--action", required=True)
@click.option("--channel", required=True, type=click.Choice(["portal", "provider", "centre", "local-body"]))
@click.option(
    "--data", "data_file", required=True, type=_FILE, help="What is typed in (docgen request example)."
)
@as_option
@json_option
def request_new(service: str, action: str, channel: str, data_file: Path, login: str, as_json: bool) -> None:
    """File a new request; prints its id."""
    data = _read_json(data_file)
    who = user(login)
    request_id = run(lambda: application().requests.new(who, service, action, channel, data))
    echo_result({"id": request_id}, as_json, request_id)


@request.command("attach")
@click.argument("request_id")
@click.option("--code", required=True, help="The document's code in the service definition.")
@click.option("--file", "path", required=True, type=_FILE)
@click.option(
    "--type", "media_type", help="Its type (application/pdf, image/jpeg, image/png); default: by name."
)
@as_option
@json_option
def request_attach(
    request_id: str, code: str, path: Path, media_type: str | None, login: str, as_json: bool
) -> None:
    """Attach a file to a draft request; prints its SHA-256."""
    claimed = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    who = user(login)
    app = application()
    with path.open("rb") as file:  # no more than one byte over the limit: the service says "too large"
        content = file.read(app.requests.max_attachment_bytes + 1)
    key = run(lambda: app.requests.attach(who, request_id, code, path.name, content, claimed))
    echo_result({"id": request_id, "sha256": key}, as_json, key)


@request.command("payload")
@click.argument("request_id")
@as_option
def request_payload(request_id: str, login: str) -> None:
    """The exact bytes the applicant signs (for docgen sign-request --data)."""
    who = user(login)
    sys.stdout.buffer.write(run(lambda: application().requests.payload(who, request_id)))


def _step(name: str, doc: str, call: Callable[..., Any], *options: Callable[[Any], Any]) -> None:
    """A command that takes one step of a request as ``--as`` and prints the result."""

    @request.command(name, help=doc)
    @click.argument("request_id")
    @as_option
    @json_option
    def command(request_id: str, login: str, as_json: bool, **values: Any) -> None:
        who = user(login)
        result = run(lambda: call(application(), who, request_id, **values))
        echo_result({"id": request_id, "result": result}, as_json, str(result))

    for option in options:
        option(command)


def _pay(app: Any, who: Any, request_id: str) -> str:
    """Open the payment order, let the sandbox gateway pay it, and take its signed callback."""
    order = app.requests.order_payment(who, request_id)
    payload, signature = app.gateway.pay(order)
    return str(app.requests.payment_callback(payload, signature))


def _read(path: Path | None) -> bytes | None:
    return run(path.read_bytes) if path else None


_step(
    "submit",
    "Submit (assisted channels: also the state-database check).",
    lambda a, u, i: a.requests.submit(u, i),
)
_step("pay", "Pay through the payment gateway sandbox (portal).", _pay)
_step(
    "receipt",
    "Record a paper payment receipt (clerk or operator).",
    lambda a, u, i, receipt: a.requests.record_receipt(u, i, receipt),
    click.option("--receipt", required=True, help="The receipt's number."),
)
_step(
    "sign",
    "Sign: the applicant's .p7s on the portal; where the service's [steps] name entrant-signature "
    "(a centre, a local body) the operator's or officer's own .p7s, checked against their IIN "
    "(docgen request payload, docgen sign-request); the clerk's act otherwise.",
    lambda a, u, i, signature=None: a.requests.sign(u, i, _read(signature)),
    click.option("--signature", type=_FILE),
)
_step(
    "check-originals",
    "Record that the originals of the application and documents were checked (seed 004's local "
    "executive body, before the request is submitted).",
    lambda a, u, i: a.requests.check_originals(u, i),
)
_step(
    "hand-over",
    "Record that the result (or the reasoned refusal) was handed to the applicant where the request "
    "was filed (the centre's operator, the local body's officer): prints the document number.",
    lambda a, u, i, method: a.requests.hand_over(u, i, method),
    click.option(
        "--method", type=click.Choice(["in-person", "e-mail"]), default="in-person", show_default=True
    ),
)
_step(
    "issue",
    "Review and issue every output of the action (a license with its annex) from the clerk's "
    "--decision (JSON; docgen request decision-example SERVICE ACTION): prints the document number.",
    lambda a, u, i, decision=None: a.requests.issue(
        u, i, _read_json(decision, "--decision") if decision else None
    ),
    click.option("--decision", type=_FILE, help="The clerk's decision (JSON), checked against its schema."),
)


def _refuse(
    app: Any,
    who: Any,
    request_id: str,
    ground: tuple[str, ...],
    explanation: str | None = None,
    explanation_ru: str | None = None,
) -> str:
    """Both explanations or neither: one alone is refused by the use case, in both languages."""
    given = explanation is not None or explanation_ru is not None
    text = {"kk": explanation or "", "ru": explanation_ru or ""} if given else None
    return str(app.requests.refuse(who, request_id, list(ground), text))


_step(
    "refuse",
    "The reasoned refusal: one or more --ground of the service's regulation (docgen request grounds "
    "SERVICE), with an optional --explanation in Kazakh and --explanation-ru in Russian.",
    _refuse,
    click.option("--ground", multiple=True, required=True, help="A refusal ground's code (repeatable)."),
    click.option("--explanation", help="The clerk's explanation, in Kazakh."),
    click.option("--explanation-ru", help="The clerk's explanation, in Russian."),
)


@request.command("grounds")
@click.argument("service")
@json_option
def request_grounds(service: str, as_json: bool) -> None:
    """The refusal grounds SERVICE's regulation names: code, item, kk and ru text."""
    grounds = run(lambda: regulation().refusal_grounds(service))
    if as_json:
        echo_json(grounds)
        return
    for ground in grounds:
        only = f"  [{', '.join(ground['channels'])}]" if ground["channels"] else ""
        click.echo(f"{ground['code']}  ({ground['paragraph']['kk']} / {ground['paragraph']['ru']}){only}")
        click.echo(f"  kk: {ground['kk']}")
        click.echo(f"  ru: {ground['ru']}")


_step(
    "refuse-unpaid",
    "Assisted channels: the clerk or operator records that no payment came.",
    lambda a, u, i: a.requests.refuse_unpaid(u, i),
)


@request.command("expire-unpaid")
@click.argument("request_id")
def request_expire_unpaid(request_id: str) -> None:
    """The portal: the gateway reported no payment; the system refuses (the installation's job, no --as)."""
    click.echo(run(lambda: application().requests.expire_unpaid(request_id)))


@request.command("show")
@click.argument("request_id")
@as_option
@json_option
def request_show(request_id: str, login: str, as_json: bool) -> None:
    """State, number, deadline, outcome, history and documents of a request."""
    who = user(login)
    shown = run(lambda: application().queries.show(who, request_id))
    if as_json:
        echo_json(shown)
        return
    click.echo(f"{shown['service']} {shown['action']} via {shown['channel']}: {shown['state']}")
    click.echo(
        f"number {shown['number'] or '-'}; due {shown['due'] or '-'}; outcome {shown['outcome'] or '-'}"
    )
    for entry in shown["history"]:
        who_kind, event = entry["actor"]["kind"], entry["event"]
        click.echo(f"  {entry['seq']:>2} {entry['at']} {who_kind:<9} {event:<15} → {entry['to_state']}")
    for document in shown["documents"]:
        kind, number, status = document["kind"], document["number"], document["status"]
        click.echo(f"  document {kind} {number} {status} sha256 {document['sha256']}")


@request.command("list")
@as_option
@json_option
def request_list(login: str, as_json: bool) -> None:
    """The user's own requests (an operator's: those filed at their centre)."""
    who = user(login)
    _rows(run(lambda: application().queries.mine(who)), as_json)


@request.command("notifications")
@as_option
@json_option
def request_notifications(login: str, as_json: bool) -> None:
    """The applicant's notifications: which result or refusal is ready, and where to get it."""
    who = user(login)
    rows = run(lambda: application().queries.notifications(who))
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['at']} {row['kind']} {row['document'] or '-'} {row['request_id']}")
        click.echo(f"  {row['message']['kk']}")
        click.echo(f"  {row['message']['ru']}")
    if not rows:
        click.echo("none")


@request.command("queue")
@as_option
@click.option("--soon", default=2, show_default=True, help="Days before the deadline that count as due soon.")
@json_option
def request_queue(login: str, soon: int, as_json: bool) -> None:
    """A clerk's undecided requests: overdue first, then due soon, then by deadline."""
    who = user(login)
    _rows(run(lambda: application().queries.queue(who, soon)), as_json)


def _rows(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        mark = "OVERDUE" if row["overdue"] else "due soon" if row["due_soon"] else ""
        click.echo(
            f"{row['due'] or '-':<10} {mark:<8} {row['state']:<16} {row['number'] or '-':<24} "
            f"{row['service']} {row['id']}"
        )
    if not rows:
        click.echo("none")


@request.command("form")
@click.argument("request_id")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="pdf", show_default=True)
@click.option("--lang", type=LANG_CHOICE, default="kk+ru", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@as_option
def request_form(request_id: str, fmt: str, lang: str, out: Path, login: str) -> None:
    """The request as filed, printed (once signed): its number, what was typed, who signed it."""
    from docgen.output import write_atomic

    who = user(login)
    app = application()
    given = run(lambda: app.documents.request_form(who, request_id, fmt, lang))
    run(lambda: write_atomic(out, given.content))
    click.echo(str(out))


@request.command("document")
@click.argument("request_id")
@click.option(
    "--number", help="Which of the request's documents (default: its newest, not counting license annexes)."
)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="pdf", show_default=True)
@click.option("--lang", type=LANG_CHOICE, default="kk+ru", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@as_option
def request_document(request_id: str, number: str | None, fmt: str, lang: str, out: Path, login: str) -> None:
    """The request's document: the signed original (pdf, kk+ru), or a copy marked as such."""
    from docgen.errors import DocumentNotFound
    from docgen.output import write_atomic

    who = user(login)
    app = application()

    def produce() -> bytes:
        chosen = number
        if chosen is None:
            documents = app.documents.list_for_request(who, request_id)
            if not documents:
                raise DocumentNotFound(number="—")
            main = [item for item in documents if item["kind"] != "license-annex"] or documents
            chosen = main[-1]["number"]  # the license, not the annex issued with it
        return app.documents.download(who, chosen, fmt, lang).content

    content = run(produce)
    run(lambda: write_atomic(out, content))
    click.echo(str(out))
