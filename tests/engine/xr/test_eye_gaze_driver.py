"""XR_EXT_eye_gaze_interaction through the OpenXR driver, on a fake runtime (Monado does not offer it): the
runtime reports eye gaze support in the system properties, the driver creates the gaze pose action with the
eye-gaze profile's binding and an action space, and each frame locates that space with the eye tracker's own
sample time chained in; a frame without a valid gaze falls back to head gaze (the recorded source says which)."""

from __future__ import annotations

import ctypes
from types import SimpleNamespace

import numpy as np
import pytest

from engine.xr.bindings import EYE_GAZE_POSE, EYE_GAZE_PROFILE
from engine.xr.headset import FrameTiming, HeadsetBackend, XrInput, XrPose
from engine.xr.openxr_driver import OpenXRDriver, system_supports_eye_gaze

xr = pytest.importorskip("xr")


def _handle(kind, k: int):
    return ctypes.cast(ctypes.c_void_p(k), kind)


def _key(h) -> int:
    return ctypes.cast(h, ctypes.c_void_p).value


class FakeRuntime:
    """The xr module with the runtime's functions replaced: everything not overridden is pyopenxr's own (the
    structures, enums, check_result), so the driver builds real OpenXR structures."""

    def __init__(self, *, gaze_active=True, gaze_valid=True):
        self.paths: dict[str, int] = {}
        self.actions: dict[int, tuple[str, int]] = {}   # handle -> (name, type)
        self.spaces: dict[int, int] = {}                # space -> action handle
        self.suggested: dict[str, list[tuple[str, str]]] = {}
        self.gaze_active, self.gaze_valid = gaze_active, gaze_valid
        self.gaze_located_at: list[int] = []
        self.raw_functions = SimpleNamespace(xrLocateSpace=self._raw_locate_space,
                                             xrGetSystemProperties=self._raw_system_properties)

    def __getattr__(self, name):
        return getattr(xr, name)

    def path_name(self, p: int) -> str:
        return next(k for k, v in self.paths.items() if v == p)

    def string_to_path(self, instance, s):
        return self.paths.setdefault(s, len(self.paths) + 1)

    def create_action_set(self, instance, info):
        return _handle(xr.ActionSet, 0x100)

    def create_action(self, action_set, info):
        h = _handle(xr.Action, 0x200 + len(self.actions))
        name = info.action_name.decode() if isinstance(info.action_name, bytes) else str(info.action_name)
        self.actions[_key(h)] = (name, int(info.action_type))
        return h

    def action_name(self, action) -> str:
        return self.actions[_key(action)][0]

    def suggest_interaction_profile_bindings(self, instance, sb):
        pairs = [(self.action_name(b.action), self.path_name(b.binding)) for b in sb.suggested_bindings]
        self.suggested[self.path_name(sb.interaction_profile)] = pairs

    def create_action_space(self, session, info):
        h = _handle(xr.Space, 0x300 + len(self.spaces))
        self.spaces[_key(h)] = _key(info.action)
        return h

    def attach_session_action_sets(self, session, info):
        pass

    def sync_actions(self, session, info):
        pass

    def get_action_state_float(self, session, info):
        return SimpleNamespace(is_active=True, current_state=0.0)

    def get_action_state_boolean(self, session, info):
        return SimpleNamespace(is_active=True, current_state=False)

    def get_action_state_pose(self, session, info):
        assert self.action_name(info.action) == "gaze"
        return SimpleNamespace(is_active=self.gaze_active)

    def locate_space(self, space, base, t):
        loc = xr.SpaceLocation()
        loc.location_flags = 0  # the controllers are not tracked here
        return loc

    def _raw_locate_space(self, space, base, t, p_loc):
        assert self.action_name(_handle(xr.Action, self.spaces[_key(space)])) == "gaze"
        loc = ctypes.cast(p_loc, ctypes.POINTER(xr.SpaceLocation)).contents
        sample = ctypes.cast(loc.next, ctypes.POINTER(xr.EyeGazeSampleTimeEXT)).contents
        self.gaze_located_at.append(int(t))
        if self.gaze_valid:
            f = xr.SpaceLocationFlags
            loc.location_flags = int(f.ORIENTATION_VALID_BIT) | int(f.POSITION_VALID_BIT)
            yaw = np.radians(20.0)  # the eyes 20 degrees left of the head (which looks straight ahead)
            loc.pose = xr.Posef(orientation=xr.Quaternionf(0.0, float(np.sin(yaw / 2)), 0.0, float(np.cos(yaw / 2))),
                                position=xr.Vector3f(0.0, 1.7, 0.0))
            sample.time = int(t) - 3_000_000  # the tracker sampled 3 ms before the display time
        return 0

    def _raw_system_properties(self, instance, system_id, p_props):
        props = ctypes.cast(p_props, ctypes.POINTER(xr.SystemProperties)).contents
        ctypes.cast(props.next, ctypes.POINTER(xr.SystemEyeGazeInteractionPropertiesEXT)).contents \
            .supports_eye_gaze_interaction = 1
        return 0


def driver_on(fake: FakeRuntime) -> OpenXRDriver:
    d = OpenXRDriver()
    d.xr = fake
    d.instance, d.session, d.stage = _handle(xr.Instance, 1), _handle(xr.Session, 2), _handle(xr.Space, 3)
    d._create_actions(fake, eye_gaze=True)
    return d


def test_runtime_reporting_eye_gaze_support_is_read_from_the_chained_system_properties():
    assert system_supports_eye_gaze(FakeRuntime(), _handle(xr.Instance, 1), 7) is True


def test_gaze_action_is_bound_to_the_eye_gaze_profile_with_its_own_action_space():
    fake = FakeRuntime()
    d = driver_on(fake)
    assert fake.suggested[EYE_GAZE_PROFILE] == [("gaze", EYE_GAZE_POSE)]
    assert ("gaze", int(xr.ActionType.POSE_INPUT)) in fake.actions.values()
    assert d.gaze_space is not None and fake.action_name(_handle(xr.Action, fake.spaces[_key(d.gaze_space)])) == "gaze"


def test_each_frame_locates_the_gaze_at_the_display_time_with_the_trackers_sample_time():
    fake = FakeRuntime()
    d = driver_on(fake)
    t = 5_000_000_000
    inp = d.sync_input(t)
    assert fake.gaze_located_at == [t]
    assert inp.eye is not None and inp.eye.time_ns == t - 3_000_000
    assert inp.eye.orientation == pytest.approx((np.cos(np.radians(10)), 0.0, np.sin(np.radians(10)), 0.0))


@pytest.mark.parametrize("active,valid", [(False, True), (True, False)])
def test_no_valid_eye_sample_means_head_gaze(active, valid):
    d = driver_on(FakeRuntime(gaze_active=active, gaze_valid=valid))
    assert d.sync_input(5_000_000_000).eye is None


class _Driver:
    """Just enough of a driver for the backend to sample one frame."""

    info = None
    window = None


def test_the_backend_records_which_source_each_gaze_sample_came_from():
    fake = FakeRuntime()
    d = driver_on(fake)
    be = HeadsetBackend(_Driver())
    head = XrPose((0.0, 1.7, 0.0), (1.0, 0.0, 0.0, 0.0), 0)
    timing = FrameTiming(5_000_000_000, 11_111_111, True)
    eye_frame = be._sample(timing, [], head, d.sync_input(timing.display_time_ns))
    fake.gaze_valid = False
    head_frame = be._sample(timing, [], head, d.sync_input(timing.display_time_ns))
    plain = be._sample(timing, [], head, XrInput())
    assert (eye_frame.gaze.source, head_frame.gaze.source, plain.gaze.source) == ("eye", "head", "head")
    # the eyes 20 degrees left of the head: Panda3D axes, +Y forward, +X right
    assert np.degrees(np.arctan2(-eye_frame.gaze.direction[0], eye_frame.gaze.direction[1])) == pytest.approx(20.0)
    assert eye_frame.gaze.time_ns == timing.display_time_ns - 3_000_000
    assert be.gaze_source == "mixed" and be.gaze_sources == {"eye": 1, "head": 2}
