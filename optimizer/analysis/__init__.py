"""Analyses over (spec, model, solver) that return plain result dataclasses."""
