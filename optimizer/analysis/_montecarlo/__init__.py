"""Internals of ``optimizer.analysis.montecarlo``: the linear model of a draw, the worker loop
and the result types."""
