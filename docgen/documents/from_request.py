"""The output document's data, built from the stored request when a clerk decides.

:func:`document_data` turns a request (as stored: ``applicant``, ``fields``,
``action``, ``filed_on``, ``number``...) into data for one output kind of the
service and checks it against that kind's schema before returning it. What
only the issuing step knows comes in ``extra``; what the request says is
taken as written: a request's applicant name and address are plain strings,
so the same string goes into both languages of a ``{"kk", "ru"}`` text.

Mapping (every kind)
    * the applicant -> licensee / permittee / distributor / operator / addressee:
      ``kind``, ``name``, ``address``, and the BIN of a legal entity or the IIN
      of an individual;
    * ``service.provider`` -> licensor / issuing body / registrar / issuer /
      authority; ``signer.name`` -> its head or signatory (with
      ``signer.position`` where the schema has a position);
    * ``signer.city`` -> ``place``; ``number`` and ``issued_on`` -> the new
      document's own number and date (the request's ``number`` and
      ``filed_on`` are the request's, used by ``refusal`` and the order's
      preamble).

license, license-annex
    * ``activity`` <- the service title, followed by ``": "`` and the display
      label (kk / ru option label) of the field naming the activity's
      sub-kind when the service has one (:data:`ACTIVITY_FIELDS`: telecom
      ``service_kind``, archaeology ``work_kind``, TV and radio
      ``distribution_method``);
    * ``special_conditions`` <- the ``territory`` field (its label and value),
      else "Ерекше шарттар жоқ." / "Особых условий нет.";
    * annex: ``license`` <- ``extra["license_number"]`` and
      ``extra["license_date"]`` (required); ``annex_no`` <-
      ``extra["annex_no"]``, else the last dash-separated part of ``number``;
      ``subtypes`` <- the sub-kind label, else the service title; ``objects``
      <- address fields of an object (:data:`OBJECT_FIELDS`: the cotton
      warehouse), left out otherwise.

refusal
    ``authority`` <- the provider; its address, BIN and phone from
    ``extra["authority"]`` or the definition's ``[provider]`` table
    (``address = {kk, ru}``, ``bin``, ``phone``), else placeholders (see
    below); ``applicant`` <- the applicant's name; ``request`` <- the request's
    ``number`` and its registration date (``extra["registered_on"]``, else the
    request's ``registered_on``, else ``filed_on``); ``grounds`` <- the codes in
    ``extra["grounds"]`` (required, at least one), each resolved to the
    service's ``[[refusal_grounds]]`` entry: its ``paragraph`` and its text
    (kk verbatim from the seed, ru); ``explanation`` <- ``extra["explanation"]``
    ({kk, ru}), left out when not given.

media-certificate
    ``outlet`` <- ``outlet_name``, ``media_kind``, ``country``, ``owner``,
    ``languages`` (split at commas and semicolons: one item each) and
    ``periodicity``; ``website`` <- ``extra["website"]`` when given;
    ``territory`` <- the ``territory`` field, else "облыс аумағы" /
    "территория области" (the service's own scope: its title says the
    region); ``distributor`` <- the applicant; ``registrar`` <- the provider
    (address and phone as for ``refusal``, left out when unknown).

permit
    * ``permit_type`` <- the service code (``radio-spectrum-permit`` ->
      ``radio-spectrum``, ``radio-device-permit`` -> ``radio-device``);
      ``valid_from`` <- ``extra["valid_from"]`` or ``issued_on``;
      ``valid_until`` <- ``extra["valid_until"]``, left out (no time limit)
      otherwise;
    * ``radio_service`` <- the ``radio_service`` label, else the
      ``device_kind`` label; ``purpose`` <- the ``purpose`` field, else the
      operation of the devices (with the spectrum permit's number);
    * ``bands`` <- ``extra["bands"]``, else parsed from ``frequency_band``
      ("453–453,5 МГц / 463–463,5 МГц": one band per ``/`` or ``;`` part);
    * ``sites`` <- ``extra["sites"]``, else one site at the request's
      ``territory`` / ``installation_address``;
    * ``equipment`` <- ``extra["equipment"]``, else one row built from the
      request: the station count / quantity as ``count``, the band text as
      ``frequencies``, the device text as the model (or in the name when
      longer than the model's 100 characters), site 1;
    * ``conditions`` <- ``extra["conditions"]``, else the standard conditions
      of use (:data:`PERMIT_CONDITIONS`).

numbering-order
    ``action`` <- the request's action (``allocate`` / ``withdraw``);
    ``issuer`` <- the provider; ``basis`` <- the service standard, worded
    for the preamble from the service title and ``legal_basis``
    (``extra["basis"]`` overrides); ``request`` <- the request's ``filed_on``
    and ``number``; ``operator`` <- the applicant's name and BIN;
    ``resources`` <- one row: ``resource_kind``, ``quantity``, ``territory``,
    ``purpose``, and code / range parsed from ``requested_code``
    ("727 356-00-00 – 727 356-99-99" -> code 727, 3560000 – 3569999).

Placeholders
    Where a schema requires a value the request does not carry and ``extra``
    does not give, the value is a visible placeholder, never a plausible
    invention, and a warning is logged naming the field: a dash ``—`` for
    text (an authority's address and phone, an equipment model, a device's
    frequencies), :data:`PLACEHOLDER_BIN` for an unknown authority BIN,
    :data:`PLACEHOLDER_ANGLE` for site coordinates and
    :data:`PLACEHOLDER_BAND` for frequencies that cannot be read from the
    request (a radio-device request names none).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docgen.documents import get_kind
from docgen.documents.validation import validate
from docgen.domain.catalog import Service
from docgen.errors import DocgenError, InvalidData, MissingField, UnknownKind

__all__ = [
    "ACTIVITY_FIELDS",
    "OBJECT_FIELDS",
    "PERMIT_CONDITIONS",
    "PLACEHOLDER_ANGLE",
    "PLACEHOLDER_BAND",
    "PLACEHOLDER_BIN",
    "Signer",
    "document_data",
    "parse_bands",
    "parse_resource_numbers",
]

log = logging.getLogger(__name__)

Text = dict[str, str]

#: Request fields that name the licensed activity's sub-kind (an enumeration).
ACTIVITY_FIELDS = ("service_kind", "work_kind", "distribution_method")
#: Request fields holding the address of an object of the licensed activity, and its annex kind.
OBJECT_FIELDS = {"warehouse_address": "object"}

NO_SPECIAL_CONDITIONS: Text = {"kk": "Ерекше шарттар жоқ.", "ru": "Особых условий нет."}
REGION: Text = {"kk": "облыс аумағы", "ru": "территория области"}
DASH = "—"
#: An all-zero BIN that still passes the check digit (registered "January 2000"): plainly not real.
PLACEHOLDER_BIN = "000100000004"
#: Coordinates the request does not carry: 0°00′00″ (far from Kazakhstan, so plainly not real).
PLACEHOLDER_ANGLE = "0°00′00″"
#: A band the request does not name.
PLACEHOLDER_BAND: dict[str, str] = {"from": "0", "unit": "mhz"}

PERMIT_TYPES = {"radio-spectrum-permit": "radio-spectrum", "radio-device-permit": "radio-device"}

#: Conditions of use printed on the back of a permit (the spectrum fee only for a spectrum permit).
PERMIT_CONDITIONS: tuple[tuple[Text, bool], ...] = (
    (
        {
            "kk": "Радиоэлектрондық құралдарды осы рұқсатта көрсетілген радиожиіліктерде, қуатпен, "
            "сәуле шығару класымен және орнату орындарында ғана пайдалану.",
            "ru": "Эксплуатировать радиоэлектронные средства только на указанных в настоящем разрешении "
            "радиочастотах, с указанными мощностью, классом излучения и в указанных местах установки.",
        },
        False,
    ),
    (
        {
            "kk": "Басқа радиоэлектрондық құралдарға зиянды кедергілер келтірмеу; кедергі анықталған "
            "жағдайда радиоэлектрондық құралды пайдалануды дереу тоқтату.",
            "ru": "Не создавать вредных помех другим радиоэлектронным средствам; при выявлении помех "
            "незамедлительно прекратить эксплуатацию радиоэлектронного средства.",
        },
        False,
    ),
    (
        {
            "kk": "Радиожиілік спектрін пайдаланғаны үшін төлемақыны Қазақстан Республикасының салық "
            "заңнамасында белгіленген мерзімде төлеу.",
            "ru": "Вносить плату за использование радиочастотного спектра в сроки, установленные "
            "налоговым законодательством Республики Казахстан.",
        },
        True,
    ),
    (
        {
            "kk": "Радиоэлектрондық құралдардың техникалық сипаттамалары немесе орнату орындары өзгерген "
            "жағдайда рұқсатты қайта ресімдеу үшін уәкілетті органға жүгіну.",
            "ru": "При изменении технических характеристик или мест установки радиоэлектронных средств "
            "обратиться в уполномоченный орган для переоформления разрешения.",
        },
        False,
    ),
    (
        {
            "kk": "Рұқсатты үшінші тұлғаларға беруге жол берілмейді.",
            "ru": "Передача разрешения третьим лицам не допускается.",
        },
        False,
    ),
)


@dataclass(frozen=True)
class Signer:
    """Who signs the document for the provider, and where it is issued."""

    name: str
    """Surname and initials (or the full name)."""
    position: Mapping[str, str]
    """{"kk", "ru"}."""
    city: Mapping[str, str]
    """{"kk", "ru"}: the document's ``place``."""


def document_data(
    kind: str,
    service: Service,
    request: Mapping[str, Any],
    *,
    number: str,
    issued_on: dt.date,
    signer: Signer,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Data of the ``kind`` document that decides ``request``, valid against the kind's schema.

    ``number`` and ``issued_on`` are the new document's; ``extra`` carries what
    only the issuing step knows (see the module docstring). Raises
    :class:`~docgen.errors.UnknownKind` for a kind the service does not
    output, :class:`~docgen.errors.MissingField` when something required is
    absent from both the request and ``extra``.
    """
    if kind not in service.outputs:
        raise UnknownKind(kind=kind, known=", ".join(service.outputs))
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise UnknownKind(kind=kind, known=", ".join(_BUILDERS))
    context = _Context(kind, service, request, number, issued_on, signer, dict(extra or {}))
    data = builder(context)
    validate(kind, get_kind(kind).schema(), data)
    return data


# -- the context every builder reads -------------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    kind: str
    service: Service
    request: Mapping[str, Any]
    number: str
    issued_on: dt.date
    signer: Signer
    extra: dict[str, Any]

    @property
    def fields(self) -> Mapping[str, Any]:
        return self.request.get("fields") or {}

    @property
    def applicant(self) -> Mapping[str, Any]:
        applicant = self.request.get("applicant")
        if not applicant:
            raise MissingField(kind=self.kind, field="applicant")
        return applicant  # type: ignore[no-any-return]

    def field(self, name: str) -> Any:
        """The request's value of field ``name`` (``None`` when absent or empty)."""
        value = self.fields.get(name)
        return None if value in (None, "") else value

    def label(self, name: str) -> Text | None:
        """The display text of field ``name``'s value in kk and ru (the option label of an enum)."""
        value = self.field(name)
        if value is None:
            return None
        try:
            definition = self.service.field(name)
        except KeyError:
            return _both(str(value))
        return {lang: str(definition.display(value, lang)) for lang in ("kk", "ru")}

    def required(self, name: str) -> Any:
        value = self.field(name)
        if value is None:
            raise MissingField(kind=self.kind, field=f"fields.{name}")
        return value

    def placeholder(self, field: str, value: Any, why: str) -> Any:
        log.warning(
            "%s for %s (request %s): %s filled with the placeholder %r: %s",
            self.kind,
            self.service.code,
            self.request.get("number"),
            field,
            value,
            why,
        )
        return value

    @property
    def place(self) -> Text:
        return _text(self.signer.city)

    @property
    def provider(self) -> Text:
        return dict(self.service.provider)

    @property
    def signatory(self) -> dict[str, Any]:
        return {"position": _text(self.signer.position), "name": self.signer.name}


# -- shared pieces -----------------------------------------------------------------------------------
def _both(value: str) -> Text:
    return {"kk": value, "ru": value}


def _text(value: Any) -> Text:
    """A {kk, ru} text from a mapping with both, or one string for both languages."""
    if isinstance(value, Mapping):
        return {"kk": str(value["kk"]), "ru": str(value["ru"])}
    return _both(str(value))


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _party(context: _Context) -> dict[str, Any]:
    """The applicant as a licensee / permittee / distributor: bilingual name and address, BIN or IIN."""
    applicant = context.applicant
    party: dict[str, Any] = {
        "kind": applicant["kind"],
        "name": _both(str(applicant["name"])),
        "address": _both(str(applicant["address"])),
    }
    identifier = "bin" if applicant["kind"] == "legal" else "iin"
    if applicant.get(identifier):
        party[identifier] = str(applicant[identifier])
    return party


def _subkind(context: _Context) -> Text | None:
    for name in ACTIVITY_FIELDS:
        label = context.label(name)
        if label is not None:
            return label
    return None


def _activity(context: _Context) -> Text:
    if "activity" in context.extra:
        return _text(context.extra["activity"])
    title = context.service.title
    subkind = _subkind(context)
    if subkind is None:
        return dict(title)
    return {lang: f"{title[lang]}: {subkind[lang]}" for lang in ("kk", "ru")}


def _special_conditions(context: _Context) -> Text:
    if "special_conditions" in context.extra:
        return _text(context.extra["special_conditions"])
    territory = context.field("territory")
    if territory is None:
        return dict(NO_SPECIAL_CONDITIONS)
    label = context.service.field("territory").label
    return {lang: f"{label[lang]}: {str(territory).rstrip('.')}." for lang in ("kk", "ru")}


def _licensor(context: _Context) -> dict[str, Any]:
    return {"name": context.provider, "head": context.signer.name}


def _provider_detail(context: _Context, name: str) -> Any:
    """The provider's address, BIN or phone from ``extra["authority"]`` or the definition."""
    given = context.extra.get("authority") or {}
    if given.get(name):
        return given[name]
    return (context.service.raw.get("provider") or {}).get(name) or None


# -- the kinds ---------------------------------------------------------------------------------------
def _license(context: _Context) -> dict[str, Any]:
    return {
        "number": context.number,
        "issued_on": context.issued_on.isoformat(),
        "place": context.place,
        "licensee": _party(context),
        "activity": _activity(context),
        "special_conditions": _special_conditions(context),
        "licensor": _licensor(context),
    }


def _license_annex(context: _Context) -> dict[str, Any]:
    extra = context.extra
    for name in ("license_number", "license_date"):
        if not extra.get(name):
            raise MissingField(kind=context.kind, field=f"extra.{name}")
    if "subtypes" in extra:
        subtypes = [_text(item) for item in extra["subtypes"]]
    else:
        subtypes = [_subkind(context) or dict(context.service.title)]
    data: dict[str, Any] = {
        "number": context.number,
        "annex_no": str(extra.get("annex_no") or context.number.rsplit("-", 1)[-1]),
        "issued_on": context.issued_on.isoformat(),
        "place": context.place,
        "license": {"number": str(extra["license_number"]), "issued_on": _date(extra["license_date"])},
        "subtypes": subtypes,
        "licensee": _party(context),
        "special_conditions": _special_conditions(context),
        "licensor": _licensor(context),
    }
    objects = [
        {"kind": kind, "address": _both(str(context.field(name)))}
        for name, kind in OBJECT_FIELDS.items()
        if context.field(name) is not None
    ]
    if objects:
        data["objects"] = objects
    return data


def _refusal(context: _Context) -> dict[str, Any]:
    grounds = _refusal_grounds(context)
    request_number = context.request.get("number")
    if not request_number:
        raise MissingField(kind=context.kind, field="request.number")
    registered_on = (
        context.extra.get("registered_on")
        or context.request.get("registered_on")
        or context.request.get("filed_on")
    )
    if not registered_on:
        raise MissingField(kind=context.kind, field="request.registered_on")
    address = _provider_detail(context, "address")
    bin_ = _provider_detail(context, "bin")
    phone = _provider_detail(context, "phone")
    why = "the service definition names no provider requisites and extra['authority'] gives none"
    data: dict[str, Any] = {
        "number": context.number,
        "issued_on": context.issued_on.isoformat(),
        "authority": {
            "name": context.provider,
            "address": _text(address)
            if address
            else context.placeholder("authority.address", _both(DASH), why),
            "bin": str(bin_) if bin_ else context.placeholder("authority.bin", PLACEHOLDER_BIN, why),
            "phone": str(phone) if phone else context.placeholder("authority.phone", DASH, why),
        },
        "applicant": {"name": _both(str(context.applicant["name"]))},
        "request": {"number": str(request_number), "registered_on": _date(registered_on)},
        "grounds": grounds,
        "signatory": context.signatory,
    }
    explanation = context.extra.get("explanation")
    if explanation:
        data["explanation"] = _text(explanation)
    return data


def _refusal_grounds(context: _Context) -> list[dict[str, Any]]:
    """The cited grounds, by code, in the words of the service's catalog entry (its regulation's)."""
    codes = context.extra.get("grounds")
    if not codes:
        raise MissingField(kind=context.kind, field="grounds")
    grounds = []
    for code in codes:
        try:
            ground = context.service.refusal_ground(str(code))
        except KeyError:
            known = ", ".join(item.code for item in context.service.refusal_grounds) or "—"
            service = context.service.code
            raise InvalidData(
                kind=context.kind,
                field="grounds",
                problem={
                    "kk": f"«{code}» — {service} қызметінің бас тарту негізі емес (бар: {known})",
                    "ru": f"«{code}» — не основание отказа услуги {service} (есть: {known})",
                },
            ) from None
        grounds.append(
            {
                "code": ground.code,
                "paragraph": dict(ground.paragraph),
                "text": {"kk": ground.kk, "ru": ground.ru},
            }
        )
    return grounds


def _option(context: _Context, name: str) -> Text:
    """The kk and ru labels of the option the request chose for field ``name``."""
    text = context.label(name)
    if text is None:
        raise MissingField(kind=context.kind, field=f"fields.{name}")
    return text


def _media_certificate(context: _Context) -> dict[str, Any]:
    languages = [
        _both(part.strip()) for part in re.split(r"[,;]", str(context.required("languages"))) if part.strip()
    ]
    outlet: dict[str, Any] = {
        "name": str(context.required("outlet_name")),
        "kind": context.required("media_kind"),
        "country": _both(str(context.required("country"))),
        "owner": _both(str(context.required("owner"))),
        "languages": languages[:10],
        "periodicity": _both(str(context.required("periodicity"))),
    }
    if context.extra.get("website"):
        outlet["website"] = str(context.extra["website"])
    territory = context.field("territory")
    registrar: dict[str, Any] = {"name": context.provider}
    address = _provider_detail(context, "address")
    phone = _provider_detail(context, "phone")
    if address:
        registrar["address"] = _text(address)
    if phone:
        registrar["phone"] = str(phone)
    return {
        "number": context.number,
        "issued_on": context.issued_on.isoformat(),
        "place": context.place,
        "outlet": outlet,
        "territory": _both(str(territory)) if territory is not None else dict(REGION),
        "distributor": _party(context),
        "registrar": registrar,
        "signatory": context.signatory,
    }


_UNITS = {"кгц": "khz", "khz": "khz", "мгц": "mhz", "mhz": "mhz", "ггц": "ghz", "ghz": "ghz"}
_NUMBER = r"[0-9]{1,7}(?:[.,][0-9]{1,6})?"
_BAND = re.compile(
    rf"(?P<from>{_NUMBER})\s*(?:[–—-]\s*(?P<to>{_NUMBER}))?\s*(?P<unit>кгц|мгц|ггц|khz|mhz|ghz)?\.?",
    re.IGNORECASE,
)


def parse_bands(text: str) -> list[dict[str, str]] | None:
    """Bands from a request's text ("453–453,5 МГц / 463–463,5 МГц"); ``None`` when it does not read.

    Parts are separated by ``/`` or ``;``; a part without a unit takes the unit
    of the next part that has one ("453–453,5 / 463–463,5 МГц").
    """
    bands: list[dict[str, str]] = []
    units: list[str | None] = []
    for part in re.split(r"[/;]", text):
        part = part.strip()
        if not part:
            continue
        match = _BAND.fullmatch(part)
        if match is None:
            return None
        band = {"from": match["from"].replace(".", ",")}
        if match["to"]:
            band["to"] = match["to"].replace(".", ",")
        bands.append(band)
        units.append(_UNITS[match["unit"].lower()] if match["unit"] else None)
    following: str | None = None
    for index in range(len(bands) - 1, -1, -1):
        following = units[index] or following
        if following is None:
            return None
        bands[index]["unit"] = following
    return bands or None


def _permit(context: _Context) -> dict[str, Any]:
    permit_type = PERMIT_TYPES.get(context.service.code)
    if permit_type is None:
        raise DocgenError(detail=f"{context.service.code}: no permit type for this service")
    extra = context.extra
    spectrum = permit_type == "radio-spectrum"
    band_text = context.field("frequency_band")
    where = context.field("territory") or context.field("installation_address")
    device = context.label("device_kind")

    radio_service = _text(extra["radio_service"]) if "radio_service" in extra else None
    radio_service = radio_service or context.label("radio_service") or device
    if radio_service is None:
        raise MissingField(kind=context.kind, field="fields.radio_service")

    if "purpose" in extra:
        purpose = _text(extra["purpose"])
    elif context.field("purpose") is not None:
        purpose = _both(str(context.field("purpose")))
    else:
        purpose = {
            "kk": "Радиоэлектрондық құралдарды (жоғары жиілікті құрылғыларды) пайдалану",
            "ru": "Эксплуатация радиоэлектронных средств (высокочастотных устройств)",
        }
        permit = context.field("spectrum_permit")
        if permit is not None:
            purpose = {
                "kk": f"{purpose['kk']} (радиожиілік спектрін пайдалануға рұқсат № {permit})",
                "ru": f"{purpose['ru']} (разрешение на использование радиочастотного спектра № {permit})",
            }

    if "bands" in extra:
        bands = [dict(item) for item in extra["bands"]]
    else:
        parsed = parse_bands(str(band_text)) if band_text is not None else None
        why = (
            f"the request's band {band_text!r} does not read as frequencies"
            if band_text is not None
            else "the request names no frequencies"
        )
        bands = parsed or [context.placeholder("bands", dict(PLACEHOLDER_BAND), why)]

    if "sites" in extra:
        sites = [dict(item) for item in extra["sites"]]
    else:
        if where is None:
            raise MissingField(kind=context.kind, field="sites")
        why = "the request carries no coordinates"
        sites = [
            {
                "address": _both(str(where)),
                "latitude": context.placeholder("sites.0.latitude", PLACEHOLDER_ANGLE, why),
                "longitude": context.placeholder("sites.0.longitude", PLACEHOLDER_ANGLE, why),
            }
        ]

    if "equipment" in extra:
        equipment = [dict(item) for item in extra["equipment"]]
    else:
        equipment = [_equipment_row(context, spectrum, band_text, device)]

    if "conditions" in extra:
        conditions = [_text(item) for item in extra["conditions"]]
    else:
        conditions = [
            dict(text) for text, spectrum_only in PERMIT_CONDITIONS if spectrum or not spectrum_only
        ]

    data: dict[str, Any] = {
        "number": context.number,
        "permit_type": permit_type,
        "issued_on": context.issued_on.isoformat(),
        "valid_from": _date(extra.get("valid_from") or context.issued_on),
        "place": context.place,
        "permittee": _party(context),
        "radio_service": radio_service,
        "purpose": purpose,
        "bands": bands,
        "sites": sites,
        "equipment": equipment,
        "conditions": conditions,
        "issuing_body": {"name": context.provider},
        "signatory": context.signatory,
    }
    if extra.get("valid_until"):
        data["valid_until"] = _date(extra["valid_until"])
    return data


_MODEL_LENGTH = 100
_FREQUENCIES_LENGTH = 200


def _equipment_row(context: _Context, spectrum: bool, band_text: Any, device: Text | None) -> dict[str, Any]:
    """One equipment row from what the request says (count, band, device text)."""
    count = context.field("station_count") if spectrum else context.field("quantity")
    if count is None:
        raise MissingField(kind=context.kind, field="fields.station_count" if spectrum else "fields.quantity")
    name: Text = device or {
        "kk": "Радиоэлектрондық құралдар (станциялар)",
        "ru": "Радиоэлектронные средства (станции)",
    }
    description = context.field("equipment")
    if description is not None and len(str(description)) <= _MODEL_LENGTH:
        model = str(description)
    else:
        if description is not None:
            name = {lang: f"{name[lang]}: {description}" for lang in ("kk", "ru")}
        model = context.placeholder("equipment.0.model", DASH, "the request names no make (model)")
    if band_text is not None and len(str(band_text)) <= _FREQUENCIES_LENGTH:
        frequencies = str(band_text)
    else:
        frequencies = context.placeholder(
            "equipment.0.frequencies", DASH, "the request names no frequencies of the devices"
        )
    return {"name": name, "model": model, "count": int(count), "frequencies": frequencies, "site": 1}


_RU_INSTRUMENTAL = {
    "Постановление": "постановлением",
    "Приказ": "приказом",
    "Решение": "решением",
    "Закон": "Законом",
    "Указ": "Указом",
}


def _basis(context: _Context) -> Text:
    """The service standard, worded for the order's preamble (kk dative, ru instrumental)."""
    if "basis" in context.extra:
        return _text(context.extra["basis"])
    title, act = context.service.title, context.service.legal_basis
    first, _, rest = act["ru"].partition(" ")
    ru_act = f"{_RU_INSTRUMENTAL[first]} {rest}" if first in _RU_INSTRUMENTAL and rest else None
    kk_act = (
        f"{act['kk']}мен" if act["kk"] and act["kk"][-1] in "ыіаеуюя" else None
    )  # "қаулысы" -> "қаулысымен"
    if ru_act is None or kk_act is None:
        return {
            "kk": f"«{title['kk']}» мемлекеттік қызмет стандартына",
            "ru": f"стандартом государственной услуги «{title['ru']}»",
        }
    return {
        "kk": f"{kk_act} бекітілген «{title['kk']}» мемлекеттік қызмет стандартына",
        "ru": f"стандартом государственной услуги «{title['ru']}», утвержденным {ru_act}",
    }


_CODE = re.compile(r"[0-9][0-9-]{0,14}")
_DIGITS = re.compile(r"[0-9]{1,15}")


def parse_resource_numbers(kind: str, text: str) -> dict[str, str]:
    """Code and range from a request's text; ``{}`` when it does not read.

    "727 356-00-00 – 727 356-99-99" -> code 727, 3560000 – 3569999 (a leading
    group shared by both ends is the code); "1477" for a short number -> the
    number; "700" for any other kind -> the code.
    """
    ends = [part.strip() for part in re.split(r"\s*[–—]\s*|\s+-\s+", text.strip()) if part.strip()]
    if len(ends) == 2:
        groups = [end.split(maxsplit=1) for end in ends]
        code = None
        if all(len(group) == 2 for group in groups) and groups[0][0] == groups[1][0]:
            code = groups[0][0]
            ends = [group[1] for group in groups]
        first, last = (re.sub(r"[\s-]", "", end) for end in ends)
        if not (_DIGITS.fullmatch(first) and _DIGITS.fullmatch(last)):
            return {}
        if code is not None and not _CODE.fullmatch(code):
            return {}
        numbers = {"range_from": first, "range_to": last}
        return {"code": code, **numbers} if code else numbers
    if len(ends) == 1:
        single = re.sub(r"\s", "", ends[0])
        if kind == "short-number":
            single = single.replace("-", "")
            return {"range_from": single} if _DIGITS.fullmatch(single) else {}
        return {"code": single} if _CODE.fullmatch(single) else {}
    return {}


def _numbering_order(context: _Context) -> dict[str, Any]:
    action = context.request.get("action")
    if action not in ("allocate", "withdraw"):
        raise MissingField(kind=context.kind, field="action")
    applicant = context.applicant
    if not applicant.get("bin"):
        raise MissingField(kind=context.kind, field="operator.bin")
    resource_kind = context.required("resource_kind")
    resource: dict[str, Any] = {"kind": resource_kind}
    requested = context.field("requested_code")
    if requested is not None:
        numbers = parse_resource_numbers(resource_kind, str(requested))
        if not numbers:
            log.warning(
                "numbering-order for request %s: requested code %r does not read; left out",
                context.request.get("number"),
                requested,
            )
        resource.update(numbers)
    resource["quantity"] = int(context.required("quantity"))
    resource["territory"] = _both(str(context.required("territory")))
    if context.field("purpose") is not None:
        resource["purpose"] = _both(str(context.field("purpose")))
    data: dict[str, Any] = {
        "number": context.number,
        "action": action,
        "date": context.issued_on.isoformat(),
        "place": context.place,
        "issuer": context.provider,
        "basis": _basis(context),
        "operator": {"name": _both(str(applicant["name"])), "bin": str(applicant["bin"])},
        "resources": [resource],
        "signatory": context.signatory,
    }
    if context.request.get("number") and context.request.get("filed_on"):
        data["request"] = {
            "date": _date(context.request["filed_on"]),
            "number": str(context.request["number"]),
        }
    if "items" in context.extra:
        data["items"] = [_text(item) for item in context.extra["items"]]
    return data


_BUILDERS = {
    "license": _license,
    "license-annex": _license_annex,
    "refusal": _refusal,
    "media-certificate": _media_certificate,
    "permit": _permit,
    "numbering-order": _numbering_order,
}
