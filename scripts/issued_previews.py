"""PNG previews of the documents as the workflow issues them (``make docs-issued``).

Builds a fresh temporary instance (SQLite in a temporary folder, a fresh demo PKI, the demo users, its
own audit key), carries the demo requests through it (``docgen demo --requests``), downloads every
document issued on each service's first action - the signed original (kk+ru) and its copies in kk and
in ru - the original of each later action (reissue, duplicate, withdrawal) and a reasoned refusal of
each seed, and writes a PNG of each page into OUT (default docs/issued/), named
``<service>-<kind>-<lang>.png`` (``…-p2.png`` for a further page), ``<service>-<kind>-<action>-kk+ru.png``
and ``refusal-seed-<seed>-<lang>.png``. The centre's hand-over prints nothing (it is a history entry).

    .venv/bin/python scripts/issued_previews.py [OUT] [--dpi 60]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.bootstrap import fresh_instance  # noqa: E402
from docgen.demo_requests import DemoRequest, make_demo_requests  # noqa: E402

LANGS = ("kk+ru", "kk", "ru")
#: The service whose refusal stands for its seed's (seed 002 has four services).
REFUSAL_OF_SEED = {"002": "telecom-license"}


def pages(pdf: bytes, dpi: int) -> list[bytes]:
    """A PNG of each page, with the signature's visible stamp (a form widget, which pdfium draws only
    once the document's forms are initialised), in a 64-colour palette: a third of the size, the text
    as legible."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        document.init_forms()
        images = []
        for page in document:
            image = page.render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.quantize(colors=64).save(buffer, format="PNG", optimize=True)
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()


def previews(out: Path, dpi: int) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="docgen-issued-") as folder:
        app = fresh_instance(Path(folder))
        try:
            made = make_demo_requests(app, app.settings.signing.pki_dir)
            catalog = app.catalog
            first_actions = {service.code: next(iter(service.actions)) for service in catalog}
            refusals: dict[str, DemoRequest] = {}
            for request in made:
                seed = catalog.get(request.service).seed
                if (
                    request.label == "refusal"
                    and REFUSAL_OF_SEED.get(seed, request.service) == request.service
                ):
                    refusals.setdefault(seed, request)
            later = {"reissue", "duplicate", "withdraw"}
            chosen: list[tuple[DemoRequest, str, str, tuple[str, ...]]] = [
                (r, r.service, "", LANGS) for r in made if r.label == first_actions[r.service] and r.documents
            ]
            chosen += [(r, r.service, f"-{r.label}", ("kk+ru",)) for r in made if r.label in later]
            chosen += [(r, f"refusal-seed-{seed}", "", LANGS) for seed, r in sorted(refusals.items())]
            for request, stem, action, langs in chosen:
                clerk = app.users.acting_as(f"clerk-{catalog.get(request.service).provider_code}")
                for kind, number in request.documents:
                    name = stem if kind == "refusal" else f"{stem}-{kind}{action}"
                    for lang in langs:
                        pdf = app.documents.download(clerk, number, "pdf", lang).content
                        for page, png in enumerate(pages(pdf, dpi), start=1):
                            path = out / (f"{name}-{lang}.png" if page == 1 else f"{name}-{lang}-p{page}.png")
                            path.write_bytes(png)
                            written.append(path)
            # the survey invitation a centre's operator hands over with the result
            centre = next(r for r in made if r.channel == "centre" and r.state in ("issued", "refused"))
            operator = app.users.acting_as(centre.filed_by)
            for lang in ("kk", "ru"):
                pdf = app.survey.invitation(operator, centre.id, lang)
                path = out / f"{centre.service}-survey-invitation-{lang}.png"
                path.write_bytes(pages(pdf, dpi)[0])
                written.append(path)
        finally:
            app.engine.dispose()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "issued")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    started = time.perf_counter()
    written = previews(args.out, args.dpi)
    size = sum(path.stat().st_size for path in written)
    for path in written:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}  {path.stat().st_size // 1024} KiB")
    print(f"{len(written)} previews, {size / 1024 / 1024:.1f} MiB, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
