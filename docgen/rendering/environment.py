"""The Jinja2 environment every document is rendered in.

Sandboxed (a template cannot reach Python internals), autoescaped (a data
value such as ``<img src=...>`` or ``{{ 7*7 }}`` is text, never markup or
code: data is only ever passed as context, never compiled), and strict (a
name the template uses but the data lacks raises instead of printing "").
Filters format dates and numbers in the language being rendered, read from
the ``lang`` context variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from docgen.rendering import locale

__all__ = ["make_environment"]


@pass_context
def _official_date(context: Context, value: Any) -> str:
    return locale.official_date(value, context["lang"])


@pass_context
def _long_date(context: Context, value: Any) -> str:
    return locale.long_date(value, context["lang"])


@pass_context
def _short_date(context: Context, value: Any) -> str:
    return locale.short_date(value, context["lang"])


@pass_context
def _number(context: Context, value: Any) -> str:
    return locale.format_number(value, context["lang"])


def make_environment(templates_dir: Path) -> ImmutableSandboxedEnvironment:
    """Build the environment once; compiled templates are cached in it."""
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.filters.update(
        official_date=_official_date,
        long_date=_long_date,
        short_date=_short_date,
        number=_number,
    )
    return env
