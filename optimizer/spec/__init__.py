"""Problem description: the immutable ``ProblemSpec`` and how it is read and checked.

This layer imports nothing else of the engine.
"""

from .load import bundled_names, load, load_document
from .model import Commitment, Member, Option, ProblemSpec, Relation, Resource, Scenario
from .validate import check_spec

__all__ = [
    "Commitment",
    "Member",
    "Option",
    "ProblemSpec",
    "Relation",
    "Resource",
    "Scenario",
    "bundled_names",
    "check_spec",
    "load",
    "load_document",
]
