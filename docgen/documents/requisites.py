"""Which provider requisites each output document prints, and which providers lack one.

Read from the kinds' JSON Schemas, not listed by hand: a kind whose data has a
``place`` prints the provider's city (the place of issue); the provider's own
object in the data (``authority``, ``registrar``, ``licensor``,
``issuing_body``, ``issuer``) prints its ``name`` and whichever of
``address``, ``bin`` and ``phone`` the schema gives it. Every issued document
also needs the provider's ``bin``: it is written into the certificates of the
officials who sign (OU ``BIN…``) and into the signers' register, and a
signature verifies for the provider only when the three agree.

:func:`lint` is what ``docgen lint`` prints: a *missing* finding for every
requisite an output of a service needs and its provider has no value for, and
a *to-confirm* finding for every value its provider marks ``to_confirm``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from docgen.domain.catalog import Provider, Service

__all__ = ["PROVIDER_OBJECTS", "Finding", "lint", "needed_requisites"]

#: Where a kind's data holds the provider: the object (or text) that names it.
PROVIDER_OBJECTS = ("authority", "registrar", "licensor", "issuing_body", "issuer")
#: Requisites a provider object's schema may carry beside its name.
_DETAILS = ("address", "bin", "phone")


def needed_requisites(kind: str) -> tuple[str, ...]:
    """The provider requisites a ``kind`` document prints (in :data:`PROVIDER_FIELDS` order), and
    its BIN, which its signature's certificate carries."""
    from docgen.documents import get_kind
    from docgen.domain.catalog import PROVIDER_FIELDS

    properties: dict[str, Any] = get_kind(kind).schema().get("properties", {})
    needed = {"name", "bin"}
    if "place" in properties:
        needed.add("city")
    for key in PROVIDER_OBJECTS:
        inner = properties.get(key, {}).get("properties", {})
        needed.update(detail for detail in _DETAILS if detail in inner)
    return tuple(name for name in PROVIDER_FIELDS if name in needed)


@dataclass(frozen=True)
class Finding:
    """A requisite of ``provider`` that ``services`` need (``level`` ``missing``) or that the
    provider gives but marks to be confirmed (``level`` ``to-confirm``)."""

    level: str
    provider: str
    field: str
    services: tuple[str, ...]
    kinds: tuple[str, ...]

    def __str__(self) -> str:
        what = "missing" if self.level == "missing" else "to confirm"
        return (
            f"{what}: provider {self.provider}: {self.field} "
            f"(needed by {', '.join(self.kinds)} of {', '.join(self.services)})"
        )


def lint(services: Iterable[Service]) -> list[Finding]:
    """Every requisite a service's outputs need that its provider lacks (``missing``), then every
    value a provider marks to be confirmed (``to-confirm``), by provider and field. ``services``:
    a :class:`~docgen.domain.catalog.Catalog` or any of its services."""
    needs: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    providers: dict[str, Provider] = {}
    for service in services:
        providers[service.provider_code] = service.provider
        for kind in service.outputs:
            for name in needed_requisites(kind):
                users, kinds = needs.setdefault((service.provider_code, name), (set(), set()))
                users.add(service.code)
                kinds.add(kind)
    findings: list[Finding] = []
    for level in ("missing", "to-confirm"):
        for (code, name), (users, kinds) in sorted(needs.items()):
            provider = providers[code]
            lacking = name in provider.missing()
            if (level == "missing" and lacking) or (
                level == "to-confirm" and not lacking and name in provider.to_confirm
            ):
                findings.append(Finding(level, code, name, tuple(sorted(users)), tuple(sorted(kinds))))
    return findings
