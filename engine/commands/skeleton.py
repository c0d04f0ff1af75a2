"""`qbvr skeleton`: export a play's skeletal motion (29 joints per player, the 3D ball) as an .npz file."""

from __future__ import annotations

import argparse
import io

import numpy as np

from replay.atomic import write_atomic
from replay.errors import QbvrError
from replay.store import PlayStore, parse_key
from replay.timebase import Timeline

from .argtypes import out_file, positive_float
from .data import add_store_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "skeleton", help="export a play's 3D skeletons (29 joints per player) and ball as .npz",
        description="Build every player's skeletal motion for a stored play (from pose data when given, else "
        "synthesised from the tracks) and write it as .npz: joints float32 [T, players, 29, 3] (metres, world "
        "frame: Z up, x downfield, offense toward +x), t (s from the snap), nfl_ids, joint_names, parents "
        "(int [29], -1 for the root) and ball [T, 3].")
    p.add_argument("key", metavar="GAMEID:PLAYID")
    p.add_argument("--fps", type=positive_float, default=60.0, help="output frame rate (default 60)")
    p.add_argument("--from", dest="start", metavar="EVENT|SECONDS", default=None,
                   help="start at an event (e.g. ball_snap) or seconds from the snap (default: first frame)")
    p.add_argument("--to", dest="end", metavar="EVENT|SECONDS", default=None,
                   help="end at an event (e.g. pass_arrived) or seconds from the snap (default: last frame)")
    p.add_argument("--pose", metavar="FILE", default=None,
                   help="optical pose stream for this play (.csv or .qbpose, format: docs/pose-format.md)")
    p.add_argument("--out", required=True, metavar="FILE.npz", type=out_file)
    add_store_arg(p)
    p.set_defaults(func=run_skeleton)


def run_skeleton(args: argparse.Namespace) -> int:
    from replay.motion import build_motion  # scipy: only when a skeleton is built

    parse_key(args.key)
    if not (0 < args.fps <= 1000):
        raise QbvrError(f"--fps must be in (0, 1000], got {args.fps}")
    play = PlayStore(args.store).load(args.key)
    pose = None
    if args.pose:
        from replay.pose import read_pose
        streams = read_pose(args.pose)
        if play.key not in streams:
            have = ", ".join(sorted(streams)) or "none"
            raise QbvrError(f"{args.pose}: no pose data for play {play.key} (it holds: {have})")
        pose = streams[play.key]
    tl = Timeline.for_play(play, start=args.start, end=args.end)
    motion = build_motion(play, pose=pose)
    n = int(np.floor((tl.end - tl.start) * args.fps + 1e-6)) + 1
    t = tl.start + np.arange(n) / args.fps
    joints = motion.joints_at(t)
    buf = io.BytesIO()
    np.savez_compressed(buf, joints=joints.astype(np.float32), t=t, nfl_ids=play.roster.nfl_id.astype(np.int64),
                        joint_names=np.array(motion.joint_names), parents=motion.parents.astype(np.int32),
                        ball=motion.ball_at(t).astype(np.float32))
    write_atomic(args.out, buf.getvalue())
    src = dict(zip(*np.unique(motion.source.astype(str), return_counts=True)))
    print(f"wrote {args.out}: {n} frames at {args.fps:g} fps ({t[0]:.2f} to {t[-1]:.2f} s from the snap), "
          f"{play.n_players} players ({', '.join(f'{v} {k}' for k, v in src.items())})")
    return 0
