"""On every shared real play: skeletal motion built from the NGS tracks."""

from __future__ import annotations

import numpy as np

from replay.motion import build_motion
from replay.motion_metrics import check_play_motion


def test_every_real_play_has_sound_motion(real_store):
    failures = []
    n = n_pass = 0
    for play in real_store.iter_plays():
        m = build_motion(play)
        c = check_play_motion(m)
        n += 1
        problems = []
        if c.nan_joints:
            problems.append(f"{c.nan_joints} NaN coordinates")
        if c.bone_spread >= 0.01:
            problems.append(f"bone length varies by {c.bone_spread:.2%}")
        if c.min_foot_z < -0.01:
            problems.append(f"foot {-c.min_foot_z * 100:.1f} cm below the turf")
        if c.max_tag_error_yd > 0.25:
            problems.append(f"tag point {c.max_tag_error_yd:.2f} yd off the track")
        if play.first_event("pass_forward", "pass_shovel") is not None:
            n_pass += 1
            if not c.release_leaves:
                problems.append(f"ball does not leave the passer's hand at the release (gap {c.release_gap})")
            elif play.roster.position[m.plan.thrower] != "QB" and (play.roster.position == "QB").any():
                # trick plays exist, but the thrower must hold the ball just before the release
                b = m.plan.holder[np.searchsorted(m.times, m.plan.t_release - 0.3)]
                if b != m.plan.thrower:
                    problems.append("thrower did not hold the ball before the release")
        if np.isnan(m.ball).any():
            problems.append("NaN ball")
        if problems:
            failures.append(f"{play.key}: " + "; ".join(problems))
    assert n >= 190 and n_pass >= 140
    assert not failures, "\n".join(failures)
