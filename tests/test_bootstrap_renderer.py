"""The application builds its renderer on the first render, or when a web worker warms it at start."""

from __future__ import annotations

from pathlib import Path

from docgen.adapters.rendering import TemplateRenderer
from docgen.bootstrap import build
from docgen.config import load


def test_the_renderer_is_built_on_first_use_or_when_warmed(tmp_path: Path) -> None:
    app = build(load({"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "0" * 32}))
    try:
        renderer = app.requests.issuer.renderer
        assert isinstance(renderer, TemplateRenderer)
        assert renderer._renderer is None  # built for a command: nothing rendered, nothing built
        assert app.catalog.get("telecom-license").provider_code  # the catalog is there all the same
        app.warm()
        assert renderer._renderer is not None
        assert renderer._renderer.catalog is app.catalog  # one catalog, not a second one loaded
        assert "pdf" in vars(renderer._renderer)  # fonts and stylesheets built (the cached property)
    finally:
        app.engine.dispose()
