"""Session state changes in a real OpenXR session (Monado, remote driver): focus lost and regained holds play
time; the runtime going away, or the test client dying mid-rep, never loses the session.

Monado's null compositor never takes focus away nor goes away by itself, so a small OpenXR API layer
(`event_layer/event_layer.c`, enabled through the loader like any layer) injects those events into the real
session: XrEventDataSessionStateChanged VISIBLE / FOCUSED, XrEventDataInstanceLossPending, or every frame call
failing with XR_ERROR_INSTANCE_LOST as a crashed runtime's would.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.training.session.records import FrameSample, RepEvent, RepStart
from engine.training.session.stream import read_stream, read_summary
from engine.xr.session_state import XrState
from tests.engine.xr.monado_runtime import qbvr
from tests.engine.xr.remote_client import PlayClockFollower, RemoteClient

PLAY = "2018092311:141"
PERIOD_S = 0.05


@pytest.fixture
def env(event_env, real_store):
    return dict(event_env, QBVR_TEST_STORE=str(real_store.root))


def run_rep(env, tmp_path, during):
    """`qbvr train PLAY --backend xr` with a remote client; `during(client, follower, inject)` acts mid-rep."""
    out = tmp_path / "session"
    client = RemoteClient(int(env["QBVR_TEST_REMOTE_PORT"])).start()
    proc = qbvr(["train", PLAY, "--backend", "xr", "--store", env["QBVR_TEST_STORE"], "--out", str(out),
                 "--no-report"], env)
    events = Path(env["QBVR_TEST_EVENT_FILE"])

    def inject(line: str) -> None:
        with events.open("a") as f:
            f.write(line + "\n")
    try:
        during(client, PlayClockFollower(out), inject)
        stdout, err = proc.communicate(timeout=120)
    except BaseException:
        proc.kill()
        raise
    finally:
        client.stop()
    return proc.returncode, stdout, err, out


def test_focus_lost_and_regained_holds_play_time_without_a_jump(env, tmp_path):
    held_s = 1.5

    def during(client, follower, inject):
        follower.wait_for(0.5)
        inject(f"state {int(XrState.VISIBLE)}")   # the dashboard comes up: focus lost
        time.sleep(held_s)
        inject(f"state {int(XrState.FOCUSED)}")   # back in the play
    code, stdout, err, out = run_rep(env, tmp_path, during)
    assert code == 0, stdout + err
    c = read_stream(out)
    frames = c.of_type(FrameSample, 1)
    ts = [f.play_t for f in frames]
    # the longest run of frames showing the same play time is the pause
    best, start, k = (0, 0), 0, 1
    while k <= len(ts):
        if k == len(ts) or ts[k] != ts[start]:
            best = max(best, (k - start, start))
            start = k
        k += 1
    n, i = best
    held = frames[i:i + n]
    assert held[-1].wall_t - held[0].wall_t >= held_s * 0.7, (n, held[0].play_t)
    assert 0.3 <= held[0].play_t <= 1.2  # injected at about 0.5 s (the client follows the clock from the stream)
    # no jump after the pause: the next frame is a display period later in play time (two when a loaded machine
    # made the runtime drop one), never the time the focus was away
    assert 0 < ts[i + n] - ts[i] <= 2 * PERIOD_S + 1e-3 < held_s * 0.7
    rep = c.of_type(RepStart)[0]
    assert [e.name for e in c.of_type(RepEvent)] == ["snap", "sack", "replay"] and c.of_type(RepEvent)[1].play_t == \
        pytest.approx(rep.stop_t, abs=1e-3)
    assert read_summary(out)["reps"][0]["score"]["outcome"] == "sack"


@pytest.mark.parametrize("how,says", [("loss", "going away"), ("lost", "InstanceLostError")])
def test_runtime_going_away_mid_rep_saves_the_session_and_exits_with_a_clear_message(env, tmp_path, how, says):
    def during(client, follower, inject):
        follower.wait_for(0.5)
        inject(how)
    code, stdout, err, out = run_rep(env, tmp_path, during)
    assert code == 1, stdout + err
    assert "the headset session ended early" in err and says in err and str(out) in err
    assert "Traceback" not in err
    c = read_stream(out)
    assert not c.problem  # the stream closed cleanly
    frames = c.of_type(FrameSample, 1)
    assert frames and frames[-1].play_t >= 0.3  # every frame until the loss (injected at about 0.5 s)
    assert [e.name for e in c.of_type(RepEvent)][-1] == "quit"
    assert read_summary(out)["reps"][0]["frames"] == len(frames)


def test_client_killed_mid_rep_never_loses_the_session(env, tmp_path):
    def during(client, follower, inject):
        follower.wait_for(0.0)
        client.stop()  # the controllers and head stop getting data mid-rep
    code, stdout, err, out = run_rep(env, tmp_path, during)
    assert code == 0, stdout + err
    c = read_stream(out)
    assert [e.name for e in c.of_type(RepEvent)] == ["snap", "sack", "replay"]  # the result and replay followed
    frames = c.of_type(FrameSample, 1)
    assert frames[-1].play_t >= 3.0 and read_summary(out)["reps"][0]["frames"] == len(frames)
