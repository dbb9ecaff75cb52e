"""Make tests/data/prim_ema_trajectory.json: ema_workbench's PRIM (an independent
implementation; the original objective, the mean of the box) on the synthetic data of
tests/test_prim.py::test_trajectory_matches_ema_workbench. Not run by the tests (ema_workbench
is no dependency); run by hand in a separate venv: pip install ema-workbench (2.5.3 made the
stored file), then python tests/data/prim_ema_oracle.py from the checkout's root.
Rows: [points in the box, coverage, density] per step of the trajectory (pasting included).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from ema_workbench.analysis import prim

rng = np.random.default_rng(20261205)
X = rng.random((600, 3))
noise = rng.random(600)
y = (((X[:, 0] > 0.55) & (X[:, 1] < 0.45)) & (noise < 0.9)) | (noise < 0.05)
p = prim.Prim(
    pd.DataFrame(X, columns=["x0", "x1", "x2"]),
    y.astype(int),
    threshold=0.5,
    peel_alpha=0.05,
    mass_min=0.05,
    obj_function=prim.PRIMObjectiveFunctions.ORIGINAL,
)
t = p.find_box().peeling_trajectory
out = [
    [round(m * 600), float(c), float(d)]
    for c, d, m in zip(t.coverage, t.density, t.mass, strict=True)
]
Path("tests/data/prim_ema_trajectory.json").write_text(json.dumps(out))
