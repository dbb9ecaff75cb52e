"""What would it take: the change in an option's value, the same in every scenario, that
brings it into the optimal package or drops it -- read off the envelope of the option's
classes (``Session.classes``), without a further solve once the classes are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.resolve import envelope_walk

from .proven import watch
from .sensitivity_params import unit_value_direction
from .sensitivity_results import Threshold

if TYPE_CHECKING:
    from .sensitivity_session import Session


def threshold(ses: Session, ci: int, oi: int) -> Threshold:
    """The change in the option's value, the same in every scenario, that brings it into
    the optimal package (not chosen) or drops it (chosen): the first breakpoint, in the
    favourable direction, where the class on top switches between 'with' and 'without'."""
    spec = ses.spec
    before, proven = ses.run.solves, watch(ses)
    _cols, w, basis = unit_value_direction(spec, ses.model, ci, oi)
    label = f"{spec.commitments[ci].id}.{spec.commitments[ci].options[oi].id}"
    oc = ses.classes(ci, oi)
    chosen = oc.base_class is not None
    lines, keys = ses.class_lines(oc, w)  # one unit in every scenario: sum(p) = 1
    # favourable direction: up for an option not chosen (maximisation), down for a chosen
    direction = ses.sigma * (-1.0 if chosen else 1.0)
    d, i = envelope_walk(lines, 0, direction, stop=lambda i: (keys[i][0] is None) == chosen)
    return Threshold(
        option=label,
        chosen=chosen,
        change=None if i is None else d,
        unit=spec.value_unit,
        basis=basis,
        package=None if i is None else ses.pk.change(ses.key0, keys[i][1]),
        solves=ses.run.solves - before,
        proven=proven(),
    )
