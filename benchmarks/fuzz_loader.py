"""A longer fuzz of the loader and of ``--set`` overrides than the test suite runs.

It drives the strategies of ``tests/test_fuzz.py`` (mutated documents, mutated bytes, ``--set``
overrides of the bundled problems) with many more cases and fresh randomness, and reports how
many cases it tried, how many loaded, how many distinct error messages it saw (raw, and as
templates with numbers and quoted values blanked out), and every case that raised anything
but an ``InputError`` (each a bug; the first example of each kind is printed).

Run:  python benchmarks/fuzz_loader.py [--cases 20000] [--seed N] [--show 10]
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_fuzz import (  # noqa: E402
    BUNDLED,
    DOC_OPS,
    TEXT_OPS,
    check_document,
    check_overrides,
    check_text,
)


def template(message: str) -> str:
    """A message with its particulars blanked: the location (file, ``--set``, the path in the
    document: the leading ``: ``-separated parts without a space), quoted text and numbers."""
    parts = message.split(": ")
    while len(parts) > 1 and " " not in parts[0]:
        parts.pop(0)
    t = re.sub(r"'[^']*'", "'…'", ": ".join(parts))
    t = re.sub(r"\[\d+\]", "[i]", t)
    return re.sub(r"-?\d+(\.\d+)?(e[+-]?\d+)?", "N", t)


class Tally:
    def __init__(self) -> None:
        self.cases = collections.Counter()
        self.loaded = collections.Counter()
        self.messages: collections.Counter = collections.Counter()
        self.crashes: dict[str, tuple[int, str]] = {}

    def run(self, kind: str, fn) -> None:
        self.cases[kind] += 1
        try:
            msg = fn()
        except Exception as e:  # record and go on: the point is to find them all
            key = f"{type(e).__name__}: {str(e)[:120]}"
            n, tb = self.crashes.get(key, (0, traceback.format_exc()))
            self.crashes[key] = (n + 1, tb)
            return
        if msg is None:
            self.loaded[kind] += 1
        else:
            self.messages[msg] += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20000, help="cases in all (default 20000)")
    ap.add_argument("--seed", type=int, default=None, help="seed (default: random)")
    ap.add_argument("--show", type=int, default=10, help="sample messages to print")
    args = ap.parse_args(argv)
    tally = Tally()
    share = {"documents": 0.45, "bytes": 0.3, "overrides": 0.25}
    cfg = settings(
        max_examples=1,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    @given(
        name=st.sampled_from(BUNDLED),
        ops=st.lists(st.sampled_from(DOC_OPS), min_size=1, max_size=4),
        as_json=st.booleans(),
        data=st.data(),
    )
    def documents(name, ops, as_json, data):
        tally.run("documents", lambda: check_document(name, ops, data, as_json))

    @given(name=st.sampled_from(BUNDLED), op=st.sampled_from(TEXT_OPS), data=st.data())
    def raw_bytes(name, op, data):
        tally.run("bytes", lambda: check_text(name, op, data))

    @given(name=st.sampled_from(BUNDLED), data=st.data())
    def overrides(name, data):
        tally.run("overrides", lambda: check_overrides(name, data))

    t0 = time.perf_counter()
    for kind, test in (("documents", documents), ("bytes", raw_bytes), ("overrides", overrides)):
        n = max(1, int(args.cases * share[kind]))
        run = settings(cfg, max_examples=n)(test)
        if args.seed is not None:
            run = seed(args.seed)(run)
        run()
    elapsed = time.perf_counter() - t0

    total = sum(tally.cases.values())
    print(f"cases tried: {total} in {elapsed:.1f} s ({total / elapsed:.0f}/s)")
    for kind in share:
        print(
            f"  {kind:10s} {tally.cases[kind]:7d} tried, {tally.loaded[kind]:6d} loaded and compiled"
        )
    templates: collections.Counter = collections.Counter()
    for m, n in tally.messages.items():
        templates[template(m)] += n
    print(f"distinct error messages: {len(tally.messages)} ({len(templates)} distinct templates)")
    for t, n in templates.most_common(args.show):
        print(f"  {n:6d}  {t}")
    crashes = sum(n for n, _ in tally.crashes.values())
    print(f"cases that raised anything but an InputError: {crashes} ({len(tally.crashes)} kinds)")
    for key, (n, tb) in sorted(tally.crashes.items(), key=lambda kv: -kv[1][0]):
        print(f"--- {n} x {key}\n{tb}")
    return 1 if tally.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
