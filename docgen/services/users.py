"""Accounts: adding, disabling and re-passwording users, and finding who is asking.

The web signs a person in with login and password (:meth:`UserService.authenticate`);
the command line acts as a named user (:meth:`UserService.acting_as`), which
must exist and be enabled. Passwords are kept only as Argon2 hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from docgen.domain.catalog import Catalog
from docgen.domain.users import User
from docgen.errors import InvalidData, UnknownUser, UserDisabled, UserExists, WrongCredentials
from docgen.services.ports import PasswordHasher, UnitOfWorkFactory
from docgen.services.steps import domain_rules

__all__ = ["MIN_PASSWORD_LENGTH", "UserService"]

MIN_PASSWORD_LENGTH = 8

#: Verified against when the login is unknown, so a wrong login costs as long as a wrong password.
_DUMMY_PASSWORD = "docgen: no such user"


@dataclass
class UserService:
    uow: UnitOfWorkFactory
    catalog: Catalog
    hasher: PasswordHasher

    def __post_init__(self) -> None:
        self._dummy_hash: str | None = None

    def add(self, password: str, **fields: Any) -> User:
        """A new user (``login``, ``role``, ``name``, and ``iin``/``bin``/``provider``/``centre``
        as the role needs). The provider must be one of the catalog's."""
        provider = fields.get("provider")
        if provider is not None and provider not in self.catalog.providers():
            known = ", ".join(self.catalog.providers())
            raise InvalidData(
                kind="user",
                field="provider",
                problem={
                    "kk": f"белгісіз қызмет беруші ({known})",
                    "ru": f"неизвестный услугодатель ({known})",
                },
            )
        with domain_rules():
            user = User(**fields, password_hash=self.hasher.hash(_checked(password)))
        with self.uow() as uow:
            if uow.users.get(user.login) is not None:
                raise UserExists(login=user.login)
            uow.users.add(user)
            uow.commit()
        return user

    def list(self) -> list[User]:
        with self.uow(write=False) as uow:
            return uow.users.all()

    def set_enabled(self, login: str, enabled: bool) -> User:
        with self.uow() as uow:
            user = _existing(uow.users.get(login), login)
            changed = replace(user, enabled=enabled)
            uow.users.save(changed)
            uow.commit()
        return changed

    def set_password(self, login: str, password: str) -> User:
        with self.uow() as uow:
            user = _existing(uow.users.get(login), login)
            changed = user.with_password_hash(self.hasher.hash(_checked(password)))
            uow.users.save(changed)
            uow.commit()
        return changed

    def acting_as(self, login: str) -> User:
        """The command line's ``--as LOGIN``: an existing, enabled user."""
        with self.uow(write=False) as uow:
            user = _existing(uow.users.get(login), login)
        if not user.enabled:
            raise UserDisabled(login=login)
        return user

    def authenticate(self, login: str, password: str) -> User:
        """Sign in. A wrong login and a wrong password get the same answer, in the same time."""
        with self.uow(write=False) as uow:
            user = uow.users.get(login)
        if user is None:
            self.hasher.verify(self._dummy(), password)
            raise WrongCredentials()
        if not self.hasher.verify(user.password_hash, password):
            raise WrongCredentials()
        if not user.enabled:
            raise UserDisabled(login=login)
        return user

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(_DUMMY_PASSWORD)
        return self._dummy_hash


def _existing(user: User | None, login: str) -> User:
    if user is None:
        raise UnknownUser(login=login)
    return user


def _checked(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidData(
            kind="user",
            field="password",
            problem={
                "kk": f"құпиясөз кемінде {MIN_PASSWORD_LENGTH} таңба болуы керек",
                "ru": f"пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов",
            },
        )
    return password
