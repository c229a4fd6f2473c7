"""``docgen batch …``: batches made by workers on several machines (Celery on Redis), or locally.

``submit`` records the batch in the database and sends its lines to the workers
(``celery -A docgen.worker worker``) through ``DOCGEN_BATCH_BROKER`` / ``REDIS_URL``; with neither
set, or with ``--local``, it makes them itself in ``--workers`` local processes. ``status`` follows a
batch with a progress bar on a terminal (plain counts otherwise) and lists its failed lines with
their reasons.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from docgen.cli.app import application, as_option, user
from docgen.cli.common import FORMAT_CHOICE, LANG_CHOICE, echo_json, fail, json_option, run, unreadable

if TYPE_CHECKING:
    from docgen.domain.users import User

__all__ = ["batch"]

_MESSAGE_LANG = click.Choice(["kk", "ru"])


@click.group()
def batch() -> None:
    """Batches across machines: submit, follow, resume."""


@batch.group("submit")
def submit() -> None:
    """Record a batch and send its lines to the workers (or make them locally)."""


_local = click.option("--local", is_flag=True, help="Make the lines here even when a broker is configured.")
_workers = click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Local processes (without a broker, or with --local).",
)
_message_lang = click.option("--lang", "message_lang", type=_MESSAGE_LANG, default="ru", show_default=True)


@submit.command("render")
@click.argument("kind")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@as_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files, shared by every worker machine.",
)
@click.option("--doc-lang", "lang", type=LANG_CHOICE, default="kk", show_default=True)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="pdf", show_default=True)
@click.option("--service", help="Service code for request and survey.")
@click.option("--sign", "sign", metavar="PROVIDER", help="Sign each PDF with this provider's key.")
@click.option(
    "--number",
    metavar="TEMPLATE",
    help="Number the documents from this batch's gapless sequence, e.g. 'LIC-2026-{n:06d}'.",
)
@_local
@_workers
@_message_lang
def submit_render(
    kind: str,
    source: Path,
    login: str,
    out: Path,
    lang: str,
    fmt: str,
    service: str | None,
    sign: str | None,
    number: str | None,
    local: bool,
    workers: int,
    message_lang: str,
) -> None:
    """Render every line of the JSON Lines file SOURCE as KIND (as ``docgen render --batch``); prints
    the batch ID."""
    from docgen.batch import read_lines

    who = user(login)
    try:
        lines = list(read_lines(source))
    except OSError as error:
        fail(unreadable("SOURCE", source, error), message_lang)
    service_layer = application().batches
    assert service_layer is not None
    batch_id = run(
        lambda: service_layer.submit_render(
            who, kind, lines, out=out, lang=lang, fmt=fmt, service=service, sign=sign, number=number
        ),
        message_lang,
    )
    _dispatch(who, batch_id, local, workers, message_lang)


@submit.command("reissue")
@as_option
@click.option("--provider", required=True, help="Reissue every active license of this provider.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Also write each new PDF here.")
@_local
@_workers
@_message_lang
def submit_reissue(
    login: str, provider: str, out: Path | None, local: bool, workers: int, message_lang: str
) -> None:
    """Reissue every active license of PROVIDER through the workflow (after a change of its name or
    requisites), as the provider's clerk ``--as``; prints the batch ID."""
    who = user(login)
    service_layer = application().batches
    assert service_layer is not None
    batch_id = run(lambda: service_layer.submit_reissue(who, provider, out=out), message_lang)
    _dispatch(who, batch_id, local, workers, message_lang)


def _dispatch(who: User, batch_id: str, local: bool, workers: int, lang: str) -> None:
    """Send the batch's pending lines to the broker, or make them here; the ID first, either way."""
    app = application()
    assert app.batches is not None
    click.echo(batch_id)
    lines = app.batches.pending(batch_id)
    if app.settings.batch_broker and not local:
        _send(batch_id, lines, lang)
        return
    from docgen.worker import produce_locally

    note = {
        "kk": f"брокер бапталмаған: жолдар осында, {workers} процесте жасалады",
        "ru": f"брокер не настроен: строки обрабатываются здесь, процессов: {workers}",
    }
    if not local:
        click.echo(note[lang], err=True)
    with click.progressbar(length=len(lines), label=batch_id[:8], file=sys.stderr) as bar:
        produce_locally(batch_id, lines, workers, progress=bar.update)
    _report(who, batch_id, lang)


def _send(batch_id: str, lines: list[int], lang: str) -> None:
    from docgen.errors import BrokerUnavailable
    from docgen.worker import send_lines

    try:
        sent = send_lines(application().settings, batch_id, lines)
    except Exception as error:  # the broker: the batch is recorded, resume sends it later
        fail(BrokerUnavailable(detail=str(error).splitlines()[0][:200], id=batch_id), lang)
    message = {"kk": f"жұмысшыларға жіберілді: {sent} жол", "ru": f"отправлено обработчикам строк: {sent}"}
    click.echo(message[lang], err=True)


@batch.command("status")
@click.argument("batch_id")
@click.option("--wait", is_flag=True, help="Follow until every line is done or failed.")
@_message_lang
@json_option
@as_option
def status(batch_id: str, wait: bool, message_lang: str, as_json: bool, login: str) -> None:
    """How far the batch got (a progress bar on a terminal, following it until finished) and its
    failed lines with their reasons. Exit code 1 when lines failed. For its submitter, an
    administrator, or the clerk of the provider it signs for or reissues."""
    who = user(login)
    app = application()
    assert app.batches is not None
    found = run(lambda: app.batches.status(who, batch_id), message_lang)  # type: ignore[union-attr]
    if sys.stderr.isatty() and not as_json and found.finished < found.batch.total:
        with click.progressbar(length=found.batch.total, label=batch_id[:8], file=sys.stderr) as bar:
            bar.update(found.finished)
            while found.finished < found.batch.total:
                time.sleep(1)
                now = app.batches.status(who, batch_id)
                bar.update(now.finished - found.finished)
                found = now
    elif wait:
        while found.finished < found.batch.total:
            time.sleep(1)
            found = app.batches.status(who, batch_id)
    _report(who, batch_id, message_lang, as_json)


def _report(who: User, batch_id: str, lang: str, as_json: bool = False) -> None:
    app = application()
    assert app.batches is not None
    found = app.batches.status(who, batch_id)
    if as_json:
        echo_json(found.to_dict())
    else:
        counts = found.counts
        done, failed = counts.get("done", 0), counts.get("failed", 0)
        waiting = counts.get("pending", 0) + counts.get("running", 0)
        if lang == "kk":
            click.echo(f"{found.batch.total} жолдың {done} жасалды, қате: {failed}, күтуде: {waiting}")
            for item in found.failed:
                click.echo(f"  {item.line}-жол: {(item.failure or {}).get('kk', '')}")
        else:
            click.echo(f"сделано {done} из {found.batch.total} строк, ошибок: {failed}, в работе: {waiting}")
            for item in found.failed:
                click.echo(f"  строка {item.line}: {(item.failure or {}).get('ru', '')}")
    if found.failed:
        sys.exit(1)


@batch.command("list")
@json_option
@as_option
def list_batches(as_json: bool, login: str) -> None:
    """The batches one may see, newest first: ID, kind, who, when, done / failed / total."""
    who = user(login)
    app = application()
    assert app.batches is not None
    found = run(lambda: app.batches.all(who))  # type: ignore[union-attr]
    if as_json:
        echo_json([item.to_dict() for item in found])
        return
    for item in found:
        counts = item.counts
        click.echo(
            f"{item.batch.id}  {item.batch.kind:8} {item.batch.created_by:30} "
            f"{item.batch.created_at:%Y-%m-%d %H:%M}  {counts.get('done', 0)}/{counts.get('failed', 0)}"
            f"/{item.batch.total}"
        )


@batch.command("resume")
@click.argument("batch_id")
@click.option("--failed", is_flag=True, help="Also retry the failed lines (under the numbers they had).")
@_local
@_workers
@_message_lang
@as_option
def resume(batch_id: str, failed: bool, local: bool, workers: int, message_lang: str, login: str) -> None:
    """Send again the lines still pending or held past the lease by a dead worker (after a lost
    broker, for instance)."""
    who = user(login)
    app = application()
    assert app.batches is not None
    run(lambda: app.batches.resume(who, batch_id, failed=failed), message_lang)  # type: ignore[union-attr]
    _dispatch(who, batch_id, local, workers, message_lang)
