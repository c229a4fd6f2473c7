"""Rendering and signing speed beside a Typst anchor, measured in one run (never asserted in tests).

Prints one table:
- the Typst anchor: a comparable one-page bilingual (kk | ru) license with a QR code
  (``bench/typst/license.typ``, the ``typst`` package of the ``bench`` extra), its QR code made in
  Python per document and counted in its time;
- license PDF, warm, one process: median ms per document (kk, and kk+ru as the workflow issues it);
- DOCX per second;
- PAdES signing alone: B-B, B-B with the CRL embedded, and the workflow's default (B-T with the PKI
  folder's local timestamp authority, validation data in the DSS);
- render (kk+ru) + sign, B-B + CRL and the default, and their ratios to the Typst anchor, by wall
  clock and by CPU time (the issue's ratio is the wall clock's, on an idle machine).

The anchor, the render and the render + sign are timed in interleaved rounds, so a busy neighbour on a
shared machine slows all three alike. Memory over many documents is ``bench/memory.py``'s, batches
``bench/batch_celery.py``'s.

Run: ``make bench`` or ``.venv/bin/python bench/render.py [--rounds 9]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import machine

from docgen.bootstrap import make_renderer
from docgen.config import SigningSettings, load_settings
from docgen.documents import get_kind
from docgen.rendering.pdf import harfbuzz_subset_available
from docgen.rendering.qr import qr_svg, verification_url

ROOT = Path(__file__).resolve().parent.parent
PROVIDER = "mtc-communications-committee"


def median_ms(action: Callable[[], object], repeats: int, per_run: int) -> float:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(per_run):
            action()
        runs.append((time.perf_counter() - started) / per_run * 1000)
    return statistics.median(runs)


def interleaved_ms(
    actions: dict[str, Callable[[], object]], rounds: int, per_run: int
) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU ms per call of each action, the actions taking turns round after
    round. CPU time is the process's, all threads (Typst lays out on several): on a shared machine
    it is what a busy neighbour changes least."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(per_run):
                action()
            wall = (time.perf_counter() - started) / per_run * 1000
            runs[name].append((wall, (time.process_time() - cpu) / per_run * 1000))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in runs.items()
    }


def typst_anchor(base_url: str) -> Callable[[dict[str, object]], bytes]:
    """Compiles ``bench/typst/license.typ`` for one license's data, its QR code made per call."""
    import typst

    folder = ROOT / "bench" / "typst"
    compiler = typst.Compiler(
        str(folder / "license.typ"),
        root=str(folder),
        font_paths=[str(ROOT / "templates" / "assets" / "fonts")],
        ignore_system_fonts=True,
    )

    def compile_license(data: dict[str, object]) -> bytes:
        url = verification_url(base_url, str(data["number"]), data)
        inputs = {"data": json.dumps(data, ensure_ascii=False), "qr": qr_svg(url), "url": url}
        pdf = compiler.compile(sys_inputs=inputs)
        assert isinstance(pdf, bytes)
        return pdf

    return compile_license


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds of the anchor comparison")
    args = parser.parse_args()

    from docgen.adapters.signing import ProviderSigners
    from docgen.signing.pki import init_demo

    settings = load_settings()
    renderer = make_renderer(settings)
    data = get_kind("license").example()
    anchor = typst_anchor(settings.base_url)
    numbers = itertools.count()

    def unique() -> dict[str, object]:
        """A new number each time, so no per-document work (the QR code) is cached."""
        return data | {"number": f"KZ-BENCH-{next(numbers):06d}"}

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        pki = Path(folder)
        init_demo(pki, renderer.catalog.providers())
        crl = ProviderSigners(SigningSettings(pki_dir=pki, embed_revocation=True), renderer)
        default = ProviderSigners(SigningSettings(pki_dir=pki, tsa="local", embed_revocation=True), renderer)
        plain = ProviderSigners(SigningSettings(pki_dir=pki, embed_revocation=False), renderer)
        pdf = renderer.render("license", data, "kk+ru", "pdf")
        for _ in range(5):  # warm: fonts, stylesheets, templates, signers, Typst's fonts
            renderer.render("license", unique(), "kk", "pdf")
            for signers in (plain, crl, default):
                signers.sign(PROVIDER, pdf)
            anchor(unique())

        kk = median_ms(lambda: renderer.render("license", unique(), "kk", "pdf"), repeats=7, per_run=10)
        rows.append(("license PDF (kk), warm, 1 process: median ms/doc", f"{kk:.1f}"))
        docx = median_ms(lambda: renderer.render("license", unique(), "kk", "docx"), repeats=7, per_run=10)
        rows.append(("license DOCX (kk): docs/s", f"{1000 / docx:.0f}"))
        for label, signers in (("B-B", plain), ("B-B + CRL", crl), ("B-T local TSA + DSS, default", default)):
            ms = median_ms(lambda: signers.sign(PROVIDER, pdf), repeats=7, per_run=10)  # noqa: B023
            rows.append((f"PAdES sign ({label}), warm: median ms/doc", f"{ms:.1f}"))

        times = interleaved_ms(
            {
                "typst": lambda: anchor(unique()),
                "render": lambda: renderer.render("license", unique(), "kk+ru", "pdf"),
                "crl": lambda: crl.sign(PROVIDER, renderer.render("license", unique(), "kk+ru", "pdf")),
                "default": lambda: default.sign(
                    PROVIDER, renderer.render("license", unique(), "kk+ru", "pdf")
                ),
            },
            rounds=args.rounds,
            per_run=5,
        )
    typst_ms, typst_cpu = times["typst"]
    rows.append(
        ("Typst anchor, license (kk+ru) with QR: median ms/doc (CPU ms)", f"{typst_ms:.1f} ({typst_cpu:.1f})")
    )
    for key, label in (
        ("render", "license PDF (kk+ru), warm"),
        ("crl", "license (kk+ru) render + sign B-B + CRL"),
        ("default", "license (kk+ru) render + sign, default B-T + DSS"),
    ):
        wall, cpu = times[key]
        rows.append(
            (
                f"{label}: ms/doc (x Typst); CPU ms (x Typst)",
                f"{wall:.1f} (x{wall / typst_ms:.2f}); {cpu:.1f} (x{cpu / typst_cpu:.2f})",
            )
        )

    print(f"machine: {machine()}")
    print(f"HarfBuzz subsetter: {'yes' if harfbuzz_subset_available() else 'NO (fontTools fallback)'}")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")
    wall, cpu = times["default"]
    print(
        f"signed license / Typst (the issue's ratio; default signature B-T + DSS): x{wall / typst_ms:.2f} "
        f"wall clock, x{cpu / typst_cpu:.2f} CPU time"
    )


if __name__ == "__main__":
    main()
