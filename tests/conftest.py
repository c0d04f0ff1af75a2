"""Shared fixtures: tiny synthetic plays built in code, and the real shared data when it is available.

Real data lives in `$QBVR_SHARED_DATA` (CI sets it to ../shared/data). Tests that need it skip when the variable
is unset (a user's clone) and fail when it is set but a file is missing (CI must never skip them silently).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from replay.assemble import PlayContext, build_play
from replay.field_frame import FIELD
from replay.play import FPS, Play, PlayMeta

# the real OpenXR runtime (Monado beside the shared data) for the headset tests
pytest_plugins = ["tests.engine.xr.monado_runtime"]

# ---------------------------------------------------------------- real shared data

def shared_data_dir() -> Path | None:
    env = os.environ.get("QBVR_SHARED_DATA")
    return Path(env) if env else None


def shared_path(*parts: str) -> Path:
    """A path in the shared data; skips without QBVR_SHARED_DATA, fails when it is set and the path is missing."""
    root = shared_data_dir()
    if root is None:
        pytest.skip("real data not available: set QBVR_SHARED_DATA to the shared data folder")
    p = root.joinpath(*parts)
    if not p.exists():
        pytest.fail(f"QBVR_SHARED_DATA is set to {root} but {p} is missing")
    return p


@pytest.fixture(scope="session")
def highlights_dir() -> Path:
    return shared_path("ngs_highlights")


@pytest.fixture(scope="session")
def real_store(tmp_path_factory, highlights_dir):
    """A play store holding every shared NGS highlight play (imported once per test session)."""
    from replay.importer import import_paths
    from replay.store import PlayStore

    store = PlayStore(tmp_path_factory.mktemp("store"))
    result = import_paths([highlights_dir], store)
    assert result.imported, result.skipped
    return store


@pytest.fixture(scope="session")
def real_pass_play(real_store) -> Play:
    """A real pass play with a clean snap, release and arrival: 2018092311:141 (S.Bradford deep left TD)."""
    return real_store.load("2018092311:141")


# looks at receiver 1 then 2, throws to 1 at 2.4 s (the real QB threw to 2 at 3.2 s)
REAL_SESSION_SPEC = "1@0.3,2@0.8,throw=1@2.4"


@pytest.fixture(scope="session")
def real_session(real_store, tmp_path_factory) -> Path:
    """The folder of a scripted offscreen training session of one rep of 2018092311:141 (REAL_SESSION_SPEC)."""
    from engine.training.clock import FixedStepClock
    from engine.training.launch import open_session
    from engine.training.loop import RepPlan, run_session
    out = tmp_path_factory.mktemp("sessions") / "drill1"
    play = real_store.load("2018092311:141")
    with open_session("offscreen", trainee=f"scripted:{REAL_SESSION_SPEC}", size=(64, 36)) as session:
        run_session([RepPlan(play.key, play, lead_s=0.5)], session.renderer, session.trainee, out,
                    clock=FixedStepClock(20))
    return out


# ---------------------------------------------------------------- tiny synthetic plays

OFF_POS = ["QB", "C", "G", "G", "T", "T", "WR", "WR", "WR", "TE", "RB"]
DEF_POS = ["DE", "DT", "DT", "DE", "OLB", "ILB", "OLB", "CB", "CB", "SS", "FS"]


def synthetic_rows(*, n_frames: int = 60, snap_frame: int = 11, release_frame: int = 36, los: float = 40.0,
                   direction: str = "right", seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Canonical long rows of a small dropback pass: 11 v 11 and the ball, 10 Hz, offense toward +x in the
    normalised frame (rows are given in the raw frame of `direction`). Positions move smoothly so speed and
    direction agree with displacement."""
    rng = np.random.default_rng(seed)
    t = (np.arange(n_frames) - (snap_frame - 1)) / FPS
    after = np.clip(t, 0, None)
    players = []
    # offense: QB drops back, linemen hold, receivers run downfield
    ys = [26.7, 26.7, 24.5, 28.9, 22.3, 31.1, 8.0, 45.0, 40.0, 20.5, 26.7]
    xs = [los - 5, los - 0.5, los - 0.7, los - 0.7, los - 0.9, los - 0.9, los - 1, los - 1, los - 1.5, los - 1, los - 7]
    for k, pos in enumerate(OFF_POS):
        if pos == "QB":
            dx = -np.minimum(after, 1.5) * 4.0
            dy = np.zeros_like(t)
        elif pos in ("WR", "TE"):
            dx = after * 7.0
            dy = np.zeros_like(t)
        elif pos == "RB":
            dx = np.zeros_like(t)
            dy = after * 1.0
        else:
            dx = -np.minimum(after, 1.0) * 1.5
            dy = np.zeros_like(t)
        players.append(("off", pos, 1000 + k, 10 + k, xs[k] + dx, ys[k] + dy))
    dys = [22.0, 25.5, 28.0, 31.5, 18.0, 26.7, 35.0, 8.5, 45.5, 20.0, 33.0]
    dxs = [los + 1, los + 1, los + 1, los + 1, los + 4, los + 5, los + 4, los + 7, los + 7, los + 12, los + 14]
    for k, pos in enumerate(DEF_POS):
        if pos in ("DE", "DT"):
            dx = -np.minimum(after, 2.5) * 3.0  # rush toward the QB
        elif pos in ("CB", "SS", "FS"):
            dx = after * 5.0  # bail with the receivers
        else:
            dx = after * 2.0
        players.append(("def", pos, 2000 + k, 50 + k, dxs[k] + dx, np.full_like(t, dys[k])))
    rows = []
    for side, pos, nid, jersey, x, y in players:
        x = x + rng.normal(0, 0.005, len(t))
        vx, vy = np.gradient(x) * FPS, np.gradient(y) * FPS
        s = np.hypot(vx, vy)
        d = np.degrees(np.arctan2(vx, vy)) % 360
        o = np.full_like(t, 90.0 if side == "off" else 270.0)
        for f in range(n_frames):
            rows.append(dict(frame_id=f + 1, nfl_id=float(nid), is_ball=False, x=x[f], y=y[f], s=s[f], a=np.nan,
                             o=o[f], dir=d[f], event="", name=f"Player {nid}", jersey=jersey, position=pos,
                             team="HOM" if side == "off" else "AWY", side=side))
    # ball: with the centre until the snap, then the QB until the release, then flying downfield
    qb = players[0]
    for f in range(n_frames):
        if f < snap_frame - 1:
            bx, by = los, 26.7
        elif f < release_frame - 1:
            bx, by = qb[4][f], qb[5][f]
        else:
            k = f - (release_frame - 1)
            bx, by = qb[4][release_frame - 1] + k * 2.2, 26.7 - k * 0.6
        ev = {snap_frame: "ball_snap", release_frame: "pass_forward", release_frame + 12: "pass_arrived",
              release_frame + 13: "pass_outcome_caught"}.get(f + 1, "")
        rows.append(dict(frame_id=f + 1, nfl_id=np.nan, is_ball=True, x=bx, y=by, s=np.nan, a=np.nan, o=np.nan,
                         dir=np.nan, event=ev, name="ball", jersey=np.nan, position="", team="", side=""))
    df = pd.DataFrame(rows)
    if direction == "left":
        df["x"], df["y"] = FIELD.turned(df["x"], df["y"])
        df["o"] = (df["o"] + 180.0) % 360.0
        df["dir"] = (df["dir"] + 180.0) % 360.0
    info = {"los_raw": los if direction == "right" else FIELD.length - los, "direction": direction}
    return df, info


def make_play(**kw) -> Play:
    """A tiny synthetic pass play (22 players + ball, 6 s) through the same assembly as every reader."""
    df, info = synthetic_rows(**kw)
    meta = PlayMeta(game_id=2099010100, play_id=1, source_format="synthetic", season=2099, week=1,
                    home_team="HOM", away_team="AWY", offense_team="HOM", defense_team="AWY", quarter=1,
                    game_clock="10:00", down=1, distance=10, play_type="pass", description="synthetic pass",
                    pass_result="C", target_nfl_id=1006)
    ctx = PlayContext(meta=meta, path="<synthetic>", direction=info["direction"], los_raw=info["los_raw"])
    return build_play(df, ctx)


@pytest.fixture
def tiny_play() -> Play:
    return make_play()
