"""The 2D heads-up display of a review: teams, down and distance, game clock, time from the snap, camera and
speed, a timeline with the play's event markers and a playhead, and the keyboard shortcuts.

Laid out in an aspect-corrected 2D frame (x in [-aspect, aspect], z in [-1, 1], looking down +y), drawn by an
orthographic overlay camera after the 3D views. Text is regenerated only when it changes.
"""

from __future__ import annotations

from panda3d.core import CardMaker, NodePath, TextNode, TransparencyAttrib

from replay.play import Play

ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
MARKED_EVENTS = {
    "ball_snap": "snap", "pass_forward": "throw", "pass_shovel": "throw", "pass_arrived": "arrive",
    "pass_outcome_caught": "catch", "pass_outcome_incomplete": "inc", "pass_outcome_interception": "INT",
    "pass_outcome_touchdown": "TD", "qb_sack": "sack", "qb_strip_sack": "sack", "touchdown": "TD",
    "tackle": "tackle", "handoff": "handoff", "run": "run", "out_of_bounds": "oob", "play_action": "PA",
}
KEYS_HELP = ("space play/pause   left/right step   shift+left/right 1 s   [ ] speed   "
             "1-5 camera (qb all22 endzone sideline free)   home restart   L loop   esc quit   drag: scrub/orbit")


def situation_text(play: Play) -> str:
    m = play.meta
    parts = [f"{m.offense_team or '?'} vs {m.defense_team or '?'}"]
    if m.quarter:
        parts.append(f"Q{m.quarter} {m.game_clock or ''}".strip())
    if m.down:
        parts.append(f"{ORDINAL.get(m.down, str(m.down))} & {m.distance if m.distance is not None else '?'}")
    return "   ".join(parts)


_draw_order = [0]


def in_draw_order(np_: NodePath) -> NodePath:
    """HUD pieces draw in creation order (bands first, text over them), whatever their transparency."""
    _draw_order[0] += 1
    np_.set_bin("fixed", _draw_order[0])
    return np_


def card(parent: NodePath, name: str, l: float, r: float, b: float, t: float, color) -> NodePath:
    """A flat coloured rectangle (left, right, bottom, top in the overlay frame), drawn in creation order."""
    cm = CardMaker(name)
    cm.set_frame(l, r, b, t)
    np_ = in_draw_order(parent.attach_new_node(cm.generate()))
    np_.set_color(*color)
    if len(color) == 4 and color[3] < 1:
        np_.set_transparency(TransparencyAttrib.M_alpha)
    return np_


class Hud:
    def __init__(self, play: Play, aspect: float, *, t_range: tuple[float, float] | None = None,
                 show_keys: bool = False):
        self.root = NodePath("hud")
        self.root.set_depth_test(False)
        self.root.set_depth_write(False)
        self.play, self.show_keys = play, show_keys
        self.t0, self.t1 = t_range or (float(play.t[0]), float(play.t[-1]))
        self._build(aspect)

    def resize(self, aspect: float) -> None:
        """Lay the HUD out again for a window whose width/height changed (a resized desktop window)."""
        if abs(aspect - self.aspect) > 1e-3:
            self._build(aspect)

    def _build(self, aspect: float) -> None:
        play, show_keys = self.play, self.show_keys
        self.root.get_children().detach()
        self.aspect = a = aspect
        self._texts: dict[str, tuple[TextNode, str]] = {}
        # one band along the bottom: situation and status, the timeline, the keys (interactive only)
        self.bar_l, self.bar_r = -a + 0.06, a - 0.06
        self.bar_y = -0.90 if show_keys else -0.945
        self.top = self.bar_y + 0.135  # overlay z of the band's top: 3D labels keep above it (review_marks)
        card(self.root, "band", -a, a, -1.0, self.top, (0, 0, 0, 0.85))
        self._text("situation", situation_text(play), -a + 0.03, self.bar_y + 0.075, 0.045, TextNode.A_left)
        self._text("status", "", a - 0.03, self.bar_y + 0.075, 0.045, TextNode.A_right)
        card(self.root, "timeline", self.bar_l, self.bar_r, self.bar_y - 0.006, self.bar_y + 0.006, (0.8, 0.8, 0.8, 1))
        last_label_x = -10.0
        for t, e in play.event_times():
            if e not in MARKED_EVENTS or not self.t0 <= t <= self.t1:
                continue
            x = self._x(t)
            card(self.root, f"ev-{e}", x - 0.004, x + 0.004, self.bar_y - 0.03, self.bar_y + 0.03, (1, 0.85, 0.1, 1))
            if x - last_label_x > 0.12:
                self._text(f"ev-{e}-{t}", MARKED_EVENTS[e], x, self.bar_y + 0.035, 0.032, TextNode.A_center)
                last_label_x = x
        self.playhead = card(self.root, "playhead", -0.007, 0.007, self.bar_y - 0.03, self.bar_y + 0.03,
                              (1, 0.25, 0.2, 1))
        if show_keys:
            self._text("keys", KEYS_HELP, 0, -0.975, 0.032, TextNode.A_center)

    def time_at(self, mouse_x: float, mouse_y: float, *, anywhere: bool = False) -> float | None:
        """Play time under a mouse position (window coordinates in [-1, 1]) on the timeline, else None;
        `anywhere`: the time under the mouse's x wherever it is (a scrub that left the bar)."""
        x = mouse_x * self.aspect
        if not anywhere and (abs(mouse_y - self.bar_y) > 0.06 or not self.bar_l - 0.02 <= x <= self.bar_r + 0.02):
            return None
        u = (min(max(x, self.bar_l), self.bar_r) - self.bar_l) / (self.bar_r - self.bar_l)
        return self.t0 + u * (self.t1 - self.t0)

    def _x(self, t: float) -> float:
        u = 0.0 if self.t1 <= self.t0 else (t - self.t0) / (self.t1 - self.t0)
        return self.bar_l + max(0.0, min(1.0, u)) * (self.bar_r - self.bar_l)

    def _text(self, key: str, text: str, x: float, z: float, size: float, align: int) -> None:
        tn = TextNode(key)
        tn.set_align(align)
        tn.set_text_color(1, 1, 1, 1)
        tn.set_text(text)
        np_ = in_draw_order(self.root.attach_new_node(tn))
        np_.set_pos(x, 0, z)
        np_.set_scale(size)
        self._texts[key] = (tn, text)

    def set_text(self, key: str, text: str) -> None:
        tn, old = self._texts[key]
        if text != old:
            tn.set_text(text)
            self._texts[key] = (tn, text)

    def update(self, t: float, *, camera: str, speed: float = 1.0, paused: bool = False, loop: bool = False) -> None:
        self.set_text("status", f"{t:+.1f} s from snap   {camera}   {speed:g}x" + ("   loop" if loop else "")
                      + ("   paused" if paused else ""))
        self.playhead.set_x(self._x(t))
