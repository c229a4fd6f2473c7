"""A small world to run the use cases in: users of every role, fakes for the machinery, and a
database that is in memory (the fast tier) or SQLite / PostgreSQL (the integration tier)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docgen.adapters.outside import LocalNotary, SandboxGateway
from docgen.bootstrap import Application, assemble
from docgen.domain.catalog import Catalog
from docgen.domain.history import HistoryEntry
from docgen.domain.seal import Seal
from docgen.domain.users import User
from docgen.services.ports import UnitOfWorkFactory
from tests import fakes

#: Monday 23 November 2026, 09:00 in Astana.
MONDAY = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)

PASSWORD = "correct horse"
AUDIT_KEY = "the test audit key, not a secret"
COMPANY_BIN = "120340001230"  # «Дала Телеком»: telecom and numbering examples
FARM_BIN = "071140004566"  # «Іле Мақта Қоймасы»: the cotton-warehouse example's company
RADIO_BIN = "090340007896"  # «Жетысу Радиосвязь»: the radio-spectrum example's company
TV_BIN = "130540013570"  # «Ақжайық Кабель ТВ»: the TV and radio example's company
PERSON_IIN = "880501300124"  # the radio-device example's individual
#: The staff who sign what they enter with their own key: the test PKI holds keys for the first two
#: (docgen.signing.pki.DEMO_STAFF); the Aktau operator has none.
STAFF_IINS = {
    "operator-astana": "900412400619",
    "clerk-mangystau-internal-policy": "860919300728",
    "operator-aktau": "871112300943",
}


@dataclass
class World:
    app: Application
    rows: Callable[[], int]
    users: dict[str, User]
    catalog: Catalog
    append_raw: Callable[[HistoryEntry], None] | None = None
    """Write a history entry straight into the store, as an attacker with database access would."""
    pki: Any = None
    """The test PKI, in the integration tier (its applicants' keys sign for real)."""
    engine: Any = None

    def real_signature(self, login: str, request_id: str, key: str) -> bytes:
        """The applicant's CMS signature over this request's payload, made with a key of the test PKI."""
        from docgen.signing.request_signature import sign_request

        payload = self.app.requests.payload(self[login], request_id)
        return sign_request(payload, self.pki.applicant_path(key).read_bytes(), b"demo")

    def staff_signature(self, login: str, request_id: str, key: str | None = None) -> bytes:
        """The signature of the clerk, officer or operator ``login`` over the request, made with the
        key of ``key`` (default their own): the test PKI's ``staff/<login>.p12``, or the fake key
        bound to that user's IIN."""
        payload = self.app.requests.payload(self[login], request_id)
        owner = key or login
        if self.pki is not None:
            from docgen.signing.request_signature import sign_request

            return sign_request(payload, self.pki.staff_path(owner).read_bytes(), b"demo")
        return fakes.fake_signature(payload, str(self[owner].iin))

    def break_history(self, request_id: str) -> None:
        """Append an entry whose hash does not chain: the request's history no longer verifies."""
        assert self.append_raw is not None
        with self.app.queries.uow(write=False) as uow:
            last = uow.requests.history(request_id)[-1]
        forged = last.to_dict() | {"seq": last.seq + 1, "previous_hash": last.hash, "hash": "0" * 64}
        self.append_raw(HistoryEntry.from_dict(forged))

    def __getitem__(self, login: str) -> User:
        return self.users[login]

    # -- a request, carried as far as a test needs ---------------------------------------------------
    def example(self, service: str, **changes: Any) -> dict[str, Any]:
        """The service's example as typed in, with ``changes`` (a ``None`` leaves the field out)."""
        data = self.app.requests.intake_example(service) | changes
        return {name: value for name, value in data.items() if value is not None}

    def file(
        self, login: str, service: str = "telecom-license", action: str = "issue", **changes: Any
    ) -> str:
        user = self[login]
        channel = {"applicant": "portal", "operator": "centre", "clerk": "provider"}[user.role]
        return self.app.requests.new(user, service, action, channel, self.example(service, **changes))

    def sign(self, login: str, request_id: str, holder: str) -> str:
        """Sign as the applicant: with the test PKI's key of ``holder`` when there is a PKI."""
        if self.pki is not None:
            return self.app.requests.sign(
                self[login], request_id, self.real_signature(login, request_id, holder)
            )
        payload = self.app.requests.payload(self[login], request_id)
        return self.app.requests.sign(self[login], request_id, fakes.fake_signature(payload, holder))

    def pay(self, login: str, request_id: str) -> str:
        order = self.app.requests.order_payment(self[login], request_id)
        payload, signature = self.gateway.pay(order)
        return self.app.requests.payment_callback(payload, signature)

    @property
    def gateway(self) -> SandboxGateway:
        gateway = self.app.gateway
        assert isinstance(gateway, SandboxGateway)
        return gateway

    def registered(
        self, login: str = "dala", service: str = "telecom-license", holder: str = COMPANY_BIN, **changes: Any
    ) -> str:
        """A portal request filed, submitted, paid (where the service charges first) and signed."""
        request_id = self.file(login, service, **changes)
        state = self.app.requests.submit(self[login], request_id)
        if state == "awaiting-payment":
            self.pay(login, request_id)
        assert self.sign(login, request_id, holder) == "registered"
        return request_id

    def licensed(
        self, login: str = "dala", service: str = "telecom-license", holder: str = COMPANY_BIN
    ) -> tuple[str, str]:
        """A license issued on a portal request: (request id, license number)."""
        request_id = self.registered(login, service, holder)
        clerk = f"clerk-{self.catalog.get(service).provider_code}"
        number = self.issue(clerk, request_id)
        assert number
        return request_id, number

    def decision(self, request_id: str) -> dict[str, Any] | None:
        """The service's example decision for the request's action (None where issuing takes none)."""
        with self.app.requests.uow(write=False) as uow:
            record = uow.requests.get(request_id)
        assert record is not None
        return self.app.requests.decision_example(record.service, record.action) or None

    def issue(self, clerk: User | str, request_id: str) -> str | None:
        """Issue as ``clerk`` (a login or a user) with the example decision of the request's service."""
        user = self[clerk] if isinstance(clerk, str) else clerk
        return self.app.requests.issue(user, request_id, self.decision(request_id))


def people() -> list[User]:
    """One user of every role, and a second of some, to try one against the other."""
    catalog = fakes.catalog()
    users = [
        User(f"clerk-{code}", "clerk", f"Clerk of {code}", provider=code, iin=STAFF_IINS.get(f"clerk-{code}"))
        for code in catalog.providers()
    ]
    users += [
        User("dala", "applicant", "Есенгалиев Нұрлан Серікұлы", iin="850715300330", bin=COMPANY_BIN),
        User("farm", "applicant", "Head of the farm", iin="920214450117", bin=FARM_BIN),
        User("radio", "applicant", "Байжанов Арман Тлеубекович", iin="871102300453", bin=RADIO_BIN),
        User("akzhaiyk", "applicant", "Жұбанышев Асқар Болатұлы", iin="790411300621", bin=TV_BIN),
        User("person", "applicant", "Ахметов Данияр Серікұлы", iin=PERSON_IIN),
        User(
            "operator-astana",
            "operator",
            "ХҚКО операторы",
            centre="astana-1",
            iin=STAFF_IINS["operator-astana"],
        ),
        User(
            "operator-aktau", "operator", "ХҚКО операторы", centre="aktau-1", iin=STAFF_IINS["operator-aktau"]
        ),
        User("admin", "admin", "Әкімші"),
        User("gone", "applicant", "Disabled applicant", iin=PERSON_IIN, enabled=False),
    ]
    return users


def make_world(
    uow: UnitOfWorkFactory, rows: Callable[[], int], clock_start: dt.datetime = MONDAY, **adapters: Any
) -> World:
    """The world over ``uow``; ``adapters`` replace fakes by real ones (``renderer``, ``signers``,
    ``checker``, ``registry``, ``attachments``, ``hasher``, ``clock``)."""
    catalog = fakes.catalog()
    parts: dict[str, Any] = {
        "renderer": fakes.FakeRenderer(),
        "signers": fakes.FakeSigners(),
        "checker": fakes.FakeChecker(),
        "hasher": fakes.FakeHasher(),
        "attachments": fakes.MemoryAttachments(),
        "registry": fakes.PeopleRegistry(fakes.known_people(catalog)),
        "gateway": SandboxGateway(b"test secret"),
        "notary": LocalNotary([("17/26", "920214450117", COMPANY_BIN)]),
        "calendar": fakes.WeekendCalendar(),
        "clock": fakes.SteppingClock(clock_start),
        "seal": Seal(AUDIT_KEY.encode()),
        "batch_renderer": fakes.CountingBatchRenderer(),
    } | adapters
    app = assemble(settings=fakes.settings(), catalog=catalog, uow=uow, **parts)
    known = {user.login: user for user in app.users.list()}
    users = {}
    for user in people():
        if user.login in known:  # a second world over the same database
            users[user.login] = known[user.login]
            continue
        fields = {k: v for k, v in user.__dict__.items() if k not in ("password_hash",)}
        users[user.login] = app.users.add(PASSWORD, **fields)
    return World(app, rows, users, catalog)
