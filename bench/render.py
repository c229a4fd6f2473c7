"""Rendering speed and memory, measured (never asserted in tests).

Prints one table:
- license PDF, warm, one process: median ms per document over repeated runs
  (kk, and kk+ru on one document);
- license PDFs per second with 1..N worker processes (batch path);
- DOCX per second;
- resident memory after 1,000 documents, and its growth from document 100.

Run: ``make bench`` or ``.venv/bin/python bench/render.py [--docs 1000] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgen.batch import BatchJob, run_batch
from docgen.bootstrap import make_renderer
from docgen.config import load_settings
from docgen.documents import get_kind
from docgen.rendering.pdf import harfbuzz_subset_available


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def median_ms(action, repeats: int, per_run: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(per_run):
            action()
        runs.append((time.perf_counter() - started) / per_run * 1000)
    return statistics.median(runs)


def signing_rows(renderer, data, unique) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """PAdES signing with a development PKI made for the run: sign alone, and render + sign."""
    from docgen.adapters.signing import ProviderSigners
    from docgen.config import SigningSettings
    from docgen.signing.pki import init_demo

    with tempfile.TemporaryDirectory() as folder:
        init_demo(Path(folder), renderer.catalog.providers())
        rows = []
        for embed in (False, True):
            signer = ProviderSigners(SigningSettings(pki_dir=Path(folder), embed_revocation=embed), renderer)
            sign = signer.for_provider("mtc-communications-committee").sign
            pdf = renderer.render("license", data, "kk", "pdf")
            for _ in range(3):
                sign(pdf)
            label = "B-B + embedded CRL" if embed else "B-B"
            ms = median_ms(lambda: sign(pdf), repeats=7, per_run=10)  # noqa: B023
            rows.append((f"PAdES sign ({label}), warm: median ms/doc", f"{ms:.1f}"))
        both = median_ms(
            lambda: sign(renderer.render("license", unique(), "kk", "pdf")), repeats=7, per_run=5
        )
        rows.append(("license PDF render + sign (B-B + CRL): median ms/doc", f"{both:.1f}"))
        return rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents for the memory run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--batch", type=int, default=200, help="documents per worker-scaling run")
    args = parser.parse_args()

    settings = load_settings()
    renderer = make_renderer(settings)
    data = get_kind("license").example()
    for _ in range(5):  # warm: fonts, stylesheet, templates, caches
        renderer.render("license", data, "kk", "pdf")

    numbers = itertools.count()

    def unique() -> dict[str, object]:
        """A new number each time, so no per-document work (the QR code) is cached."""
        return data | {"number": f"KZ-BENCH-{next(numbers):06d}"}

    rows: list[tuple[str, str]] = []
    kk = median_ms(lambda: renderer.render("license", unique(), "kk", "pdf"), repeats=7, per_run=10)
    rows.append(("license PDF (kk), warm, 1 process: median ms/doc", f"{kk:.1f}"))
    both = median_ms(lambda: renderer.render("license", unique(), "kk+ru", "pdf"), repeats=7, per_run=10)
    rows.append(("license PDF (kk+ru), warm, 1 process: median ms/doc", f"{both:.1f}"))
    docx = median_ms(lambda: renderer.render("license", unique(), "kk", "docx"), repeats=7, per_run=10)
    rows.append(("license DOCX (kk): docs/s", f"{1000 / docx:.0f}"))

    rows.extend(signing_rows(renderer, data, unique))

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "licenses.jsonl"
        with source.open("w", encoding="utf-8") as stream:
            for index in range(args.batch):
                stream.write(
                    json.dumps(data | {"number": f"KZ-BENCH-{index:05d}"}, ensure_ascii=False) + "\n"
                )
        base = None
        for workers in sorted({1, args.workers}):
            job = BatchJob("license", "kk", "pdf", Path(folder) / f"out{workers}")
            result = run_batch(settings, job, source, workers)
            rate = result.rendered / result.seconds
            base = base or rate
            rows.append(
                (
                    f"license PDF batch, {workers} worker process(es): docs/s (speed-up)",
                    f"{rate:.1f} (x{rate / base:.2f})",
                )
            )

    start_rss = None
    for index in range(args.docs):
        renderer.render("license", data | {"number": f"KZ-MEM-{index:05d}"}, "kk", "pdf")
        if index == 99:
            start_rss = rss_mb()
    end_rss = rss_mb()
    growth = (end_rss - (start_rss or end_rss)) / max(args.docs - 100, 1) * 1000
    rows.append((f"resident memory after {args.docs} docs: MB", f"{end_rss:.0f}"))
    rows.append(("memory growth from doc 100 on: KB/doc", f"{growth:.1f}"))

    print(f"machine: {machine()}")
    print(f"HarfBuzz subsetter: {'yes' if harfbuzz_subset_available() else 'NO (fontTools fallback)'}")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
