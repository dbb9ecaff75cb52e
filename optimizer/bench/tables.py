"""The result tables of a benchmark run: CSV, JSON, Markdown, the per-solver summary, and the
machine it ran on."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .instances import MATCH_TOL
from .suite import COLUMNS, Row


def machine_info() -> dict[str, Any]:
    """Where and with what the benchmark ran."""
    from importlib import metadata

    from .. import __version__

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {"optimizer": __version__, "python": platform.python_version()}
    for pkg in ("numpy", "scipy", "highspy", "pulp", "linopy"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            continue
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "versions": versions,
    }


def _num(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, np.floating | np.integer):
        return x.item()
    return x


def to_csv(rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        d = r.to_dict()
        w.writerow(
            [
                "" if d[c] is None else (repr(d[c]) if isinstance(d[c], float) else d[c])
                for c in COLUMNS
            ]
        )
    return buf.getvalue()


def to_json(rows: Sequence[Row], settings: dict[str, Any]) -> str:
    doc = {
        "schema_version": 1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": settings,
        "results": [{k: _num(v) for k, v in r.to_dict().items()} for r in rows],
        "summary": summary(rows),
    }
    return json.dumps(doc, indent=2) + "\n"


def shifted_geomean(values: Iterable[float], shift: float = 1.0) -> float | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return float(np.exp(np.mean(np.log(np.asarray(vals) + shift))) - shift)


def summary(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Per solver: instances, proven optimal, matching the known value, time figures."""
    out = []
    for s in dict.fromkeys(r.solver for r in rows):
        rs = [r for r in rows if r.solver == s]
        known = [r for r in rs if r.known is not None]
        out.append(
            {
                "solver": s,
                "instances": len(rs),
                "optimal": sum(r.status == "optimal" for r in rs),
                "time_limit": sum(r.status == "time_limit" for r in rs),
                "other": sum(r.status not in ("optimal", "time_limit") for r in rs),
                "with_known": len(known),
                "matches_known": sum(bool(r.matches_known) for r in known),
                "better_than_known": sum(
                    r.gap_known is not None and r.gap_known < -MATCH_TOL for r in known
                ),
                "mean_gap_known": (
                    float(np.mean([r.gap_known for r in known if r.gap_known is not None]))
                    if any(r.gap_known is not None for r in known)
                    else None
                ),
                "verified": sum(r.verified is True for r in rs),
                "total_time_s": float(sum(r.time_s for r in rs)),
                "sgm_time_s": shifted_geomean(r.time_s for r in rs),
            }
        )
    return out


def _f(x: Any, digits: int = 6) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "-"
        return f"{x:.{digits}g}"
    return str(x)


TABLE_COLUMNS = (
    "instance",
    "solver",
    "status",
    "objective",
    "known",
    "gap_known",
    "bound",
    "time_s",
    "nodes",
    "peak_mib",
    "verified",
)


def table_rows(rows: Sequence[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        if r.gap_known is None:
            gap = "-"
        else:
            gap = "0" if abs(r.gap_known) < 1e-12 else f"{r.gap_known:.2e}"
        out.append(
            [
                r.instance,
                r.solver,
                r.status,
                _f(r.objective, 10),
                _f(r.known, 10),
                gap,
                _f(r.bound, 10),
                f"{r.time_s:.3f}",
                _f(r.nodes),
                _f(r.peak_mib, 4),
                _f(r.verified),
            ]
        )
    return out


def to_markdown(rows: Sequence[Row], settings: dict[str, Any]) -> str:
    lines = ["# Benchmark results", ""]
    cmd = settings.get("command")
    if cmd:
        lines += ["```", cmd, "```", ""]
    info = machine_info()
    v = info["versions"]
    lines.append(
        f"Machine: {info['cpu']} ({info['cores']} cores, {info['memory_gib']} GiB); "
        + ", ".join(f"{k} {val}" for k, val in v.items())
    )
    lines.append(
        f"Time limit {settings.get('time_limit')} s per run, {settings.get('repeat')} repeat(s) "
        f"(median time), peak memory: {settings.get('memory_note', '')}."
    )
    lines += [
        "",
        "| " + " | ".join(TABLE_COLUMNS) + " |",
        "|" + "|".join("---" for _ in TABLE_COLUMNS) + "|",
    ]
    for tr in table_rows(rows):
        lines.append("| " + " | ".join(tr) + " |")
    lines += ["", "## Summary by solver", ""]
    summ = summary(rows)
    keys = [
        "solver",
        "instances",
        "optimal",
        "time_limit",
        "other",
        "with_known",
        "matches_known",
        "better_than_known",
        "verified",
        "total_time_s",
        "sgm_time_s",
    ]
    lines += ["| " + " | ".join(keys) + " |", "|" + "|".join("---" for _ in keys) + "|"]
    for s in summ:
        lines.append("| " + " | ".join(_f(s[k], 4) for k in keys) + " |")
    return "\n".join(lines) + "\n"


MEMORY_NOTES = {
    "rss": "peak resident set size of the worker process or of the solver process it ran "
    "(CBC), whichever is larger, in MiB (includes the Python interpreter's baseline)",
    "tracemalloc": "peak Python-level allocations (tracemalloc) in MiB; native solver memory "
    "is not included",
    "none": "not measured",
}
