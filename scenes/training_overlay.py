"""The 2D overlay of a training rep: what the trainee needs and nothing that gives the real play away (no event
markers, no real throw time): the rep and its coaching note, the situation, the time from the snap, how to throw,
a crosshair where the head points (desktop), and the outcome when the rep ends.

Same 2D frame as the review HUD (x in [-aspect, aspect], z in [-1, 1]), attached under the renderer's overlay.
"""

from __future__ import annotations

from panda3d.core import NodePath, TextNode

from replay.field_frame import FIELD
from replay.play import Play

from .hud import card, in_draw_order, situation_text

NOT_YET = "not yet: the QB does not have the ball"


def yard_line_text(play: Play) -> str:
    """The line of scrimmage as a QB hears it: "own 25", "opp 40", "50"."""
    los = play.meta.los_x
    if los is None:
        return ""
    yd = round(float(los) - FIELD.end_zone)
    if yd == 50:
        return "ball on the 50"
    return f"ball on own {yd}" if yd < 50 else f"ball on opp {100 - yd}"


def rep_title(play: Play) -> str:
    """The overlay's title of a rep: a drill's name, or for a real play what a QB knows before it (teams, game
    and play id) - never the play-by-play description, which gives the result away."""
    m = play.meta
    if m.extra.get("synthetic"):
        return m.description.split(".")[0]
    return f"{m.offense_team or '?'} vs {m.defense_team or '?'}  ({m.key})"

THROW_HELP = {
    "desktop": "move the mouse to look   click a receiver or press his number to throw   esc quits",
    "headset": "look around   pull a trigger pointing at a receiver to throw",
    "scripted": "scripted trainee",
}


class TrainingOverlay:
    def __init__(self, play: Play, aspect: float, *, rep: int, reps: int, title: str, note: str = "",
                 trainee: str = "scripted", crosshair: bool = False):
        self.root = NodePath("training-overlay")
        self.root.set_depth_test(False)
        self.root.set_depth_write(False)
        self._args = (play, rep, reps, title, note, trainee, crosshair)
        self._texts: dict[str, TextNode] = {}
        self._build(aspect)

    def resize(self, aspect: float) -> None:
        """Lay the overlay out again for a window whose width/height changed (keeps the clock and result)."""
        if abs(aspect - self.aspect) > 1e-3:
            kept = {k: self._texts[k].get_text() for k in ("clock", "result", "hint", "real")}
            self._build(aspect)
            for k, text in kept.items():
                self._texts[k].set_text(text)

    def _build(self, aspect: float) -> None:
        play, rep, reps, title, note, trainee, crosshair = self._args
        self.root.get_children().detach()
        self.aspect = a = aspect
        self._texts = {}
        card(self.root, "top-band", -a, a, 0.86, 1.0, (0, 0, 0, 0.7))
        self._text("title", f"rep {rep}/{reps}   {title}"[:110], -a + 0.03, 0.935, 0.045, TextNode.A_left)
        self._text("note", note[:120], -a + 0.03, 0.88, 0.036, TextNode.A_left)
        card(self.root, "bottom-band", -a, a, -1.0, -0.89, (0, 0, 0, 0.7))
        self._text("situation", "   ".join(x for x in (situation_text(play), yard_line_text(play)) if x),
                   -a + 0.03, -0.96, 0.042, TextNode.A_left)
        self._text("help", THROW_HELP.get(trainee, ""), 0.0, -0.96, 0.034, TextNode.A_center)
        self._text("clock", "", a - 0.03, -0.96, 0.045, TextNode.A_right)
        self._text("result", "", 0.0, 0.55, 0.09, TextNode.A_center)
        self._text("hint", "", 0.0, 0.40, 0.05, TextNode.A_center)
        self._text("real", "", 0.0, 0.30, 0.04, TextNode.A_center)
        if crosshair:
            for name, l, r, b, t in (("ch-h", -0.03, 0.03, -0.003, 0.003), ("ch-v", -0.003, 0.003, -0.03, 0.03)):
                card(self.root, name, l, r, b, t, (1, 1, 1, 0.9))

    def _text(self, key: str, text: str, x: float, z: float, size: float, align: int) -> None:
        tn = TextNode(key)
        tn.set_align(align)
        tn.set_text_color(1, 1, 1, 1)
        tn.set_shadow(0.05, 0.05)
        tn.set_shadow_color(0, 0, 0, 1)
        tn.set_text(text)
        np_ = in_draw_order(self.root.attach_new_node(tn))
        np_.set_pos(x, 0, z)
        np_.set_scale(size)
        self._texts[key] = tn

    def update(self, t: float) -> None:
        text = f"{-t:.1f} s to the snap" if t < 0 else f"+{t:.1f} s"
        if self._texts["clock"].get_text() != text:
            self._texts["clock"].set_text(text)

    def show_result(self, text: str, real: str = "") -> None:
        """The outcome, and (on the result screen only) what really happened on the play."""
        self._texts["result"].set_text(text)
        self._texts["hint"].set_text("")
        self._texts["real"].set_text(real[:140])

    def show_hint(self, text: str) -> None:
        """A short line under the centre (a refused throw's reason)."""
        self._texts["hint"].set_text(text)

    def texts(self) -> dict[str, str]:
        """Every text on the overlay now, by name (what the trainee can read)."""
        return {k: tn.get_text() for k, tn in self._texts.items()}
