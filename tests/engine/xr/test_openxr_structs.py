"""Headset: the OpenXR structures the driver builds, with the real pyopenxr (no runtime needed): event
parsing, the projection layer and xrEndFrame info, the eye-gaze property chain, the graphics binding type."""

from __future__ import annotations

import ctypes
import math

import pytest

from engine.xr.openxr_driver import frame_end_info, parse_event, projection_layer
from engine.xr.session_state import XrState

xr = pytest.importorskip("xr")


def test_parse_session_state_and_instance_loss_events():
    buf = xr.EventDataBuffer()
    ev = ctypes.cast(ctypes.byref(buf), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
    ev.type = xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED.value
    ev.state = xr.SessionState.FOCUSED.value
    got = parse_event(xr, buf)
    assert got.kind == "state" and got.state == XrState.FOCUSED
    buf = xr.EventDataBuffer()
    buf.type = xr.StructureType.EVENT_DATA_INSTANCE_LOSS_PENDING.value
    assert parse_event(xr, buf).kind == "instance_loss"
    buf = xr.EventDataBuffer()
    buf.type = xr.StructureType.EVENT_DATA_INTERACTION_PROFILE_CHANGED.value
    assert parse_event(xr, buf) is None


def test_projection_layer_carries_each_eyes_located_view_and_whole_image():
    views = []
    for k, side in enumerate((-0.032, 0.032)):
        v = xr.View()
        v.pose = xr.Posef(position=xr.Vector3f(side, 1.7, 0.0))
        v.fov = xr.Fovf(angle_left=-0.9 + 0.1 * k, angle_right=0.8 + 0.1 * k, angle_up=0.85, angle_down=-0.9)
        views.append(v)
    layer = projection_layer(xr, None, views, [None, None], [(1832, 1920), (1832, 1920)])
    assert layer.view_count == 2 and layer.type == xr.StructureType.COMPOSITION_LAYER_PROJECTION
    for k in range(2):
        pv = layer.views[k]
        assert pv.pose.position.x == pytest.approx(views[k].pose.position.x)
        assert pv.fov.angle_left == pytest.approx(views[k].fov.angle_left)
        r = pv.sub_image.image_rect
        assert (r.offset.x, r.offset.y, r.extent.width, r.extent.height) == (0, 0, 1832, 1920)
        assert pv.sub_image.image_array_index == 0
    info = frame_end_info(xr, 123_456_789, layer)
    assert info.layer_count == 1 and info.display_time == 123_456_789
    assert info.environment_blend_mode == xr.EnvironmentBlendMode.OPAQUE.value
    assert frame_end_info(xr, 5).layer_count == 0


def test_eye_gaze_property_chain_and_sample_time_structs():
    eye = xr.SystemEyeGazeInteractionPropertiesEXT()
    props = xr.SystemProperties(next=ctypes.cast(ctypes.pointer(eye), ctypes.c_void_p))
    assert props.next == ctypes.addressof(eye)
    assert eye.type == xr.StructureType.SYSTEM_EYE_GAZE_INTERACTION_PROPERTIES_EXT.value
    sample = xr.EyeGazeSampleTimeEXT()
    loc = xr.SpaceLocation(next=ctypes.cast(ctypes.pointer(sample), ctypes.c_void_p))
    assert loc.next == ctypes.addressof(sample)
    assert xr.raw_functions.xrGetSystemProperties.argtypes[2] is ctypes.POINTER(xr.SystemProperties)
    assert xr.raw_functions.xrLocateSpace.argtypes[3] is ctypes.POINTER(xr.SpaceLocation)


def test_fov_angles_round_trip_through_the_renderer_tangents():
    from engine.xr.openxr_driver import fov_degrees
    from engine.xr.projection import fov_tangents
    f = fov_tangents(-0.9, 0.8, 0.85, -0.95)
    assert fov_degrees(f) == pytest.approx(tuple(math.degrees(a) for a in (-0.9, 0.8, 0.85, -0.95)))
