"""The service catalog: one TOML definition per service code in ``forms/``.

Adding a service is adding a file. A definition names the service in both
languages, its provider and legal basis, the fields of its request form with
their types, and the documents to attach; the render core turns it into the
request form's schema and rows, and the survey's heading.

Providers have one home, ``forms/providers.toml``: per provider code its full
name, address, city (the place of issue), telephone and BIN in kk and ru, and
which of those values are still to be confirmed (the seeds are silent on
them). A service's ``[provider]`` table names only the code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = [
    "ACTIONS",
    "ADDRESS",
    "CHANNELS",
    "FIELD_TYPES",
    "PAYMENT_ORDERS",
    "PROVIDERS_FILE",
    "PROVIDER_FIELDS",
    "Action",
    "Attachment",
    "Catalog",
    "CatalogError",
    "Field",
    "Payment",
    "Provider",
    "RefusalGround",
    "Service",
    "Survey",
    "address_in",
]

ACTIONS = ("issue", "reissue", "duplicate", "allocate", "withdraw", "register")
CHANNELS = ("portal", "provider", "centre", "local-body")
#: When the applicant pays: never, before the provider reviews, or after the qualification check.
PAYMENT_ORDERS = ("none", "before-review", "after-review")
DAY_KINDS = ("working", "calendar")
#: The file, in the forms folder, that holds every provider's requisites (not a service).
PROVIDERS_FILE = "providers.toml"
#: A provider's requisites, as named in ``providers.toml`` and in ``to_confirm``.
PROVIDER_FIELDS = ("name", "address", "city", "phone", "bin")

#: An address as a person files it: in both languages, each printed in its own column (an address is
#: not a proper name: "г. Алматы, проспект Достык" is no Kazakh, "Алматы қ., Достық даңғылы" no Russian).
ADDRESS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kk", "ru"],
    "properties": {
        "kk": {"type": "string", "minLength": 1, "maxLength": 500},
        "ru": {"type": "string", "minLength": 1, "maxLength": 500},
    },
}

#: Field types a definition may use, and the JSON Schema each becomes.
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string", "minLength": 1, "maxLength": 500},
    "text": {"type": "string", "minLength": 1, "maxLength": 5000},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "enum": {"type": "string"},
    "iin": {"type": "string", "pattern": "^[0-9]{12}$", "format": "kz-iin"},
    "bin": {"type": "string", "pattern": "^[0-9]{12}$", "format": "kz-bin"},
    "phone": {"type": "string", "pattern": "^\\+?[0-9 ()-]{6,20}$"},
    "email": {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"},
    "address": ADDRESS,
}


class CatalogError(ValueError):
    """A service definition is malformed (names the file and the problem)."""


def _text(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not {"kk", "ru"} <= raw.keys():
        raise CatalogError(f"{where}: needs both 'kk' and 'ru' text")
    return {"kk": str(raw["kk"]), "ru": str(raw["ru"])}


@dataclass(frozen=True)
class Provider:
    """The body that provides a service, with the requisites its documents print.

    ``address`` and ``city`` are ``{"kk", "ru"}`` texts (``city`` is the place
    of issue: "Астана қаласы" / "город Астана"); ``phone`` and ``bin`` are one
    string for both languages. A requisite no source gives is ``None``;
    ``to_confirm`` names the ones given but not taken from a seed.
    """

    code: str
    name: dict[str, str]
    address: dict[str, str] | None = None
    city: dict[str, str] | None = None
    phone: str | None = None
    bin: str | None = None
    to_confirm: tuple[str, ...] = ()

    def __getitem__(self, lang: str) -> str:
        """The name in ``lang`` (``provider["kk"]``, as callers read a provider when it was a name)."""
        return self.name[lang]

    def missing(self) -> tuple[str, ...]:
        """The requisites this provider has no value for."""
        return tuple(name for name in PROVIDER_FIELDS if getattr(self, name) in (None, ""))

    @classmethod
    def from_mapping(cls, code: str, raw: Mapping[str, Any], where: str) -> Provider:
        name = raw.get("name", raw if {"kk", "ru"} <= raw.keys() else None)
        if name is None:
            raise CatalogError(f"{where}: provider {code!r} needs a name in kk and ru")
        to_confirm = tuple(str(item) for item in raw.get("to_confirm", ()))
        unknown = [item for item in to_confirm if item not in PROVIDER_FIELDS]
        if unknown:
            raise CatalogError(
                f"{where}: provider {code!r}: to_confirm names {unknown[0]!r} "
                f"(known: {', '.join(PROVIDER_FIELDS)})"
            )
        bin_ = str(raw["bin"]) if raw.get("bin") else None
        if bin_ is not None and (len(bin_) != 12 or not bin_.isdigit()):
            raise CatalogError(f"{where}: provider {code!r}: bin must be 12 digits")
        return cls(
            code=code,
            name=_text(name, f"{where}: provider {code} name"),
            address=_text(raw["address"], f"{where}: provider {code} address") if "address" in raw else None,
            city=_text(raw["city"], f"{where}: provider {code} city") if "city" in raw else None,
            phone=str(raw["phone"]) if raw.get("phone") else None,
            bin=bin_,
            to_confirm=to_confirm,
        )


def address_in(address: Any, lang: str) -> str:
    """An address filed in both languages, in ``lang``; a plain string (a request stored before
    addresses were filed in both) is taken as filed once: the same in both columns."""
    if isinstance(address, Mapping):
        return str(address[lang])
    return str(address)


@dataclass(frozen=True)
class Field:
    """One service-specific field of the request form."""

    name: str
    type: str
    label: dict[str, str]
    required: bool = True
    options: tuple[tuple[str, dict[str, str]], ...] = ()

    def json_schema(self) -> dict[str, Any]:
        schema = dict(FIELD_TYPES[self.type])
        if self.options:
            schema["enum"] = [value for value, _ in self.options]
        schema["title"] = self.label["ru"]
        return schema

    def display(self, value: Any, lang: str) -> Any:
        """The option's label for enumerations; an address's own language; the raw value otherwise."""
        if isinstance(value, Mapping):
            return address_in(value, lang)
        for option, label in self.options:
            if option == value:
                return label[lang]
        return value


@dataclass(frozen=True)
class Attachment:
    """A document the applicant attaches to the request."""

    code: str
    label: dict[str, str]
    required: bool = True


@dataclass(frozen=True)
class Action:
    """What the applicant asks for, with the decision deadline the regulation sets."""

    name: str
    deadline_days: int
    day_kind: str
    configurable: bool = False


@dataclass(frozen=True)
class Payment:
    """When the service is paid for, and how much (``None``: the seed names no amount)."""

    when: str = "none"
    fee: str | None = None


@dataclass(frozen=True)
class RefusalGround:
    """A ground for the reasoned refusal, as the service's regulation words it: ``kk`` verbatim from
    the seed, ``ru`` the Russian, ``paragraph`` the seed's item it comes from (kk, ru)."""

    code: str
    paragraph: dict[str, str]
    kk: str
    ru: str
    channels: tuple[str, ...] = ()
    """The channels whose requests the ground applies to (the seed's diagram it comes from); empty: all."""

    def applies_to(self, channel: str) -> bool:
        return not self.channels or channel in self.channels


def _refusal_grounds(raw: Any, where: str) -> tuple[RefusalGround, ...]:
    grounds: list[RefusalGround] = []
    for item in raw or ():
        code = str(item.get("code") or "")
        if not code:
            raise CatalogError(f"{where}: refusal_grounds: a ground without a code")
        if any(ground.code == code for ground in grounds):
            raise CatalogError(f"{where}: refusal_grounds: {code!r} twice")
        text = _text({k: item[k] for k in ("kk", "ru") if item.get(k)}, f"{where}: refusal ground {code}")
        paragraph = _text(item.get("paragraph"), f"{where}: refusal ground {code}: paragraph")
        channels = tuple(str(channel) for channel in item.get("channels", ()))
        unknown = [channel for channel in channels if channel not in CHANNELS]
        if unknown:
            raise CatalogError(f"{where}: refusal ground {code}: unknown channel {unknown[0]!r}")
        grounds.append(
            RefusalGround(code=code, paragraph=paragraph, kk=text["kk"], ru=text["ru"], channels=channels)
        )
    return tuple(grounds)


@dataclass(frozen=True)
class Service:
    """An electronic state service as its regulation describes it."""

    code: str
    seed: str
    title: dict[str, str]
    provider: Provider
    provider_code: str
    legal_basis: dict[str, str]
    outputs: tuple[str, ...]
    fields: tuple[Field, ...]
    attachments: tuple[Attachment, ...]
    actions: Mapping[str, Action] = field(default_factory=dict)
    channels: tuple[str, ...] = ()
    payment: Payment = field(default_factory=Payment)
    example: Mapping[str, Any] = field(default_factory=dict)
    refusal_grounds: tuple[RefusalGround, ...] = ()
    """The grounds a clerk may cite in this service's reasoned refusal (``[[refusal_grounds]]``)."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    #: The survey at the end of the service's seed (``forms/surveys.toml``), set by the catalog.
    survey: Survey | None = None

    def action(self, name: str) -> Action:
        try:
            return self.actions[name]
        except KeyError:
            raise KeyError(
                f"{self.code} has no action {name!r} (it has: {', '.join(self.actions)})"
            ) from None

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def attachment(self, code: str) -> Attachment:
        for item in self.attachments:
            if item.code == code:
                return item
        raise KeyError(code)

    def refusal_ground(self, code: str) -> RefusalGround:
        for item in self.refusal_grounds:
            if item.code == code:
                return item
        raise KeyError(code)

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, Any], where: str, providers: Mapping[str, Provider] | None = None
    ) -> Service:
        """The service ``raw`` defines. Its ``[provider]`` table names the provider's ``code``, found
        in ``providers`` (the catalog's ``providers.toml``); a provider not there may be given in
        the table itself (``kk`` and ``ru`` names: a definition that stands alone)."""
        try:
            fields = tuple(
                _field(item, f"{where}: field {item.get('name')}") for item in raw.get("fields", [])
            )
            attachments = tuple(
                Attachment(
                    code=str(item["code"]),
                    label=_text(item["label"], f"{where}: attachment {item['code']}"),
                    required=bool(item.get("required", True)),
                )
                for item in raw.get("attachments", [])
            )
            actions = {name: _action(name, item, where) for name, item in raw.get("actions", {}).items()}
            channels = tuple(str(item) for item in raw.get("channels", ()))
            unknown = [item for item in channels if item not in CHANNELS]
            if unknown:
                raise CatalogError(f"{where}: unknown channel {unknown[0]!r} (known: {', '.join(CHANNELS)})")
            payment_raw = raw.get("payment", {})
            payment = Payment(
                when=str(payment_raw.get("when", "none")),
                fee=str(payment_raw["fee"]) if "fee" in payment_raw else None,
            )
            if payment.when not in PAYMENT_ORDERS:
                raise CatalogError(f"{where}: payment.when must be one of {', '.join(PAYMENT_ORDERS)}")
            return cls(
                actions=actions,
                channels=channels,
                payment=payment,
                code=str(raw["code"]),
                seed=str(raw["seed"]),
                title=_text(raw["title"], f"{where}: title"),
                provider=_provider(raw["provider"], where, providers or {}),
                provider_code=str(raw["provider"]["code"]),
                legal_basis=_text(raw["legal_basis"], f"{where}: legal_basis"),
                outputs=tuple(raw.get("outputs", ())),
                fields=fields,
                attachments=attachments,
                example=raw.get("example", {}),
                refusal_grounds=_refusal_grounds(raw.get("refusal_grounds"), where),
                raw=raw,
            )
        except KeyError as missing:
            raise CatalogError(f"{where}: missing key {missing}") from missing


def _provider(raw: Mapping[str, Any], where: str, providers: Mapping[str, Provider]) -> Provider:
    code = str(raw["code"])
    inline = set(raw) - {"code"}
    if code in providers:
        if inline:
            raise CatalogError(
                f"{where}: provider {code!r} is defined in {PROVIDERS_FILE}: "
                f"[provider] names only its code (drop {', '.join(sorted(inline))})"
            )
        return providers[code]
    if not inline:
        raise CatalogError(f"{where}: provider {code!r} is not in {PROVIDERS_FILE}")
    return Provider.from_mapping(code, raw, where)


def _action(name: str, raw: Mapping[str, Any], where: str) -> Action:
    if name not in ACTIONS:
        raise CatalogError(f"{where}: unknown action {name!r} (known: {', '.join(ACTIONS)})")
    day_kind = str(raw.get("day_kind", "calendar"))
    if day_kind not in DAY_KINDS:
        raise CatalogError(f"{where}: actions.{name}.day_kind must be working or calendar")
    days = raw.get("deadline_days")
    if not isinstance(days, int) or days <= 0:
        raise CatalogError(f"{where}: actions.{name}.deadline_days must be a positive integer")
    return Action(name, days, day_kind, bool(raw.get("configurable", False)))


def _field(raw: Mapping[str, Any], where: str) -> Field:
    kind = str(raw.get("type", "string"))
    if kind not in FIELD_TYPES:
        raise CatalogError(f"{where}: unknown type {kind!r} (known: {', '.join(FIELD_TYPES)})")
    options = tuple(
        (str(option["value"]), _text(option["label"], f"{where}: option"))
        for option in raw.get("options", [])
    )
    if kind == "enum" and not options:
        raise CatalogError(f"{where}: an enum needs options")
    return Field(
        name=str(raw["name"]),
        type=kind,
        label=_text(raw["label"], where),
        required=bool(raw.get("required", True)),
        options=options,
    )


#: Files in ``forms/`` that hold shared data rather than one service.
SHARED_FILES = frozenset({"surveys.toml"})


@dataclass(frozen=True)
class Survey:
    """A seed's quality and accessibility survey: its title, two questions, three answers."""

    seed: str
    title: dict[str, str]
    questions: tuple[dict[str, str], ...]
    answers: tuple[dict[str, str], ...]
    #: Whether the form has a blank line for the service's name under the title
    #: (seed 003's title names the service itself and has none).
    service_line: bool = True

    @classmethod
    def from_mapping(cls, seed: str, raw: Mapping[str, Any], where: str) -> Survey:
        def pairs(key: str, count: int) -> tuple[dict[str, str], ...]:
            texts = raw.get(key)
            if not isinstance(texts, Mapping) or any(
                not isinstance(texts.get(lang), list) or len(texts[lang]) != count for lang in ("kk", "ru")
            ):
                raise CatalogError(f"{where}: {seed}.{key} needs {count} texts in kk and in ru")
            return tuple(
                {"kk": str(kk), "ru": str(ru)} for kk, ru in zip(texts["kk"], texts["ru"], strict=True)
            )

        title = _text(raw.get("title"), f"{where}: {seed}.title")
        service_line = bool(raw.get("service_line", True))
        return cls(seed, title, pairs("questions", 2), pairs("answers", 3), service_line)


def _surveys(folder: Path) -> dict[str, Survey]:
    path = folder / "surveys.toml"
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{path.name}: {error}") from error
    return {seed: Survey.from_mapping(seed, item, path.name) for seed, item in raw.items()}


class Catalog:
    """All services, read from a folder of ``<code>.toml`` files."""

    def __init__(self, services: Mapping[str, Service], surveys: Mapping[str, Survey] | None = None) -> None:
        self._services = dict(services)
        self._surveys = dict(surveys or {})

    @classmethod
    def load(cls, folder: Path) -> Catalog:
        providers = load_providers(folder / PROVIDERS_FILE)
        services: dict[str, Service] = {}
        for path in sorted(folder.glob("*.toml")):
            if path.name == PROVIDERS_FILE or path.name in SHARED_FILES:
                continue
            service = Service.from_mapping(_read(path), path.name, providers)
            if service.code != path.stem:
                raise CatalogError(f"{path.name}: code {service.code!r} differs from the file name")
            services[service.code] = service
        surveys = _surveys(folder)
        services = {code: replace(item, survey=surveys.get(item.seed)) for code, item in services.items()}
        return cls(services, surveys)

    def __iter__(self) -> Iterator[Service]:
        return iter(self._services.values())

    def __contains__(self, code: object) -> bool:
        return code in self._services

    def codes(self) -> list[str]:
        return list(self._services)

    def providers(self) -> dict[str, Provider]:
        """Provider code -> the provider, one entry per provider of a service."""
        return {service.provider_code: service.provider for service in self._services.values()}

    def get(self, code: str) -> Service:
        return self._services[code]

    def survey(self, seed: str) -> Survey | None:
        """The survey at the end of seed ``seed`` (``None`` when ``forms/`` has none)."""
        return self._surveys.get(seed)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{path.name}: {error}") from error


def load_providers(path: Path) -> dict[str, Provider]:
    """The providers of ``providers.toml`` (one table per code); none when the file is absent."""
    if not path.exists():
        return {}
    return {
        str(code): Provider.from_mapping(str(code), raw, path.name)
        for code, raw in _read(path).items()
        if isinstance(raw, Mapping)
    }
