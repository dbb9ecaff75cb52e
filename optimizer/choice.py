"""A package's unit: the option chosen for a commitment and its start year (a leaf module that
both the solution's decode and the tranche decode build on)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    """The option chosen for a commitment, and its start year (``None`` if single-period)."""

    commitment: str
    option: str
    start: int | None = None

    def __str__(self) -> str:
        s = f"{self.commitment}.{self.option}"
        return s if self.start is None else f"{s}@{self.start}"

    def to_dict(self) -> dict[str, Any]:
        return {"commitment": self.commitment, "option": self.option, "start": self.start}
