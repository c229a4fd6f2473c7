"""The template renderer behind the use cases' :class:`~docgen.services.ports.DocumentRenderer` port."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from docgen.services.ports import BatchRenderer, DocumentRenderer

if TYPE_CHECKING:
    from docgen.config import RenderSettings
    from docgen.domain.catalog import Catalog
    from docgen.rendering.core import Renderer

__all__ = ["TemplateBatchRenderer", "TemplateRenderer"]


class TemplateRenderer(DocumentRenderer):
    """Over a built :class:`~docgen.rendering.core.Renderer`, or over its settings and catalog: then the
    renderer is built when the first document is rendered. Importing the render core imports
    WeasyPrint (~0.4 s); an application built for a command that only reads the database (``docgen
    user list``, ``request show``) never pays it.

    One document at a time per process (:attr:`lock`): a web worker with threads (gunicorn
    ``gthread``) may be asked for two at once, and neither WeasyPrint nor the lazy build promise to be
    thread-safe. Rendering is Python under the GIL, so the lock costs no throughput; pages that
    render nothing are not held by it."""

    def __init__(
        self,
        renderer: Renderer | None = None,
        *,
        settings: RenderSettings | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self._renderer = renderer
        self._settings = settings
        self._catalog = catalog
        self.lock = threading.RLock()

    @property
    def renderer(self) -> Renderer:
        with self.lock:
            if self._renderer is None:
                from docgen.config import load_settings
                from docgen.rendering.core import Renderer

                self._renderer = Renderer(self._settings or load_settings(), self._catalog)
            return self._renderer

    def render(self, kind: str, data: dict[str, Any], lang: str, fmt: str, *, copy: bool = False) -> bytes:
        with self.lock:
            return self.renderer.render(kind, data, lang, fmt, copy=copy)

    def signature_stamp(self, signer: Any, width: float, height: float) -> bytes:
        """The visible signature (:meth:`Renderer.signature_stamp`), for the providers' signers."""
        with self.lock:
            return self.renderer.signature_stamp(signer, width, height)


class TemplateBatchRenderer(BatchRenderer):
    """The batch lines' renderer: over the application's (lazily built) template renderer, so a worker
    builds WeasyPrint, fonts and stylesheets once, on its first line."""

    def __init__(self, renderer: TemplateRenderer) -> None:
        self.template = renderer

    def check(self, kind: str, data: dict[str, Any], service: str | None = None) -> None:
        with self.template.lock:
            self.template.renderer.prepare(kind, data, "kk+ru", service)

    def render(
        self, kind: str, data: dict[str, Any], lang: str, fmt: str, service: str | None = None
    ) -> bytes:
        with self.template.lock:
            return self.template.renderer.render(kind, data, lang, fmt, service)
