"""Checking a document's data against its schema, with errors people read.

jsonschema does the checking; this module turns its first (best) error into
an :class:`~docgen.errors.InvalidData` that names the field by its dotted
path and says what is wrong in Kazakh and in Russian. IIN and BIN fields
are also checked for their check digit.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from docgen.domain.identifiers import is_valid_bin, is_valid_iin
from docgen.errors import InvalidData, MissingField

__all__ = ["normalize", "problems", "validate"]

_CHECKER = FormatChecker()


@_CHECKER.checks("kz-iin")
def _iin(value: object) -> bool:
    return not isinstance(value, str) or is_valid_iin(value)


@_CHECKER.checks("kz-bin")
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
    return ".".join(str(part) for part in parts) or "(root)"


def validate(kind: str, schema: dict[str, Any], data: Any) -> None:
    """Raise :class:`InvalidData` naming the first (best) wrong field, or return."""
    validator = Draft202012Validator(schema, format_checker=_CHECKER)
    error = best_match(validator.iter_errors(data))
    if error is not None:
        raise _as_invalid(kind, error)


def problems(kind: str, schema: dict[str, Any], data: Any) -> list[InvalidData]:
    """Every wrong field at once, in the order of their paths: a form shows them all together."""
    validator = Draft202012Validator(schema, format_checker=_CHECKER)
    found: dict[str, InvalidData] = {}
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
