"""``docgen demo``: everything needed to try the system, on the embedded defaults.

Demo records of the state databases (every applicant of the service
examples), the demo PKI (if none yet) and the demo users. The users are
development data: their passwords are printed, never used for anything real.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from docgen.adapters.db.tables import people
from docgen.domain.catalog import Catalog, address_in

if TYPE_CHECKING:
    from docgen.bootstrap import Application

__all__ = ["DEMO_PASSWORD", "DemoUser", "demo_users", "ensure_pki", "prepare", "seed_people"]


#: The password of every demo user (development data: printed by ``docgen demo``).
DEMO_PASSWORD = "docgen-demo"


@dataclass(frozen=True)
class DemoUser:
    login: str
    role: str  # applicant | clerk | operator | admin
    name: str
    iin: str | None = None
    bin: str | None = None
    provider: str | None = None
    centre: str | None = None

    def fields(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in ("login", "role", "name", "iin", "bin", "provider", "centre")
        }


#: The demo clerks: people, whose names read the same in Kazakh and Russian (the provider they work
#: for is shown beside them), rather than a provider's Russian name standing in for a person.
CLERK_NAMES = (
    "Сейітова Айгүл Маратқызы",
    "Омаров Ерлан Бақытұлы",
    "Нұрланова Дана Асқарқызы",
    "Жақсылықов Тимур Серікұлы",
    "Әбенова Гүлнар Қайратқызы",
    "Қасымов Арман Ғалымұлы",
    "Тұрсынова Мәдина Ерболқызы",
    "Исаев Бауыржан Нұрланұлы",
    "Ахметова Әсел Даниярқызы",
    "Сәрсенов Дәурен Әлібекұлы",
)


def demo_users(catalog: Catalog) -> list[DemoUser]:
    """A clerk per provider, a centre operator, an administrator, and the applicants whose keys the
    demo PKI holds (an individual, and two organisations with their heads)."""
    providers = sorted(catalog.providers())
    users = [
        DemoUser(f"clerk-{code}", "clerk", CLERK_NAMES[index % len(CLERK_NAMES)], provider=code)
        for index, code in enumerate(providers)
    ]
    users += [
        DemoUser("operator-astana", "operator", "ХҚКО операторы / Оператор ЦОН (Астана)", centre="astana"),
        DemoUser("admin", "admin", "Әкімші / Администратор"),
        DemoUser("880501300124", "applicant", "Ахметов Данияр Серікұлы", iin="880501300124"),
        DemoUser(
            "120340001230",
            "applicant",
            "Есенгалиев Нұрлан Серікұлы («Дала Телеком» ЖШС)",
            iin="850715300330",
            bin="120340001230",
        ),
        DemoUser(
            "130540013570",
            "applicant",
            "Жұбанышев Асқар Болатұлы («Ақжайық Кабель ТВ» ЖШС)",
            iin="790411300621",
            bin="130540013570",
        ),
    ]
    # The operator and the local body's officer sign the requests they enter with their own key, which
    # the demo PKI holds (staff/<login>.p12): their IIN is checked against it.
    from docgen.signing.pki import DEMO_STAFF

    return [
        DemoUser(**(user.fields() | {"iin": DEMO_STAFF[user.login].iin}))
        if user.login in DEMO_STAFF
        else user
        for user in users
    ]


def _address_line(address: Any) -> str | None:
    """The state database keeps one address line: the Kazakh one of an address filed in both."""
    return None if address is None else address_in(address, "kk")


def seed_people(engine: Engine, catalog: Catalog) -> int:
    """Put every example applicant into the state-database table (idempotent)."""
    records: dict[str, dict[str, Any]] = {}
    for service in catalog:
        applicant = service.example.get("applicant") or {}
        number = applicant.get("bin") or applicant.get("iin")
        if number:
            records[number] = {
                "number": number,
                "kind": applicant["kind"],
                "name": applicant["name"],
                "address": _address_line(applicant.get("address")),
            }
    records.setdefault(
        "880501300124",
        {"number": "880501300124", "kind": "individual", "name": "Ахметов Данияр Серікұлы", "address": None},
    )
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.begin() as connection:
        for record in records.values():
            connection.execute(
                insert(people).values(**record).on_conflict_do_nothing(index_elements=["number"])
            )
        return len(connection.execute(select(people.c.number)).all())


def ensure_pki(folder: Path, catalog: Catalog) -> bool:
    """Create the demo PKI in ``folder`` unless one is there; True when created."""
    if (folder / "root-ca.pem").exists():
        return False
    from docgen.signing.pki import init_demo

    init_demo(folder, catalog.providers())
    return True


def prepare(app: Application) -> dict[str, Any]:
    """What ``docgen demo`` makes, idempotently: the schema, the state-database records, the demo PKI
    (in the configured folder, unless one is there) and the demo users. Returns what it did."""
    app.upgrade()
    people = seed_people(app.engine, app.catalog)
    pki_dir = app.settings.signing.pki_dir
    created = ensure_pki(pki_dir, app.catalog)
    known = {existing.login for existing in app.users.list()}
    users = []
    for demo in demo_users(app.catalog):
        if demo.login not in known:
            app.users.add(DEMO_PASSWORD, **demo.fields())
        users.append(demo.fields() | {"password": DEMO_PASSWORD})
    return {"people": people, "pki": str(pki_dir), "pki_created": created, "users": users}
