"""Infeasibility diagnosis as an analysis: the elastic re-solve lives in
``optimizer.infeasibility`` (below the analyses, since the solve path raises with it)."""

from ..infeasibility import (  # noqa: F401
    FIXED_KINDS,
    RELATION_KINDS,
    SLACK_TOL,
    Diagnosis,
    Relaxation,
    diagnose,
)
