"""What every docgen command shares: reporting an error as one line in kk and/or ru."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from docgen.errors import DocgenError

__all__ = ["fail"]


def fail(error: DocgenError, lang: str = "kk+ru") -> NoReturn:
    """One line on stderr in ``lang`` (both languages by default), exit code 2, no traceback."""
    click.echo(f"docgen: {error.message(lang)}", err=True)
    sys.exit(2)
