"""What every docgen command shares: one-line errors in kk and/or ru, JSON output, shared options."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from docgen.errors import DatabaseUnavailable, DocgenError, InvalidData

__all__ = [
    "FORMAT_CHOICE",
    "LANG_CHOICE",
    "database_error",
    "echo_json",
    "echo_result",
    "fail",
    "json_flag",
    "json_option",
    "run",
    "unreadable",
]

T = TypeVar("T")
FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)

LANG_CHOICE = click.Choice(["kk", "ru", "kk+ru"])
FORMAT_CHOICE = click.Choice(["pdf", "docx", "html"])


def fail(error: DocgenError, lang: str = "kk+ru") -> NoReturn:
    """One line on stderr in ``lang`` (both languages by default), exit code 2, no traceback."""
    click.echo(f"docgen: {error.message(lang)}", err=True)
    sys.exit(2)


def run(action: Callable[[], T], lang: str = "kk+ru") -> T:
    """``action()``, or its :class:`~docgen.errors.DocgenError` reported by :func:`fail`;
    an error of the database or its driver is reported the same way, as
    :class:`~docgen.errors.DatabaseUnavailable`. Anything else propagates."""
    try:
        return action()
    except DocgenError as error:
        fail(error, lang)
    except Exception as error:
        unavailable = database_error(error)
        if unavailable is None:
            raise
        fail(unavailable, lang)


#: Where errors of the database layer come from, recognised by their class's module so
#: that the CLI starts without importing SQLAlchemy or a driver.
_DATABASE_MODULES = frozenset({"sqlalchemy", "alembic", "psycopg", "sqlite3"})
#: ``scheme://user:password@`` in a database URL, and ``password=...`` in a libpq conninfo.
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s'\"]*):[^@\s'\"]*@")
_CONNINFO_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def database_error(error: BaseException) -> DatabaseUnavailable | None:
    """``error`` as :class:`~docgen.errors.DatabaseUnavailable` if it comes from SQLAlchemy,
    Alembic or a database driver (its first line, any password masked); else ``None``."""
    if not any(cls.__module__.partition(".")[0] in _DATABASE_MODULES for cls in type(error).__mro__):
        return None
    lines = str(error).strip().splitlines()
    detail = lines[0].strip() if lines else type(error).__name__
    detail = _URL_PASSWORD.sub(r"\1:***@", detail)
    detail = _CONNINFO_PASSWORD.sub(r"\1***", detail)
    return DatabaseUnavailable(detail=detail)


def unreadable(option: str, path: Path, reason: object) -> InvalidData:
    """The error for a file given with ``option`` that cannot be read."""
    return InvalidData(
        kind=option,
        field=str(path),
        problem={
            "kk": f"файлды оқу мүмкін емес ({reason})",
            "ru": f"не удалось прочитать файл ({reason})",
        },
    )


def moment(value: str, option: str, command: str = "docgen") -> dt.datetime:
    """An ISO 8601 date or date and time given on the command line, or a bilingual error naming
    ``option``; a bare date is the start of that day, a time without an offset is UTC."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        fail(
            InvalidData(
                kind=command,
                field=option,
                problem={
                    "kk": f"күн немесе уақыт ISO 8601 пішімінде емес: {value!r} (мысалы 2026-03-01)",
                    "ru": f"дата или время не в формате ISO 8601: {value!r} (например 2026-03-01)",
                },
            )
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def echo_json(value: Any, indent: int | None = 2) -> None:
    """``value`` as JSON on stdout, non-ASCII letters as they are."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=indent, default=str))


def echo_result(value: Any, as_json: bool, text: str | None = None) -> None:
    """``value`` as JSON with ``--json``, else ``text`` (or ``value`` itself)."""
    if as_json:
        echo_json(value)
    else:
        click.echo(text if text is not None else value)


def json_flag(help: str = "Machine-readable output.") -> Callable[[FC], FC]:
    """The ``--json`` flag (parameter ``as_json``), with the command's own help."""
    return click.option("--json", "as_json", is_flag=True, help=help)


json_option = json_flag()
