"""Event cleaning: no-event placeholders, one event per frame, manual events preferred over auto events."""

from __future__ import annotations

import numpy as np

NO_EVENT = {"", "na", "nan", "none", "null"}
AUTO_EVENTS = {
    "autoevent_ballsnap": "ball_snap",
    "autoevent_passforward": "pass_forward",
    "autoevent_passinterrupted": "pass_interrupted",
}
# The one set of event names the engine decides by (the readers map every source's names onto these).
RELEASE_EVENTS = ("pass_forward", "pass_shovel")  # the ball leaves the passer's hand
OUTCOME_EVENTS = ("pass_outcome_caught", "pass_outcome_incomplete", "pass_outcome_interception",
                  "pass_outcome_touchdown")
ARRIVAL_EVENTS = ("pass_arrived", *OUTCOME_EVENTS)  # the ball reaches the target
PASS_END_EVENTS = (*ARRIVAL_EVENTS, "pass_tipped", "pass_interrupted")  # the pass's flight ends (or is touched)
SACK_EVENTS = ("qb_sack", "qb_strip_sack")
# the dropback (the decision window) ends at the first of these
DROPBACK_END_EVENTS = (*RELEASE_EVENTS, *SACK_EVENTS, "run", "handoff", "fumble")
# the ball is dead: while it is live, a ball off the field is a tracking error
LIVE_END_EVENTS = ("tackle", "out_of_bounds", "touchdown", "pass_outcome_incomplete", "pass_outcome_touchdown",
                   *SACK_EVENTS, "safety", "fair_catch", "touchback", "punt_downed", "qb_kneel", "qb_spike")


def clean_events(frame_idx: np.ndarray, names: np.ndarray) -> tuple[list[tuple[int, str]], list[str]]:
    """Deduplicate (frame, event) pairs and resolve auto events.

    Returns the sorted events and notes on auto events that were used because no manual one existed.
    An auto event is dropped when the manual event it stands for is present anywhere in the play.
    """
    import pandas as pd  # only the readers clean events: the play finder and roles load without pandas

    ev = pd.Series(names, dtype=object)
    present = ev.notna().to_numpy()
    ev = ev[present].astype(str).str.strip()
    keep = ~ev.str.lower().isin(NO_EVENT).to_numpy()
    pairs = set(zip(np.asarray(frame_idx)[present][keep].tolist(), ev[keep].tolist()))
    manual = {e for _, e in pairs}
    out: set[tuple[int, str]] = set()
    notes = []
    for i, e in pairs:
        target = AUTO_EVENTS.get(e)
        if target is None:
            out.add((i, e))
        elif target not in manual:
            out.add((i, target))
            notes.append(f"{target} from {e}")
    events = sorted(out)
    # Manual events occur once per play; a repeat on later frames is a data error: keep the first.
    seen: set[str] = set()
    unique = []
    for i, e in events:
        if e in seen and e in ("ball_snap", *RELEASE_EVENTS):
            continue
        seen.add(e)
        unique.append((i, e))
    return unique, sorted(set(notes))
