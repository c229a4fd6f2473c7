"""The people who use the system, and what each of them is bound to.

- An **applicant** (услугополучатель) acts for an individual (their own IIN)
  or for an organisation (its BIN, acted for by its head or an authorised
  person whose IIN is recorded too).
- A **clerk** (сотрудник услугодателя) works for one provider: the provider
  code of ``forms/*.toml``.
- An **operator** of a public service centre (ХҚКО / ЦОН) works at one centre.
- An **administrator** manages users and audits the record; they take no step
  of a request.

A user is data: who may do what with it is decided in the service layer
(:mod:`docgen.services.access`), never by the look of a login.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from docgen.domain.errors import DomainError
from docgen.domain.history import Actor
from docgen.domain.identifiers import is_valid_bin, is_valid_iin

__all__ = ["ROLES", "InvalidUser", "User"]

#: The roles, as named to a person.
ROLES: dict[str, dict[str, str]] = {
    "applicant": {"kk": "Қызмет алушы", "ru": "Услугополучатель"},
    "clerk": {"kk": "Қызмет берушінің қызметкері", "ru": "Сотрудник услугодателя"},
    "operator": {"kk": "ХҚКО операторы", "ru": "Оператор ЦОН"},
    "admin": {"kk": "Әкімші", "ru": "Администратор"},
}


class InvalidUser(DomainError):
    code = "invalid-user"
    messages: ClassVar[dict[str, str]] = {
        "kk": "«{login}» пайдаланушысы дұрыс сипатталмаған: {problem}",
        "ru": "Пользователь «{login}» описан неверно: {problem}",
    }


@dataclass(frozen=True)
class User:
    """One account. ``password_hash`` is an Argon2 hash made by the service layer's hasher."""

    login: str
    role: str
    name: str
    iin: str | None = None
    """The person's IIN: an individual applicant, the head or authorised person of an organisation,
    a clerk or an operator (optional for staff)."""
    bin: str | None = None
    """An organisation applicant's BIN."""
    provider: str | None = None
    """A clerk's provider code."""
    centre: str | None = None
    """An operator's public service centre."""
    enabled: bool = True
    password_hash: str = ""

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise InvalidUser(login=self.login, problem=problem)

    def _problem(self) -> dict[str, str] | None:
        if not self.login or not self.login.strip() or len(self.login) > 64 or not self.login.isprintable():
            return {"kk": "логин бос немесе тым ұзын", "ru": "логин пуст или слишком длинный"}
        if self.role not in ROLES:
            known = ", ".join(ROLES)
            return {
                "kk": f"белгісіз рөл {self.role} ({known})",
                "ru": f"неизвестная роль {self.role} ({known})",
            }
        if not self.name.strip():
            return {"kk": "аты-жөні көрсетілмеген", "ru": "не указано имя"}
        if self.iin is not None and not is_valid_iin(self.iin):
            return {"kk": f"ЖСН жарамсыз: {self.iin}", "ru": f"ИИН недействителен: {self.iin}"}
        if self.bin is not None and not is_valid_bin(self.bin):
            return {"kk": f"БСН жарамсыз: {self.bin}", "ru": f"БИН недействителен: {self.bin}"}
        if self.role == "applicant" and self.iin is None:
            return {
                "kk": "қызмет алушыға ЖСН керек (ұйым үшін: басшының немесе уәкілетті тұлғаның ЖСН-і)",
                "ru": "услугополучателю нужен ИИН "
                "(для организации: ИИН руководителя или уполномоченного лица)",
            }
        if self.role != "applicant" and self.bin is not None:
            return {
                "kk": "БСН тек қызмет алушы ұйымға беріледі",
                "ru": "БИН указывается только у организации",
            }
        if (self.role == "clerk") != (self.provider is not None):
            return {
                "kk": "қызмет беруші тек қызметкерге және міндетті түрде көрсетіледі",
                "ru": "услугодатель указывается у сотрудника, и только у него",
            }
        if (self.role == "operator") != (self.centre is not None):
            return {
                "kk": "ХҚКО тек операторға және міндетті түрде көрсетіледі",
                "ru": "ЦОН указывается у оператора, и только у него",
            }
        return None

    @property
    def holder(self) -> str | None:
        """The IIN or BIN an applicant acts for (their organisation's BIN, else their own IIN)."""
        if self.role != "applicant":
            return None
        return self.bin or self.iin

    def actor(self) -> Actor:
        """Who this user is in a request's history."""
        kind = {"applicant": "applicant", "clerk": "clerk", "operator": "operator"}.get(self.role)
        if kind is None:
            raise InvalidUser(
                login=self.login,
                problem={"kk": "әкімші өтініш қадамын орындамайды", "ru": "администратор не выполняет шаги"},
            )
        return Actor(kind, self.login, self.name)

    def disabled(self) -> User:
        return replace(self, enabled=False)

    def with_password_hash(self, password_hash: str) -> User:
        return replace(self, password_hash=password_hash)
