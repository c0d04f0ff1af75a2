"""Training and its measurement.

    launch      open_session (display, renderer, trainee, clock; the one headset fallback), train, plans_for
    loop        the rep loop in named steps (Rep, run_rep) and the session (run_session, RepPlan)
    clock       FrameClock and the offscreen / desktop clocks (the headset's: engine.xr.clock.HeadsetClock)
    trainee     the Trainee protocol, the scripted and desktop trainees (the headset's: engine.xr.trainee)
    gaze        gaze ray hit-testing against the players; gaze_metrics: fixations, reads, dwell, quiet eye
    scoring     when a rep ends (throw, sack, no throw) and how good the decision was against CP
    session/    the recording: typed, versioned records, the append-only stream, the summary, the report plots

Nothing is imported here: `qbvr report` reads sessions without loading the renderer.
"""
