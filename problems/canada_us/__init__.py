"""Data of the ``canada-us-2025`` problem, one module per block; ``problems/canada_us_2025_build.py``
assembles them into ``problems/canada_us_2025.toml`` (the file the engine loads)."""
