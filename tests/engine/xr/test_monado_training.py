"""Training in a headset through a real OpenXR runtime: `qbvr train --backend xr` on a shared real play, with
Monado's remote driver playing the trainee's head and controllers from a test client (`remote_client.py`).

What the client sent is compared with what the session recorded: the head yaw of every frame, the receiver the
throw went to, the play time of the decision (the client follows the play clock from the session stream).
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

from engine.outcome import OUTCOMES
from engine.training.session.records import (
    ButtonPress,
    FrameSample,
    InstantReplay,
    RepEvent,
    RepOutcome,
    RepStart,
    Throw,
)
from engine.training.session.stream import read_stream, read_summary
from replay.field_frame import YARD
from replay.roles import passer
from scenes.cameras import headset_spot
from tests.engine.xr.monado_runtime import qbvr
from tests.engine.xr.remote_client import PlayClockFollower, RemoteClient

PLAY = "2018092311:141"
PERIOD_S = 0.05            # Monado's null compositor paces at 20 Hz
SWEEP_DEG = 35.0           # the head sweeps +-35 degrees
SWEEP_HZ = 0.4
FOLLOWER_ERR_S = 0.005     # how far the client's play-clock estimate (from the stream's wall times) may err
# when the throws are made: from the real QB's spot at the snap (under centre on PLAY) his receivers are apart in
# angle late in the dropback (at 2.0 s two of them line up); on the drill's second play one is in front at 1.5 s
DECISION_T = 2.8
SECOND_DECISION_T = 1.5


def receiver_yaws(play, rep: RepStart, t: float) -> dict[int, float]:
    """Each eligible receiver's direction at play time `t` from where the trainee stands (the headset stays on
    the real QB's spot at the snap), as a head yaw (radians, + left)."""
    f = int(np.searchsorted(play.t, t))
    spot = headset_spot(play, passer(play))
    out = {}
    for r in rep.receivers:
        c = play.roster.index_of(r.nfl_id)
        out[r.nfl_id] = math.atan2(play.y[f, c] * YARD - spot[1], play.x[f, c] * YARD - spot[0])
    return out


def clearest_receiver(yaws: dict[int, float]) -> int:
    """The receiver in front of the QB farthest in angle from every other receiver (an unambiguous aim)."""
    def gap(n):
        return min(abs(yaws[n] - yaws[m]) for m in yaws if m != n)
    front = [n for n, y in yaws.items() if abs(y) < math.radians(60)]
    return max(front, key=gap)


def start_rep(env, tmp_path, extra=()):
    out = tmp_path / "session"
    client = RemoteClient(int(env["QBVR_TEST_REMOTE_PORT"])).start()
    proc = qbvr(["train", PLAY, "--backend", "xr", "--store", env["QBVR_TEST_STORE"], "--out", str(out),
                 "--no-report", *extra], env)
    return out, client, proc


@pytest.fixture
def remote_env(monado_remote_env, real_store):
    return dict(monado_remote_env, QBVR_TEST_STORE=str(real_store.root))


def finish(proc, client, timeout=120):
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        client.stop()
    return out, err


def head_sweep(client: RemoteClient, follower: PlayClockFollower, until_play_t: float) -> None:
    """Sweep the head's yaw (sinusoid in wall time) until the session shows `until_play_t`."""
    t0 = time.time()
    while time.time() < follower.unix_at(until_play_t):
        yaw = math.radians(SWEEP_DEG) * math.sin(2 * math.pi * SWEEP_HZ * (time.time() - t0))
        client.update(head_yaw=yaw)
        time.sleep(0.005)
        follower.refresh()


def assert_head_follows(client: RemoteClient, frames: list[FrameSample], epoch: float) -> None:
    """Every frame's recorded head yaw lies within what the client sent during that frame's period (the runtime
    samples the latest record when it locates the views, before the frame is recorded)."""
    checked = 0
    for f in frames:
        u = epoch + f.wall_t
        sent = [math.degrees(s.head_yaw) for s in client.sent_between(u - PERIOD_S - 0.03, u)]
        if len(sent) < 3:
            continue
        lo, hi = min(sent), max(sent)
        assert lo - 0.5 <= f.head_yaw <= hi + 0.5, (f.play_t, f.head_yaw, lo, hi)
        checked += 1
    assert checked >= 20
    swept = [f.head_yaw for f in frames]
    assert max(swept) > SWEEP_DEG * 0.8 and min(swept) < -SWEEP_DEG * 0.8  # the sweep was recorded


def assert_within_one_frame(frames: list[FrameSample], input_play_t: float, throw_play_t: float) -> None:
    """The throw was recorded on a frame of the runtime, at most one frame after the one the input fell in.

    The client's input time is mapped to play time through the follower's estimate of the session clock, which
    is good to a millisecond or two; the frames themselves are what the runtime paced (a loaded machine can
    stretch one), so the bound counts frames rather than adding a nominal period."""
    ts = sorted({f.play_t for f in frames})
    assert min(abs(t - throw_play_t) for t in ts) < 1e-4, throw_play_t  # stored to 5 decimals
    between = [t for t in ts if input_play_t - FOLLOWER_ERR_S <= t < throw_play_t - 1e-4]
    assert len(between) <= 1, (throw_play_t, input_play_t, between)


def test_trigger_throw_through_monado_follows_head_and_aim_and_decision_time(remote_env, real_store, tmp_path):
    play = real_store.load(PLAY)
    out, client, proc = start_rep(remote_env, tmp_path, ["--throw", "trigger"])
    try:
        follower = PlayClockFollower(out)
        follower.wait_for(-2.5)  # the first frame recentred on the head facing straight ahead
        rep = read_stream(out).of_type(RepStart)[0]
        decision_t = DECISION_T
        yaws = receiver_yaws(play, rep, decision_t)
        target = clearest_receiver(yaws)
        head_sweep(client, follower, 1.2)
        client.update(head_yaw=0.0)
        client.hand("right", yaw=yaws[target])  # point the controller at him
        u = follower.wait_for(decision_t)
        client.hand("right", trigger=1.0)
        pulled = time.time()
        time.sleep(0.3)
        client.hand("right", trigger=0.0)
        stdout, err = finish(proc, client)
    except BaseException:
        proc.kill()
        client.stop()
        raise
    assert proc.returncode == 0, stdout + err
    c = read_stream(out)
    (th,) = c.of_type(Throw)
    assert th.nfl_id == target and th.how == "trigger"
    # the trigger went down at the play clock's `decision_t` (+ the client's lateness): the first frame after it
    late = pulled - u
    frames = c.of_type(FrameSample, 1)
    assert decision_t - 1e-6 <= th.play_t
    assert_within_one_frame(frames, decision_t + late, th.play_t)
    assert all(f.source == "head" for f in frames)
    assert_head_follows(client, [f for f in frames if f.play_t < 1.2], c.header.epoch)
    assert [e.name for e in c.of_type(RepEvent)] == ["snap", "throw", "replay"]


def swing(client: RemoteClient, yaw: float, speed: float, seconds: float, *, release: bool = True) -> float:
    """Move the right hand horizontally at `speed` m/s toward heading `yaw` (radians, + left) for `seconds` with
    the trigger held, letting go at the end (the hand keeps moving a little after); returns the release's Unix
    time."""
    d = (-math.sin(yaw), 0.0, -math.cos(yaw))  # OpenXR: -Z forward, +X right
    start = (0.2 - d[0] * speed * seconds * 0.7, 1.5, 0.2 - d[2] * speed * seconds * 0.7)
    client.hand("right", position=start, trigger=1.0)
    time.sleep(0.3)
    t0 = time.time()
    released = None
    while (el := time.time() - t0) < seconds + 0.1:
        p = tuple(s + k * speed * el for s, k in zip(start, d))
        if released is None and el >= seconds and release:
            client.hand("right", position=p, trigger=0.0)
            released = time.time()
        else:
            client.hand("right", position=p)
        time.sleep(0.004)
    client.hand("right", trigger=0.0)
    return released if released is not None else time.time()


def test_motion_throw_through_monado_goes_where_the_arm_swings_not_where_the_controller_points(
        remote_env, real_store, tmp_path):
    play = real_store.load(PLAY)
    out, client, proc = start_rep(remote_env, tmp_path)  # --throw motion is the default
    try:
        follower = PlayClockFollower(out)
        follower.wait_for(-2.5)
        rep = read_stream(out).of_type(RepStart)[0]
        decision_t = DECISION_T
        yaws = receiver_yaws(play, rep, decision_t)
        target = clearest_receiver(yaws)
        decoy = max(yaws, key=lambda n: abs(yaws[n] - yaws[target]))
        client.hand("right", yaw=yaws[decoy])  # the controller points at someone else the whole time
        follower.wait_for(0.5)
        swing(client, yaws[target], 0.6, 0.3)  # too slow: a pump fake, the ball stays
        follower.wait_for(decision_t, lead_s=0.6)
        released = swing(client, yaws[target], 3.0, 0.3)
        u = follower.unix_at(decision_t)
        stdout, err = finish(proc, client)
    except BaseException:
        proc.kill()
        client.stop()
        raise
    assert proc.returncode == 0, stdout + err
    c = read_stream(out)
    assert "pump_fake" in [b.name for b in c.of_type(ButtonPress)]
    (th,) = c.of_type(Throw)
    assert th.nfl_id == target and th.how == "motion" and th.aimed == "release"
    v = np.asarray(th.velocity)
    assert 2.0 <= np.hypot(v[0], v[1]) <= 4.5, v  # the hand's 3 m/s, measured over frames 50 ms apart
    heading = math.atan2(v[1], v[0])  # world: +x downfield, +y the QB's left, like the receiver yaws
    assert abs(heading - yaws[target]) < math.radians(8), (math.degrees(heading), math.degrees(yaws[target]))
    # the release is the decision: recorded on the first frame after the client let go (give or take the few ms
    # by which the follower's play-clock estimate, from frames recorded a CPU moment after their input, can err)
    release_play_t = decision_t + (released - u)
    assert release_play_t - FOLLOWER_ERR_S <= th.play_t
    assert_within_one_frame(c.of_type(FrameSample, 1), release_play_t, th.play_t)


def wait_rep_end(out, rep: int, timeout: float = 60.0) -> float:
    """Block until the stream records how rep `rep` ended; returns the Unix time it was recorded."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = read_stream(out)
        except Exception:  # noqa: BLE001 (not written yet)
            c = None
        if c is not None and c.header is not None:
            ends = [e for e in c.of_type(RepEvent, rep) if e.ends_rep]
            if ends:
                return c.header.epoch + ends[0].wall_t
        time.sleep(0.05)
    raise TimeoutError(f"rep {rep} never ended")


def wait_record(out, cls, rep: int, timeout: float = 90.0):
    """Block until the stream holds a `cls` record of rep `rep`; returns it."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            got = read_stream(out).of_type(cls, rep)
        except Exception:  # noqa: BLE001 (not written yet)
            got = []
        if got:
            return got[0]
        time.sleep(0.05)
    raise TimeoutError(f"no {cls.TYPE} record for rep {rep}")


def wait_event(out, rep: int, name: str, timeout: float = 90.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if name in [e.name for e in read_stream(out).of_type(RepEvent, rep)]:
                return
        except Exception:  # noqa: BLE001 (not written yet)
            pass
        time.sleep(0.05)
    raise TimeoutError(f"no {name} event in rep {rep}")


def test_two_rep_drill_moves_on_inside_the_headset_when_the_trigger_is_pulled(remote_env, real_store, tmp_path):
    second = "2018092306:80"
    drill = tmp_path / "two.json"
    drill.write_text(json.dumps({"format": "qbvr-drill", "name": "two", "plays": [PLAY, second]}))
    out = tmp_path / "session"
    client = RemoteClient(int(remote_env["QBVR_TEST_REMOTE_PORT"])).start()
    proc = qbvr(["train", str(drill), "--backend", "xr", "--store", remote_env["QBVR_TEST_STORE"], "--out",
                 str(out), "--no-report"], remote_env)
    try:
        ended = wait_rep_end(out, 1)             # rep 1: no throw, the real pressure arrives (a sack)
        # the result panel, then the instant replay played to its end (nothing pressed)
        wait_record(out, InstantReplay, 1)
        # between reps the trainee walks off and turns; nothing starts until he pulls the trigger
        client.update(head_yaw=math.radians(40.0), head_position=(0.6, 1.7, 0.4))
        time.sleep(1.5)
        assert len(read_stream(out).of_type(RepStart)) == 1
        client.hand("right", trigger=1.0)
        pulled = time.time()
        time.sleep(0.3)
        client.hand("right", trigger=0.0)
        follower = PlayClockFollower(out)
        follower.wait_for(-2.0, rep=2)
        rep2 = read_stream(out).of_type(RepStart)[1]
        yaws = receiver_yaws(real_store.load(second), rep2, SECOND_DECISION_T)
        target = clearest_receiver(yaws)
        follower.wait_for(SECOND_DECISION_T, rep=2, lead_s=0.6)
        # the headset recentred where he stood: a swing toward the receiver's heading relative to his new facing
        swing(client, yaws[target] + math.radians(40.0), 3.0, 0.3)
        wait_event(out, 2, "replay")             # the ball flew, the result panel went by: the replay runs
        client.hand("right", trigger=1.0)        # ... and the trigger skips it (held until the replay is over:
        wait_record(out, InstantReplay, 2)       # a loaded machine may draw no frame in a short pull)
        client.hand("right", trigger=0.0)
        stdout, err = finish(proc, client)
    except BaseException:
        proc.kill()
        client.stop()
        raise
    assert proc.returncode == 0, stdout + err
    c = read_stream(out)
    starts = c.of_type(RepStart)
    assert [s.play_ref for s in starts] == [PLAY, second]
    assert c.header.epoch + starts[1].wall_t >= pulled > ended
    assert [e.name for e in c.of_type(RepEvent, 1)] == ["snap", "sack", "replay"]
    (th,) = c.of_type(Throw)
    assert th.rep == 2 and th.nfl_id == target and th.how == "motion"
    # after each rep: the result (outcome, decision, the real QB) and the instant replay of its last 3 s
    (r1,), (r2,) = c.of_type(InstantReplay, 1), c.of_type(InstantReplay, 2)
    assert r1.result.startswith("SACKED") and "real QB:" in r1.result
    assert r1.ended == "played" and r1.camera == "all22" and r1.frames >= 5
    assert r1.play_t1 == pytest.approx(c.of_type(RepEvent, 1)[1].play_t, abs=1e-3)
    assert r1.play_t1 - r1.play_t0 == pytest.approx(3.0, abs=1e-3)
    (o2,) = c.of_type(RepOutcome, 2)
    assert r2.result.split()[0].lower().replace("broken", "broken_up") == o2.result and "threw to" in r2.result
    assert r2.ended == "skipped" and r2.play_t1 < o2.t_arrive + 0.6 - 1e-3
    # recentred: rep 2 starts at the QB's spot facing downfield although the head is 40 degrees off and 0.7 m away
    f0 = c.of_type(FrameSample, 2)[0]
    assert abs(f0.head_yaw) < 1.0
    assert read_summary(out)["reps"][1]["score"]["outcome"] in OUTCOMES


def test_the_headset_stays_where_the_trainee_stands_through_the_real_qbs_dropback(remote_env, real_store, tmp_path):
    """No camera motion the head did not make: the client's head is held still, the real QB drops back, and the
    recorded eye stays on the QB's spot at the snap (the rig does not follow the recording)."""
    play = real_store.load(PLAY)
    out, client, proc = start_rep(remote_env, tmp_path)
    try:
        wait_rep_end(out, 1)
        for _ in range(80):  # move on: skip the result panel and the replay until the session ends
            client.hand("right", trigger=1.0)
            time.sleep(0.25)
            client.hand("right", trigger=0.0)
            time.sleep(0.25)
            if proc.poll() is not None:
                break
        stdout, err = finish(proc, client)
    except BaseException:
        proc.kill()
        client.stop()
        raise
    assert proc.returncode == 0, stdout + err
    frames = [f for f in read_stream(out).of_type(FrameSample, 1) if 0.0 <= f.play_t <= 2.5]
    assert len(frames) >= 10
    eyes = np.array([f.eye for f in frames])
    assert np.abs(eyes - eyes[0]).max() <= 0.003, np.abs(eyes - eyes[0]).max(axis=0)
    # ... while the real QB did move: his dropback over the same time
    qb = passer(play)
    f0, f1 = play.frame_at(0.0), play.frame_at(2.5)
    assert math.hypot(play.x[f1, qb] - play.x[f0, qb], play.y[f1, qb] - play.y[f0, qb]) * YARD > 1.5
    spot = headset_spot(play, qb)
    assert np.hypot(*(eyes[0, :2] - spot[:2])) < 0.05  # standing on the real QB's spot at the snap
