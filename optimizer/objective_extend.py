"""Appending a reformulation's auxiliary columns and ``risk`` rows to a ``MatrixModel`` (shared
by the risk, criteria and shifted-odds objectives)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the parse module imports the criteria objective, which imports this
    from .objective_parse import Objective


def _levels(model) -> np.ndarray:
    """Each scenario's constant (baseline) in the model's values: ``v_s = C_s x + this``."""
    if model.scenario_offset is None:
        return np.full(model.C.shape[1], float(model.objective_offset))
    return np.asarray(model.scenario_offset, dtype=float)


def _extend(model, objective: Objective, c_old, names, lower, upper, c_aux, rows, maximize):
    """Append aux columns (bounds, costs, names) and risk rows ``(A_block, lo, up, labels)``."""
    from scipy import sparse

    k = len(names)
    n = model.n
    A_old = sparse.hstack([model.A, sparse.csr_matrix((model.m, k))], format="csr")
    blocks, lo, up, labels = [A_old], [model.row_lower], [model.row_upper], []
    for block, b_lo, b_up, lab in rows:
        blocks.append(sparse.csr_matrix(block))
        lo.append(np.asarray(b_lo, float))
        up.append(np.asarray(b_up, float))
        labels.extend(lab)
    A = sparse.vstack(blocks, format="csr")
    A.eliminate_zeros()
    n_new = len(labels)
    kind = np.concatenate([model.row_kind, np.full(n_new, "risk", dtype=object)])
    label = np.concatenate([model.row_label, np.array(labels, dtype=object)])
    neg = np.full(k, -1, dtype=model.col_commitment.dtype)
    extra = {}
    for name in ("col_response", "col_scenario"):  # two-stage models: aux columns are neither
        arr = getattr(model, name, None)
        if arr is not None:
            extra[name] = np.concatenate([arr, np.full(k, -1, dtype=arr.dtype)])
    return replace(
        model,
        c=np.concatenate([np.asarray(c_old, float), np.asarray(c_aux, float)]),
        A=A,
        row_lower=np.concatenate(lo),
        row_upper=np.concatenate(up),
        col_lower=np.concatenate([model.col_lower, np.asarray(lower, float)]),
        col_upper=np.concatenate([model.col_upper, np.asarray(upper, float)]),
        integrality=np.concatenate([model.integrality, np.zeros(k, dtype=bool)]),
        maximize=maximize,
        C=np.vstack([model.C, np.zeros((k, model.C.shape[1]))]),
        row_kind=kind,
        row_label=label,
        col_commitment=np.concatenate([model.col_commitment, neg]),
        col_option=np.concatenate([model.col_option, neg]),
        col_start=np.concatenate([model.col_start, neg]),
        aux_names=tuple(model.aux_names) + tuple(names),
        objective=str(objective),
        meta={**model.meta, "objective": str(objective), "base_columns": n},
        **extra,
    )
