"""``docgen demo --requests``: the demo requests a front end starts with, carried through the workflow
by the use cases alone, made once however often the command runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT
from docgen.domain.catalog import Catalog

pytestmark = [pytest.mark.slow, pytest.mark.integration]

DOCGEN = [sys.executable, "-m", "docgen.cli"]
CATALOG = Catalog.load(PROJECT_ROOT / "forms")


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A fresh installation on which ``docgen demo --requests --json`` ran twice."""
    folder = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DOCGEN_NCANODE_URL")}
    env |= {
        "DOCGEN_INSTANCE_DIR": str(folder),
        "DOCGEN_PKI_DIR": str(folder / "pki"),
        "DOCGEN_AUDIT_KEY": "the demo test's audit key, not a secret",
    }

    def run(*args: str) -> Any:
        result = subprocess.run([*DOCGEN, *args], capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return json.loads(result.stdout)

    first = run("demo", "--requests", "--json")
    second = run("demo", "--requests", "--json")
    from docgen.bootstrap import build
    from docgen.config import load

    app = build(load(env))
    try:
        yield {"first": first, "second": second, "app": app, "pki": folder / "pki"}
    finally:
        app.engine.dispose()


def _made(instance: dict[str, Any]) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = instance["first"]["requests"]
    return made


@pytest.mark.parametrize("code", CATALOG.codes())
def test_every_action_of_every_service_is_issued_and_a_refusal_is_made(
    instance: dict[str, Any], code: str
) -> None:
    service = CATALOG.get(code)
    mine = [r for r in _made(instance) if r["service"] == code]
    for action in service.actions:
        (issued,) = [r for r in mine if r["label"] == action]
        assert issued["state"] == "issued", issued
        assert issued["documents"] and issued["number"]
    first = next(r for r in mine if r["label"] == next(iter(service.actions)))
    assert [d["kind"] for d in first["documents"]] == [k for k in service.outputs if k != "refusal"]
    (refused,) = [r for r in mine if r["label"] == "refusal"]
    assert refused["state"] == "refused" and [d["kind"] for d in refused["documents"]] == ["refusal"]
    history = instance["app"].queries.show(instance["app"].users.acting_as("admin"), refused["id"])["history"]
    refusal = next(e for e in history if e["event"] == "refuse")
    assert refusal["details"]["grounds"] and refusal["details"]["explanation"]["kk"]


def test_a_request_filed_at_the_centre_carries_the_operators_signature_and_is_handed_over(
    instance: dict[str, Any],
) -> None:
    app = instance["app"]
    operator = app.users.acting_as("operator-astana")
    (centre,) = [r for r in _made(instance) if r["channel"] == "centre" and r["label"] == "issue"]
    assert centre["filed_by"] == "operator-astana"
    assert centre["handed_over"] == centre["documents"][0]["number"]
    shown = app.queries.show(operator, centre["id"])
    assert shown["signature_check"]["ok"] is True
    assert shown["signature_check"]["signer_iin"] == operator.iin
    assert [e for e in shown["history"] if e["event"] == "hand-over"]
    assert {row["id"] for row in app.queries.mine(operator)} >= {centre["id"]}


def test_some_requests_are_left_for_the_clerks_and_applicants(instance: dict[str, Any]) -> None:
    app = instance["app"]
    states = {r["state"] for r in _made(instance)}
    assert {"draft", "submitted", "registered", "awaiting-payment"} <= states
    queue = app.queries.queue(app.users.acting_as("clerk-mtc-communications-committee"))
    assert queue, "the committee clerk's queue is empty"
    applicant = app.users.acting_as("120340001230")
    assert any(n for row in app.queries.mine(applicant) for n in row["notifications"])


def test_running_it_again_makes_nothing(instance: dict[str, Any]) -> None:
    assert instance["second"]["requests"] == []
    app = instance["app"]
    operator = app.users.acting_as("operator-astana")
    centre = [r["id"] for r in _made(instance) if r["channel"] == "centre"]
    assert sorted(row["id"] for row in app.queries.mine(operator)) == sorted(centre)
