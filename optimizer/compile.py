"""Compile a ``ProblemSpec`` into a ``MatrixModel`` with NumPy index arrays.

One pass over the options gathers their data into arrays; every matrix entry is then made by
array operations (no Python object per nonzero). Columns are ordered by commitment, option,
start year, so a commitment's or an option's columns form one contiguous range: relations are
compiled from ranges.

The matrix is assembled as CSR blocks of consecutive rows. The choice and resource rows (all
but a few of the nonzeros) come out already in CSR order, so only the small relation and
constraint blocks go through a COO -> CSR conversion; the blocks are then laid end to end.

Here: the entry point. The build itself is in ``compile_build`` (rows), ``compile_layout``
(columns) and ``compile_arrays`` (array helpers); tranches, shifts and criteria are added
around it by ``optimizer.tranches``, ``optimizer.odds`` and ``optimizer.criteria``.
"""

from __future__ import annotations

import gc

from .compile_arrays import expand_ranges
from .compile_build import _compile
from .model import MatrixModel
from .numerics import check_magnitudes
from .spec.bulk import stages
from .spec.model import ProblemSpec

__all__ = ["compile_spec", "expand_ranges"]


def compile_spec(spec: ProblemSpec) -> MatrixModel:
    """Build the expected-value ``MatrixModel`` of a validated problem.

    The cyclic garbage collector is paused meanwhile (and restored, also on error): the
    compile makes many short-lived tuples and lists but no cycles, and every collection it
    would trigger walks all the objects of a large spec.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        if 2 in stages(spec.commitments):
            from .tranches import compile_tranches

            model = compile_tranches(spec)
        else:
            model = _compile(spec)
        if spec.shifts or any(s.baseline for s in spec.scenarios):
            from .errors import InputError
            from .odds import apply_shifts

            try:
                model = apply_shifts(model, spec)
            except InputError as e:  # a response the odds multiply: named in its problem
                raise e.located(spec.name) from None
        if spec.criteria:  # scores -> one coefficient column per criterion
            from .criteria import attach_criteria

            model = attach_criteria(spec, model)
    finally:
        if enabled:
            gc.enable()
    return check_magnitudes(model, where=spec.name)  # numbers the solvers cannot take: exit 2
