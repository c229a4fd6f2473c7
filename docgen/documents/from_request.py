"""The output document's data, built from the stored request when a clerk decides.

:func:`document_data` turns a request (as stored: ``applicant``, ``fields``,
``action``, ``filed_on``, ``number``...) into data for one output kind of the
service and checks it against that kind's schema before returning it. What
only the issuing step knows comes in ``extra``; what the request says is
taken as written: a request's applicant name is a proper name filed once, so
the same string goes into both languages of a ``{"kk", "ru"}`` text; its
address is filed in both languages (``{"kk", "ru"}``), each going into its own
column (a request stored with a plain-string address is taken as filed once:
the same in both columns).

Mapping (every kind)
    * the applicant -> licensee / permittee / distributor / operator / addressee:
      ``kind``, ``name`` (filed once), ``address`` (kk to kk, ru to ru), and
      the BIN of a legal entity or the IIN of an individual;
    * ``service.provider`` -> licensor / issuing body / registrar / issuer /
      authority; ``signer.name`` -> its head or signatory (with
      ``signer.position`` where the schema has a position);
    * ``signer.city`` -> ``place``; ``number`` and ``issued_on`` -> the new
      document's own number and date (the request's ``number`` and
      ``filed_on`` are the request's, used by ``refusal`` and the order's
      preamble).

license, license-annex
    From the clerk's decision, ``extra["decision"]`` (required; checked and
    resolved by :mod:`docgen.documents.decisions`: codes already turned into
    their kk and ru labels):

    * ``activity`` <- the decision's licensed activity (the service's
      ``[decision] activity``); when the service's license has no annex, the
      chosen sub-types follow it after ``": "``, joined by ``"; "``;
    * ``special_conditions`` <- the decision's, else "Ерекше шарттар жоқ." /
      "Особых условий нет.";
    * annex: ``license`` <- ``extra["license_number"]`` and
      ``extra["license_date"]``, ``annex_no`` <- ``extra["annex_no"]`` (all
      required); ``subtypes`` <- the decision's sub-types; ``objects`` <- the
      decision's objects with their addresses (the cotton warehouse), left out
      when it names none.

refusal
    ``authority`` <- the provider; its address, BIN and phone from
    ``extra["authority"]``, else the catalog's provider (``forms/providers.toml``);
    a requisite neither gives is refused (``MissingField`` ``provider.<name>``),
    never a placeholder; ``applicant`` <- the applicant's name; ``request`` <- the request's
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
    (address and phone as for ``refusal``, left out when the provider has none:
    ``docgen lint`` names them).

permit
    From the clerk's decision, ``extra["decision"]`` (required):
    ``permit_type`` <- the service code (``radio-spectrum-permit`` ->
    ``radio-spectrum``, ``radio-device-permit`` -> ``radio-device``);
    ``valid_from`` <- ``issued_on``; ``valid_until`` <- the decision's term,
    left out (no time limit) when it gives none; ``radio_service`` (its kk and
    ru label), ``purpose``, ``bands``, ``sites`` (with coordinates) and
    ``equipment`` (models, serial numbers or counts, emission classes) <- the
    decision's; ``conditions`` <- the standard conditions of use
    (:data:`PERMIT_CONDITIONS`, the spectrum fee only on a spectrum permit).

numbering-order
    ``action`` <- the request's action (``allocate`` / ``withdraw``);
    ``issuer`` <- the provider; ``basis`` <- the service standard, worded
    for the preamble from the service title and ``legal_basis``
    (``extra["basis"]`` overrides); ``request`` <- the request's ``filed_on``
    and ``number``; ``operator`` <- the applicant's name and BIN;
    ``resources`` <- the clerk's decision, ``extra["decision"]`` (required):
    the resources allocated or withdrawn (kind, code, range, quantity,
    territory and purpose in kk and ru).

Placeholders
    Where a schema requires a value the request does not carry and ``extra``
    does not give, the value is a visible placeholder, never a plausible
    invention, and a warning is logged naming the field. The provider's
    requisites (address, BIN, phone, the city printed as ``place``) are never
    placeholders: they come from the catalog, and a document that needs one the
    provider lacks is refused. What the clerk decides (activity, sub-types,
    objects, frequencies, sites, equipment, numbering resources) is never a
    placeholder: without a decision those kinds are refused (``decision``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docgen.documents import get_kind
from docgen.documents.validation import validate
from docgen.domain.catalog import Service
from docgen.errors import DocgenError, InvalidData, MissingField, UnknownKind

__all__ = [
    "PERMIT_CONDITIONS",
    "Signer",
    "document_data",
]

log = logging.getLogger(__name__)

Text = dict[str, str]

NO_SPECIAL_CONDITIONS: Text = {"kk": "Ерекше шарттар жоқ.", "ru": "Особых условий нет."}
REGION: Text = {"kk": "облыс аумағы", "ru": "территория области"}

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
        if isinstance(value, Mapping):  # filed in both languages (an address)
            return _text(value)
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
        """The place of issue: the provider's city (forms/providers.toml), never a placeholder."""
        if not self.signer.city:
            raise MissingField(kind=self.kind, field="provider.city")
        return _text(self.signer.city)

    @property
    def provider(self) -> Text:
        return dict(self.service.provider.name)

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
        "address": _text(applicant["address"]),
    }
    identifier = "bin" if applicant["kind"] == "legal" else "iin"
    if applicant.get(identifier):
        party[identifier] = str(applicant[identifier])
    return party


def _decision(context: _Context) -> dict[str, Any]:
    """The clerk's decision (:func:`docgen.documents.decisions.resolve`): required for this kind."""
    decision = context.extra.get("decision")
    if not decision:
        raise MissingField(kind=context.kind, field="decision")
    return dict(decision)


def _activity(decision: Mapping[str, Any], service: Service) -> Text:
    """The licensed activity; a service whose license has no annex prints the sub-types after it."""
    activity = _text(decision["activity"])
    if "license-annex" in service.outputs:
        return activity
    subtypes = [_text(item) for item in decision["subtypes"]]
    return {lang: f"{activity[lang]}: {'; '.join(item[lang] for item in subtypes)}" for lang in ("kk", "ru")}


def _special_conditions(decision: Mapping[str, Any]) -> Text:
    given = decision.get("special_conditions")
    return _text(given) if given else dict(NO_SPECIAL_CONDITIONS)


def _licensor(context: _Context) -> dict[str, Any]:
    return {"name": context.provider, "head": context.signer.name}


def _provider_detail(context: _Context, name: str, *, required: bool = True) -> Any:
    """The provider's address, BIN or phone from ``extra["authority"]``, else the catalog's provider;
    ``None`` when neither gives it and it is not ``required``, refused when it is."""
    given = context.extra.get("authority") or {}
    if given.get(name):
        return given[name]
    value = getattr(context.service.provider, name, None)
    if not value and required:
        raise MissingField(kind=context.kind, field=f"provider.{name}")
    return value or None


# -- the kinds ---------------------------------------------------------------------------------------
def _license_form(service: Service) -> str:
    """Whose license form the service prints: its seed's (``[license_form] seed`` in forms/), else 002's."""
    return str((service.raw.get("license_form") or {}).get("seed", "002"))


def _license(context: _Context) -> dict[str, Any]:
    decision = _decision(context)
    return {
        "number": context.number,
        "issued_on": context.issued_on.isoformat(),
        "place": context.place,
        "licensee": _party(context),
        "activity": _activity(decision, context.service),
        "special_conditions": _special_conditions(decision),
        "licensor": _licensor(context),
        "form": _license_form(context.service),
    }


def _license_annex(context: _Context) -> dict[str, Any]:
    extra = context.extra
    for name in ("license_number", "license_date", "annex_no"):
        if not extra.get(name):
            raise MissingField(kind=context.kind, field=f"extra.{name}")
    decision = _decision(context)
    data: dict[str, Any] = {
        "number": context.number,
        "annex_no": str(extra["annex_no"]),
        "issued_on": context.issued_on.isoformat(),
        "place": context.place,
        "license": {"number": str(extra["license_number"]), "issued_on": _date(extra["license_date"])},
        "subtypes": [_text(item) for item in decision["subtypes"]],
        "licensee": _party(context),
        "special_conditions": _special_conditions(decision),
        "licensor": _licensor(context),
    }
    if decision.get("objects"):
        data["objects"] = [dict(item) for item in decision["objects"]]
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
    data: dict[str, Any] = {
        "number": context.number,
        "issued_on": context.issued_on.isoformat(),
        "authority": {
            "name": context.provider,
            "address": _text(address),
            "bin": str(bin_),
            "phone": str(phone),
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
    # Country, languages and periodicity are the service's bilingual options (forms/): each
    # column prints its own language's label. The outlet's and the owner's names are proper
    # names filed once and printed as filed in both columns.
    context.required("languages")
    outlet: dict[str, Any] = {
        "name": str(context.required("outlet_name")),
        "kind": context.required("media_kind"),
        "country": _option(context, "country"),
        "owner": _both(str(context.required("owner"))),
        "languages": [_option(context, "languages")],
        "periodicity": _option(context, "periodicity"),
    }
    if context.extra.get("website"):
        outlet["website"] = str(context.extra["website"])
    territory = context.field("territory")
    registrar: dict[str, Any] = {"name": context.provider}
    address = _provider_detail(context, "address", required=False)
    phone = _provider_detail(context, "phone", required=False)
    if address:
        registrar["address"] = _text(address)
    if phone:
        registrar["phone"] = str(phone)
    return {
        "number": context.number,
        "issued_on": context.issued_on.isoformat(),
        "place": context.place,
        "outlet": outlet,
        "territory": _option(context, "territory") if territory is not None else dict(REGION),
        "distributor": _party(context),
        "registrar": registrar,
        "signatory": context.signatory,
    }


def _permit(context: _Context) -> dict[str, Any]:
    permit_type = PERMIT_TYPES.get(context.service.code)
    if permit_type is None:
        raise DocgenError(detail=f"{context.service.code}: no permit type for this service")
    decision = _decision(context)
    spectrum = permit_type == "radio-spectrum"
    conditions = [dict(text) for text, spectrum_only in PERMIT_CONDITIONS if spectrum or not spectrum_only]
    data: dict[str, Any] = {
        "number": context.number,
        "permit_type": permit_type,
        "issued_on": context.issued_on.isoformat(),
        "valid_from": context.issued_on.isoformat(),
        "place": context.place,
        "permittee": _party(context),
        "radio_service": _text(decision["radio_service"]),
        "purpose": _text(decision["purpose"]),
        "bands": [dict(item) for item in decision["bands"]],
        "sites": [dict(item) for item in decision["sites"]],
        "equipment": [dict(item) for item in decision["equipment"]],
        "conditions": conditions,
        "issuing_body": {"name": context.provider},
        "signatory": context.signatory,
    }
    if decision.get("valid_until"):
        data["valid_until"] = _date(decision["valid_until"])
    return data


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


def _numbering_order(context: _Context) -> dict[str, Any]:
    action = context.request.get("action")
    if action not in ("allocate", "withdraw"):
        raise MissingField(kind=context.kind, field="action")
    applicant = context.applicant
    if not applicant.get("bin"):
        raise MissingField(kind=context.kind, field="operator.bin")
    decision = _decision(context)
    data: dict[str, Any] = {
        "number": context.number,
        "action": action,
        "date": context.issued_on.isoformat(),
        "place": context.place,
        "issuer": context.provider,
        "basis": _basis(context),
        "operator": {"name": _both(str(applicant["name"])), "bin": str(applicant["bin"])},
        "resources": [dict(item) for item in decision["resources"]],
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
