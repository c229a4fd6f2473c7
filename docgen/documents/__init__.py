"""Document kinds: what each document is, its data schema and its example.

A kind is data plus two small hooks: ``schema``/``example`` (static JSON
files for most kinds; built from the service definition for ``request`` and
``survey``) and ``present`` (turns validated data into the template's
context in one language, e.g. the request's service rows with their labels).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from docgen.domain.catalog import Catalog, Service
from docgen.errors import UnknownKind, UnknownService

__all__ = ["DEFAULT_SERVICE", "KINDS", "DocumentKind", "get_kind"]

HERE = Path(__file__).resolve().parent

#: The service used for ``request`` and ``survey`` when none is named.
DEFAULT_SERVICE = "telecom-license"


@cache
def _load_json(name: str) -> dict[str, Any]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


Presenter = Callable[[dict[str, Any], str, "Service | None"], dict[str, Any]]


def _as_is(data: dict[str, Any], lang: str, service: Service | None) -> dict[str, Any]:
    return data


@dataclass(frozen=True)
class DocumentKind:
    """One kind of output document."""

    name: str
    title: dict[str, str]
    has_qr: bool = True
    equivalence_footer: bool = False
    per_service: bool = False
    stacked: bool = False
    """Both languages one after the other (wide tables) instead of side by side."""
    link_qr: str | None = None
    """A kind without a verification code whose QR code carries another address instead: the data
    field holding it (the survey invitation's link to the survey)."""
    link_qr_alt: dict[str, str] = field(default_factory=dict)
    """What that QR code is, per language: its alternative text beside the address."""
    present: Presenter = field(default=_as_is, repr=False)

    def service(self, catalog: Catalog, code: str | None) -> Service | None:
        """The service a per-service kind is about (default when ``code`` is None)."""
        if not self.per_service:
            return None
        code = code or DEFAULT_SERVICE
        if code not in catalog:
            raise UnknownService(service=code, known=", ".join(catalog.codes()))
        return catalog.get(code)

    def schema(self, service: Service | None = None) -> dict[str, Any]:
        if self.per_service:
            from docgen.documents.services import service_schema

            assert service is not None
            return service_schema(self.name, service)
        return copy.deepcopy(_load_json(f"schemas/{self.name}.json"))

    def example(self, service: Service | None = None) -> dict[str, Any]:
        if self.per_service:
            from docgen.documents.services import service_example

            assert service is not None
            return service_example(self.name, service)
        return copy.deepcopy(_load_json(f"examples/{self.name}.json"))

    @staticmethod
    def number(data: dict[str, Any]) -> str:
        """The document's own number, as the verification address carries it."""
        return str(data["number"])


def _kinds() -> dict[str, DocumentKind]:
    from docgen.documents.services import present_request, present_survey, present_survey_invitation

    kinds = [
        DocumentKind(
            "license",
            {"kk": "Мемлекеттік лицензия", "ru": "Государственная лицензия"},
            equivalence_footer=True,
        ),
        DocumentKind(
            "license-annex",
            {"kk": "Мемлекеттік лицензияға қосымша", "ru": "Приложение к государственной лицензии"},
            equivalence_footer=True,
        ),
        DocumentKind("refusal", {"kk": "Негізделген бас тарту", "ru": "Мотивированный отказ"}),
        DocumentKind(
            "media-certificate",
            {
                "kk": "Шетелдік бұқаралық ақпарат құралын есепке алу туралы анықтама",
                "ru": "Справка о постановке на учет иностранного средства массовой информации",
            },
            equivalence_footer=True,
        ),
        DocumentKind("permit", {"kk": "Рұқсат", "ru": "Разрешение"}, equivalence_footer=True, stacked=True),
        DocumentKind(
            "numbering-order",
            {"kk": "Нөмірлеу ресурсы туралы бұйрық", "ru": "Приказ о ресурсе нумерации"},
            equivalence_footer=True,
        ),
        DocumentKind(
            "request",
            {"kk": "Өтініш", "ru": "Заявление"},
            has_qr=False,
            per_service=True,
            present=present_request,
        ),
        DocumentKind(
            "survey",
            {"kk": "Сауалнама", "ru": "Анкета"},
            has_qr=False,
            per_service=True,
            present=present_survey,
        ),
        DocumentKind(
            "survey-invitation",
            {"kk": "Сауалнамаға шақыру", "ru": "Приглашение к анкетированию"},
            has_qr=False,
            per_service=True,
            present=present_survey_invitation,
            link_qr="address",
            link_qr_alt={
                "kk": "Сауалнамаға жауап беруге арналған QR-код",
                "ru": "QR-код для ответа на анкету",
            },
        ),
        DocumentKind(
            "survey-report",
            {
                "kk": "Мемлекеттік қызметтердің «сапа» және «қолжетімділік» көрсеткіштері",
                "ru": "Показатели «качество» и «доступность» государственных услуг",
            },
            has_qr=False,
            stacked=True,
        ),
    ]
    return {kind.name: kind for kind in kinds}


@cache
def all_kinds() -> dict[str, DocumentKind]:
    return _kinds()


def get_kind(name: str) -> DocumentKind:
    kinds = all_kinds()
    if name not in kinds:
        raise UnknownKind(kind=name, known=", ".join(kinds))
    return kinds[name]


KINDS = (
    "license",
    "license-annex",
    "refusal",
    "media-certificate",
    "permit",
    "numbering-order",
    "request",
    "survey",
    "survey-invitation",
    "survey-report",
)
