"""The headset trainee: gaze from the tracked head (or the eye tracker) and throws from the trigger, read from
the `HeadsetBackend` frame that the training loop is rendering.

Gaze and aim come from the backend relative to the renderer's rig (which the app keeps at the QB's spot facing
downfield) and are turned into world rays through the rig's transform, so the trainee's real head movement -
stepping up in the pocket, leaning, crouching - moves his eyes in the play. A trigger pull throws to the
eligible receiver nearest the hand's aim ray (the gaze ray when the controller is not tracked).
"""

from __future__ import annotations

import numpy as np

from engine.training.trainee import FrameInfo, GazeInput, RepInfo, ThrowInput, Trainee, pick_receiver

from .headset import HeadsetBackend, HeadsetFrame

AIM_MAX_DEG = 10.0  # a controller ray is less precise than a mouse crosshair


class HeadsetTrainee(Trainee):
    """A `engine.training.trainee.Trainee` driven by a headset (real or scripted) through `HeadsetBackend`; no
    crosshair (the controller aims) and no result hold yet (the rep's outcome is not drawn in the headset)."""

    name = "headset"

    def __init__(self, backend: HeadsetBackend, rig, scene=None):
        """`rig` is the renderer's rig NodePath, `scene` its scene root (default: the rig's top node)."""
        self.backend = backend
        self.rig = rig
        self.scene = scene if scene is not None else rig.get_top()
        self.rep: RepInfo | None = None
        self.throws: list[dict] = []  # every trigger pull: time, hand, receiver or None (for the record)
        self._thrown_frame: HeadsetFrame | None = None

    def begin_rep(self, rep: RepInfo) -> None:
        self.rep = rep

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

    def throw(self, frame: FrameInfo) -> ThrowInput | None:
        f = self._frame()
        if f is None or f.throw_hand is None or self.rep is None or f is self._thrown_frame:
            return None
        self._thrown_frame = f
        aim = f.aim[f.throw_hand]
        o, d = self.to_world(*aim) if aim is not None else self.to_world(f.gaze.origin, f.gaze.direction)
        nid = pick_receiver(self.rep, frame.joints, o, d, max_deg=AIM_MAX_DEG)
        self.throws.append({"t": frame.t, "hand": "left" if f.throw_hand == 0 else "right", "nfl_id": nid,
                            "aim": "controller" if aim is not None else "gaze"})
        return ThrowInput(nid, "trigger") if nid is not None else None

    def wants_quit(self) -> bool:
        return self.backend.should_close()


def _forward(orientation) -> np.ndarray:
    from .coords import panda_forward
    return panda_forward(np.asarray(orientation, np.float64))
