"""Tampering with the stored record, as someone with the database's owner rights would, and the
audit naming each kind; on PostgreSQL also what the application's own role cannot do at all."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from docgen.adapters.db.engine import make_engine
from docgen.errors import DomainRefusal
from tests.services.world import World

CLERK = "clerk-mtc-communications-committee"


def as_owner(engine: Engine, *statements: str, **values: object) -> None:
    """Run ``statements`` past the guards, as the schema's owner could: on PostgreSQL with the
    triggers switched off for the session (superuser), on SQLite by dropping them."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            triggers = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            for name in list(triggers):
                connection.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            connection.execute(text(statement), values)


def kinds(world: World) -> set[str]:
    return {finding["kind"] for finding in world.app.audit.verify()}


def test_an_intact_record_has_no_findings(sql_world: World) -> None:
    sql_world.licensed()
    sql_world.registered()
    assert sql_world.app.audit.verify() == []


def test_history_cut_short_is_named_and_the_request_cannot_be_issued_again(sql_world: World) -> None:
    request_id, number = sql_world.licensed()
    # Remove the review and issue entries, the document, and put the row back to "registered".
    as_owner(
        sql_world.engine,
        "DELETE FROM registry WHERE document_id IN (SELECT id FROM documents WHERE request_id = :id)",
        "DELETE FROM documents WHERE request_id = :id",
        "DELETE FROM history WHERE request_id = :id AND seq > 6",
        "UPDATE requests SET state = 'registered', outcome = NULL WHERE id = :id",
        id=request_id,
    )
    found = kinds(sql_world)
    assert "row-altered" in found and "counter" in found  # the seal, and the license number's gap
    with pytest.raises(DomainRefusal) as caught:
        sql_world.issue(sql_world[CLERK], request_id)
    assert caught.value.reason == "broken-history"
    assert number == "LIC-MTCCOMCOM-2026-000001"


def test_an_entry_rewritten_with_the_chain_recomputed_is_named(sql_world: World) -> None:
    from docgen.domain.history import HistoryEntry

    request_id = sql_world.registered()
    with sql_world.app.queries.uow(write=False) as uow:
        chain = uow.requests.history(request_id)
    # Rewrite who submitted it, then recompute every hash after it (the chain alone is unkeyed).
    rewritten, previous = [], None
    for entry in chain:
        fields = entry.to_dict()
        if entry.event == "submit":
            fields["actor"] = fields["actor"] | {"login": "someone-else"}
        fields["previous_hash"] = previous.hash if previous else None
        draft = HistoryEntry.from_dict(fields | {"hash": ""})
        entry = HistoryEntry.from_dict(fields | {"hash": draft.compute_hash()})
        rewritten.append(entry)
        previous = entry
    statements = []
    for entry in rewritten:
        statements.append(
            f"UPDATE history SET entry = '{_json(entry.to_dict())}', previous_hash = "
            f"{_sql(entry.previous_hash)}, hash = '{entry.hash}' WHERE request_id = :id AND seq = {entry.seq}"
        )
    statements.append(f"UPDATE requests SET head = '{previous.hash}' WHERE id = :id")  # type: ignore[union-attr]
    as_owner(sql_world.engine, *statements, id=request_id)
    (finding,) = sql_world.app.audit.verify()
    assert finding["kind"] == "row-altered" and finding["id"] == request_id


def test_data_changed_outside_the_history_is_named(sql_world: World) -> None:
    request_id = sql_world.registered()
    dialect = sql_world.engine.dialect.name
    change = (
        "UPDATE requests SET data = jsonb_set(data::jsonb, '{fields,territory}', '\"Марс\"')::json "
        "WHERE id = :id"
        if dialect == "postgresql"
        else "UPDATE requests SET data = json_set(data, '$.fields.territory', 'Марс') WHERE id = :id"
    )
    as_owner(sql_world.engine, change, id=request_id)
    (finding,) = sql_world.app.audit.verify()
    assert finding["kind"] == "row-altered" and "данные" in finding["problem"]["ru"]


def test_a_status_changed_outside_the_workflow_is_named(sql_world: World) -> None:
    _, number = sql_world.licensed()
    as_owner(
        sql_world.engine,
        "UPDATE registry SET status = 'terminated' "
        "WHERE document_id = (SELECT id FROM documents WHERE number = :n)",
        n=number,
    )
    (finding,) = sql_world.app.audit.verify()
    assert finding["kind"] == "status-outside-workflow" and finding["number"] == number


def test_a_document_replaced_by_other_bytes_is_named(sql_world: World) -> None:
    _, number = sql_world.licensed()
    as_owner(sql_world.engine, "UPDATE documents SET sha256 = :h WHERE number = :n", h="0" * 64, n=number)
    assert "altered-document" in kinds(sql_world)


def test_a_request_deleted_whole_leaves_a_gap_the_audit_names(sql_world: World) -> None:
    first, _ = sql_world.licensed()
    sql_world.licensed()
    as_owner(
        sql_world.engine,
        "DELETE FROM registry WHERE document_id IN (SELECT id FROM documents WHERE request_id = :id)",
        "DELETE FROM documents WHERE request_id = :id",
        "DELETE FROM history WHERE request_id = :id",
        "DELETE FROM notifications WHERE request_id = :id",
        "DELETE FROM requests WHERE id = :id",
        id=first,
    )
    counters = [f for f in sql_world.app.audit.verify() if f["kind"] == "counter"]
    assert {f["problem"]["ru"].split(": ")[-1] for f in counters} == {"1"}  # request 1 and license 1


def test_a_document_no_history_issued_is_named(sql_world: World) -> None:
    _, number = sql_world.licensed()
    as_owner(
        sql_world.engine,
        "INSERT INTO documents (id, request_id, kind, number, version, duplicate, data, sha256, pdf, "
        "created_at) SELECT :new, request_id, kind, :forged, 1, 1, data, sha256, pdf, created_at "
        "FROM documents WHERE number = :n",
        "INSERT INTO registry (document_id, status, changed_at) SELECT :new, 'active', changed_at "
        "FROM registry WHERE document_id = (SELECT id FROM documents WHERE number = :n)",
        new=str(uuid.uuid4()),
        forged=f"{number}-D9",
        n=number,
    )
    assert "orphan-document" in kinds(sql_world)


def test_history_and_documents_truncated_by_the_owner_are_named(sql_world: World) -> None:
    request_id, number = sql_world.licensed()
    postgres = sql_world.engine.dialect.name == "postgresql"
    as_owner(
        sql_world.engine,
        "TRUNCATE documents CASCADE" if postgres else "DELETE FROM registry",
        *(() if postgres else ("DELETE FROM documents",)),
    )
    found = sql_world.app.audit.verify()
    assert {"missing-document", "counter"} <= {f["kind"] for f in found}
    assert number in {f["number"] for f in found}
    as_owner(sql_world.engine, "TRUNCATE history" if postgres else "DELETE FROM history")
    assert "truncated-history" in {f["kind"] for f in sql_world.app.audit.verify()}
    assert request_id in {f["id"] for f in sql_world.app.audit.verify()}


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("'", "''")


def _sql(value: str | None) -> str:
    return "NULL" if value is None else f"'{value}'"


# -- PostgreSQL: the application's own role -------------------------------------------------------


@pytest.fixture
def app_role_engine(postgres_world: World) -> Iterator[tuple[World, Engine]]:
    """The world's schema, with an application role granted what ``docgen db upgrade --app-role``
    grants, and an engine connected as that role."""
    from docgen.adapters.db.migrate import grant_application_role

    any_world = postgres_world
    role = f"docgen_app_{uuid.uuid4().hex[:8]}"
    owner = any_world.engine
    with owner.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    grant_application_role(owner, role)
    url = owner.url.set(username=role)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        yield any_world, engine
    finally:
        engine.dispose()
        with owner.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))


@pytest.mark.parametrize(
    "attack",
    [
        "TRUNCATE history",
        "TRUNCATE documents CASCADE",
        "TRUNCATE requests CASCADE",
        "DELETE FROM history",
        "DELETE FROM registry",
        "DELETE FROM requests",
        "UPDATE history SET hash = 'x'",
        "UPDATE documents SET sha256 = 'x'",
        "ALTER TABLE history DISABLE TRIGGER ALL",
        "DROP TRIGGER history_append_only ON history",
        "SET session_replication_role = replica",
    ],
)
def test_the_application_role_cannot_remove_or_rewrite_the_record(
    app_role_engine: tuple[World, Engine], attack: str
) -> None:
    from sqlalchemy.exc import DBAPIError

    world, engine = app_role_engine
    world.licensed()
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text(attack))
    assert world.app.audit.verify() == []


def test_the_application_works_as_its_own_role(app_role_engine: tuple[World, Engine]) -> None:
    from docgen.adapters.db.uow import sql_unit_of_work
    from tests.services.conftest import count_rows
    from tests.services.world import make_world

    _, engine = app_role_engine
    uow = sql_unit_of_work(engine)
    world = make_world(uow, lambda: count_rows(uow))
    _, number = world.licensed()
    world.app.documents.set_status(world[CLERK], number, "suspended", "проверка")
    assert world.app.audit.verify() == []
