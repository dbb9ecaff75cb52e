"""Rendering results: terminal tables, JSON, CSV; atomic file output."""
