"""Figures from a list of latencies: throughput and percentiles."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured load: how many succeeded, how fast, and the latency percentiles (ms)."""

    ok: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float | None
    p99_ms: float | None

    def as_dict(self) -> dict[str, Any]:
        """The figure as JSON."""
        return asdict(self)


def percentile(sorted_values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) of already sorted values, nearest rank."""
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def figure(latencies: list[float], errors: int, seconds: float) -> Figure:
    """Summarise latencies (seconds) of successful operations over a wall-clock span."""
    ordered = sorted(latencies)
    p50 = percentile(ordered, 50)
    p99 = percentile(ordered, 99)
    return Figure(
        ok=len(ordered),
        errors=errors,
        seconds=round(seconds, 4),
        per_second=round(len(ordered) / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(p50 * 1000, 2) if p50 is not None else None,
        p99_ms=round(p99 * 1000, 2) if p99 is not None else None,
    )
