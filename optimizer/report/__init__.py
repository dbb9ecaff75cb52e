"""Output: text tables, JSON, CSV, Markdown/HTML reports, plots, workbooks and DataFrames.

``optimizer.report(problem, path)`` is the report function of the public API, and
``optimizer.report`` is also this package: once a submodule is imported (``optimizer.report.
frames``), the import system binds the package to that name, so the package itself is callable
and calls ``report.build.report``.
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from .build import report

        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
