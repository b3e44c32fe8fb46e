"""The one table `make bench` prints: each figure, its baseline, and the ratio."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _rate(fig: dict[str, Any]) -> str:
    return f"{fig['per_second']:,.0f}/s"


def _lat(fig: dict[str, Any]) -> str:
    return f"p50 {fig['p50_ms']} / p99 {fig['p99_ms']} ms"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def _kib(value: int | None) -> str:
    return f"{value / 1024:.0f} MB" if value is not None else "-"


def print_table(results: dict[str, Any]) -> None:
    """Print every figure beside its baseline (measured in the same run) and their ratio."""
    table = Table(title="Kaohe bench" + (" (smoke)" if results["smoke"] else ""))
    for column in ("measure", "figure", "latency", "baseline", "baseline figure", "ratio"):
        table.add_column(column)
    w = results["write_path"]["figures"]
    for command in ("add_person", "draft_goal_set", "file_complaint", "rate_appraisee"):
        for level in (1, 8, 32):
            fig = w[f"{command}@{level}"]
            base = w[f"bare_insert@{level}"]
            es_level = level
            es = w[f"es_save@{es_level}"]
            name = f"{command} c={level}" + (f" ({fig['errors']} err)" if fig["errors"] else "")
            table.add_row(
                name,
                _rate(fig),
                _lat(fig),
                "bare insert",
                _rate(base),
                _ratio(fig["per_second"], base["per_second"]),
            )
            table.add_row(
                "",
                "",
                "",
                f"es save c={es_level}",
                _rate(es),
                _ratio(fig["per_second"], es["per_second"]),
            )
    for level in (1, 8, 32):
        base = w[f"bare_insert@{level}"]
        table.add_row(f"bare insert c={level}", _rate(base), _lat(base), "", "", "")
    for level in (1, 8, 32):
        es = w[f"es_save@{level}"]
        table.add_row(f"es save c={level}", _rate(es), _lat(es), "", "", "")
    for level in (1, 8, 32):
        own = w[f"kaohe_save@{level}"]
        es = w[f"es_save@{level}"]
        table.add_row(
            f"Kaohe store save c={level}",
            _rate(own),
            _lat(own),
            f"es save c={level}",
            _rate(es),
            _ratio(own["per_second"], es["per_second"]),
        )
    r = results["read_path"]["figures"]
    typename = r["graphql_typename"]
    for name, raw_name in (
        ("person_quarter", "person_quarter"),
        ("grade_distribution", "grade_distribution"),
        ("who_is_missing", "who_is_missing"),
        ("department_people", "department_people"),
        ("goal_sets", "department_people"),
    ):
        fig, raw = r[f"graphql_{name}"], r[f"asyncpg_{raw_name}"]
        label = f"GraphQL {name} c=32" + (f" ({fig['errors']} err)" if fig["errors"] else "")
        table.add_row(
            label,
            _rate(fig),
            _lat(fig),
            "{ __typename }",
            _rate(typename),
            _ratio(fig["per_second"], typename["per_second"]),
        )
        table.add_row(
            "",
            "",
            "",
            f"raw asyncpg {raw_name}",
            _rate(raw),
            _ratio(fig["per_second"], raw["per_second"]),
        )
    table.add_row("{ __typename } c=32", _rate(typename), _lat(typename), "", "", "")
    for lag in results["projection_lag"].values():
        table.add_row(
            f"projection lag at {lag['offered_per_second']:g}/s offered"
            + (" (in process)" if lag.get("in_process") else "")
            + (
                f" ({lag['errors']} err, {lag['unseen']} unseen)"
                if lag["errors"] or lag["unseen"]
                else ""
            ),
            f"{lag['achieved_per_second']:,.0f}/s achieved",
            f"p50 {lag['p50_ms']} / p99 {lag['p99_ms']} ms",
            "target p99",
            "100 ms",
            "",
        )
    rp = results["replay"]
    table.add_row(
        f"replay ({rp['events']} events)",
        f"{rp['replay_events_per_second']:,.0f} ev/s",
        "",
        "raw scan",
        f"{rp['scan_events_per_second']:,.0f} ev/s",
        _ratio(rp["replay_events_per_second"], rp["scan_events_per_second"]),
    )
    a = results["audit"]
    table.add_row(
        f"audit verify ({a['events']} events)",
        f"{a['verify_events_per_second']:,.0f} ev/s",
        "",
        "hashlib alone",
        f"{a['hashlib_events_per_second']:,.0f} ev/s",
        _ratio(a["verify_events_per_second"], a["hashlib_events_per_second"]),
    )
    ceiling = results["load_generator_ceiling"]
    table.add_row(
        "generator ceiling (GET /health)",
        _rate(ceiling),
        _lat(ceiling),
        "bare insert c=32",
        _rate(w["bare_insert@32"]),
        _ratio(w["bare_insert@32"]["per_second"], ceiling["per_second"]),
    )
    for name, peak in results["memory_peak_kib"].items():
        table.add_row(f"peak RSS {name}", _kib(peak), "", "target 150 MB", "", "")
    for item in results["not_measured"]:
        table.add_row(item, "not measured yet", "", "", "", "")
    console = Console(width=140)
    console.print(table)
    for section in ("write_path", "read_path"):
        for name, error in results[section]["errors"].items():
            console.print(f"[yellow]{name}: first error: {error}[/yellow]")
