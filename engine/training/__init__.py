"""Training and its measurement: the rep loop, the trainee, gaze hit-testing and metrics, scoring; the session
recording and its reports in `engine.training.session`."""
