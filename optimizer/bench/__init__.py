"""Benchmark runs: instances x solvers, with statuses normalised across solvers.

``discover(SET)`` turns what the user names into ``Instance`` objects:

* a bundled problem name, or one problem file (TOML/JSON);
* one MPS/LP file, read through highspy (``optimizer.mpsio``);
* an OR-Library multidimensional knapsack file (``mknap1``/``mknapcb*`` or ``mknap2``): the
  optima printed in the file are known optima; for ``mknapcbK`` the best-known values come from
  ``mknapcb_best_feasible_slns.txt`` in the same folder;
* a folder of any of these; an ``optima.csv`` in the folder (``name,optimal_objective,...``)
  gives known optima for the files named in it.

``run(instances, solvers, ...)`` solves every instance with every solver ``repeat`` times,
each run in a fresh worker process (forked from a clean server process), so that the peak
resident memory of a run can be measured: the worker's own peak (``VmHWM``, reset at the start
of the run) or that of the solver process it waited on (CBC runs as a child of the worker),
whichever is larger. ``memory="tracemalloc"`` runs in-process instead and reports the peak of
Python-level allocations (NumPy arrays, PuLP objects; not a solver's native memory).

A run that stops at its time limit is never reported as ``optimal``: ``normalise`` demotes a
solver's "optimal" when its own status text, or an unclosed gap at the limit, says it stopped.

The package: ``instances`` (what a benchmark set names), ``runs`` (one solve, in its own
process), ``suite`` (every instance with every solver: the rows), ``tables`` (CSV/JSON/Markdown
and the summary), ``outputs`` (the files and plots). The project's own measurement scripts are
in ``benchmarks/``; they use this package."""

from .instances import (  # noqa: F401
    MATCH_TOL,
    MKNAPCB_PREFIX,
    ORLIB_SUFFIXES,
    PROBLEM_SUFFIXES,
    Instance,
    _file_instance,
    _orlib_instances,
    _orlib_kind,
    _problem_instance,
    _spec_instance,
    discover,
    read_optima,
)
from .outputs import (  # noqa: F401
    PlotsUnavailable,
    command_line,
    performance_profile,
    plot,
    plotting_available,
    write_outputs,
)
from .runs import (  # noqa: F401
    _CTX,
    MEMORY_METHODS,
    WORKER_GRACE_S,
    Run,
    _context,
    _peak_rss_mib,
    _reset_peak_rss,
    _worker,
    normalise,
    solve_isolated,
    solve_once,
)
from .suite import (  # noqa: F401
    COLUMNS,
    Row,
    _row,
    _verify,
    gap_to_known,
    run,
)
from .tables import (  # noqa: F401
    MEMORY_NOTES,
    TABLE_COLUMNS,
    _f,
    _num,
    machine_info,
    shifted_geomean,
    summary,
    table_rows,
    to_csv,
    to_json,
    to_markdown,
)
