"""The render recipe: data in, a document's bytes out.

``Renderer.render`` reads as the pipeline it is: find the kind, check the
data against its schema, build the template context (with the verification
QR code), render the HTML from the kind's template in each language, then
lay it out as PDF, convert it to DOCX or return the HTML - all under one
time limit, with library errors turned into docgen errors.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateNotFound, UndefinedError
from markupsafe import Markup

from docgen.config import RenderSettings
from docgen.documents import DocumentKind, get_kind
from docgen.documents.validation import clean, normalize, validate
from docgen.domain.catalog import Catalog, Service
from docgen.errors import (
    AssetRefused,
    DocgenError,
    MissingField,
    RenderFailed,
    RenderTimeout,
    UnsupportedFormat,
    UnsupportedLanguage,
)
from docgen.rendering.environment import make_environment
from docgen.rendering.fetcher import FetchRefused
from docgen.rendering.qr import qr_alt_text, qr_svg, verification_url
from docgen.rendering.timelimit import TimeLimitExceeded, time_limit

__all__ = ["FORMATS", "LANGS", "Prepared", "Renderer", "parse_langs"]

FORMATS = ("pdf", "docx", "html")
LANGS = ("kk", "ru", "kk+ru")


def parse_langs(lang: str) -> tuple[str, ...]:
    """``kk`` -> ``("kk",)``; ``kk+ru`` -> ``("kk", "ru")``."""
    if lang not in LANGS:
        raise UnsupportedLanguage(lang=lang)
    return tuple(lang.split("+"))


@dataclass(frozen=True)
class Prepared:
    """Validated data with everything the templates need besides it."""

    kind: DocumentKind
    service: Service | None
    data: dict[str, Any]
    langs: tuple[str, ...]
    number: str | None
    verify_url: str | None
    """The address the QR code carries: the public verification address of an issued document, or
    (a kind with ``link_qr``) the address its data gives, such as a survey link."""


class Renderer:
    """Renders every document kind; build one and reuse it (it caches)."""

    def __init__(self, settings: RenderSettings, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.catalog = catalog if catalog is not None else Catalog.load(settings.forms_dir)
        self.env = make_environment(settings.templates_dir)

    @functools.cached_property
    def pdf(self) -> Any:
        from docgen.rendering.pdf import PdfEngine

        return PdfEngine(self.settings.assets_dir)

    @functools.cache  # noqa: B019 - one renderer lives as long as its process
    def css(self, kind: str) -> Markup:
        """The stylesheets inlined into standalone HTML output of ``kind``, with the fonts inside them
        (a saved HTML document has no assets folder beside it)."""
        from docgen.rendering.fonts import embed_fonts
        from docgen.rendering.pdf import kind_stylesheet

        assets = self.settings.assets_dir
        paths = [assets / "document.css", kind_stylesheet(assets, kind)]
        css = "\n".join(path.read_text(encoding="utf-8") for path in paths if path)
        return Markup(embed_fonts(css, assets))

    def signature_stamp(self, signer: Any, width: float, height: float) -> bytes:
        """The visible signature of ``signer`` (name, position, certificate) as a one-page PDF.

        The certificate's validity is printed in each language's official words
        ("2027 жылғы 1 желтоқсанға дейін" / "до 1 декабря 2027 г.").
        """
        from docgen.documents.locale import until_date
        from docgen.rendering.pdf import write_standalone

        until = {lang: until_date(signer.valid_until, lang) for lang in ("kk", "ru")}
        html = self.env.get_template("_stamp.html").render(
            signer=signer, until=until, width=width, height=height
        )
        return write_standalone(self.pdf, html)

    def prepare(self, kind_name: str, data: Any, lang: str, service: str | None = None) -> Prepared:
        """Check ``data`` for ``kind_name`` and work out its number and QR address."""
        kind = get_kind(kind_name)
        langs = parse_langs(lang)
        if service is None and isinstance(data, dict) and isinstance(data.get("service"), str):
            service = data["service"]
        definition = kind.service(self.catalog, service)
        schema = kind.schema(definition)
        cleaned = clean(data)  # NFC and LF: what is checked and rendered
        validate(kind.name, schema, cleaned)
        number = url = None
        if kind.has_qr:
            number = kind.number(cleaned)
            # the data as given, which is what the caller stores and checks a QR code's h= against
            url = verification_url(self.settings.base_url, number, data)
        elif kind.link_qr:
            url = str(cleaned[kind.link_qr])
        return Prepared(kind, definition, normalize(schema, cleaned), langs, number, url)

    def render(
        self,
        kind_name: str,
        data: Any,
        lang: str = "kk",
        fmt: str = "pdf",
        service: str | None = None,
        *,
        copy: bool = False,
    ) -> bytes:
        """The document as bytes in ``fmt`` (pdf, docx or html).

        ``copy=True`` marks the output as a copy (КӨШІРМЕ / КОПИЯ) at the top
        of its first page: for anything given out other than the signed
        original. The data, and so its hash and QR code, stay the original's.
        """
        if fmt not in FORMATS:
            raise UnsupportedFormat(format=fmt)
        prepared = self.prepare(kind_name, data, lang, service)
        try:
            with time_limit(self.settings.time_limit):
                html = self.html(prepared, standalone=fmt == "html", copy=copy)
                if fmt == "html":
                    return html.encode("utf-8")
                if fmt == "pdf":
                    return self.pdf.write(html, kind_name, self.settings.pdf_variant)  # type: ignore[no-any-return]
                from docgen.rendering.docx import html_to_docx

                return html_to_docx(html)
        except TimeLimitExceeded:
            raise RenderTimeout(kind=kind_name, seconds=self.settings.time_limit) from None
        except DocgenError:
            raise
        except UndefinedError as error:
            raise MissingField(kind=kind_name, field=_undefined_name(error)) from error
        except FetchRefused as refused:
            raise AssetRefused(url=refused.url) from refused
        except TemplateNotFound as error:
            raise RenderFailed(kind=kind_name, detail=f"template {error.name} not found") from error
        except Exception as error:  # a library failed: keep the cause, say which document
            raise RenderFailed(kind=kind_name, detail=f"{type(error).__name__}: {error}") from error

    def html(self, prepared: Prepared, standalone: bool = True, *, copy: bool = False) -> str:
        """The document's HTML page, in one language or side by side in two; ``copy`` marks a copy."""
        meta = {
            "kind": prepared.kind.name,
            "number": prepared.number,
            "verify_url": prepared.verify_url,
            "qr": Markup(qr_svg(prepared.verify_url, title=self._qr_alt(prepared)))
            if prepared.verify_url
            else None,
            "equivalence_footer": prepared.kind.equivalence_footer,
            "css": self.css(prepared.kind.name) if standalone else None,
            "langs": prepared.langs,
            "stacked": prepared.kind.stacked,
            "is_copy": copy,  # not "copy": Jinja would find dict.copy first
        }
        if len(prepared.langs) == 1:
            return self._template(prepared, prepared.langs[0], "_page.html", meta)
        parts = [
            {"lang": lang, "body": Markup(self._template(prepared, lang, "_fragment.html", meta))}
            for lang in prepared.langs
        ]
        titles = [prepared.kind.title[lang] for lang in prepared.langs]
        return self.env.get_template("_bilingual.html").render(
            lang=prepared.langs[0], parts=parts, document=meta | {"title": " / ".join(titles)}
        )

    @staticmethod
    def _qr_alt(prepared: Prepared) -> str:
        """The QR code's alternative text: bilingual, like the footer beside it."""
        assert prepared.verify_url is not None
        if prepared.kind.has_qr:
            return qr_alt_text(prepared.verify_url)
        alt = prepared.kind.link_qr_alt
        return f"{alt['kk']} / {alt['ru']}: {prepared.verify_url}"

    def _template(self, prepared: Prepared, lang: str, layout: str, meta: dict[str, Any]) -> str:
        context = prepared.kind.present(prepared.data, lang, prepared.service)
        template = self.env.get_template(f"{lang}/{prepared.kind.name}.html")
        return template.render(
            context, lang=lang, layout=layout, document=meta | {"title": prepared.kind.title[lang]}
        )


def _undefined_name(error: UndefinedError) -> str:
    message = str(error)
    # Jinja says "'name' is undefined" or "'dict object' has no attribute 'name'".
    if "has no attribute" in message:
        return message.rsplit("'", 2)[-2]
    return message.split("'")[1] if message.count("'") >= 2 else message
