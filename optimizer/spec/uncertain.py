"""Uncertain inputs: a number of the problem format given as a distribution.

Any number the format accepts as an input (a value, a use, a capacity, a probability, a
response's value or bounds, a parameter) may instead be a table::

    value = { dist = "triangular", low = 2, mode = 5, high = 9 }
    use = { fiscal = { dist = "lognormal", median = 10.4, low = 7.3, high = 26, group = "dome" } }
    probability = { dist = "uniform", low = 0.03, high = 0.20 }

and the scenario probabilities as a whole may vary around the stated ones::

    [uncertainty]
    probabilities = { dist = "dirichlet", concentration = 50 }

``solve`` and every other analysis use the *point value* of each distribution; Monte Carlo
samples them. The point value is the mode (triangular, pert), the mean (uniform, normal: the
``mean`` parameter, also when truncated) or the median (lognormal), unless ``point = x`` is
given (it must lie in the distribution's range).

Lognormal: ``median``, and ``low``/``high`` as the 5th and 95th percentiles. The median is kept
exactly; sigma is fitted to the *wider* side of the interval in log space,
``sigma = max(ln(high/median), ln(median/low)) / 1.6449``, so an asymmetric interval is
matched exactly on its wider side and comes out wider than stated on the other (never
narrower than stated). ``implied_interval`` gives the resulting P5 and P95.

Correlation: one distribution sets every spec number it stands for (a value given as one
number for all scenarios sets every scenario's entry; a capacity given as one number sets
every year) to the same draw. Distributions that share a ``group`` name use the same random
quantile in each draw (comonotonic: perfectly rank-correlated), e.g. one cost-overrun factor
over the years of a profile. Everything else is independent.

Each uncertain input is recorded on the spec (``ProblemSpec.uncertain``) as an ``Uncertain``:
the document path where it is written and the *spec locations* it sets, such as
``commitments[2].options[1].value.bad`` or ``resources[0].capacity[3]`` (period index).
``with_values(spec, {location: number})`` gives the spec with those numbers replaced.

The parts: ``distributions`` (the tables and their checks), ``uncertain_targets`` (where an
input lands in the spec), ``spec_values`` (numbers read and written by location),
``sampling`` (the draws); all re-exported here.
"""

from __future__ import annotations

from .distributions import (  # noqa: F401
    _ALL_PARAMS,
    _FLOAT_MAX,
    _PARAMS,
    COMMON_KEYS,
    KINDS,
    Z95,
    Distribution,
    _fmt,
    _pdf,
    is_distribution,
    parse_distribution,
)
from .sampling import Draws, sample_inputs
from .spec_values import (  # noqa: F401
    _LOC,
    _missing,
    _parse_location,
    value_at,
    with_values,
)
from .uncertain_targets import (  # noqa: F401
    _DOC_PATTERNS,
    _I,
    _ID,
    _OPT,
    Uncertain,
    _suffix,
    attach,
    targets_of,
)

__all__ = [
    "KINDS",
    "Distribution",
    "Draws",
    "Uncertain",
    "attach",
    "is_distribution",
    "parse_distribution",
    "sample_inputs",
    "targets_of",
    "value_at",
    "with_values",
]
