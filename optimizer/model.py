"""The canonical form every solver sees: ``MatrixModel``.

Columns are decision variables (one binary per commitment option and start year, then any
auxiliary columns a reformulation adds); rows are one sparse CSR matrix with lower/upper
bounds, each row tagged with its kind so results can be reported in the analyst's words.
The objective is kept per scenario (``C``, shape ``(n, S)``) with the probabilities ``p``;
``c`` is the vector actually optimised (``C @ p`` for the expected-value objective).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

ROW_KINDS = (
    "choice",  # at most / exactly one option of a commitment
    "budget",  # a per-year resource
    "total",  # a resource limited over the whole horizon
    "requires",
    "excludes",
    "both_or_neither",
    "count",  # at_most / at_least / exactly
    "force",
    "forbid",
    "user",  # general linear constraints
    "risk",  # rows added by a risk reformulation
)


@dataclass(frozen=True, eq=False)
class MatrixModel:
    c: np.ndarray  # (n,) objective actually optimised
    A: Any  # scipy.sparse.csr_matrix (m, n)
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray  # (n,) bool
    maximize: bool
    C: np.ndarray  # (n, S) per-scenario coefficients of the decision columns (0 on aux columns)
    p: np.ndarray  # (S,)
    scenario_ids: tuple[str, ...]
    row_kind: np.ndarray  # (m,) object: one of ROW_KINDS
    row_label: (
        np.ndarray
    )  # (m,) object: what the row stands for ("fiscal 2027", a relation's label)
    col_commitment: np.ndarray  # (n,) int, -1 on auxiliary columns
    col_option: np.ndarray  # (n,) int, option index within its commitment
    col_start: np.ndarray  # (n,) int, start period index
    commitment_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    period_labels: tuple[int | None, ...]
    n_decision: int
    objective: str = "expected"
    objective_offset: float = 0.0
    aux_names: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)
    # responses (second-stage or first-stage continuous/integer quantities), -1 elsewhere
    col_response: np.ndarray | None = None
    col_scenario: np.ndarray | None = None  # the scenario a recourse column belongs to, else -1
    response_ids: tuple[str, ...] = ()
    # each scenario's constant (its baseline, as a level), when it differs by scenario;
    # ``objective_offset`` is then their mean under the base probabilities
    scenario_offset: np.ndarray | None = None

    @property
    def n_commitment_cols(self) -> int:
        """Commitment-option columns come first; responses follow, then auxiliary columns."""
        if self.col_response is None:
            return self.n_decision
        return int(np.count_nonzero(self.col_commitment >= 0))

    @property
    def first_stage_mask(self) -> np.ndarray:
        """Columns decided before the scenario is known (commitments and stage-1 responses)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[: self.n_decision] = True
        if self.col_scenario is not None:
            mask[: self.n_decision] &= self.col_scenario[: self.n_decision] < 0
        return mask

    @property
    def n(self) -> int:
        return int(self.c.shape[0])

    @property
    def m(self) -> int:
        return int(self.A.shape[0])

    @property
    def is_mip(self) -> bool:
        return bool(self.integrality.any())

    def col_name(self, j: int) -> str:
        if j >= self.n_decision:
            return self.aux_names[j - self.n_decision]
        if self.col_response is not None and self.col_response[j] >= 0:
            rid = self.response_ids[int(self.col_response[j])]
            si = int(self.col_scenario[j])
            return rid if si < 0 else f"{rid}[{self.scenario_ids[si]}]"
        ci = int(self.col_commitment[j])
        name = f"{self.commitment_ids[ci]}.{self.option_ids[ci][int(self.col_option[j])]}"
        year = self.period_labels[int(self.col_start[j])]
        return name if year is None else f"{name}@{year}"

    def col_names(self) -> list[str]:
        return [self.col_name(j) for j in range(self.n)]

    def row_name(self, i: int) -> str:
        return f"{self.row_kind[i]}: {self.row_label[i]}"

    def row_names(self) -> list[str]:
        return [self.row_name(i) for i in range(self.m)]

    def with_bounds(
        self, col_lower=None, col_upper=None, row_lower=None, row_upper=None
    ) -> MatrixModel:
        return replace(
            self,
            col_lower=self.col_lower if col_lower is None else col_lower,
            col_upper=self.col_upper if col_upper is None else col_upper,
            row_lower=self.row_lower if row_lower is None else row_lower,
            row_upper=self.row_upper if row_upper is None else row_upper,
        )

    def with_objective(self, c: np.ndarray, objective: str | None = None) -> MatrixModel:
        return replace(self, c=np.asarray(c, dtype=float), objective=objective or self.objective)

    def relaxed(self) -> MatrixModel:
        """The LP relaxation (integrality dropped)."""
        return replace(self, integrality=np.zeros_like(self.integrality))

    def scenario_values(self, x: np.ndarray) -> np.ndarray:
        """Objective per scenario of a solution ``x`` (decision columns only)."""
        off = self.objective_offset if self.scenario_offset is None else self.scenario_offset
        return x[: self.n_decision] @ self.C[: self.n_decision] + off
