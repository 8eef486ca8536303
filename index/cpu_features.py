"""What this machine's CPU can do, read from the kernel's flags (no torch import needed)."""

from __future__ import annotations

from pathlib import Path


def has_fast_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU multiplies bfloat16 matrices natively (AMX or AVX-512 BF16), so
    `torch-bf16` is faster than float32 rather than emulated and slower."""
    try:
        text = cpuinfo.read_text("ascii", errors="replace")
    except OSError:
        return False
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "").split()
    return "amx_bf16" in flags or "avx512_bf16" in flags
