"""Readers for OR-Library multidimensional knapsack files into ``ProblemSpec`` objects.

Formats (see ``shared/data/README.md``):

* ``mknap1``/``mknapcb``: K; then per problem ``n m opt``, n profits, m rows of n weights,
  m capacities (whitespace separated, free line breaks).
* ``mknap2`` (SAC-94): blocks starting ``problem NAME.DAT``; ``m n``, n profits,
  m capacities, m rows of n weights, the optimum; ``//`` starts a comment.

Each item becomes a commitment with one option; each knapsack row a ``total`` resource.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from optimizer.errors import InputError
from optimizer.spec.model import Commitment, Option, ProblemSpec, Resource
from optimizer.spec.validate import check_spec


@dataclass(frozen=True)
class Instance:
    name: str
    profits: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]  # m rows of n
    capacities: tuple[float, ...]
    optimum: float | None  # published optimum (or best known), None if not given

    @property
    def n(self) -> int:
        return len(self.profits)

    @property
    def m(self) -> int:
        return len(self.capacities)

    def to_spec(self) -> ProblemSpec:
        resources = tuple(
            Resource(id=f"c{i + 1}", capacity=(float(c),), kind="total")
            for i, c in enumerate(self.capacities)
        )
        commitments = tuple(
            Commitment(
                id=f"item{j + 1}",
                options=(
                    Option(
                        id="yes",
                        use={
                            f"c{i + 1}": float(self.weights[i][j])
                            for i in range(self.m)
                            if self.weights[i][j]
                        },
                        value=float(self.profits[j]),
                    ),
                ),
            )
            for j in range(self.n)
        )
        name = re.sub(r"[^A-Za-z0-9_\-]", "-", self.name)
        return check_spec(
            ProblemSpec(
                name=name,
                title=f"OR-Library multidimensional knapsack {self.name}",
                commitments=commitments,
                resources=resources,
                source="OR-Library (J.E. Beasley)",
            )
        )


def _numbers(text: str, where: str) -> list[float]:
    out = []
    for tok in text.split():
        try:
            out.append(float(tok))
        except ValueError:
            raise InputError(f"expected a number, got '{tok}'", where=where) from None
    return out


def read_mknap1(path: str | Path) -> list[Instance]:
    """mknap1.txt and mknapcb*.txt (the optimum field is 0 in mknapcb: None here)."""
    path = Path(path)
    nums = _numbers(path.read_text(), str(path))
    pos = 0

    def take(k: int) -> list[float]:
        nonlocal pos
        if pos + k > len(nums):
            raise InputError("the file ends in the middle of a problem", where=str(path))
        out = nums[pos : pos + k]
        pos += k
        return out

    (k,) = take(1)
    out = []
    for i in range(int(k)):
        n, m, opt = take(3)
        n, m = int(n), int(m)
        profits = take(n)
        weights = tuple(tuple(take(n)) for _ in range(m))
        caps = take(m)
        out.append(
            Instance(
                f"{path.stem}-{i + 1}",
                tuple(profits),
                weights,
                tuple(caps),
                opt if opt > 0 else None,
            )
        )
    return out


def read_mknap2(path: str | Path) -> list[Instance]:
    """The SAC-94 file (48 instances); a name that appeared twice would be kept once."""
    path = Path(path)
    text = path.read_text()
    blocks = re.split(r"^\s*problem\s+(\S+)\s*$", text, flags=re.M | re.I)
    out: dict[str, Instance] = {}
    for name, body in zip(blocks[1::2], blocks[2::2], strict=True):
        clean = "\n".join(
            line.split("//")[0] for line in body.splitlines() if not line.strip().startswith("+")
        )
        nums = _numbers(clean, f"{path}:{name}")
        m, n = int(nums[0]), int(nums[1])
        need = 2 + n + m + m * n + 1
        if len(nums) < need:
            raise InputError(
                f"problem {name}: expected {need} numbers, got {len(nums)}", where=str(path)
            )
        p = 2
        profits = nums[p : p + n]
        p += n
        caps = nums[p : p + m]
        p += m
        weights = tuple(tuple(nums[p + i * n : p + (i + 1) * n]) for i in range(m))
        p += m * n
        opt = nums[p]
        key = name.upper().removesuffix(".DAT")
        out.setdefault(key, Instance(key, tuple(profits), weights, tuple(caps), opt))
    return list(out.values())


def read_best_known(path: str | Path, prefix: str = "5.100-") -> dict[int, float]:
    """Best-known values from ``mknapcb_best_feasible_slns.txt``: ``{index: value}``."""
    out: dict[int, float] = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if parts and parts[0].startswith(prefix):
            try:
                idx = int(parts[0][len(prefix) :])
                out.setdefault(idx, float(parts[1]))  # the second table holds LP bounds
            except (ValueError, IndexError):
                continue
    return out
