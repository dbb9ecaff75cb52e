"""End to end from files: ``optimizer export --mps`` of a problem written as TOML and as TOML +
a CSV options table, against ``tomllib`` + an idiomatic PuLP build + ``writeMPS``, in one run.

The problem: ``problems/generate.py`` with N commitments (10⁴ by default), one period, 3
scenarios, two resources, 0.15·N relations (requires without lag, excludes, at_most). It is
written twice: ``problem.toml`` (every option in ``[[commitments.options]]``) and
``tables.toml`` + ``options.csv`` (``[[tables]]``). Paths, each from the file to an MPS file:

* engine, TOML: ``optimizer.spec.load`` + compile + ``write_model`` (what ``optimizer export
  --mps`` runs, in this process);
* engine, CSV: the same on ``tables.toml``;
* baseline: ``tomllib.load`` of ``problem.toml`` + a PuLP model written as a PuLP user would
  (one ``LpVariable`` per option, ``lpSum`` rows) + ``prob.writeMPS``.

Before timing, the three MPS files are read back by HiGHS and their LP relaxations solved: the
same optimum. Rounds alternate the order; median, min-max and the load average are printed,
and the engine's time is split into load (read, parse, check) and compile + write.

    python benchmarks/bench_files.py --n 10000 --rounds 5
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from problems.generate import generate  # noqa: E402


def _num(x: float) -> str:
    return repr(float(x))


def write_files(n: int, folder: Path) -> None:
    from optimizer.spec.csvwrite import options_csv

    spec = generate(n, years=1, seed=1)
    spec = dataclasses.replace(
        spec, relations=tuple(dataclasses.replace(r, lag=None) for r in spec.relations)
    )
    head = [f'[problem]\nname = "{spec.name}"\n']
    for s in spec.scenarios:
        head.append(f'[[scenarios]]\nid = "{s.id}"\nprobability = {_num(s.probability)}\n')
    for r in spec.resources:
        head.append(f'[[resources]]\nid = "{r.id}"\ncapacity = {_num(r.capacity[0])}\n')
    rel = []
    for r in spec.relations:
        if r.type == "requires":
            rel.append(f'[[relations]]\ntype = "requires"\na = "{r.a}"\nb = "{r.b}"\n')
        else:
            ms = ", ".join(f'"{m}"' for m in r.members)
            cnt = f"count = {r.count}\n" if r.count is not None else ""
            rel.append(f'[[relations]]\ntype = "{r.type}"\nmembers = [{ms}]\n{cnt}')
    body = []
    for c in spec.commitments:
        body.append(f'[[commitments]]\nid = "{c.id}"\n')
        for o in c.options:
            use = ", ".join(f"{k} = {_num(v)}" for k, v in o.use.items())
            val = ", ".join(f"{k} = {_num(v)}" for k, v in o.value.items())
            body.append(
                f'[[commitments.options]]\nid = "{o.id}"\nuse = {{ {use} }}\nvalue = {{ {val} }}\n'
            )
    (folder / "problem.toml").write_text("\n".join(head + body + rel))
    tables = '[[tables]]\nfile = "options.csv"\n'
    (folder / "tables.toml").write_text("\n".join([*head, tables, *rel]))
    rids, sids = [r.id for r in spec.resources], [s.id for s in spec.scenarios]
    (folder / "options.csv").write_text(options_csv(spec.commitments, rids, sids))


def engine(path: Path, out: Path) -> tuple[float, float]:
    from optimizer import api
    from optimizer.export import write_model
    from optimizer.spec import load

    t0 = time.perf_counter()
    spec = load(path)
    t1 = time.perf_counter()
    write_model(api.compile(spec), out)
    return t1 - t0, time.perf_counter() - t1


def pulp_path(path: Path, out: Path) -> tuple[float, float]:
    """tomllib + PuLP as its users write it + writeMPS."""
    import pulp

    t0 = time.perf_counter()
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    t1 = time.perf_counter()
    prob_of = {s["id"]: s["probability"] for s in doc["scenarios"]}
    prob = pulp.LpProblem("bench", pulp.LpMaximize)
    x, of_c = {}, {}
    use: dict[str, list] = {r["id"]: [] for r in doc["resources"]}
    obj = []
    for c in doc["commitments"]:
        for o in c["options"]:
            v = pulp.LpVariable(f"x_{c['id']}_{o['id']}", cat=pulp.LpBinary)
            x[c["id"], o["id"]] = v
            of_c.setdefault(c["id"], []).append(v)
            obj.append(sum(prob_of[s] * a for s, a in o.get("value", {}).items()) * v)
            for r, a in o.get("use", {}).items():
                use[r].append(a * v)
    prob += pulp.lpSum(obj)
    for cid, vs in of_c.items():
        if len(vs) > 1:
            prob += pulp.lpSum(vs) <= 1, f"choice_{cid}"
    for r in doc["resources"]:
        prob += pulp.lpSum(use[r["id"]]) <= r["capacity"], f"res_{r['id']}"

    def members(m: str):
        c, _, o = m.partition(".")
        return of_c[c] if not o else [x[c, o]]

    for k, r in enumerate(doc.get("relations", [])):
        if r["type"] == "requires":
            prob += pulp.lpSum(members(r["a"])) <= pulp.lpSum(members(r["b"])), f"rel{k}"
            continue
        expr = pulp.lpSum(v for m in r["members"] for v in members(m))
        prob += expr <= (1 if r["type"] == "excludes" else r["count"]), f"rel{k}"
    prob.writeMPS(str(out))
    return t1 - t0, time.perf_counter() - t1


def lp_optimum(mps: Path) -> float:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(mps))
    lp = h.getLp()
    lp.integrality_ = []
    h.passModel(lp)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)  # PuLP's MPS does not keep the sense
    h.run()
    return abs(h.getInfo().objective_function_value)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write_files(args.n, d)
        sizes = {p: (d / p).stat().st_size for p in ("problem.toml", "tables.toml", "options.csv")}
        print(f"{args.n:,} commitments; file sizes: {sizes}")
        paths = {
            "engine TOML": lambda: engine(d / "problem.toml", d / "a.mps"),
            "engine CSV": lambda: engine(d / "tables.toml", d / "b.mps"),
            "tomllib+PuLP": lambda: pulp_path(d / "problem.toml", d / "c.mps"),
        }
        for fn in paths.values():
            fn()  # warm-up, and the files to check
        opt = [lp_optimum(d / f) for f in ("a.mps", "b.mps", "c.mps")]
        assert max(opt) - min(opt) <= 1e-6 * max(1.0, max(opt)), opt
        print(f"check: the three MPS files have the same LP optimum {opt[0]:.6f}")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in paths}
        order = list(paths)
        for r in range(args.rounds):
            for k in order if r % 2 == 0 else order[::-1]:
                gc.collect()
                times[k].append(paths[k]())
        total = {k: [a + b for a, b in v] for k, v in times.items()}
        print(
            f"\n{args.rounds} rounds, seconds (median, min-max; first part = read+parse[+check]):"
        )
        for k, v in times.items():
            t = total[k]
            print(
                f"  {k:13s} {statistics.median(t):7.3f} ({min(t):.3f}-{max(t):.3f})  "
                f"load/parse {statistics.median(a for a, _ in v):.3f}  "
                f"build+write {statistics.median(b for _, b in v):.3f}"
            )
        base = total["tomllib+PuLP"]
        for k in ("engine TOML", "engine CSV"):
            q = [b / a for a, b in zip(total[k], base, strict=True)]
            print(f"  tomllib+PuLP / {k}: {statistics.median(q):.2f}x ({min(q):.2f}-{max(q):.2f})")
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
