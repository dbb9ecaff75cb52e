"""``to_frames``/``to_frame``/``_repr_html_`` for the result classes (solve and every analysis).

A thin base class: the work is in ``optimizer.report.frames``, imported only when a method is
called (pandas too), so results stay light to import and to pickle.
"""

from __future__ import annotations

from typing import Any


class Frames:
    """Results as tidy pandas tables, and as HTML tables in Jupyter."""

    __slots__ = ()

    def to_frames(self) -> dict[str, Any]:
        """Every table of this result as a pandas DataFrame, by name (needs pandas)."""
        from .report.frames import to_frames

        return to_frames(self)

    def to_frame(self, name: str | None = None) -> Any:
        """One table (``name``; by default the main one) as a pandas DataFrame."""
        from .report.frames import to_frame

        return to_frame(self, name)

    def _repr_html_(self) -> str:
        from .report.frames import to_html

        return to_html(self)
