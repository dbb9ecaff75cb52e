"""Cold-start cost of the command line: a fresh ``optimizer solve`` of the flagship against the
bare import of the libraries it cannot do without.

In one run, interleaved (the order rotates each round, so a burst of load on a shared machine
falls on every command alike), ``--repeats`` fresh subprocesses of each of:

* ``imports``: ``python -c "import numpy, scipy.sparse, highspy"`` (the floor: what any solve
  through HiGHS imports);
* ``imports, 1 BLAS thread``: the same with ``OPENBLAS_NUM_THREADS=1`` set first, which is
  what the command line does (``optimizer.cli.main``: its commands do small dense algebra at
  most, so NumPy's BLAS thread pool, ~25 ms of start-up on this machine, is not started unless
  the user asks for it): the stricter comparison, printed beside the goal's;
* ``solve -m``: ``python -m optimizer solve PROBLEM`` (the problem is ``canada-us-2025`` unless
  ``--problem`` says otherwise);
* ``solve script``: the ``optimizer`` console script beside the interpreter, when there is one;
* ``--help``: ``python -m optimizer --help``;
* ``python``: ``python -c pass`` (the interpreter's own start, for reference).

Each time is the wall clock of the whole subprocess (``time.perf_counter`` around it, output
to ``/dev/null``, so not a terminal), and the CPU time (user + system) it used; a first round
is run and discarded so every measured round finds the files in the page cache. The figures
are medians; the wall ratio ``solve / imports`` is given both as the ratio of the medians and
as the median of the ratios of each round, and the CPU ratio (the figure least disturbed by
other jobs on a shared machine) as the ratio of the medians. Goal: at most 1.5x, judged on
the median per-round wall ratio.

The output names the kind of install measured: an editable install (``pip install -e``) adds
an import hook that costs a little on every import of the package, so measure the goal on a
regular install::

    python3 -m venv /tmp/vstart && /tmp/vstart/bin/pip install -q .
    python benchmarks/bench_startup.py --python /tmp/vstart/bin/python \\
        --output benchmarks/results/startup.md

The subprocesses run from a temporary folder, so that ``python -m optimizer`` finds the
installed package rather than a working tree in the current folder.

On CPython 3.11, where the numeric stack is imported matters: the interpreter allocates its
frame stack in 16 KB chunks and frees a chunk as soon as the stack shrinks below it, so a loop
whose calls straddle a chunk boundary maps and unmaps memory on every call. Importing
``scipy.sparse`` runs such loops, and whether they straddle depends on the stack depth of the
import: from deep inside the ``solve`` command, ``strace -e trace=munmap`` counted ~5,900
calls through the console script and ~1,400 through ``python -m`` (~460 for ``imports``), and
the console script cost ~0.15x more. ``optimizer.cli.main`` therefore imports NumPy, SciPy's
sparse module and highspy first, at the top of the stack, when the command needs them
(``solve``, ``export`` and the analysis commands; not ``--help``): ~220 calls either way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 1.5
IMPORTS = "import numpy, scipy.sparse, highspy"
ONE_BLAS_THREAD = "import os; os.environ['OPENBLAS_NUM_THREADS'] = '1'; "

_PROBE = r"""
import importlib.metadata as md, json, sys
import optimizer
try:
    dist = md.distribution("commitment-optimizer")
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    version = dist.version
except md.PackageNotFoundError:
    direct, version = {}, "?"
editable = bool(direct.get("dir_info", {}).get("editable"))
kind = "editable" if editable else ("regular" if version != "?" else "not installed")
import numpy, scipy, highspy, click, rich
print(json.dumps({
    "kind": kind,
    "version": version,
    "location": optimizer.__file__,
    "python": sys.version.split()[0],
    "numpy": numpy.__version__,
    "scipy": scipy.__version__,
    "highspy": md.version("highspy"),
    "click": md.version("click"),
    "rich": md.version("rich"),
}))
"""


def probe(python: str, cwd: str) -> dict:
    """What ``python`` runs: the kind of install of the package and the library versions."""
    out = subprocess.run(
        [python, "-c", _PROBE], capture_output=True, text=True, cwd=cwd, check=True
    )
    return json.loads(out.stdout)


def commands(python: str, problem: str) -> dict[str, list[str]]:
    cmds = {
        "imports": [python, "-c", IMPORTS],
        "imports, 1 BLAS thread": [python, "-c", ONE_BLAS_THREAD + IMPORTS],
        "solve -m": [python, "-m", "optimizer", "solve", problem],
    }
    script = Path(python).parent / "optimizer"
    if script.is_file() and os.access(script, os.X_OK):
        cmds["solve script"] = [str(script), "solve", problem]
    cmds["--help"] = [python, "-m", "optimizer", "--help"]
    cmds["python"] = [python, "-c", "pass"]
    return cmds


def run_once(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds of one fresh subprocess, and the CPU seconds (user + system) it
    used, read from ``os.wait4``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{err.decode()[-2000:]}"
        )
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(cmds: dict[str, list[str]], repeats: int, cwd: str):
    """``repeats`` rounds; each round runs every command once, in an order rotated by one each
    round. A first round (warm-up) is discarded. Returns wall and CPU times by command."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    names = list(cmds)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for r in range(repeats + 1):
        k = r % len(names)
        for n in names[k:] + names[:k]:
            w, c = run_once(cmds[n], cwd, env)
            if r > 0:
                wall[n].append(w)
                cpu[n].append(c)
    return wall, cpu


def _ratios(times: dict[str, list[float]], base: str = "imports") -> dict[str, tuple[float, float]]:
    """By command: median / median of ``base``, and the median of the per-round ratios."""
    base = times[base]
    b = statistics.median(base)
    return {
        n: (
            statistics.median(v) / b,
            statistics.median(t / u for t, u in zip(v, base, strict=True)),
        )
        for n, v in times.items()
    }


def report(wall, cpu, info: dict, args, python: str) -> str:
    rw, rc = _ratios(wall), _ratios(cpu)
    lines = [
        f"# Cold start: `optimizer solve {args.problem}` against `{IMPORTS}`",
        "",
        f"- install measured: **{info['kind']}** ({info['location']})",
        f"- interpreter: `{python}` (Python {info['python']}); numpy {info['numpy']}, "
        f"scipy {info['scipy']}, highspy {info['highspy']}, click {info['click']}, "
        f"rich {info['rich']}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} at the end",
        f"- {args.repeats} interleaved rounds of fresh subprocesses (+1 warm-up, discarded); "
        "medians. Wall: the clock around each subprocess. CPU: the user + system time the "
        "subprocess used (less disturbed by other jobs on a shared machine).",
        "",
        "| command | wall median (s) | min (s) | max (s) | wall / imports | "
        "per-round wall ratio | CPU median (s) | CPU / imports |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, v in wall.items():
        lines.append(
            f"| {n} | {statistics.median(v):.3f} | {min(v):.3f} | {max(v):.3f} | "
            f"{rw[n][0]:.2f}x | {rw[n][1]:.2f}x | {statistics.median(cpu[n]):.3f} | "
            f"{rc[n][0]:.2f}x |"
        )
    lines.append("")
    for n in ("solve -m", "solve script"):
        if n in wall:
            verdict = "met" if rw[n][1] <= GOAL else "missed"
            strict = _ratios(wall, "imports, 1 BLAS thread")[n][1]
            lines.append(
                f"- `{n}` / imports: wall {rw[n][0]:.2f}x (medians), {rw[n][1]:.2f}x (median "
                f"per round), CPU {rc[n][0]:.2f}x; goal <= {GOAL}x: **{verdict}**; against "
                f"the imports with one BLAS thread: {strict:.2f}x (median per round)"
            )
    if info["kind"] == "editable":
        lines.append(
            "- note: an editable install adds an import hook to every import of the package; "
            "measure the goal on a regular install (see the module docstring)"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter to measure")
    ap.add_argument("--repeats", type=int, default=15, help="rounds (default 15)")
    ap.add_argument("--problem", default="canada-us-2025", help="problem to solve")
    ap.add_argument("--output", type=Path, default=None, help="also write the Markdown here")
    args = ap.parse_args(argv)
    python = args.python
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as cwd:
        info = probe(python, cwd)
        cmds = commands(python, args.problem)
        wall, cpu = measure(cmds, args.repeats, cwd)
    text = report(wall, cpu, info, args, python)
    print(text, end="")
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
