"""The real headset: OpenXR through pyopenxr, rendering with Panda3D's OpenGL context.

Set-up (OpenXR 1.0 specification; Khronos hello_xr): instance with XR_KHR_opengl_enable (and
XR_EXT_eye_gaze_interaction when the runtime has it) -> HMD system, recommended eye size ->
xrGetOpenGLGraphicsRequirementsKHR (mandatory before the session) -> a small Panda3D desktop window whose GLX
context the session is bound to -> STAGE space (LOCAL when the runtime has no STAGE) and VIEW space -> one sRGB
swapchain per eye -> the action set (throw, aim, recenter, eye gaze).

Per eye the renderer draws into a Panda3D texture buffer whose draw callback renders straight into the acquired
swapchain image (`engine.xr.eye_targets`: attach, clear, draw, release, with the OpenGL context current as
OpenXR requires, sRGB image written unconverted). `end_frame` submits one projection layer with the exact poses
and fields of view that were located for the frame.
"""

from __future__ import annotations

import ctypes
import math
import time

from engine.backends.interface import DisplayOutputs, DisplayUnavailable

from .bindings import (
    ACTION_SET,
    ACTION_SET_LABEL,
    EYE_GAZE_EXTENSION,
    HANDS,
    OPENGL_EXTENSION,
    TIMESPEC_EXTENSION,
    action_specs,
    required_extensions,
    suggested_bindings,
)
from .coords import xr_quat_wxyz
from .eye_targets import EyeTargets
from .headset import IDLE_SLEEP_S, FrameTiming, HeadsetInfo, RuntimeLost, XrEvent, XrInput, XrPose, XrView
from .projection import fov_tangents
from .runtime import INSTALL_HINT, load_xr

GL_SRGB8_ALPHA8 = 0x8C43
GL_SRGB8 = 0x8C41
GL_RGBA8 = 0x8058
MIRROR_SIZE = (480, 270)
LOCAL_EYE_HEIGHT_M = 1.75


def system_supports_eye_gaze(xr, instance, system_id) -> bool:
    """XrSystemEyeGazeInteractionPropertiesEXT chained into xrGetSystemProperties (pyopenxr's
    `get_system_properties` takes no `next` chain, so this goes through `xr.raw_functions`)."""
    eye = xr.SystemEyeGazeInteractionPropertiesEXT()
    props = xr.SystemProperties(next=ctypes.cast(ctypes.pointer(eye), ctypes.c_void_p))
    result = xr.check_result(xr.raw_functions.xrGetSystemProperties(instance, system_id, ctypes.byref(props)))
    if result.is_exception():
        raise result
    return bool(eye.supports_eye_gaze_interaction)


def parse_event(xr, buf) -> XrEvent | None:
    """One polled `EventDataBuffer` as the backend's event: a session state change or an instance loss."""
    kind = xr.StructureType(buf.type)
    if kind == xr.StructureType.EVENT_DATA_SESSION_STATE_CHANGED:
        ev = ctypes.cast(ctypes.byref(buf), ctypes.POINTER(xr.EventDataSessionStateChanged)).contents
        return XrEvent("state", int(ev.state))
    if kind == xr.StructureType.EVENT_DATA_INSTANCE_LOSS_PENDING:
        return XrEvent("instance_loss")
    return None


def projection_layer(xr, space, views, swapchains, sizes):
    """The frame's projection layer: each eye's located pose and field of view with its whole swapchain image.
    Keep the returned layer alive until xrEndFrame returns."""
    proj = [xr.CompositionLayerProjectionView(
        pose=v.pose, fov=v.fov,
        sub_image=xr.SwapchainSubImage(swapchain=sc, image_rect=xr.Rect2Di(
            offset=xr.Offset2Di(0, 0), extent=xr.Extent2Di(w, h)), image_array_index=0))
        for v, sc, (w, h) in zip(views, swapchains, sizes)]
    return xr.CompositionLayerProjection(space=space, views=proj)


def frame_end_info(xr, display_time_ns: int, layer=None):
    """xrEndFrame's info: the layer (none when nothing was drawn), opaque blending, at the frame's display time."""
    return xr.FrameEndInfo(display_time=display_time_ns, environment_blend_mode=xr.EnvironmentBlendMode.OPAQUE,
                           layers=[ctypes.byref(layer)] if layer is not None else [])


def runtime_calls(method):
    """A per-frame driver method whose runtime errors that mean "the runtime is gone" (instance or session lost,
    runtime failure) become `RuntimeLost`, so the backend saves and leaves instead of crashing mid-rep."""
    def wrapped(self, *a, **kw):
        xr = self.xr
        try:
            return method(self, *a, **kw)
        except (xr.exception.InstanceLostError, xr.exception.SessionLostError,
                xr.exception.RuntimeFailureError) as e:
            raise RuntimeLost(f"{type(e).__name__} in {method.__name__}") from e
    wrapped.__name__, wrapped.__doc__ = method.__name__, method.__doc__
    return wrapped


def _text(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def _pose(p, t: int) -> XrPose:
    return XrPose((p.position.x, p.position.y, p.position.z), tuple(xr_quat_wxyz(p.orientation)), t)


class OpenXRDriver:
    """A `HeadsetDriver` on a real OpenXR runtime (see the module docstring)."""

    def __init__(self, *, mirror_size: tuple[int, int] = MIRROR_SIZE, title: str = "qbvr (in the headset)"):
        self.xr = None
        self.mirror_size = mirror_size
        self.title = title
        self.info: HeadsetInfo | None = None
        self.instance = None
        self.system_id = None
        self.session = None
        self.stage = None
        self.view_space = None
        self.swapchains: list = []
        self.images: list = []
        self.sizes: list[tuple[int, int]] = []
        self.eyes: EyeTargets | None = None
        self.engine = None
        self._window = None
        self.action_set = None
        self.actions: dict = {}
        self.hand_paths: list = []
        self.aim_spaces: list = []
        self.gaze_space = None
        self._located = None        # the xr.View array of this frame (submitted as is)
        self._extensions: list[str] = []
        self.graphics = ""          # the graphics binding in use: "glx", "egl" or "wgl"

    @property
    def window(self):
        return self._window

    # ---------------------------------------------------------------- set-up
    def open(self) -> DisplayOutputs:
        try:
            self.xr = xr = load_xr()
        except ImportError as e:
            raise DisplayUnavailable(f"pyopenxr is not installed ({e}): pip install pyopenxr") from e
        try:
            return self._open(xr)
        except DisplayUnavailable:
            self.close()
            raise
        except xr.exception.RuntimeUnavailableError as e:
            self.close()
            raise DisplayUnavailable(f"no OpenXR runtime is installed or active: {INSTALL_HINT}") from e
        except xr.exception.FormFactorUnavailableError as e:
            self.close()
            raise DisplayUnavailable(f"the OpenXR runtime is running but no headset is connected: "
                                     f"{INSTALL_HINT}") from e
        except xr.exception.XrException as e:
            self.close()
            raise DisplayUnavailable(f"the OpenXR runtime refused the headset session: {type(e).__name__}: {e}") \
                from e

    def _open(self, xr) -> DisplayOutputs:
        available = [_text(p.extension_name) for p in xr.enumerate_instance_extension_properties()]
        if OPENGL_EXTENSION not in available:
            raise DisplayUnavailable(f"the OpenXR runtime has no OpenGL support ({OPENGL_EXTENSION}); qbvr renders "
                                     "with OpenGL")
        exts = required_extensions(available)
        self._extensions = exts
        self.instance = xr.create_instance(xr.InstanceCreateInfo(
            application_info=xr.ApplicationInfo(application_name="qbvr", application_version=1,
                                                engine_name="qbvr", engine_version=1,
                                                api_version=xr.Version(1, 0, 0)),
            enabled_extension_names=exts))
        props = xr.get_instance_properties(self.instance)
        v = int(props.runtime_version)
        runtime = f"{_text(props.runtime_name)} {v >> 48}.{(v >> 32) & 0xFFFF}.{v & 0xFFFFFFFF}"
        self.system_id = xr.get_system(self.instance,
                                       xr.SystemGetInfo(form_factor=xr.FormFactor.HEAD_MOUNTED_DISPLAY))
        system = _text(xr.get_system_properties(self.instance, self.system_id).system_name)
        eye_gaze = EYE_GAZE_EXTENSION in exts and system_supports_eye_gaze(xr, self.instance, self.system_id)
        cfg = xr.enumerate_view_configuration_views(self.instance, self.system_id,
                                                    xr.ViewConfigurationType.PRIMARY_STEREO)
        self.sizes = [(c.recommended_image_rect_width, c.recommended_image_rect_height) for c in cfg]
        reqs = xr.get_opengl_graphics_requirements_khr(self.instance, self.system_id)

        self._open_gl_context(reqs)
        self._create_session(xr)
        self._create_swapchains(xr)
        self.eyes = EyeTargets(self.engine, self._window, self.sizes, self._acquire, self._release)
        self.eyes.add_mirror(self._window)  # the desktop window shows the left eye
        self._create_actions(xr, eye_gaze)
        self.info = HeadsetInfo(runtime=runtime, system=system, eye_size=self.sizes[0], views=len(self.sizes),
                                eye_gaze=eye_gaze, extensions=tuple(exts))
        return DisplayOutputs(self.engine, self.eyes.targets)

    def _open_gl_context(self, reqs) -> None:
        from panda3d.core import (
            FrameBufferProperties,
            GraphicsEngine,
            GraphicsPipe,
            GraphicsPipeSelection,
            WindowProperties,
        )

        from engine.backends.panda_display import configure_panda, display_available

        configure_panda()
        if not display_available():
            raise DisplayUnavailable("the headset needs a desktop session for its OpenGL context (DISPLAY is not set)")
        pipe = GraphicsPipeSelection.get_global_ptr().make_module_pipe("pandagl")
        if pipe is None or not pipe.is_valid():
            raise DisplayUnavailable("cannot open the OpenGL pipe (pandagl) for the headset")
        self.engine = GraphicsEngine(pipe)
        fb = FrameBufferProperties()
        fb.set_rgba_bits(8, 8, 8, 0)
        fb.set_depth_bits(24)
        fb.set_back_buffers(1)  # as the desktop window: a single-buffered X window stays black on Mesa
        wp = WindowProperties()
        wp.set_size(*self.mirror_size)
        wp.set_title(self.title)
        self._window = self.engine.make_output(pipe, "qbvr-xr-mirror", 0, fb, wp, GraphicsPipe.BF_require_window,
                                               None, None)
        if self._window is None:
            raise DisplayUnavailable("cannot open the headset's desktop window (its OpenGL context drives the headset)")
        self._window.set_clear_color_active(True)
        self._window.set_clear_color((0.1, 0.1, 0.1, 1))
        self.engine.open_windows()
        self.engine.render_frame()  # makes the window's context current on this thread
        gsg = self._window.get_gsg()
        have = (gsg.get_driver_version_major(), gsg.get_driver_version_minor())
        lo = int(reqs.min_api_version_supported)
        need = (lo >> 48, (lo >> 32) & 0xFFFF)
        if have < need:
            raise DisplayUnavailable(f"the headset runtime needs OpenGL {need[0]}.{need[1]}, this context is "
                                     f"{have[0]}.{have[1]}")

    def _create_session(self, xr) -> None:
        from .graphics_binding import NoContext, PlatformProbe, current_context, make_binding, required_extension

        try:
            ctx = current_context(PlatformProbe())
        except NoContext as e:
            raise DisplayUnavailable(f"Panda3D's OpenGL context is not current ({e}): cannot bind the headset "
                                     "session") from e
        need = required_extension(ctx)
        if need is not None and need not in self._extensions:
            raise DisplayUnavailable(f"Panda3D runs OpenGL on {ctx.kind.upper()} and the OpenXR runtime does not "
                                     f"offer {need}")
        self.graphics = ctx.kind
        binding = make_binding(xr, ctx)
        self._binding = binding  # keep alive for the session's lifetime
        self.session = xr.create_session(self.instance, xr.SessionCreateInfo(
            system_id=self.system_id, next=ctypes.cast(ctypes.pointer(binding), ctypes.c_void_p)))
        spaces = [int(s) for s in xr.enumerate_reference_spaces(self.session)]
        # STAGE: floor origin, the trainee's real eye height; LOCAL (seated origin) when the runtime has no stage
        stage = int(xr.ReferenceSpaceType.STAGE.value) in spaces
        kind = xr.ReferenceSpaceType.STAGE if stage else xr.ReferenceSpaceType.LOCAL
        # a LOCAL origin is at the head: put ours a standing eye height below it, so eyes are never at the grass
        origin = xr.Posef() if stage else xr.Posef(position=xr.Vector3f(0.0, -LOCAL_EYE_HEIGHT_M, 0.0))
        self.stage = xr.create_reference_space(self.session, xr.ReferenceSpaceCreateInfo(
            reference_space_type=kind, pose_in_reference_space=origin))
        self.view_space = xr.create_reference_space(self.session, xr.ReferenceSpaceCreateInfo(
            reference_space_type=xr.ReferenceSpaceType.VIEW, pose_in_reference_space=xr.Posef()))

    def _create_swapchains(self, xr) -> None:
        formats = [int(f) for f in xr.enumerate_swapchain_formats(self.session)]
        fmt = next((f for f in (GL_SRGB8_ALPHA8, GL_SRGB8) if f in formats), None)
        if fmt is None:
            fmt = GL_RGBA8 if GL_RGBA8 in formats else formats[0]
        for w, h in self.sizes:
            sc = xr.create_swapchain(self.session, xr.SwapchainCreateInfo(
                usage_flags=xr.SwapchainUsageFlags.COLOR_ATTACHMENT_BIT | xr.SwapchainUsageFlags.SAMPLED_BIT,
                format=fmt, sample_count=1, width=w, height=h, face_count=1, array_size=1, mip_count=1))
            self.swapchains.append(sc)
            self.images.append(xr.enumerate_swapchain_images(sc, xr.SwapchainImageOpenGLKHR))

    def _create_actions(self, xr, eye_gaze: bool) -> None:
        path = lambda s: xr.string_to_path(self.instance, s)  # noqa: E731
        self.action_set = xr.create_action_set(self.instance, xr.ActionSetCreateInfo(
            action_set_name=ACTION_SET, localized_action_set_name=ACTION_SET_LABEL, priority=0))
        self.hand_paths = [path(h) for h in HANDS]
        kinds = {"float": xr.ActionType.FLOAT_INPUT, "boolean": xr.ActionType.BOOLEAN_INPUT,
                 "pose": xr.ActionType.POSE_INPUT}
        for spec in action_specs(eye_gaze):
            subs = [path(p) for p in spec.subaction_paths]
            self.actions[spec.name] = xr.create_action(self.action_set, xr.ActionCreateInfo(
                action_name=spec.name, action_type=kinds[spec.kind], subaction_paths=subs or None,
                localized_action_name=spec.label))
        for profile, pairs in suggested_bindings(eye_gaze).items():
            try:
                xr.suggest_interaction_profile_bindings(self.instance, xr.InteractionProfileSuggestedBinding(
                    interaction_profile=path(profile),
                    suggested_bindings=[xr.ActionSuggestedBinding(self.actions[a], path(p)) for a, p in pairs]))
            except xr.exception.PathUnsupportedError:
                pass  # a runtime may not know a profile; the others still apply
        self.aim_spaces = [xr.create_action_space(self.session, xr.ActionSpaceCreateInfo(
            action=self.actions["aim"], subaction_path=h, pose_in_action_space=xr.Posef())) for h in self.hand_paths]
        if eye_gaze:
            self.gaze_space = xr.create_action_space(self.session, xr.ActionSpaceCreateInfo(
                action=self.actions["gaze"], subaction_path=xr.NULL_PATH, pose_in_action_space=xr.Posef()))
        xr.attach_session_action_sets(self.session, xr.SessionActionSetsAttachInfo(action_sets=[self.action_set]))

    # ---------------------------------------------------------------- per frame
    @runtime_calls
    def poll_events(self) -> list[XrEvent]:
        xr = self.xr
        out: list[XrEvent] = []
        while True:
            try:
                buf = xr.poll_event(self.instance)
            except xr.EventUnavailable:
                break
            ev = parse_event(xr, buf)
            if ev is not None:
                out.append(ev)
        return out

    def begin_session(self) -> None:
        xr = self.xr
        xr.begin_session(self.session, xr.SessionBeginInfo(
            primary_view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO))

    def end_session(self) -> None:
        self.xr.end_session(self.session)

    def request_exit(self) -> None:
        self.xr.request_exit_session(self.session)

    def idle(self) -> None:
        time.sleep(IDLE_SLEEP_S)
        if self.engine is not None:
            self.engine.render_frame()  # keeps the desktop window responsive

    @runtime_calls
    def wait_frame(self) -> FrameTiming:
        fs = self.xr.wait_frame(self.session, self.xr.FrameWaitInfo())
        return FrameTiming(int(fs.predicted_display_time), int(fs.predicted_display_period), bool(fs.should_render),
                           self.now_ns())

    def now_ns(self) -> int:
        """The runtime's clock now (XrTime) through XR_KHR_convert_timespec_time; 0 without the extension."""
        xr = self.xr
        if self.info is None or TIMESPEC_EXTENSION not in self.info.extensions:
            return 0
        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        try:
            t = xr.convert_timespec_time_to_time_khr(self.instance, xr.timespec(now // 1_000_000_000,
                                                                               now % 1_000_000_000))
        except xr.exception.XrException:
            return 0
        t = getattr(t, "value", t)  # pyopenxr hands back a ctypes XrTime (its value may come as raw bytes)
        return int.from_bytes(t, "little", signed=True) if isinstance(t, bytes) else int(t)

    @runtime_calls
    def begin_frame(self) -> None:
        self.xr.begin_frame(self.session, self.xr.FrameBeginInfo())
        self._located = None
        self.eyes.begin(False)  # enabled once the views are located

    def _acquire(self, k: int) -> int:
        xr = self.xr
        sc = self.swapchains[k]
        idx = xr.acquire_swapchain_image(sc, xr.SwapchainImageAcquireInfo())
        xr.wait_swapchain_image(sc, xr.SwapchainImageWaitInfo(timeout=xr.INFINITE_DURATION))
        return int(self.images[k][idx].image)

    def _release(self, k: int) -> None:
        self.xr.release_swapchain_image(self.swapchains[k], self.xr.SwapchainImageReleaseInfo())

    @runtime_calls
    def locate(self, display_time_ns: int) -> tuple[list[XrView], XrPose | None]:
        xr = self.xr
        state, views = xr.locate_views(self.session, xr.ViewLocateInfo(
            view_configuration_type=xr.ViewConfigurationType.PRIMARY_STEREO, display_time=display_time_ns,
            space=self.stage))
        valid = xr.ViewStateFlags.ORIENTATION_VALID_BIT | xr.ViewStateFlags.POSITION_VALID_BIT
        if (int(state.view_state_flags) & int(valid)) != int(valid):
            return [], None
        self._located = views
        self.eyes.enabled = True
        out = [XrView(_pose(v.pose, display_time_ns),
                      fov_tangents(v.fov.angle_left, v.fov.angle_right, v.fov.angle_up, v.fov.angle_down))
               for v in views]
        loc = xr.locate_space(self.view_space, self.stage, display_time_ns)
        head = _pose(loc.pose, display_time_ns) if self._valid(loc) else None
        return out, head

    def _valid(self, loc) -> bool:
        f = self.xr.SpaceLocationFlags
        need = int(f.ORIENTATION_VALID_BIT) | int(f.POSITION_VALID_BIT)
        return (int(loc.location_flags) & need) == need

    @runtime_calls
    def sync_input(self, display_time_ns: int) -> XrInput:
        xr = self.xr
        try:
            xr.sync_actions(self.session, xr.ActionsSyncInfo(
                active_action_sets=[xr.ActiveActionSet(self.action_set, xr.NULL_PATH)]))
        except xr.SessionNotFocused:
            return XrInput()
        throw, grip, aim = [], [], []
        for h, space in zip(self.hand_paths, self.aim_spaces):
            throw.append(self._float("throw", h))
            grip.append(self._float("grip", h))
            loc = xr.locate_space(space, self.stage, display_time_ns)
            aim.append(_pose(loc.pose, display_time_ns) if self._valid(loc) else None)
        return XrInput(tuple(throw), tuple(aim), self._button("recenter"), self._eye_gaze(display_time_ns),
                       tuple(grip), self._button("pause"))

    def _float(self, action: str, hand) -> float:
        st = self.xr.get_action_state_float(self.session, self.xr.ActionStateGetInfo(self.actions[action], hand))
        return float(st.current_state) if st.is_active else 0.0

    def _button(self, action: str) -> bool:
        xr = self.xr
        st = xr.get_action_state_boolean(self.session, xr.ActionStateGetInfo(self.actions[action], xr.NULL_PATH))
        return bool(st.is_active and st.current_state)

    def _eye_gaze(self, display_time_ns: int) -> XrPose | None:
        xr = self.xr
        if self.gaze_space is None:
            return None
        st = xr.get_action_state_pose(self.session, xr.ActionStateGetInfo(self.actions["gaze"], xr.NULL_PATH))
        if not st.is_active:
            return None
        sample = xr.EyeGazeSampleTimeEXT()
        loc = xr.SpaceLocation(next=ctypes.cast(ctypes.pointer(sample), ctypes.c_void_p))
        result = xr.check_result(xr.raw_functions.xrLocateSpace(self.gaze_space, self.stage, display_time_ns,
                                                                ctypes.byref(loc)))
        if result.is_exception() or not self._valid(loc):
            return None
        return _pose(loc.pose, int(sample.time) or display_time_ns)

    @runtime_calls
    def end_frame(self, display_time_ns: int, views: list[XrView] | None) -> None:
        xr = self.xr
        layer = None
        if views and self._located is not None and self.eyes.all_drawn:
            layer = projection_layer(xr, self.stage, self._located, self.swapchains, self.sizes)
        self.eyes.enabled = False
        xr.end_frame(self.session, frame_end_info(xr, display_time_ns, layer))
        self._located = None

    # ---------------------------------------------------------------- tear-down
    def close(self) -> None:
        xr = self.xr
        if xr is None:
            return
        for destroy, handles in ((xr.destroy_swapchain, self.swapchains),
                                 (xr.destroy_space, [s for s in (*self.aim_spaces, self.gaze_space, self.view_space,
                                                                 self.stage) if s is not None]),
                                 (xr.destroy_action_set, [self.action_set] if self.action_set else []),
                                 (xr.destroy_session, [self.session] if self.session else []),
                                 (xr.destroy_instance, [self.instance] if self.instance else [])):
            for h in handles:
                try:
                    destroy(h)
                except Exception:  # noqa: BLE001 (tear-down continues past a runtime that is already gone)
                    pass
        self.swapchains, self.aim_spaces, self.gaze_space = [], [], None
        self.view_space = self.stage = self.action_set = self.session = self.instance = None
        if self.engine is not None:
            self.engine.remove_all_windows()
            self.engine = None
        self.xr = None


def fov_degrees(fov) -> tuple[float, float, float, float]:
    """An FovTangents as (left, right, up, down) degrees, for reports."""
    return tuple(math.degrees(math.atan(v)) for v in (fov.left, fov.right, fov.up, fov.down))
