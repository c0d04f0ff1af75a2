"""Legal throws only (none before the QB holds the ball) and no spoilers on screen during a rep."""

from __future__ import annotations

import numpy as np
import pytest

from engine.cli import main
from engine.training.launch import open_session
from engine.training.loop import RepPlan, run_session
from engine.training.session.records import ButtonPress, Throw
from engine.training.session.stream import read_stream
from engine.training.trainee import GazeInput, ThrowInput, Trainee
from replay.roles import ball_in_hand_time
from scenes.drills import load_play_ref
from scenes.training_overlay import NOT_YET


def overlay_texts(renderer) -> str:
    """Every text the overlay draws now, as the trainee would read it."""
    return "\n".join(n.node().get_text() for n in renderer.overlay.find_all_matches("**/+TextNode"))


class _EarlyThenLate(Trainee):
    """Presses throw right after the snap (before the QB has the ball), then again at 1.0 s."""

    name = "early-thrower"

    def begin_rep(self, rep) -> None:
        self.rep, self.done = rep, set()

    def gaze(self, frame) -> GazeInput:
        d = np.array([1.0, 0.0, 0.0], np.float32)
        return GazeInput(np.asarray(frame.eye, np.float32), d, d, "script")

    def throw(self, frame):
        for t in (0.02, 1.0):
            if frame.t >= t and t not in self.done:
                self.done.add(t)
                return ThrowInput(self.rep.receivers[0].nfl_id, "key")
        return None

    def wants_quit(self) -> bool:
        return False


def test_the_qb_holds_the_ball_after_the_snap_reaches_him(tiny_play, real_pass_play):
    assert 0.2 <= ball_in_hand_time(tiny_play) <= 0.6
    assert 0.0 < ball_in_hand_time(real_pass_play) < 1.0


def test_a_scripted_throw_at_the_snap_is_refused_before_the_rep(capsys, tmp_path):
    code = main(["train", "synthetic:pressure_hot", "--backend", "offscreen", "--trainee", "scripted:throw=1@0.0",
                 "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 2 and "throw=1@0 is before the QB holds the ball" in err
    assert not (tmp_path / "s").exists()


@pytest.mark.render
def test_an_early_throw_key_is_ignored_with_a_hint_and_recorded_as_an_input(tmp_path):
    seen = []
    with open_session("offscreen", size=(64, 36)) as session:
        plan = RepPlan("synthetic:cover3_smash", load_play_ref("synthetic:cover3_smash"), lead_s=0.2)
        res = run_session([plan], session.renderer, _EarlyThenLate(), tmp_path / "s", clock=_Steps(),
                          after_render=lambda rep, t: seen.append((t, overlay_texts(session.renderer))))
    got = read_stream(tmp_path / "s")
    refused = [b for b in got.of_type(ButtonPress, 1) if b.name.startswith("throw_refused")]
    assert len(refused) == 1 and refused[0].play_t < ball_in_hand_time(plan.play)
    throws = got.of_type(Throw, 1)
    assert len(throws) == 1 and throws[0].play_t >= 1.0
    assert res.summary["reps"][0]["score"]["decision_t"] >= 1.0
    assert any(NOT_YET in text for t, text in seen if 0.0 < t < 1.0)


@pytest.mark.render
@pytest.mark.shared_data
def test_the_overlay_never_shows_the_play_description_during_the_rep(real_store, tmp_path):
    play = real_store.load("2018092311:141")
    desc = play.meta.description
    seen = []
    with open_session("offscreen", trainee="scripted:1@0.3,throw=1@2.0", size=(160, 90)) as session:
        plan = RepPlan(play.key, play, lead_s=0.5)
        run_session([plan], session.renderer, session.trainee, tmp_path / "s", clock=_Steps(),
                    after_render=lambda rep, t: seen.append((t, overlay_texts(session.renderer))), hold_s=0.05)
        after = overlay_texts(session.renderer)
    # the rep (to the ball's arrival) runs forward in time; the instant replay after the result screen goes back
    cut = next((k for k in range(1, len(seen)) if seen[k][0] < seen[k - 1][0]), len(seen))
    during, result = [x[1] for x in seen[:cut]], [x[1] for x in seen[cut:]]
    assert during and result
    assert any(desc[:40] in text for text in result)  # the real play appears on the result screen only
    for text in during:
        assert desc[:40] not in text and "TOUCHDOWN" not in text and "Seals-Jones" not in text
        assert "ARI vs CHI" in text and "ball on" in text
    assert after == "" or desc[:40] not in after  # the overlay is gone once the rep is torn down


class _Steps:
    """0.1 s per frame (the FrameClock protocol)."""

    fps = 10.0

    def start(self, t0: float) -> None:
        self.t = t0

    def next(self) -> float:
        self.t = round(self.t + 0.1, 6)
        return self.t

    def abandon(self) -> None:
        pass
