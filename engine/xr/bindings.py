"""The training action set and its suggested bindings, as plain data (the driver turns them into pyopenxr calls).

Actions: `throw` (the trigger, either hand), `grip` (the grip, either hand: held like the trigger for a throw with
the arm, `engine.xr.throw_motion`), `aim` (the aim pose of each hand: where he points and where his hand is),
`recenter` (put his current spot and heading at the QB's spot, facing downfield), `pause` (the menu button: pause
or resume the rep) and with XR_EXT_eye_gaze_interaction `gaze` (the eye tracker's gaze pose). Every runtime
rebinds these to whatever controller is in use; the suggestions cover the four common profiles.
"""

from __future__ import annotations

from dataclasses import dataclass

HANDS = ("/user/hand/left", "/user/hand/right")
EYES = "/user/eyes_ext"
EYE_GAZE_PROFILE = "/interaction_profiles/ext/eye_gaze_interaction"
EYE_GAZE_POSE = "/user/eyes_ext/input/gaze_ext/pose"
EYE_GAZE_EXTENSION = "XR_EXT_eye_gaze_interaction"
OPENGL_EXTENSION = "XR_KHR_opengl_enable"
TIMESPEC_EXTENSION = "XR_KHR_convert_timespec_time"  # the runtime's clock now, for the frame timing report
EGL_EXTENSION = "XR_MNDX_egl_enable"  # the session bound to an EGL context (Panda3D on EGL)

ACTION_SET = "qbvr_training"
ACTION_SET_LABEL = "QB training"
THROW_THRESHOLD = 0.75  # trigger value that counts as a throw (with hysteresis down to half of it)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    kind: str                     # "float", "boolean" or "pose" (xr.ActionType FLOAT_INPUT, ...)
    subaction_paths: tuple[str, ...] = ()
    needs_eye_gaze: bool = False


ACTIONS = (
    ActionSpec("throw", "Throw", "float", HANDS),
    ActionSpec("grip", "Hold the ball", "float", HANDS),
    ActionSpec("aim", "Aim", "pose", HANDS),
    ActionSpec("recenter", "Recenter", "boolean"),
    ActionSpec("pause", "Pause", "boolean"),
    ActionSpec("gaze", "Eye gaze", "pose", (), needs_eye_gaze=True),
)


def _both(component: str) -> list[str]:
    return [f"{hand}/input/{component}" for hand in HANDS]


# profile -> action -> binding paths
SUGGESTED_BINDINGS: dict[str, dict[str, list[str]]] = {
    "/interaction_profiles/khr/simple_controller": {
        "throw": _both("select/click"),
        "aim": _both("aim/pose"),
        "pause": _both("menu/click"),
    },
    "/interaction_profiles/oculus/touch_controller": {
        "throw": _both("trigger/value"),
        "grip": _both("squeeze/value"),
        "aim": _both("aim/pose"),
        "recenter": ["/user/hand/left/input/y/click", "/user/hand/right/input/b/click"],
        "pause": ["/user/hand/left/input/menu/click"],
    },
    "/interaction_profiles/valve/index_controller": {
        "throw": _both("trigger/value"),
        "grip": _both("squeeze/value"),
        "aim": _both("aim/pose"),
        "recenter": _both("b/click"),
        "pause": _both("a/click"),
    },
    "/interaction_profiles/htc/vive_controller": {
        "throw": _both("trigger/value"),
        "grip": _both("squeeze/click"),
        "aim": _both("aim/pose"),
        "recenter": _both("trackpad/click"),
        "pause": _both("menu/click"),
    },
}

EYE_GAZE_BINDINGS: dict[str, dict[str, list[str]]] = {EYE_GAZE_PROFILE: {"gaze": [EYE_GAZE_POSE]}}


def action_specs(eye_gaze: bool) -> tuple[ActionSpec, ...]:
    """The actions to create: the gaze action only when the runtime supports eye gaze interaction."""
    return tuple(a for a in ACTIONS if eye_gaze or not a.needs_eye_gaze)


def suggested_bindings(eye_gaze: bool) -> dict[str, list[tuple[str, str]]]:
    """profile -> [(action name, binding path)] to pass to xrSuggestInteractionProfileBindings."""
    tables = dict(SUGGESTED_BINDINGS)
    if eye_gaze:
        tables.update(EYE_GAZE_BINDINGS)
    return {profile: [(action, path) for action, paths in table.items() for path in paths]
            for profile, table in tables.items()}


def required_extensions(available: list[str] | tuple[str, ...]) -> list[str]:
    """Extensions to enable: OpenGL always (the caller fails clearly without it); eye gaze, the timespec clock
    conversion and the EGL binding when the runtime has them."""
    out = [OPENGL_EXTENSION]
    for ext in (EYE_GAZE_EXTENSION, TIMESPEC_EXTENSION, EGL_EXTENSION):
        if ext in available:
            out.append(ext)
    return out


class TriggerLatch:
    """A throw fires once when the trigger passes `THROW_THRESHOLD` and re-arms when it drops below half of it."""

    def __init__(self, threshold: float = THROW_THRESHOLD):
        self.threshold = threshold
        self.armed = True

    def update(self, value: float) -> bool:
        if self.armed and value >= self.threshold:
            self.armed = False
            return True
        if not self.armed and value < self.threshold / 2:
            self.armed = True
        return False
