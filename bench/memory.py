"""Resident memory of one worker over many signed licenses (measured, never asserted in tests).

One process does what issuing does for each license, with the adapters the workflow is built with
(:func:`docgen.bootstrap.fresh_instance`: the template renderer and the providers' PAdES signers, the
signature timestamped by the instance's local authority as issuing does by default): render the
license in kk+ru with a number of its own, sign it. It prints the resident set size after 100,
1,000, 5,000 and 10,000 documents and the growth per document after the first 1,000 (caches are full
by then: fonts, stylesheets, templates, the signer's keys). ``--trace`` adds tracemalloc's ten
biggest growths between document 1,000 and the end, to find a leak's line.

Run: ``make bench-memory`` or ``.venv/bin/python bench/memory.py [--docs 10000] [--trace]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import machine, rss_mb

CHECKPOINTS = (100, 1000, 5000, 10000)
PROVIDER = "mtc-communications-committee"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000, help="signed licenses to make (default 10000)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc's biggest growths after doc 1000")
    parser.add_argument(
        "--seconds",
        type=float,
        default=7200,
        help="stop after this long, reporting the documents made so far",
    )
    args = parser.parse_args()

    from docgen.bootstrap import fresh_instance
    from docgen.documents import get_kind

    checkpoints = sorted({n for n in CHECKPOINTS if n < args.docs} | {args.docs})
    base = 1000 if args.docs > 1000 else min(100, args.docs)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="docgen-memory-") as folder:
        app = fresh_instance(Path(folder) / "instance")
        issuer = app.requests.issuer
        data = get_kind("license").example()
        started = time.perf_counter()
        at_base = None
        snapshot = None
        made = 0
        for index in range(1, args.docs + 1):
            pdf = issuer.renderer.render("license", data | {"number": f"KZ-MEM-{index:06d}"}, "kk+ru", "pdf")
            signed = issuer.signers.sign(PROVIDER, pdf)
            assert signed.startswith(b"%PDF")
            made = index
            if index == base:
                gc.collect()
                at_base = rss_mb()
                if args.trace:
                    tracemalloc.start(10)
                    snapshot = tracemalloc.take_snapshot()
            if index in checkpoints:
                rows.append((f"resident memory after {index:,} docs: MB", f"{rss_mb():.0f}"))
            if index in checkpoints or index % 500 == 0:
                print(
                    f"  {index:>6} docs  {rss_mb():7.1f} MB  {time.perf_counter() - started:7.0f} s",
                    flush=True,
                )
            if time.perf_counter() - started > args.seconds:
                print(f"stopped after {args.seconds:.0f} s, at document {index:,}", flush=True)
                break
        seconds = time.perf_counter() - started
        end = rss_mb()
        if made not in checkpoints:
            rows.append((f"resident memory after {made:,} docs (time ran out): MB", f"{end:.0f}"))
        if at_base is not None and made > base:
            growth = (end - at_base) * 1024 / (made - base)
            rows.append((f"growth per document after doc {base:,}: KB", f"{growth:.2f}"))
        rows.append(("signed licenses (kk+ru, B-T) per second, 1 process", f"{made / seconds:.1f}"))
        if snapshot is not None:
            print("tracemalloc, biggest growths after doc", base)
            for stat in tracemalloc.take_snapshot().compare_to(snapshot, "lineno")[:10]:
                print("  ", stat)
        app.engine.dispose()

    print(f"machine: {machine()}")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
