"""Derive the QB throwing motion (assets/throw.json) from the real CMU overhand football throw (79_91.bvh).

The wrists' paths relative to their shoulders, in the trunk's frame (forward, left, up), scaled from the actor's
arm length to fractions of standing height (arm = 0.332 H in assets/skeleton.json), sampled every 0.05 s from
0.6 s before to 0.4 s after the release (the peak of the right wrist's speed). Only these derived keyframes are
shipped, not the capture.

    QBVR_SHARED_DATA=../shared/data python tools/make_throw_keys.py [--out assets/throw.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replay.atomic import write_atomic  # noqa: E402
from replay.mocap import MocapClip, read_bvh  # noqa: E402
from replay.skeleton import load_skeleton  # noqa: E402

T0, T1, STEP = -0.6, 0.4, 0.05


def trunk_axes(c: MocapClip, k: np.ndarray) -> np.ndarray:
    """[len(k), 3, 3] rows forward, left, up of the actor's trunk."""
    P = c.positions[k]
    up = P[:, c.index("Neck")] - P[:, c.index("Hips")]
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    lf = P[:, c.index("LeftArm")] - P[:, c.index("RightArm")]
    lf -= np.sum(lf * up, 1, keepdims=True) * up
    lf /= np.linalg.norm(lf, axis=1, keepdims=True)
    fw = np.cross(lf, up)
    return np.stack([fw, lf, up], 1)


def throw_keys(c: MocapClip) -> dict:
    sk = load_skeleton()
    arm_h = float(sk.length[sk.index("r_elbow")] + sk.length[sk.index("r_wrist")])
    P = c.positions
    wr = P[:, c.index("RightHand")]
    speed = np.linalg.norm(np.gradient(wr, axis=0), axis=1) * c.fps
    rel_frame = int(np.argmax(speed))
    times = np.round(np.arange(T0, T1 + 1e-9, STEP), 3)
    k = np.clip(np.round(rel_frame + times * c.fps).astype(int), 0, len(P) - 1)
    ax = trunk_axes(c, k)
    out = {}
    for side, sh, el, wrj in (("right", "RightArm", "RightForeArm", "RightHand"),
                             ("left", "LeftArm", "LeftForeArm", "LeftHand")):
        arm = (np.linalg.norm(P[:, c.index(el)] - P[:, c.index(sh)], axis=1).mean()
               + np.linalg.norm(P[:, c.index(wrj)] - P[:, c.index(el)], axis=1).mean())
        rel = P[k, c.index(wrj)] - P[k, c.index(sh)]
        local = np.einsum("nij,nj->ni", ax, rel) * (arm_h / arm)
        out[side] = np.round(local, 4).tolist()
    return {
        "description": "Wrist relative to its shoulder in the trunk frame (forward, left, up), fractions of "
                       "standing height, at t seconds from the release; derived from CMU motion capture trial "
                       "79_91 (overhand football throw), release at its peak wrist speed.",
        "source": "mocap.cs.cmu.edu trial 79_91 (database created with funding from NSF EIA-0196217)",
        "release_frame": rel_frame, "peak_wrist_speed_m_s": round(float(speed[rel_frame]), 2),
        "t": times.tolist(), "right_wrist": out["right"], "left_wrist": out["left"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bvh", default=None, help="default: $QBVR_SHARED_DATA/mocap/cmu/79_91.bvh")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "assets" / "throw.json"))
    args = ap.parse_args()
    bvh = args.bvh or Path(os.environ.get("QBVR_SHARED_DATA", "../shared/data")) / "mocap" / "cmu" / "79_91.bvh"
    keys = throw_keys(read_bvh(bvh))
    write_atomic(args.out, (json.dumps(keys, indent=1) + "\n").encode())
    print(f"wrote {args.out}: release at frame {keys['release_frame']}, {len(keys['t'])} keys")


if __name__ == "__main__":
    main()
