"""``docgen demo``: everything needed to try the system, on the embedded defaults.

Demo records of the state databases (every applicant of the service
examples), the demo PKI (if none yet) and the demo users. The users are
development data: their passwords are printed, never used for anything real.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from docgen.adapters.db.tables import people
from docgen.domain.catalog import Catalog

__all__ = ["DemoUser", "demo_users", "seed_people"]


@dataclass(frozen=True)
class DemoUser:
    login: str
    password: str
    role: str  # applicant | clerk | operator
    provider: str | None
    name: str


def demo_users(catalog: Catalog) -> list[DemoUser]:
    users = [
        DemoUser(f"clerk-{code}", "demo", "clerk", code, f"Clerk of {code}") for code in catalog.providers()
    ]
    users.append(DemoUser("operator-astana", "demo", "operator", None, "ХҚКО / ЦОН operator, Astana"))
    users.append(DemoUser("880501300124", "demo", "applicant", None, "Ахметов Данияр Серікұлы"))
    users.append(DemoUser("120340001230", "demo", "applicant", None, "«Дала Телеком» ЖШС"))
    return users


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
                "address": applicant.get("address"),
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
