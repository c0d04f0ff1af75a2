"""Maintainer script: draw the jersey-number digit atlas `assets/digits.png` (0-9 in one row, white on
transparent black, grey = coverage) with matplotlib's bundled DejaVu Sans Bold. The engine only reads the PNG.

    .venv/bin/python tools/make_digit_atlas.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replay.atomic import write_atomic  # noqa: E402

CELL_W, CELL_H = 48, 64


def main() -> int:
    fig = plt.figure(figsize=(10 * CELL_W / 100, CELL_H / 100), dpi=100)
    fig.patch.set_facecolor("black")
    for d in range(10):
        fig.text((d + 0.5) / 10, 0.5, str(d), color="white", ha="center", va="center_baseline",
                 fontsize=CELL_H * 0.78, fontweight="bold", family="DejaVu Sans")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="black")
    plt.close(fig)
    buf.seek(0)
    img = plt.imread(buf)[..., 0]  # the white glyph coverage
    out = io.BytesIO()
    plt.imsave(out, np.clip(img, 0, 1), cmap="gray", vmin=0, vmax=1, format="png")
    write_atomic(ROOT / "assets" / "digits.png", out.getvalue())
    print(f"wrote assets/digits.png {img.shape[1]}x{img.shape[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
