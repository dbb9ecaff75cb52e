"""The model of a draw as the base model plus exact linear deltas (see the package doc)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import InputError, SolverError

TOL = 1e-6  # relative: ties, LP-bound proofs, checks (the engine's default MIP gap)


def _tol(x: float) -> float:
    return TOL * max(1.0, abs(x))


# ---- the model as a linear function of the inputs ---------------------------------------


@dataclass(eq=False)
class LinearModel:
    """The base model plus, per input, its exact change per unit (sparse, ``K`` inputs).

    The constraint matrix is kept on the union of the nonzero patterns (``rows``, ``cols``,
    ``data0``); ``dA`` has one row per union entry and one column per input, and likewise
    ``dC`` (rows: ``n * S`` entries of ``C``), ``dRL``/``dRU`` (rows), ``dCL``/``dCU``
    (columns).
    """

    base: Any  # MatrixModel at the point values, expected-value objective
    inputs: tuple[int, ...]  # index in spec.uncertain of each non-probability input
    v0: np.ndarray  # (K,) the spec's number at each input
    rows: np.ndarray
    cols: np.ndarray
    data0: np.ndarray
    dC: Any
    dA: Any
    dRL: Any
    dRU: Any
    dCL: Any
    dCU: Any
    uncertain_p: bool
    compiles: int = 0

    @property
    def K(self) -> int:
        return len(self.inputs)


def _owner(target: str) -> tuple:
    """What an input's effect is confined to (see ``linearize``)."""
    if target.startswith("commitments["):
        c = target.split("]")[0].split("[")[1]
        o = target.split(".options[")[1].split("]")[0]
        return ("opt", int(c), int(o))
    if target.startswith("responses["):
        return ("resp", int(target.split("]")[0].split("[")[1]))
    if target.startswith("resources["):
        return ("cap",)
    return ("param",)


def _rounds(owners: list[tuple]) -> list[list[int]]:
    """Group inputs so that no two in a round can change the same number of the model."""
    rounds: list[list[int]] = []
    taken: list[set] = []
    for k, ow in enumerate(owners):
        for r, used in enumerate(taken):
            if ow[0] == "param" or "param" in used:
                continue
            if ow in used:
                continue
            rounds[r].append(k)
            used.add(ow)
            if ow[0] == "param":
                used.add("param")
            break
        else:
            rounds.append([k])
            taken.append({ow, "param"} if ow[0] == "param" else {ow})
    return rounds


def _same_structure(a, b) -> bool:
    return (
        a.A.shape == b.A.shape
        and a.C.shape == b.C.shape
        and np.array_equal(a.row_kind, b.row_kind)
        and np.array_equal(a.row_label, b.row_label)
        and np.array_equal(a.integrality, b.integrality)
    )


def _col_owner(model) -> list[tuple | None]:
    out: list[tuple | None] = []
    for j in range(model.n):
        if model.col_commitment[j] >= 0:
            out.append(("opt", int(model.col_commitment[j]), int(model.col_option[j])))
        elif model.col_response is not None and model.col_response[j] >= 0:
            out.append(("resp", int(model.col_response[j])))
        else:
            out.append(None)
    return out


def linearize(spec) -> LinearModel:
    """Compile ``spec`` at its point values and find every input's exact linear effect."""
    from scipy import sparse

    from ...compile import compile_spec
    from ...spec.uncertain import value_at

    base = compile_spec(spec)
    # baselines and amounts enter the objective only as a constant here (no shifts): see
    # montecarlo.baseline_offsets
    ins = [k for k, u in enumerate(spec.uncertain) if not (u.is_probability or u.is_odds)]
    v0 = np.zeros(len(ins))
    for i, k in enumerate(ins):
        u = spec.uncertain[k]
        vals = {value_at(spec, t) for t in u.targets}
        if len(vals) != 1:
            raise InputError(
                "the numbers this distribution sets differ from each other (changed after "
                "loading?)",
                path=u.path,
            )
        v0[i] = vals.pop()
    n, S = base.C.shape
    owners = [_owner(spec.uncertain[k].targets[0]) for k in ins]
    col_owner = _col_owner(base)
    base_coo = base.A.tocoo()
    entries: dict[tuple[int, int], int] = {
        (int(i), int(j)): e for e, (i, j) in enumerate(zip(base_coo.row, base_coo.col, strict=True))
    }
    data0 = list(base_coo.data)
    tC: list[tuple[int, int, float]] = []  # (entry, input, per unit)
    tA: list[tuple[int, int, float]] = []
    tRL: list[tuple[int, int, float]] = []
    tRU: list[tuple[int, int, float]] = []
    tCL: list[tuple[int, int, float]] = []
    tCU: list[tuple[int, int, float]] = []
    compiles = 1

    def moved(round_: list[int], scale: float):
        values, steps = {}, {}
        for i in round_:
            h = scale * max(1.0, abs(v0[i]))
            steps[i] = h
            for t in spec.uncertain[ins[i]].targets:
                values[t] = v0[i] + h
        return spec.with_values(values), steps

    for round_ in _rounds(owners):
        try:
            sp, steps = moved(round_, 1.0)
        except InputError:
            sp, steps = moved(round_, -1.0)
        m = compile_spec(sp)
        compiles += 1
        if not _same_structure(base, m):
            k = ins[round_[0]] if len(round_) == 1 else None
            where = spec.uncertain[k].path if k is not None else "uncertain inputs"
            raise InputError(
                "changing this number changes the model's structure (rows or columns), so it "
                "cannot be sampled by re-solving one model; give the number as one distribution "
                "for every scenario, or keep it fixed",
                path=where,
            )
        by_owner = {owners[i]: i for i in round_}
        cap = [i for i in round_ if owners[i][0] == "cap"]
        param = [i for i in round_ if owners[i][0] == "param"]

        def who(j: int, round_=round_, by_owner=by_owner, param=param) -> int:
            if param:
                return param[0]
            i = by_owner.get(col_owner[j])
            if i is None:
                raise SolverError(
                    f"internal: column {base.col_name(j)} changed in a round that does not own it"
                )
            return i

        dCm = m.C - base.C
        for j, s in zip(*np.nonzero(dCm), strict=True):
            i = who(int(j))
            tC.append((int(j) * S + int(s), i, dCm[j, s] / steps[i]))
        dAm = (m.A - base.A).tocoo()
        for r, j, v in zip(dAm.row, dAm.col, dAm.data, strict=True):
            if v == 0:
                continue
            i = who(int(j))
            e = entries.get((int(r), int(j)))
            if e is None:
                e = entries[(int(r), int(j))] = len(data0)
                data0.append(0.0)
            tA.append((e, i, v / steps[i]))
        for lst, new, old in (
            (tRL, m.row_lower, base.row_lower),
            (tRU, m.row_upper, base.row_upper),
        ):
            fin = np.isfinite(old)
            if not np.array_equal(fin, np.isfinite(new)):
                raise SolverError("internal: a row bound became infinite")
            for r in np.nonzero(fin & (new != old))[0]:
                owner = param or cap
                if len(owner) != 1:
                    raise SolverError("internal: a row bound changed in a round without one owner")
                i = owner[0]
                lst.append((int(r), i, (new[r] - old[r]) / steps[i]))
        for lst, new, old in (
            (tCL, m.col_lower, base.col_lower),
            (tCU, m.col_upper, base.col_upper),
        ):
            fin = np.isfinite(old)
            for j in np.nonzero(fin & (new != old))[0]:
                i = who(int(j))
                lst.append((int(j), i, (new[j] - old[j]) / steps[i]))
        if param:  # a parameter may be multiplied or divided: check linearity with a 2nd step
            sp2, _ = moved(round_, 2.0 if steps[param[0]] > 0 else -2.0)
            m2 = compile_spec(sp2)
            compiles += 1
            i = param[0]

            def moves(a, b):
                f = np.isfinite(b)
                return np.where(f, a - np.where(f, b, 0.0), 0.0)

            lin = _same_structure(base, m2) and np.allclose(
                (m2.A - base.A).toarray(), 2.0 * (m.A - base.A).toarray(), rtol=1e-9, atol=1e-12
            )
            for new2, new1, old in (
                (m2.row_lower, m.row_lower, base.row_lower),
                (m2.row_upper, m.row_upper, base.row_upper),
            ):
                lin = lin and np.allclose(moves(new2, old), 2.0 * moves(new1, old))
            if not lin:
                raise InputError(
                    "this parameter does not enter the constraints linearly (it multiplies "
                    "itself or another parameter, or divides), so it cannot be sampled here",
                    path=spec.uncertain[ins[i]].path,
                )

    K = len(ins)

    def mat(trip, n_rows):
        if not trip:
            return sparse.csr_matrix((n_rows, K))
        r, c, v = zip(*trip, strict=True)
        out = sparse.csr_matrix((v, (r, c)), shape=(n_rows, K))
        out.sum_duplicates()
        return out

    rows = np.array([k[0] for k in entries], dtype=np.int64)
    cols = np.array([k[1] for k in entries], dtype=np.int64)
    order = np.array(list(entries.values()), dtype=np.int64)
    r_sorted = np.empty_like(rows)
    c_sorted = np.empty_like(cols)
    r_sorted[order] = rows
    c_sorted[order] = cols
    return LinearModel(
        base=base,
        inputs=tuple(ins),
        v0=v0,
        rows=r_sorted,
        cols=c_sorted,
        data0=np.asarray(data0, dtype=float),
        dC=mat(tC, n * S),
        dA=mat(tA, len(data0)),
        dRL=mat(tRL, base.m),
        dRU=mat(tRU, base.m),
        dCL=mat(tCL, n),
        dCU=mat(tCU, n),
        uncertain_p=any(u.is_probability for u in spec.uncertain),
        compiles=compiles,
    )
