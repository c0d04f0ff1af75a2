"""The headset trainee: gaze from the tracked head (or the eye tracker) and throws from the trigger, read from
the `HeadsetBackend` frame that the training loop is rendering.

Gaze and aim come from the backend relative to the renderer's rig (which the app keeps at the QB's spot facing
downfield) and are turned into world rays through the rig's transform, so the trainee's real head movement -
stepping up in the pocket, leaning, crouching - moves his eyes in the play.

Two ways to throw (`THROW_MODES`): "motion" (default) - hold the trigger or grip, move the arm forward and let go:
the ball leaves at the release toward the receiver closest to the release direction (`engine.xr.throw_motion`);
"trigger" (an accessibility option) - a trigger pull throws to the eligible receiver nearest the hand's aim ray.
Either falls back to the aim ray, and to the gaze ray when the controller is not tracked.
"""

from __future__ import annotations

import numpy as np

from engine.training.gaze import aim_point
from engine.training.trainee import FrameInfo, GazeInput, RepInfo, ThrowInput, Trainee, pick_receiver

from .headset import HeadsetBackend, HeadsetFrame
from .throw_motion import MotionThrow, pick_by_heading

AIM_MAX_DEG = 10.0  # a controller ray is less precise than a mouse crosshair
THROW_MODES = ("motion", "trigger")


class HeadsetTrainee(Trainee):
    """A `engine.training.trainee.Trainee` driven by a headset (real or scripted) through `HeadsetBackend`; no
    crosshair (the controller aims); after a rep its flow shows the result panel and the instant replay."""

    name = "headset"

    def __init__(self, backend: HeadsetBackend, rig, scene=None, *, throw: str = "motion", flow=None):
        """`rig` is the renderer's rig NodePath, `scene` its scene root (default: the rig's top node); `throw`
        one of THROW_MODES; `flow` the `engine.xr.flow.HeadsetFlow` that runs the headset between reps (None:
        the next rep starts at once)."""
        if throw not in THROW_MODES:
            raise ValueError(f"throw mode {throw!r} is not one of {', '.join(THROW_MODES)}")
        self.backend = backend
        self.rig = rig
        self.scene = scene if scene is not None else rig.get_top()
        self.throw_mode = throw
        self.flow = flow
        self._pause_seen: HeadsetFrame | None = None
        self.spec = f"throw={throw}"
        self.rep: RepInfo | None = None
        self.throws: list[dict] = []  # every throw attempt: time, hand, receiver or None, speed (for the record)
        self._seen: HeadsetFrame | None = None
        self._motion = MotionThrow()
        self._inputs: list[str] = []

    def begin_rep(self, rep: RepInfo) -> None:
        self.rep = rep
        self._motion = MotionThrow()  # a button held over from the last rep does not throw in this one

    def _frame(self) -> HeadsetFrame | None:
        return self.backend.frame or self.backend.last

    def to_world(self, origin, direction) -> tuple[np.ndarray, np.ndarray]:
        """A rig-relative ray in the world (through the rig's current transform)."""
        from panda3d.core import LPoint3f, LVector3f
        o = self.scene.get_relative_point(self.rig, LPoint3f(*map(float, origin)))
        d = self.scene.get_relative_vector(self.rig, LVector3f(*map(float, direction)))
        d = np.array([d[0], d[1], d[2]], np.float32)
        return np.array([o[0], o[1], o[2]], np.float32), d / max(float(np.linalg.norm(d)), 1e-9)

    def gaze(self, frame: FrameInfo) -> GazeInput:
        f = self._frame()
        if f is None:  # no headset frame yet: look straight downfield from the QB's eyes
            d = np.array([1.0, 0.0, 0.0], np.float32)
            return GazeInput(np.asarray(frame.eye, np.float32), d, d, "head")
        o, d = self.to_world(f.gaze.origin, f.gaze.direction)
        ho, hd = self.to_world(f.head.position, _forward(f.head.orientation))
        return GazeInput(o, d, hd, f.gaze.source)

    def raw_inputs(self) -> list[str]:
        """Recorded as button presses: "pump_fake" (a release too slow or backwards to throw), "pause" and
        "resume" (the menu button)."""
        f = self._frame()
        if f is not None and f.pause_pressed and f is not self._pause_seen:
            self._pause_seen = f
            self._inputs.append("pause" if self.backend.user_paused else "resume")
        out, self._inputs = self._inputs, []
        return out

    @property
    def result_hold_s(self) -> float:
        """Seconds the result panel stays up after a rep (0 without a flow: no result screen, no replay)."""
        from .flow import RESULT_S
        return RESULT_S if self.flow is not None else 0.0

    def show_result(self, text: str, seconds: float) -> bool:
        """The result panel in the headset (`engine.xr.flow.HeadsetFlow.show_result`)."""
        return self.flow.show_result(text, seconds) if self.flow is not None else True

    def replay_ticks(self, seconds: float):
        """The instant replay's display frames (`engine.xr.flow.HeadsetFlow.replay_ticks`)."""
        return self.flow.replay_ticks(seconds) if self.flow is not None else iter(())

    def between_reps(self, result: str, next_rep: str | None) -> bool:
        """The headset between reps (fade out, ready panel, recentre, fade in); False when the session closed."""
        return self.flow.between_reps(result, next_rep) if self.flow is not None else True

    def throw(self, frame: FrameInfo) -> ThrowInput | None:
        f = self._frame()
        if f is None or self.rep is None or f is self._seen or self.backend.user_paused:
            return None
        self._seen = f
        if self.throw_mode == "trigger":
            return self._trigger_throw(f, frame)
        positions = [a[0] if a is not None else None for a in f.aim]
        rel = self._motion.update(f.display_time_ns, f.hold, positions)
        if rel is None:
            return None
        hand = "left" if rel.hand == 0 else "right"
        if not rel.is_throw:
            self._inputs.append("pump_fake")
            self.throws.append({"t": frame.t, "hand": hand, "nfl_id": None, "speed": rel.horizontal_speed})
            return None
        o, _ = self.to_world(rel.position, (0.0, 1.0, 0.0))
        _, d = self.to_world((0.0, 0.0, 0.0), rel.velocity)
        velocity = d * float(np.linalg.norm(rel.velocity))
        targets = {r.nfl_id: aim_point(frame.joints, self.rep.joint_names, r.col) for r in self.rep.receivers}
        nid, aimed = pick_by_heading(d, o, targets), "release"
        if nid is None:
            nid, aimed = self._aimed(f, rel.hand, frame)
        self.throws.append({"t": frame.t, "hand": hand, "nfl_id": nid, "speed": rel.horizontal_speed,
                            "aim": aimed})
        return ThrowInput(nid, "motion", velocity, aimed) if nid is not None else None

    def _trigger_throw(self, f: HeadsetFrame, frame: FrameInfo) -> ThrowInput | None:
        if f.throw_hand is None:
            return None
        nid, aimed = self._aimed(f, f.throw_hand, frame)
        self.throws.append({"t": frame.t, "hand": "left" if f.throw_hand == 0 else "right", "nfl_id": nid,
                            "aim": aimed})
        return ThrowInput(nid, "trigger", None, aimed) if nid is not None else None

    def _aimed(self, f: HeadsetFrame, hand: int, frame: FrameInfo) -> tuple[int | None, str]:
        """The receiver the hand's aim ray points at (the gaze ray when the controller is not tracked)."""
        aim = f.aim[hand]
        o, d = self.to_world(*aim) if aim is not None else self.to_world(f.gaze.origin, f.gaze.direction)
        return pick_receiver(self.rep, frame.joints, o, d, max_deg=AIM_MAX_DEG), \
            "controller" if aim is not None else "gaze"

    def wants_quit(self) -> bool:
        return self.backend.should_close()


def _forward(orientation) -> np.ndarray:
    from .coords import panda_forward
    return panda_forward(np.asarray(orientation, np.float64))
