"""The unit of work and its repositories, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from docgen.adapters.db.engine import make_engine
from docgen.adapters.db.tables import requests
from docgen.adapters.db.uow import SqlUnitOfWork, sql_unit_of_work
from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog
from docgen.domain.history import Actor
from docgen.domain.request import Request
from docgen.domain.users import User
from docgen.errors import DatabaseNotReady, RequestNotFound, UnknownUser, UserExists
from docgen.services.ports import NewDocument, RequestRecord, UnitOfWorkFactory

CATALOG = Catalog.load(PROJECT_ROOT / "forms")
T0 = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)
ALMATY = dt.timezone(dt.timedelta(hours=5))

BIN = "071140004566"
OTHER_BIN = "120340001230"
IIN = "880501300124"
SYSTEM = Actor("system", "docgen")
CLERK = Actor("clerk", "d.akhmetova", "Ахметова Динара Сериковна")


def opened(
    request_id: str,
    *,
    service: str = "telecom-license",
    channel: str = "portal",
    holder: str = BIN,
    filed_by: str | None = None,
    centre: str | None = None,
    minutes: int = 0,
    due_on: dt.date | None = None,
) -> tuple[Request, RequestRecord]:
    """A new draft and the record to store it with."""
    at = T0 + dt.timedelta(minutes=minutes)
    applicant = {"kind": "legal", "bin": holder, "name": "ТОО «Жетысу Радиосвязь»"}
    if channel == "centre":
        actor = Actor("operator", filed_by or "con-astana-17", "Нұрланов Ерлан")
    else:
        actor = Actor("applicant", filed_by or holder)
    found = CATALOG.get(service)
    request = Request.open(
        found,
        request_id=request_id,
        action=next(iter(found.actions)),
        channel=channel,
        applicant=applicant,
        actor=actor,
        at=at,
    )
    record = RequestRecord(
        id=request.id,
        service=request.service,
        provider=found.provider_code,
        action=request.action,
        channel=request.channel,
        state=request.state,
        data={"applicant": applicant, "service": found.code, "note": "Қазақстан / Казахстан"},
        created_at=at,
        holder=holder,
        filed_by=actor.login,
        centre=centre,
        due_on=due_on,
    )
    return request, record


@pytest.fixture
def factory(engine: Engine) -> UnitOfWorkFactory:
    return sql_unit_of_work(engine)


@pytest.fixture
def impatient(engine: Engine, database_url: str) -> Iterator[UnitOfWorkFactory]:
    """Units of work on the same (migrated) database that give up on a lock after 0.3 s, not 60 s:
    a lock someone forgot to release fails the test quickly."""
    short = make_engine(database_url)

    @event.listens_for(short, "connect")
    def short_timeout(dbapi_connection: Any, record: Any) -> None:
        if short.dialect.name == "sqlite":
            dbapi_connection.execute("PRAGMA busy_timeout = 300")
            return
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        dbapi_connection.commit()

    yield sql_unit_of_work(short)
    short.dispose()


# -- requests ---------------------------------------------------------------------------------


def test_a_request_is_stored_and_read_back_with_its_history(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1", due_on=dt.date(2026, 3, 20))
    with factory() as uow:
        uow.requests.add(request, record)
        uow.commit()

    with factory(write=False) as uow:
        stored = uow.requests.get("r-1")
        entries = uow.requests.history("r-1")
        assert uow.requests.get("r-nothing") is None
    assert stored == record
    assert isinstance(stored.data, dict) and stored.data["note"] == "Қазақстан / Казахстан"
    assert stored.created_at == T0 and stored.created_at.tzinfo is not None
    assert entries == list(request.history)
    restored = Request.restore(CATALOG.get("telecom-license"), entries, applicant=stored.data["applicant"])
    assert restored.state == "draft"


def test_saving_appends_the_new_entries_and_brings_the_row_in_step(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1")
    with factory() as uow:
        uow.requests.add(request, record)
        uow.commit()
    stored_seq = request.history[-1].seq
    request.apply("submit", Actor("applicant", BIN), T0 + dt.timedelta(minutes=1))
    request.apply("pay", Actor("applicant", BIN), T0 + dt.timedelta(minutes=2), gateway_reference="PSHEP-1")
    request.apply("sign", Actor("applicant", BIN), T0 + dt.timedelta(minutes=3))
    request.apply("register", SYSTEM, T0 + dt.timedelta(minutes=4), number="MTCCOMCOM-2026-000001")
    check = {"valid": True, "signer": "ТОО", "at": "2026-03-02T04:03:00+00:00"}

    with factory() as uow:
        assert uow.requests.get("r-1", lock=True) == record
        uow.requests.save(
            request,
            stored_seq,
            registered_on=dt.date(2026, 3, 2),
            due_on=dt.date(2026, 3, 23),
            signature_check=check,
        )
        uow.commit()

    with factory(write=False) as uow:
        stored = uow.requests.get("r-1")
        entries = uow.requests.history("r-1")
    assert stored is not None
    assert (stored.state, stored.number) == ("registered", "MTCCOMCOM-2026-000001")
    assert (stored.registered_on, stored.due_on) == (dt.date(2026, 3, 2), dt.date(2026, 3, 23))
    assert stored.signature_check == check and stored.outcome is None
    assert [entry.event for entry in entries] == ["open", "submit", "pay", "sign", "register"]
    assert entries == list(request.history)


def test_a_refusal_stores_its_outcome(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1", service="tv-radio-license")
    with factory() as uow:
        uow.requests.add(request, record)
        request.apply("refuse", SYSTEM, T0 + dt.timedelta(minutes=1), outcome="authorization-refused")
        uow.requests.save(request, 1)
        uow.commit()
    with factory(write=False) as uow:
        stored = uow.requests.get("r-1")
    assert stored is not None and stored.state == "refused"
    assert stored.outcome == {"code": "authorization-refused", "details": {}}


def test_save_refuses_unknown_columns_and_unknown_requests(factory: UnitOfWorkFactory) -> None:
    request, _ = opened("r-1")
    with factory() as uow:
        with pytest.raises(TypeError, match="state"):
            uow.requests.save(request, 1, state="issued")
        with pytest.raises(RequestNotFound):
            uow.requests.save(request, 1)


def test_the_record_must_describe_the_request(factory: UnitOfWorkFactory) -> None:
    request, _ = opened("r-1")
    _, other = opened("r-2")
    with factory() as uow, pytest.raises(ValueError, match="id"):
        uow.requests.add(request, other)


def _ids(records: list[RequestRecord]) -> list[str]:
    return [record.id for record in records]


def test_find_applies_every_filter_in_the_database(factory: UnitOfWorkFactory) -> None:
    drafts = [
        opened("mine-old", holder=BIN, minutes=0, due_on=dt.date(2026, 3, 10)),
        opened("mine-new", holder=BIN, minutes=5, due_on=dt.date(2026, 3, 30)),
        opened("other", holder=OTHER_BIN, minutes=1),
        opened("filed-for-other", holder=OTHER_BIN, filed_by="agent-1", minutes=2),
        opened(
            "at-centre",
            service="archaeology-license",
            channel="centre",
            holder=OTHER_BIN,
            centre="con-astana",
            minutes=3,
            due_on=dt.date(2026, 3, 5),
        ),
    ]
    refused, refused_record = opened("refused", service="tv-radio-license", holder=BIN, minutes=4)
    with factory() as uow:
        for request, record in drafts:
            uow.requests.add(request, record)
        uow.requests.add(refused, refused_record)
        refused.apply("refuse", SYSTEM, T0 + dt.timedelta(minutes=9), outcome="authorization-refused")
        uow.requests.save(refused, 1, due_on=dt.date(2026, 3, 1))
        uow.commit()

    with factory(write=False) as uow:
        find = uow.requests.find
        assert _ids(find()) == [
            "mine-new",
            "refused",
            "at-centre",
            "filed-for-other",
            "other",
            "mine-old",
        ]
        assert _ids(find(holders=[BIN])) == ["mine-new", "refused", "mine-old"]
        assert _ids(find(filed_by="agent-1")) == ["filed-for-other"]
        assert _ids(find(holders={BIN}, filed_by="agent-1")) == [
            "mine-new",
            "refused",
            "filed-for-other",
            "mine-old",
        ]
        assert _ids(find(holders=[BIN, OTHER_BIN], provider="mci-culture-committee")) == ["at-centre"]
        assert _ids(find(provider="mci-information-committee")) == ["refused"]
        assert _ids(find(centre="con-astana")) == ["at-centre"]
        assert _ids(find(holders=[BIN], open_only=True)) == ["mine-new", "mine-old"]
        assert _ids(find(due_by=dt.date(2026, 3, 10))) == ["refused", "at-centre", "mine-old"]
        assert _ids(find(due_by=dt.date(2026, 3, 10), open_only=True)) == ["at-centre", "mine-old"]
        assert _ids(find(holders=["000000000000"])) == []
        assert uow.requests.ids() == [
            "mine-old",
            "other",
            "filed-for-other",
            "at-centre",
            "refused",
            "mine-new",
        ]


# -- documents --------------------------------------------------------------------------------


def _document(number: str, *, at_minute: int, **fields: Any) -> NewDocument:
    return NewDocument(
        request_id="r-1",
        kind="license",
        number=number,
        data={"number": number, "name": "ТОО «Жетысу Радиосвязь»"},
        pdf=b"%PDF-1.7 " + number.encode(),
        sha256="a" * 64,
        # in Kazakhstan's time: stored and read back as the same moment, in UTC
        created_at=(T0 + dt.timedelta(minutes=at_minute)).astimezone(ALMATY),
        **fields,
    )


def test_documents_are_stored_with_their_status_and_whose_they_are(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1")
    with factory() as uow:
        uow.requests.add(request, record)
        first = uow.documents.add(_document("LIC-1", at_minute=1))
        second = uow.documents.add(_document("LIC-1-V2", at_minute=2, replaces=first, version=2))
        uow.commit()

    with factory(write=False) as uow:
        listed = uow.documents.for_request("r-1")
        found = uow.documents.by_number("LIC-1-V2")
        assert uow.documents.by_number("LIC-404") is None
    assert [(d.id, d.number, d.status, d.version) for d in listed] == [
        (first, "LIC-1", "replaced", 1),
        (second, "LIC-1-V2", "active", 2),
    ]
    assert found == listed[1]
    assert found.replaces == first and found.duplicate is False
    assert found.pdf == b"%PDF-1.7 LIC-1-V2" and isinstance(found.data, dict)
    assert found.created_at == T0 + dt.timedelta(minutes=2)
    assert found.created_at.utcoffset() == dt.timedelta(0)
    assert (found.service, found.provider, found.holder) == (
        "telecom-license",
        "mtc-communications-committee",
        BIN,
    )

    with factory() as uow:
        uow.documents.set_status(second, "suspended", T0 + dt.timedelta(days=1))
        with pytest.raises(KeyError):
            uow.documents.set_status("no-such-document", "suspended", T0)
        uow.commit()
    with factory(write=False) as uow:
        suspended = uow.documents.by_number("LIC-1-V2")
    assert suspended is not None and suspended.status == "suspended"


def test_duplicates_are_found_by_their_number_taken_literally(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1")
    with factory() as uow:
        uow.requests.add(request, record)
        for minute, (number, duplicate) in enumerate(
            [
                ("LIC_1", False),
                ("LIC_1-D1", True),
                ("LIC_1-D2", True),
                ("LICX1-D1", True),  # "_" must not match any character
                ("LIC_10-D1", True),  # another license
                ("LIC_1-DRAFT", True),  # not a duplicate's number
                ("LIC%-D1", True),  # "%" must not match anything
                ("LIC_1-D3", False),  # not marked duplicate
            ]
        ):
            uow.documents.add(_document(number, at_minute=minute, duplicate=duplicate))
        uow.commit()
    with factory(write=False) as uow:
        assert [d.number for d in uow.documents.duplicates_of("LIC_1")] == ["LIC_1-D1", "LIC_1-D2"]
        assert [d.duplicate for d in uow.documents.duplicates_of("LIC_1")] == [True, True]
        assert [d.number for d in uow.documents.duplicates_of("LIC%")] == ["LIC%-D1"]
        assert uow.documents.duplicates_of("LIC") == []


# -- users ------------------------------------------------------------------------------------


def test_users_round_trip(factory: UnitOfWorkFactory) -> None:
    applicant = User(login="dala", role="applicant", name="«Дала Телеком» ЖШС", iin=IIN, bin=OTHER_BIN)
    clerk = User(
        login="d.akhmetova",
        role="clerk",
        name="Ахметова Динара",
        provider="mtc-communications-committee",
        password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    )
    operator = User(login="con-17", role="operator", name="Нұрланов Ерлан", centre="con-astana")
    with factory() as uow:
        for user in (operator, applicant, clerk):
            uow.users.add(user)
        with pytest.raises(UserExists):
            uow.users.add(User(login="dala", role="admin", name="Someone else"))
        uow.users.add(User(login="admin", role="admin", name="Әкімші"))  # the unit is still usable
        uow.commit()

    with factory(write=False) as uow:
        assert uow.users.get("dala") == applicant
        assert uow.users.get("nobody") is None
        assert [user.login for user in uow.users.all()] == ["admin", "con-17", "d.akhmetova", "dala"]
        assert uow.users.get("d.akhmetova") == clerk

    with factory() as uow:
        uow.users.save(applicant.disabled().with_password_hash("new-hash"))
        with pytest.raises(UnknownUser):
            uow.users.save(User(login="ghost", role="admin", name="Ghost"))
        uow.commit()
    with factory(write=False) as uow:
        changed = uow.users.get("dala")
    assert changed is not None and not changed.enabled and changed.password_hash == "new-hash"


# -- counters ---------------------------------------------------------------------------------


def test_numbers_are_gapless_per_provider_year_and_series(factory: UnitOfWorkFactory) -> None:
    with factory() as uow:
        assert [uow.counters.next_value("a", 2026, "license") for _ in range(3)] == [1, 2, 3]
        assert uow.counters.next_value("a", 2027, "license") == 1
        assert uow.counters.next_value("b", 2026, "license") == 1
        assert uow.counters.next_value("a", 2026, "request") == 1
        uow.commit()
    with factory() as uow:
        assert uow.counters.next_value("a", 2026, "license") == 4
        # not committed: given back
    with pytest.raises(RuntimeError), factory() as uow:
        assert uow.counters.next_value("a", 2026, "license") == 4
        raise RuntimeError("rendering failed")
    with factory() as uow:
        assert uow.counters.next_value("a", 2026, "license") == 4
        uow.commit()


# -- transactions -----------------------------------------------------------------------------


def test_an_error_in_a_writing_unit_gives_everything_back_and_leaves_the_database_writable(
    impatient: UnitOfWorkFactory,
) -> None:
    request, record = opened("r-1")
    with pytest.raises(RuntimeError, match="signing failed"), impatient() as uow:
        uow.requests.add(request, record)
        uow.counters.next_value("p", 2026, "license")
        uow.users.add(User(login="admin", role="admin", name="Әкімші"))
        raise RuntimeError("signing failed")

    other, other_record = opened("r-2")
    with impatient() as uow:  # would fail after 0.3 s if the first unit still held the lock
        assert uow.requests.get("r-1") is None
        assert uow.users.get("admin") is None
        assert uow.counters.next_value("p", 2026, "license") == 1
        uow.requests.add(other, other_record)
        uow.commit()
    with impatient(write=False) as uow:
        assert uow.requests.ids() == ["r-2"]


def test_rollback_after_commit_does_nothing_and_close_is_idempotent(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1")
    uow = factory()
    uow.requests.add(request, record)
    uow.commit()
    uow.rollback()
    uow.close()
    uow.close()
    with pytest.raises(RuntimeError, match="closed"):
        uow.requests.get("r-1")
    with factory(write=False) as reader:
        assert reader.requests.ids() == ["r-1"]


def test_a_reader_does_not_wait_for_an_open_writer(impatient: UnitOfWorkFactory) -> None:
    request, record = opened("r-1")
    with impatient() as uow:
        uow.requests.add(request, record)
        uow.commit()

    late, late_record = opened("r-2", minutes=1)
    with impatient() as writer:
        writer.requests.get("r-1", lock=True)
        writer.requests.add(late, late_record)
        writer.counters.next_value("p", 2026, "license")
        started = time.monotonic()
        with impatient(write=False) as reader:
            assert reader.requests.ids() == ["r-1"]  # the committed state, not the writer's
            assert reader.requests.get("r-1") == record
        assert time.monotonic() - started < 0.25
        writer.commit()
    with impatient(write=False) as reader:
        assert reader.requests.ids() == ["r-1", "r-2"]


def test_a_second_writer_waits_for_the_first(impatient: UnitOfWorkFactory, database_url: str) -> None:
    request, record = opened("r-1")
    with impatient() as uow:
        uow.requests.add(request, record)
        uow.commit()
    with impatient() as first:
        first.requests.get("r-1", lock=True)
        first.counters.next_value("p", 2026, "license")
        # locked: SQLite's busy timeout, PostgreSQL's lock timeout
        with pytest.raises(DBAPIError), impatient() as second:
            second.requests.get("r-1", lock=True)
            second.counters.next_value("p", 2026, "license")


def test_a_reading_unit_cannot_write(factory: UnitOfWorkFactory) -> None:
    request, record = opened("r-1")
    with factory(write=False) as uow, pytest.raises(DBAPIError, match=r"(?i)read-?only"):
        uow.requests.add(request, record)
    with factory() as uow:  # the connection went back to the pool writable
        uow.requests.add(request, record)
        uow.commit()
    with factory(write=False) as uow:
        assert uow.requests.ids() == ["r-1"]


def test_the_lock_is_taken_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writing unit holds the database's write lock from its start")
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def seen(connection: Any, cursor: Any, statement: str, *rest: Any) -> None:
        statements.append(statement)

    with SqlUnitOfWork(engine) as uow:
        uow.requests.get("r-1", lock=True)
        uow.requests.get("r-1")
    with SqlUnitOfWork(engine, write=False) as uow:
        uow.requests.get("r-1", lock=True)
    locking = [statement for statement in statements if statement.startswith("SELECT requests")]
    assert ["FOR UPDATE" in statement for statement in locking] == [True, False, False]


# -- an unmigrated database -------------------------------------------------------------------


@pytest.fixture
def empty(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "use",
    [
        lambda uow: uow.requests.get("r-1"),
        lambda uow: uow.requests.find(holders=[BIN]),
        lambda uow: uow.documents.by_number("LIC-1"),
        lambda uow: uow.users.all(),
        lambda uow: uow.counters.next_value("p", 2026, "license"),
    ],
    ids=["requests", "find", "documents", "users", "counters"],
)
def test_an_unmigrated_database_says_to_run_the_upgrade(empty: Engine, use: Any) -> None:
    factory = sql_unit_of_work(empty)
    with pytest.raises(DatabaseNotReady) as caught, factory() as uow:
        use(uow)
    assert "docgen db upgrade" in caught.value.message("kk")
    assert "docgen db upgrade" in caught.value.message("ru")
    with factory() as uow:  # and nothing stays locked
        uow.connection.execute(text("CREATE TABLE probe (x INTEGER)"))
        uow.commit()


def test_holder_and_filer_are_required(engine: Engine) -> None:
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(
            requests.insert().values(
                id="r-x",
                service="telecom-license",
                provider="p",
                action="issue",
                channel="portal",
                state="draft",
                data={},
                created_at=T0,
            )
        )
