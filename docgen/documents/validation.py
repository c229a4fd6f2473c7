"""Checking a document's data against its schema, with errors people read.

jsonschema does the checking; this module turns its first (best) error into
an :class:`~docgen.errors.InvalidData` that names the field by its dotted
path and says what is wrong in Kazakh and in Russian. IIN and BIN fields
are also checked for their check digit and birth date.

Before the schema, every string of the data — values and keys — is checked
for characters no document may hold (:func:`text_problems`, this module is
their one home):

- lone surrogates (text broken on its way; it cannot even be encoded);
- C0 and C1 control characters and DEL, except line feed and tab (``clean``
  turns CR LF and CR into LF first), which DOCX cannot hold at all;
- Unicode noncharacters (U+FDD0–U+FDEF, U+xxFFFE and U+xxFFFF);
- bidi controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069),
  which make text read differently from what it holds;
- zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which make two
  equal-looking names differ.

Each is refused with the field's path and the character's code point. In
name-like fields (:data:`NAME_FIELDS`: names of people and organisations,
places, document numbers) a word — a run of letters between anything that
is not a letter — may not mix Latin, Cyrillic and Greek letters, so "Дaлa"
with a Latin ``a`` is refused; Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) are
Cyrillic. Numbers must be finite (no NaN or Infinity) and data is nested at
most :data:`MAX_DEPTH` deep. :func:`clean` gives the data in NFC, the form
it is stored, hashed and rendered in.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from docgen.domain.identifiers import birth_date, is_valid_bin, is_valid_iin
from docgen.errors import InvalidData, MissingField

if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from jsonschema.exceptions import ValidationError

__all__ = [
    "MAX_DEPTH",
    "NAME_FIELDS",
    "clean",
    "normalize",
    "printable",
    "problems",
    "text_problems",
    "too_deep",
    "validate",
]

#: The deepest nesting of objects and arrays accepted (a document's own is under 10).
MAX_DEPTH = 64

#: Fields (the last name in a path, past ``kk``/``ru`` and list positions) that name a person, an
#: organisation, a place or a document: a word there may not mix Latin, Cyrillic and Greek letters.
NAME_FIELDS = frozenset({"name", "head", "signer", "owner", "issuer", "place", "number", "license_number"})

_NONCHARACTERS = "".join(chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
#: Every character refused anywhere in data (one scan per string; :func:`_character_problem` says why).
_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u061c\u200b-\u200f"
    "\u202a-\u202e\u2060\u2066-\u2069\ufeff" + re.escape(_NONCHARACTERS) + "]"
)
_WORD = re.compile(r"[^\W\d_]+")
_SCRIPTS = {  # the script's name: kk, ru (feminine), ru (genitive plural)
    "LATIN": ("латын", "латинская", "латинских"),
    "CYRILLIC": ("кирилл", "кириллическая", "кириллических"),
    "GREEK": ("грек", "греческая", "греческих"),
}


@functools.cache
def _checker() -> FormatChecker:
    """The formats of the schemas, IIN and BIN among them. jsonschema is imported on the first check,
    not with this module: the commands that never check data start without it."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    checker.checks("kz-iin")(_iin)
    checker.checks("kz-bin")(_bin)
    return checker


def _iin(value: object) -> bool:
    return not isinstance(value, str) or is_valid_iin(value)


def _bin(value: object) -> bool:
    return not isinstance(value, str) or is_valid_bin(value)


_TYPE_NAMES = {
    "string": ("мәтін", "строка"),
    "integer": ("бүтін сан", "целое число"),
    "number": ("сан", "число"),
    "object": ("нысан", "объект"),
    "array": ("тізім", "список"),
    "boolean": ("иә/жоқ", "да/нет"),
}


def _problem(error: ValidationError) -> dict[str, str]:
    kind, arg = error.validator, error.validator_value
    if kind == "type":
        kk, ru = _TYPE_NAMES.get(str(arg), (str(arg), str(arg)))
        return {"kk": f"мәні {kk} болуы керек", "ru": f"значение должно быть: {ru}"}
    if kind == "format" and arg == "date":
        return {"kk": "күн ЖЖЖЖ-АА-КК пішімінде болуы керек", "ru": "дата должна быть в формате ГГГГ-ММ-ДД"}
    if kind == "format" and arg == "kz-iin":
        if isinstance(error.instance, str) and birth_date(error.instance) is None:
            return {
                "kk": "ЖСН жарамсыз (алғашқы цифрлары нақты туған күнді бермейді: ЖЖААКК, 7-цифр ғасыр, "
                "болашақ күн емес)",
                "ru": "ИИН недействителен (первые цифры не дают настоящей даты рождения: ГГММДД, 7-я цифра "
                "— век, дата не в будущем)",
            }
        return {
            "kk": "ЖСН жарамсыз (бақылау разряды сәйкес емес)",
            "ru": "ИИН недействителен (не сходится контрольный разряд)",
        }
    if kind == "format" and arg == "kz-bin":
        return {
            "kk": "БСН жарамсыз (бақылау разряды сәйкес емес)",
            "ru": "БИН недействителен (не сходится контрольный разряд)",
        }
    if kind in ("enum", "const"):
        allowed = ", ".join(map(str, arg if kind == "enum" else [arg]))
        return {"kk": f"рұқсат етілген мәндер: {allowed}", "ru": f"допустимые значения: {allowed}"}
    if kind == "pattern":
        if arg == "^[0-9]{12}$":
            return {"kk": "12 цифрдан тұруы керек", "ru": "должно состоять из 12 цифр"}
        return {"kk": "пішімі дұрыс емес", "ru": "неверный формат"}
    if kind == "minLength":
        return {"kk": "бос болмауы керек", "ru": "не должно быть пустым"}
    if kind == "maxLength":
        return {"kk": f"тым ұзын (ең көбі {arg} таңба)", "ru": f"слишком длинное (не более {arg} символов)"}
    if kind == "maxItems":
        return {"kk": f"тым көп жол (ең көбі {arg})", "ru": f"слишком много строк (не более {arg})"}
    if kind == "minItems":
        return {"kk": f"кемінде {arg} жол керек", "ru": f"нужно не менее {arg} строк"}
    if kind in ("minimum", "maximum"):
        sign = "≥" if kind == "minimum" else "≤"
        return {"kk": f"мәні {sign} {arg} болуы керек", "ru": f"значение должно быть {sign} {arg}"}
    return {"kk": f"мәні жарамсыз ({error.message})", "ru": f"недопустимое значение ({error.message})"}


def _path(parts: Any) -> str:
    return printable(".".join(str(part) for part in parts)) or "(root)"


def printable(text: str) -> str:
    """``text`` with every character that does not print (controls, bidi, zero-width, surrogates...)
    written as ``\\u202e``: a path or a value that goes into a message, a log or a terminal."""
    if text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable()
        else f"\\u{ord(char):04x}"
        if ord(char) <= 0xFFFF
        else f"\\U{ord(char):08x}"
        for char in text
    )


def clean(data: Any) -> Any:
    """``data`` with every string (keys too) in Unicode NFC and its line ends as LF.

    What is stored, hashed and rendered is this form, so a name typed with a combining accent and
    the same name typed precomposed are one name. Nothing else is changed: what is refused is for
    :func:`problems` and :func:`validate` to say.
    """
    return _clean(data, 0)


def _clean(data: Any, depth: int) -> Any:
    if isinstance(data, str):
        return _clean_text(data)
    if depth > MAX_DEPTH:  # refused by the checks; not followed further
        return data
    if isinstance(data, dict):
        return {
            _clean_text(key) if isinstance(key, str) else key: _clean(value, depth + 1)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_clean(item, depth + 1) for item in data]
    return data


def _clean_text(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.isascii() else unicodedata.normalize("NFC", text)


class _TooDeep(InvalidData):
    """Nesting over :data:`MAX_DEPTH` (the schema is not run over such data)."""


def too_deep() -> dict[str, str]:
    """The problem of data nested deeper than :data:`MAX_DEPTH`."""
    return {
        "kk": f"тым терең салынған (ең көбі {MAX_DEPTH} деңгей)",
        "ru": f"слишком глубокая вложенность (не более {MAX_DEPTH} уровней)",
    }


def text_problems(kind: str, data: Any) -> list[InvalidData]:
    """What no document may hold, wherever it is in ``data``: refused characters in strings and keys,
    words mixing alphabets in name-like fields, numbers that are not finite, nesting deeper than
    :data:`MAX_DEPTH`. One error per field, in the order met; the data is walked without recursion."""
    found: list[InvalidData] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            problem = _character_problem(value) or (_mixed_script(value) if _is_name(path) else None)
            if problem:
                found.append(InvalidData(kind=kind, field=_path(path), problem=problem))
        elif isinstance(value, float) and not math.isfinite(value):
            found.append(
                InvalidData(
                    kind=kind,
                    field=_path(path),
                    problem={
                        "kk": "сан шектеулі болуы керек (NaN немесе Infinity емес)",
                        "ru": "число должно быть конечным (не NaN и не Infinity)",
                    },
                )
            )
        elif isinstance(value, dict | list) and len(path) >= MAX_DEPTH:
            found.append(_TooDeep(kind=kind, field=_path(path), problem=too_deep()))
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                if isinstance(key, str) and (problem := _character_problem(key)):
                    found.append(
                        InvalidData(
                            kind=kind,
                            field=_path((*path, key)),
                            problem={
                                "kk": f"өріс атауында: {problem['kk']}",
                                "ru": f"в названии поля: {problem['ru']}",
                            },
                        )
                    )
                    continue
                children.append(((*path, key), item))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([((*path, index), item) for index, item in enumerate(value)]))
    return found


def _character_problem(text: str) -> dict[str, str] | None:
    """Why the first refused character of ``text`` is refused, naming its code point; or ``None``."""
    match = _REFUSED.search(text)
    if match is None:
        return None
    code = ord(match.group())
    point = f"U+{code:04X}"
    if 0xD800 <= code <= 0xDFFF:
        return {
            "kk": f"жұбы жоқ суррогат {point} (мәтін бүлінген)",
            "ru": f"непарный суррогат {point} (текст повреждён)",
        }
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return {
            "kk": f"басқару таңбасы {point} болмауы керек",
            "ru": f"управляющий символ {point} недопустим",
        }
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return {
            "kk": f"Юникодтың таңба емес коды {point} болмауы керек",
            "ru": f"несимвол Юникода {point} недопустим",
        }
    if code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return {
            "kk": f"көрінбейтін нөлдік енді таңба {point} болмауы керек",
            "ru": f"невидимый символ нулевой ширины {point} недопустим",
        }
    return {
        "kk": f"мәтін бағытын басқаратын таңба {point} болмауы керек",
        "ru": f"символ управления направлением текста {point} недопустим",
    }


def _is_name(path: tuple[Any, ...]) -> bool:
    names = [part for part in path if isinstance(part, str) and part not in ("kk", "ru")]
    return bool(names) and names[-1] in NAME_FIELDS


def _script(char: str) -> str | None:
    script = unicodedata.name(char, "").partition(" ")[0]
    return script if script in _SCRIPTS else None


def _mixed_script(text: str) -> dict[str, str] | None:
    """A word that mixes Latin, Cyrillic and Greek letters ("Дaлa" with a Latin ``a``): the letter
    of the word's lesser alphabet is named, with its code point."""
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        scripts = [_script(char) for char in word]
        counts = {script: scripts.count(script) for script in scripts if script}
        if len(counts) < 2:
            continue
        main = max(counts, key=lambda script: (counts[script], -scripts.index(script)))
        odd = next(char for char, script in zip(word, scripts, strict=True) if script and script != main)
        other, base = _SCRIPTS[_script(odd) or ""], _SCRIPTS[main]
        point = f"U+{ord(odd):04X}"
        return {
            "kk": f"«{word}» сөзінде әліпбилер араласқан: "
            f"{base[0]} әріптерінің арасында {other[0]} «{odd}» ({point})",
            "ru": f"в слове «{word}» смешаны алфавиты: {other[1]} «{odd}» ({point}) среди {base[2]} букв",
        }
    return None


def validate(kind: str, schema: dict[str, Any], data: Any) -> None:
    """Raise :class:`InvalidData` naming the first wrong field — a refused character first, then the
    schema's best error — or return. Give it :func:`clean` data: that is what is rendered."""
    for problem in text_problems(kind, data):
        raise problem
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    validator = Draft202012Validator(schema, format_checker=_checker())
    error = best_match(validator.iter_errors(data))
    if error is not None:
        raise _as_invalid(kind, error)


def problems(kind: str, schema: dict[str, Any], data: Any) -> list[InvalidData]:
    """Every wrong field at once, in the order of their paths: a form shows them all together.
    Refused characters are among them (before the schema's error of the same field)."""
    found: dict[str, InvalidData] = {}
    for problem in text_problems(kind, data):
        found.setdefault(problem.field, problem)
    if any(isinstance(problem, _TooDeep) for problem in found.values()):
        return [found[path] for path in sorted(found)]  # not handed to the schema's recursion
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema, format_checker=_checker())
    for error in validator.iter_errors(data):
        for leaf in _leaves(error):
            if leaf.validator == "required":  # one error per missing field, not only the first
                for name in leaf.validator_value:
                    if name not in leaf.instance:
                        missing = MissingField(kind=kind, field=_path([*leaf.absolute_path, name]))
                        found.setdefault(missing.field, missing)
                continue
            if leaf.validator == "additionalProperties":  # each unknown field, not only the first
                for name in sorted(set(leaf.instance) - set(leaf.schema.get("properties", {}))):
                    unknown = InvalidData(
                        kind=kind,
                        field=_path([*leaf.absolute_path, name]),
                        problem={"kk": "белгісіз өріс", "ru": "неизвестное поле"},
                    )
                    found.setdefault(unknown.field, unknown)
                continue
            invalid = _as_invalid(kind, leaf)
            found.setdefault(invalid.field, invalid)
    return [found[path] for path in sorted(found)]


def _leaves(error: ValidationError) -> list[ValidationError]:
    """An ``allOf``/``if``-``then`` error stands for the errors under it: report those."""
    if error.context:
        return [leaf for sub in error.context for leaf in _leaves(sub)]
    return [error]


def _as_invalid(kind: str, error: ValidationError) -> InvalidData:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        return MissingField(kind=kind, field=_path([*path, missing]))
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return InvalidData(
            kind=kind,
            field=_path([*path, extra[0] if extra else "?"]),
            problem={"kk": "белгісіз өріс", "ru": "неизвестное поле"},
        )
    return InvalidData(kind=kind, field=_path(path), problem=_problem(error))


def normalize(schema: dict[str, Any], data: Any, root: dict[str, Any] | None = None) -> Any:
    """Fill optional properties that are absent with ``None``.

    Templates run with StrictUndefined, so an optional block is written
    ``{% if paper_copy %}`` and must see ``None`` rather than an undefined.
    Local references (``#/$defs/...``) are followed.
    """
    root = schema if root is None else root
    while "$ref" in schema and schema["$ref"].startswith("#/"):
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = target
    if isinstance(data, dict) and "properties" in schema:
        return {
            name: normalize(sub, data[name], root) if name in data else None
            for name, sub in schema["properties"].items()
        }
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [normalize(schema["items"], item, root) for item in data]
    return data
