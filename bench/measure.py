"""What every benchmark script reports beside its figures: the machine it ran on, percentiles, and
resident memory. Imported by the scripts as ``measure`` (``python bench/<script>.py`` puts this
folder first on the path)."""

from __future__ import annotations

import os
import platform


def machine(*, load: bool = False) -> str:
    """CPU model, cores and Python version (and, with ``load``, the 1-minute load average now)."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    described = f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if load:
        described += f", load average {os.getloadavg()[0]:.1f} (1 min) after the run"
    return described


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` (0..1) of the sorted ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def rss_mb() -> float:
    """This process's resident memory in MB (Linux), NaN elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
