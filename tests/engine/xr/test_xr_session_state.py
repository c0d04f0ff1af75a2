"""Headset: the OpenXR session state machine driven by fake event sequences, and the action bindings."""

from __future__ import annotations

import re

import pytest

from engine.xr.bindings import (
    ACTIONS,
    EYE_GAZE_POSE,
    EYE_GAZE_PROFILE,
    HANDS,
    SUGGESTED_BINDINGS,
    TriggerLatch,
    action_specs,
    required_extensions,
    suggested_bindings,
)
from engine.xr.session_state import Command, SessionStateMachine, XrState

S = XrState
C = Command


def run(events):
    sm = SessionStateMachine()
    out = []
    for e in events:
        out.append(sm.on_instance_loss() if e == "loss" else sm.on_state(e))
    return sm, out


def test_normal_lifecycle():
    sm, out = run([S.IDLE, S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, S.VISIBLE, S.SYNCHRONIZED, S.STOPPING,
                   S.IDLE, S.EXITING])
    assert out == [[], [C.BEGIN_SESSION], [], [], [], [C.PAUSE_REP], [], [C.END_SESSION], [], [C.SAVE_AND_EXIT]]
    assert sm.should_exit and not sm.running
    assert "exit" in sm.exit_reason


def test_focus_lost_pauses_and_regained_focus_resumes_once():
    sm, out = run([S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, S.VISIBLE, S.FOCUSED, S.VISIBLE, S.VISIBLE,
                   S.FOCUSED])
    assert out == [[C.BEGIN_SESSION], [], [], [], [C.PAUSE_REP], [C.RESUME_REP], [C.PAUSE_REP], [],
                   [C.RESUME_REP]]
    assert sm.running and sm.focused and not sm.should_exit


def test_no_pause_before_the_rep_ever_ran():
    sm, out = run([S.READY, S.SYNCHRONIZED, S.VISIBLE, S.SYNCHRONIZED, S.VISIBLE])
    assert out == [[C.BEGIN_SESSION], [], [], [], []]
    assert sm.running and not sm.focused


def test_headset_lost_mid_rep_pauses_then_saves_and_leaves_without_xrEndSession():
    sm, out = run([S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, S.LOSS_PENDING])
    assert out[-1] == [C.PAUSE_REP, C.SAVE_AND_EXIT]
    assert C.END_SESSION not in out[-1]  # only valid in STOPPING: a lost session is destroyed
    assert sm.should_exit and not sm.running and "lost" in sm.exit_reason


def test_instance_loss_and_repeated_exit_events_leave_once():
    sm, out = run([S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, "loss", S.LOSS_PENDING, S.EXITING])
    assert out[4] == [C.PAUSE_REP, C.SAVE_AND_EXIT]
    assert out[5] == [] and out[6] == []


def test_stopping_while_focused_pauses_then_ends():
    sm, out = run([S.READY, S.SYNCHRONIZED, S.VISIBLE, S.FOCUSED, S.STOPPING])
    assert out[-1] == [C.PAUSE_REP, C.END_SESSION]
    # a runtime that restarts the session (READY again) begins it again
    assert sm.on_state(S.IDLE) == [] and sm.on_state(S.READY) == [C.BEGIN_SESSION]


def test_state_values_match_pyopenxr():
    xr = pytest.importorskip("xr")
    for s in XrState:
        assert int(xr.SessionState[s.name]) == int(s)


# ------------------------------------------------------------------ bindings

PROFILES = {"/interaction_profiles/khr/simple_controller", "/interaction_profiles/oculus/touch_controller",
            "/interaction_profiles/valve/index_controller", "/interaction_profiles/htc/vive_controller"}
# input components each profile has, per the OpenXR 1.0 spec's interaction profile list
COMPONENTS = {
    "/interaction_profiles/khr/simple_controller": {"select/click", "menu/click", "grip/pose", "aim/pose"},
    "/interaction_profiles/oculus/touch_controller": {"trigger/value", "trigger/touch", "squeeze/value",
                                                      "grip/pose", "aim/pose", "x/click", "y/click", "menu/click",
                                                      "a/click", "b/click"},
    "/interaction_profiles/valve/index_controller": {"trigger/value", "trigger/click", "a/click", "b/click",
                                                     "squeeze/value", "grip/pose", "aim/pose"},
    "/interaction_profiles/htc/vive_controller": {"trigger/value", "trigger/click", "menu/click", "squeeze/click",
                                                  "trackpad/click", "grip/pose", "aim/pose"},
}
LEFT_ONLY = {"/interaction_profiles/oculus/touch_controller": {"x/click", "y/click", "menu/click"}}
RIGHT_ONLY = {"/interaction_profiles/oculus/touch_controller": {"a/click", "b/click"}}


def test_every_profile_binds_throw_and_aim_on_both_hands_and_a_pause():
    assert set(SUGGESTED_BINDINGS) == PROFILES
    for profile, table in SUGGESTED_BINDINGS.items():
        for action in ("throw", "aim"):
            hands = {p.split("/input/")[0] for p in table[action]}
            assert hands == set(HANDS), (profile, action)
        assert table["pause"], profile
        # the simple controller has two buttons (select throws, menu pauses); the others recentre and grip too
        if profile != "/interaction_profiles/khr/simple_controller":
            assert table["recenter"] and {p.split("/input/")[0] for p in table["grip"]} == set(HANDS), profile


def test_binding_paths_exist_on_their_controllers():
    for profile, table in SUGGESTED_BINDINGS.items():
        for action, paths in table.items():
            for path in paths:
                m = re.fullmatch(r"(/user/hand/(left|right))/input/(.+)", path)
                assert m, path
                comp = m.group(3)
                assert comp in COMPONENTS[profile], (profile, path)
                if m.group(2) == "right":
                    assert comp not in LEFT_ONLY.get(profile, ()), path
                else:
                    assert comp not in RIGHT_ONLY.get(profile, ()), path
                kind = next(a.kind for a in ACTIONS if a.name == action)
                assert comp.endswith("/pose") == (kind == "pose"), path


def test_eye_gaze_only_when_supported():
    assert "gaze" not in {a.name for a in action_specs(False)}
    assert "gaze" in {a.name for a in action_specs(True)}
    assert EYE_GAZE_PROFILE not in suggested_bindings(False)
    assert suggested_bindings(True)[EYE_GAZE_PROFILE] == [("gaze", EYE_GAZE_POSE)]
    assert EYE_GAZE_POSE == "/user/eyes_ext/input/gaze_ext/pose"
    assert EYE_GAZE_PROFILE == "/interaction_profiles/ext/eye_gaze_interaction"
    flat = suggested_bindings(False)["/interaction_profiles/oculus/touch_controller"]
    assert ("throw", "/user/hand/right/input/trigger/value") in flat


def test_required_extensions():
    assert required_extensions(["XR_KHR_opengl_enable"]) == ["XR_KHR_opengl_enable"]
    assert required_extensions(["XR_EXT_eye_gaze_interaction", "XR_KHR_opengl_enable"]) == [
        "XR_KHR_opengl_enable", "XR_EXT_eye_gaze_interaction"]


def test_extension_and_path_names_match_pyopenxr():
    xr = pytest.importorskip("xr")
    assert xr.EXT_EYE_GAZE_INTERACTION_EXTENSION_NAME == "XR_EXT_eye_gaze_interaction"
    assert xr.KHR_OPENGL_ENABLE_EXTENSION_NAME == "XR_KHR_opengl_enable"


def test_trigger_latch_fires_once_per_pull():
    latch = TriggerLatch(0.75)
    values = [0.0, 0.5, 0.8, 0.9, 0.6, 0.4, 0.3, 0.76, 1.0]
    assert [latch.update(v) for v in values] == [False, False, True, False, False, False, False, True, False]
