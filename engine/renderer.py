"""The renderer: a scene root, a head rig with one camera per view, and a 2D overlay, drawn through any display
backend (`engine.backends.interface`). It knows nothing about plays; `engine.app` puts a play in it.

    renderer = Renderer(PandaDisplay("offscreen", (640, 360)))
    node.reparent_to(renderer.scene)
    renderer.look(eye, target, fov_h=60)   # place the rig (desktop cameras)
    renderer.render()                       # one frame, every view
    rgb = renderer.screenshot()             # [H, W, 3] uint8 of view 0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panda3d.core import (
    Camera,
    DisplayRegion,
    LPoint3f,
    LQuaternionf,
    NodePath,
    OrthographicLens,
    PerspectiveLens,
    PNMImage,
    StringStream,
    Texture,
)

from replay.atomic import write_atomic
from scenes.palette import SKY

from .backends.interface import DisplayBackend, FovTangents, ViewParams

NEAR_M, FAR_M = 0.05, 2000.0


@dataclass
class View:
    camera: NodePath
    lens: PerspectiveLens
    region: DisplayRegion
    pixel_size: tuple[int, int]


class Renderer:
    def __init__(self, backend: DisplayBackend, *, clear_color=SKY, overlay: bool = True):
        self.backend = backend
        outs = backend.open()
        self.engine = outs.engine
        self.scene = NodePath("scene")
        self.rig = self.scene.attach_new_node("rig")
        self.fov_h = 60.0
        self.views: list[View] = []
        for k, target in enumerate(outs.targets):
            lens = PerspectiveLens()
            lens.set_near_far(NEAR_M, FAR_M)
            cam = self.rig.attach_new_node(Camera(f"view{k}", lens))
            dr = target.output.make_display_region(*target.region)
            dr.set_camera(cam)
            dr.set_clear_color_active(True)
            dr.set_clear_color((*clear_color, 1.0))
            dr.set_clear_depth_active(True)
            l, r, b, t = target.region
            px = (max(1, round(target.output.get_x_size() * (r - l))),
                  max(1, round(target.output.get_y_size() * (t - b))))
            self.views.append(View(cam, lens, dr, px))
            self._set_fov(self.views[-1], None)
        self.overlay: NodePath | None = None
        if overlay and len(self.views) == 1:
            # the 2D overlay (HUD) of a mono view: x in [-aspect, aspect], z in [-1, 1]
            self.overlay = NodePath("overlay")
            self.overlay.set_depth_test(False)
            self.overlay.set_depth_write(False)
            lens = self._overlay_lens = OrthographicLens()
            lens.set_film_size(2 * self.aspect, 2)
            lens.set_near_far(-10, 10)
            cam2d = self.overlay.attach_new_node(Camera("overlay-cam", lens))
            dr = outs.targets[0].output.make_display_region(*outs.targets[0].region)
            dr.set_sort(20)
            dr.set_camera(cam2d)

    @property
    def aspect(self) -> float:
        w, h = self.views[0].pixel_size
        return w / h

    @property
    def px_per_rad(self) -> float:
        """Pixels per radian at the centre of the first view (what sizes labels and the ball by distance)."""
        v = self.views[0]
        return v.pixel_size[0] / max(v.lens.get_film_size()[0] / v.lens.get_focal_length(), 1e-6)

    def eye_position(self) -> np.ndarray:
        """Where the first view's camera is in the world (metres): what labels are sized for."""
        p = self.views[0].camera.get_pos(self.scene)
        return np.array([p.x, p.y, p.z], np.float32)

    def _set_fov(self, view: View, fov: FovTangents | None) -> None:
        w, h = view.pixel_size
        if fov is None:
            view.lens.set_film_size(1.0, h / w)
            view.lens.set_film_offset(0, 0)
            view.lens.set_fov(self.fov_h, 2 * np.degrees(np.arctan(np.tan(np.radians(self.fov_h / 2)) * h / w)))
        else:
            # the film at unit distance spans [left, right] x [down, up]
            view.lens.set_focal_length(1.0)
            view.lens.set_film_size(fov.right - fov.left, fov.up - fov.down)
            view.lens.set_film_offset((fov.right + fov.left) / 2, (fov.up + fov.down) / 2)

    def look(self, eye, target, fov_h: float | None = None) -> None:
        """Place the rig at `eye` looking at `target` (Z up); set the default horizontal field of view."""
        self.rig.set_pos(float(eye[0]), float(eye[1]), float(eye[2]))
        self.rig.set_scale(1.0)
        self.rig.look_at(LPoint3f(float(target[0]), float(target[1]), float(target[2])), (0, 0, 1))
        if fov_h is not None:
            self.fov_h = float(fov_h)

    def place_rig(self, position, heading_deg: float, scale: float = 1.0) -> None:
        """Place the rig (a tracked head's origin) on the ground; heading 0 faces +y, -90 faces +x. `scale` > 1
        makes the trainee a giant over the field (an overhead view in a headset: his head at `scale` x its height,
        his head motion `scale` times larger)."""
        self.rig.set_pos(float(position[0]), float(position[1]), float(position[2]))
        self.rig.set_hpr(heading_deg, 0, 0)
        self.rig.set_scale(float(scale))

    def render(self) -> bool:
        """Draw one frame on every view; False when the backend skipped it."""
        params = self.backend.begin_frame()
        if params is None:
            return False
        for view, p in zip(self.views, params):
            self._apply(view, p)
        self.engine.render_frame()
        self.backend.end_frame()
        return True

    def _apply(self, view: View, p: ViewParams) -> None:
        px = (view.region.get_pixel_width(), view.region.get_pixel_height())
        if px != view.pixel_size and px[0] > 0 and px[1] > 0:  # a resized window keeps its lens undistorted
            view.pixel_size = px
            if self.overlay is not None and view is self.views[0]:  # and its overlay (relaid out by its owner)
                self._overlay_lens.set_film_size(2 * self.aspect, 2)
        x, y, z = p.pose.position
        view.camera.set_pos(x, y, z)
        w, qx, qy, qz = p.pose.orientation
        view.camera.set_quat(LQuaternionf(w, qx, qy, qz))
        self._set_fov(view, p.fov)

    def screenshot(self, view: int = 0) -> np.ndarray:
        """The last rendered frame of one view as [H, W, 3] uint8, top row first."""
        tex = self.views[view].region.get_window().get_screenshot()
        if tex is None:
            raise RuntimeError("the output returned no screenshot")
        w, h = tex.get_x_size(), tex.get_y_size()
        img = np.frombuffer(tex.get_ram_image_as("RGB"), np.uint8).reshape(h, w, 3)[::-1]
        l, r, b, t = self.views[view].region.get_dimensions()
        x0, x1 = round(l * w), round(r * w)
        y0, y1 = round((1 - t) * h), round((1 - b) * h)
        return np.ascontiguousarray(img[y0:y1, x0:x1])

    def save_png(self, path, view: int = 0) -> None:
        """Write the last frame of one view as a PNG, atomically."""
        save_png(path, self.screenshot(view))

    def close(self) -> None:
        self.backend.close()


def png_bytes(rgb: np.ndarray) -> bytes:
    h, w, _ = rgb.shape
    img = PNMImage(w, h, 3)
    tex = Texture("png")
    tex.setup_2d_texture(w, h, Texture.T_unsigned_byte, Texture.F_rgb8)
    tex.set_ram_image_as(np.ascontiguousarray(rgb[::-1]).tobytes(), "RGB")
    tex.store(img)
    ss = StringStream()
    if not img.write(ss, "frame.png"):
        raise RuntimeError("PNG encoding failed")
    return ss.get_data()


def save_png(path, rgb: np.ndarray) -> None:
    write_atomic(path, png_bytes(rgb))
