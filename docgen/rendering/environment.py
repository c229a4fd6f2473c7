"""The Jinja2 environment every document is rendered in.

Sandboxed (a template cannot reach Python internals), autoescaped (a data
value such as ``<img src=...>`` or ``{{ 7*7 }}`` is text, never markup or
code: data is only ever passed as context, never compiled), and strict (a
name the template uses but the data lacks raises instead of printing "").
Filters format dates and numbers in the language being rendered, read from
the ``lang`` context variable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from docgen.documents import locale

__all__ = ["make_environment"]


def _in_document_language(format_value: Callable[[Any, str], str]) -> Callable[..., str]:
    """A filter applying ``format_value`` in the language being rendered."""

    @pass_context
    def apply(context: Context, value: Any) -> str:
        return format_value(value, context["lang"])

    return apply


FILTERS = {
    "official_date": locale.official_date,
    "until_date": locale.until_date,
    "from_date": locale.from_date,
    "long_date": locale.long_date,
    "short_date": locale.short_date,
    "number": locale.format_number,
}


_RU_CONSONANTS = set("бвгджзйклмнпрстфхцчшщ")


def russian_with(text: str) -> str:
    """``text`` after the Russian preposition "с" in the form it takes before it.

    "со" before a word opening with с, з, ж or ш and a consonant ("со стандартом",
    "со вторым"... are the common cases), "с" otherwise ("с Законом").
    """
    word = text.lstrip('«"').lower()
    if len(word) > 1 and word[0] in "сзжш" and word[1] in _RU_CONSONANTS:
        return f"со {text}"
    return f"с {text}"


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
    env.filters.update({name: _in_document_language(format_value) for name, format_value in FILTERS.items()})
    env.filters["ru_with"] = russian_with
    return env
