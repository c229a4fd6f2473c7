"""The template renderer behind the use cases' :class:`~docgen.services.ports.DocumentRenderer` port."""

from __future__ import annotations

from typing import Any

from docgen.rendering.core import Renderer
from docgen.services.ports import BatchRenderer, DocumentRenderer

__all__ = ["TemplateBatchRenderer", "TemplateRenderer"]


class TemplateRenderer(DocumentRenderer):
    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    def render(self, kind: str, data: dict[str, Any], lang: str, fmt: str, *, copy: bool = False) -> bytes:
        return self.renderer.render(kind, data, lang, fmt, copy=copy)


class TemplateBatchRenderer(BatchRenderer):
    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    def check(self, kind: str, data: dict[str, Any], service: str | None = None) -> None:
        self.renderer.prepare(kind, data, "kk+ru", service)

    def render(
        self, kind: str, data: dict[str, Any], lang: str, fmt: str, service: str | None = None
    ) -> bytes:
        return self.renderer.render(kind, data, lang, fmt, service)
