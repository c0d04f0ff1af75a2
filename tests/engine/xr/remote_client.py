"""A test client of Monado's remote driver: it plays the trainee's head and hands over TCP.

Monado's remote driver (see ../shared/xr/README.md) exposes an HMD and two Valve Index controllers whose state
comes from a TCP client as 280-byte `struct r_remote_data` records; the runtime keeps the latest. `RemoteClient`
sends the current `RemoteState` every `SEND_PERIOD_S` from a thread and logs what it sent with the Unix time, so a
test can compare the recorded session against exactly what the "trainee" did. The test changes the state from
its own thread (`client.update(...)`); `stop()` closes the connection (the controllers vanish).
"""

from __future__ import annotations

import math
import socket
import struct
import threading
import time
from dataclasses import dataclass, field, replace

RECORD = 280
HEADER = b"mndrmt2\0"
SEND_PERIOD_S = 0.01


def yaw_quat(yaw: float, pitch: float = 0.0) -> tuple[float, float, float, float]:
    """OpenXR orientation (x, y, z, w): a turn of `yaw` about +Y (up; + turns -Z forward toward -X, the left),
    then `pitch` about the turned +X (+ looks up)."""
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    # q_yaw * q_pitch with q_yaw = (0, sy, 0, cy), q_pitch = (sp, 0, 0, cp)
    return (cy * sp, sy * cp, -sy * sp, cy * cp)


@dataclass(frozen=True)
class Hand:
    position: tuple[float, float, float]
    yaw: float = 0.0
    pitch: float = 0.0
    trigger: float = 0.0
    squeeze: float = 0.0
    a: bool = False
    b: bool = False
    active: bool = True

    def pack(self) -> bytes:
        floats = yaw_quat(self.yaw, self.pitch) + tuple(self.position) + (0.0,) * 6 + (0.0,) * 5
        floats += (self.trigger, self.squeeze, self.squeeze, 0.0, 0.0, 0.0, 0.0, 0.0)
        bools = (False, self.active, False, False, self.a, self.a, self.b, self.b,
                 self.trigger > 0.9, self.trigger > 0.1, False, False, False, False, False, False)
        return struct.pack("<26f16?", *floats, *bools)


@dataclass(frozen=True)
class RemoteState:
    """What the client sends: the head (yaw, pitch in radians; position in STAGE metres) and both hands."""

    head_yaw: float = 0.0
    head_pitch: float = 0.0
    head_position: tuple[float, float, float] = (0.0, 1.7, 0.0)
    left: Hand = field(default_factory=lambda: Hand((-0.2, 1.3, -0.3)))
    right: Hand = field(default_factory=lambda: Hand((0.2, 1.3, -0.3)))

    def pack(self) -> bytes:
        data = HEADER + struct.pack("<7f", *yaw_quat(self.head_yaw, self.head_pitch), *self.head_position)
        data += self.left.pack() + self.right.pack()
        return data + b"\0" * (RECORD - len(data))


class RemoteClient:
    """Sends the latest `RemoteState` to the remote driver every `SEND_PERIOD_S`; reconnects when the runtime
    reopens the driver (each xrCreateInstance does). `log` holds (unix time, state) per record sent."""

    def __init__(self, port: int, state: RemoteState | None = None):
        self.port = port
        self.state = state or RemoteState()
        self.log: list[tuple[float, RemoteState]] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, name="remote-client", daemon=True)

    def start(self) -> RemoteClient:
        self._thread.start()
        return self

    def update(self, **kw) -> None:
        with self._lock:
            self.state = replace(self.state, **kw)

    def hand(self, which: str = "right", **kw) -> None:
        with self._lock:
            self.state = replace(self.state, **{which: replace(getattr(self.state, which), **kw)})

    def stop(self) -> None:
        """Close the connection for good: the runtime's controllers and head stop getting data."""
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def _connect(self) -> socket.socket | None:
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=0.5)
        except OSError:
            return None
        s.settimeout(2.0)
        got = b""
        try:
            while len(got) < 2 * RECORD:  # the driver first sends its reset and latest records
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        except OSError:
            s.close()
            return None
        self.connections += 1
        return s

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._sock is None:
                self._sock = self._connect()
                if self._sock is None:
                    time.sleep(0.05)
                    continue
            with self._lock:
                st = self.state
            try:
                self._sock.sendall(st.pack())
                self.log.append((time.time(), st))
            except OSError:
                self._sock.close()
                self._sock = None
                continue
            time.sleep(SEND_PERIOD_S)
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def sent_between(self, t0: float, t1: float) -> list[RemoteState]:
        """The states sent in [t0, t1] (Unix time), plus the last one sent before t0 (still current at t0)."""
        before = [s for t, s in self.log if t < t0][-1:]
        return before + [s for t, s in self.log if t0 <= t <= t1]


class PlayClockFollower:
    """Follows a running session's play clock from its stream on disk (flushed every half second): the Unix time
    at which the session will show play time `t`, from the frames recorded so far (play time runs at 1 s/s)."""

    def __init__(self, session_dir):
        self.session_dir = session_dir
        self.epoch: float | None = None
        self.offset: float | None = None   # play time - Unix time of the latest recorded frame
        self.rep = 0
        self.frames: list = []

    def refresh(self) -> bool:
        """Re-read the stream; True when frames were recorded."""
        from engine.training.session.records import FrameSample
        from engine.training.session.stream import read_stream
        try:
            c = read_stream(self.session_dir)
        except Exception:  # noqa: BLE001 (not written yet)
            return False
        if c.header is None:
            return False
        self.epoch = c.header.epoch
        self.frames = c.of_type(FrameSample)
        if not self.frames:
            return False
        f = self.frames[-1]
        self.rep = f.rep
        # the least-delayed of the recent frames: a frame is recorded some CPU milliseconds after its input
        self.offset = max(g.play_t - (self.epoch + g.wall_t) for g in self.frames[-20:] if g.rep == f.rep)
        return True

    def unix_at(self, play_t: float) -> float:
        return play_t - self.offset

    def wait_for(self, play_t: float, *, rep: int = 1, timeout: float = 60.0, lead_s: float = 0.0) -> float:
        """Block until `lead_s` before the Unix time the session shows `play_t` in rep `rep`; returns that time."""
        end = time.time() + timeout
        while time.time() < end:
            if self.refresh() and self.rep >= rep:
                u = self.unix_at(play_t)
                if time.time() >= u - lead_s - 0.6:  # within a flush interval: sleep the rest exactly
                    time.sleep(max(0.0, u - lead_s - time.time()))
                    self.refresh()
                    return self.unix_at(play_t)
            time.sleep(0.05)
        raise TimeoutError(f"the session never reached play time {play_t} of rep {rep}")
