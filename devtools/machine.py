"""The machine a measurement ran on, as the generated pages state it beside their times."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """Architecture, CPU model, core count and Python version: "x86_64, AMD EPYC, 2 cores, Python 3.11.7"."""
    return (
        f"{platform.processor() or platform.machine()}, {_cpu()}, {os.cpu_count() or 0} cores, "
        f"Python {platform.python_version()}"
    )


def _cpu() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else ():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"
