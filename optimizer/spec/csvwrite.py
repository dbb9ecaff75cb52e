"""Write commitments as a CSV options table (the ``[[tables]]`` form), for large problems.

The inverse of the table reader: one row per option, ``use.<resource>`` and
``value.<scenario>`` columns (a profile as ``a;b;c``), ``start_earliest``/``start_latest``.
Numbers are written with ``repr`` so they read back exactly.
"""

from __future__ import annotations

import csv
import io


def writable(c) -> bool:
    """Whether a commitment has nothing the table form cannot hold (criteria scores included)."""
    no_scores = not any(getattr(o, "scores", None) for o in c.options)
    return c.stage == 1 and not c.description and not c.source and no_scores


def _cell(x) -> str:
    if isinstance(x, tuple):
        return ";".join(repr(float(v)) for v in x)
    return repr(float(x))


def options_csv(commitments, resources: list[str], scenarios: list[str]) -> str:
    """The table of ``commitments``' options; raises ``ValueError`` for one it cannot hold."""
    head = ["commitment", "option", "name", "description", "source", "commitment_name", "group"]
    head += ["required", "value_per_year", "start_earliest", "start_latest"]
    head += [f"use.{r}" for r in resources] + [f"value.{s}" for s in scenarios]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for c in commitments:
        if not writable(c):
            raise ValueError(f"commitment '{c.id}' has fields a CSV table cannot hold")
        for o in c.options:
            start = ("", "") if o.start is None else (str(o.start[0]), str(o.start[1]))
            w.writerow(
                [c.id, o.id, o.name, o.description, o.source, c.name, c.group]
                + ["true" if c.required else "", "true" if o.value_per_year else "", *start]
                + [_cell(o.use[r]) if r in o.use else "" for r in resources]
                + [_cell(o.value[s]) if s in o.value else "" for s in scenarios]
            )
    return out.getvalue()
