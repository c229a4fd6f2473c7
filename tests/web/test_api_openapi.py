"""The OpenAPI description is served and describes exactly the API's routes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    from docgen.bootstrap import build
    from docgen.config import load
    from docgen.web import create_app

    application = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "k" * 32}))
    application.upgrade()
    yield create_app(application, testing=True)
    application.engine.dispose()


def routes(app: Flask) -> set[tuple[str, str]]:
    """(method, path) of every API route, in OpenAPI's spelling (``{name}``, without ``/api/v1``)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.fallback":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method.lower(), path))
    return found


def described(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in spec["paths"].items() for method in item}


def test_every_api_route_is_described_and_nothing_else(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"] == [{"url": "/api/v1"}]
    assert routes(app) == described(spec)
    assert len(routes(app)) > 20


def test_every_reference_resolves_and_every_path_parameter_is_declared(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()

    def resolve(ref: str) -> Any:
        node: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for ref in walk(spec):
        assert resolve(ref) is not None, ref
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            declared = {
                (resolve(p["$ref"]) if "$ref" in p else p)["name"]
                for p in operation["parameters"]
                if (resolve(p["$ref"]) if "$ref" in p else p)["in"] == "path"
            }
            assert declared == set(re.findall(r"{([a-z_]+)}", path)), (method, path)
            assert operation["responses"], (method, path)
            public = operation["security"] == []
            assert ("401" in operation["responses"]) is not public, (method, path)
