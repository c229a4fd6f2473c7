"""Reading JSON that comes in from outside: bounded before it is parsed.

Every entrance that takes JSON text — ``--data FILE``, each line of a
``--batch``, a request's data — reads it with :func:`load_json`, which
refuses, each as an :class:`~docgen.errors.InvalidData` in Kazakh and
Russian and never as a traceback:

- more than :data:`MAX_BYTES` (checked first; read no more than
  ``MAX_BYTES + 1`` bytes of a file);
- bytes that are not UTF-8 (a leading byte-order mark is allowed);
- objects and arrays nested deeper than
  :data:`~docgen.documents.validation.MAX_DEPTH`, counted on the text before
  ``json.loads`` runs, so its recursion never reaches Python's limit;
- JSON that does not parse, ``NaN`` and ``Infinity``, and an object with
  the same key twice (which one would count is the reader's guess);
- a lone surrogate, written ``"\\ud800"`` in JSON: text that cannot even be
  encoded again.

What the data holds is then for :mod:`docgen.documents.validation` to check.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from docgen.documents.validation import MAX_DEPTH, printable, too_deep
from docgen.errors import InvalidData

__all__ = ["MAX_BYTES", "load_json"]

#: The largest JSON text accepted, in bytes of UTF-8 (a document's data is a few kilobytes).
MAX_BYTES = 5 * 1024 * 1024

#: A JSON string, taken out before brackets are counted. Possessive, so it never backtracks: a
#: string left open runs to the end of the text (where json.loads stops too).
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    def __init__(self, problem: dict[str, str]) -> None:
        self.problem = problem


def load_json(source: str | bytes, where: str, name: str = "(root)") -> Any:
    """The value of the JSON text ``source``, or :class:`InvalidData` saying why not.

    ``where`` is what the errors are about (``--data``, a document kind), ``name`` the file
    or place that held the text; a lone surrogate is named by its path in the data instead.
    """
    name = printable(name)
    try:
        text = _text(source)
        _check_depth(text)
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except _Refused as refused:
        raise InvalidData(kind=where, field=name, problem=refused.problem) from None
    except json.JSONDecodeError as error:
        line = {"kk": f"{error.lineno}-жол, ", "ru": f"строка {error.lineno}, "} if "\n" in text else None
        raise InvalidData(
            kind=where,
            field=name,
            problem={
                "kk": f"JSON қатесі: {error.msg}, {line['kk'] if line else ''}{error.colno}-баған",
                "ru": f"ошибка JSON: {error.msg}, {line['ru'] if line else ''}столбец {error.colno}",
            },
        ) from None
    except RecursionError:  # not expected after the count; never a traceback all the same
        raise InvalidData(kind=where, field=name, problem=too_deep()) from None
    except ValueError:  # an integer of more than 4300 digits
        raise InvalidData(
            kind=where,
            field=name,
            problem={"kk": "JSON-дағы сан тым ұзын", "ru": "слишком длинное число в JSON"},
        ) from None
    surrogate = _surrogate_path(value)
    if surrogate is not None:
        path, code = surrogate
        raise InvalidData(
            kind=where,
            field=".".join(printable(str(part)) for part in path) or name,
            problem={
                "kk": f"жұбы жоқ суррогат U+{code:04X} (мәтін бүлінген)",
                "ru": f"непарный суррогат U+{code:04X} (текст повреждён)",
            },
        )
    return value


def _too_large() -> _Refused:
    megabytes = MAX_BYTES // (1024 * 1024)
    return _Refused(
        {
            "kk": f"тым үлкен (ең көбі {megabytes} МБ)",
            "ru": f"слишком большой объём (не более {megabytes} МБ)",
        }
    )


def _text(source: str | bytes) -> str:
    if isinstance(source, str):
        if len(source) > MAX_BYTES or len(source.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise _too_large()
        return source.removeprefix("\ufeff")
    if len(source) > MAX_BYTES:
        raise _too_large()
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Refused(
            {
                "kk": f"UTF-8 емес байт 0x{source[error.start]:02X} ({error.start + 1}-байт)",
                "ru": f"байт 0x{source[error.start]:02X} не в кодировке UTF-8 (байт {error.start + 1})",
            }
        ) from None


def _check_depth(text: str) -> None:
    """Refuse nesting over :data:`MAX_DEPTH`, counting brackets outside strings."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH:
        raise _Refused(too_deep())


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Refused(
                {
                    "kk": f"«{printable(key)}» кілті екі рет берілген",
                    "ru": f"ключ «{printable(key)}» повторяется",
                }
            )
        seen.add(key)
    return value  # not reached: a shorter dict means a key came twice


def _constant(word: str) -> Any:
    raise _Refused(
        {
            "kk": f"JSON-да {word} болмайды: сан шектеулі болуы керек",
            "ru": f"{word} в JSON недопустим: число должно быть конечным",
        }
    )


def _surrogate_path(value: Any) -> tuple[list[Any], int] | None:
    """The path to the first string (or key) holding a lone surrogate, and its code; or ``None``."""
    stack: list[tuple[list[Any], Any]] = [([], value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if (found := _SURROGATE.search(item)) is not None:
                return path, ord(found.group())
        elif isinstance(item, dict):
            for key in item:
                if (found := _SURROGATE.search(key)) is not None:
                    return [*path, key], ord(found.group())
            stack.extend(([*path, key], child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(([*path, index], child) for index, child in reversed(list(enumerate(item))))
    return None
