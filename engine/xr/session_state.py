"""The OpenXR session lifecycle as a pure state machine: runtime events in, commands out.

    READY         -> begin the session (xrBeginSession); frames start
    SYNCHRONIZED  -> frames run, nothing shown yet
    VISIBLE       -> shown but not focused (a system menu, the headset's dashboard): pause the rep
    FOCUSED       -> the trainee has the headset and the controllers: the rep runs (resumes after a pause)
    STOPPING      -> pause the rep, end the session (xrEndSession); frames stop
    EXITING       -> the user or the runtime quits: save the recording and leave
    LOSS_PENDING  -> the headset is gone (unplugged, runtime crashed): save the recording and leave
    instance loss -> the same as LOSS_PENDING

The backend executes the commands against the runtime (or a scripted headset); the training loop reacts to
PAUSE_REP / RESUME_REP / SAVE_AND_EXIT. Nothing here talks to a runtime, so fake event sequences test it.
"""

from __future__ import annotations

from enum import Enum, IntEnum


class XrState(IntEnum):
    """XrSessionState, same values as the OpenXR enum (and pyopenxr's `xr.SessionState`)."""

    UNKNOWN = 0
    IDLE = 1
    READY = 2
    SYNCHRONIZED = 3
    VISIBLE = 4
    FOCUSED = 5
    STOPPING = 6
    LOSS_PENDING = 7
    EXITING = 8


class Command(Enum):
    BEGIN_SESSION = "begin_session"
    END_SESSION = "end_session"
    PAUSE_REP = "pause_rep"
    RESUME_REP = "resume_rep"
    SAVE_AND_EXIT = "save_and_exit"


class SessionStateMachine:
    """Tracks the session state and says what to do on each change."""

    def __init__(self) -> None:
        self.state = XrState.IDLE
        self.running = False        # between xrBeginSession and xrEndSession: the frame loop runs
        self.rep_paused = False     # the rep was running (FOCUSED) and is now paused
        self.has_focused = False    # FOCUSED at least once (before that the rep has not started)
        self.exit_reason: str | None = None
        self.history: list[XrState] = []

    @property
    def focused(self) -> bool:
        return self.state == XrState.FOCUSED

    @property
    def should_exit(self) -> bool:
        return self.exit_reason is not None

    def on_state(self, state: int) -> list[Command]:
        """The runtime reports a new session state; returns the commands to run, in order."""
        new = XrState(int(state))
        self.history.append(new)
        self.state = new
        out: list[Command] = []
        if new == XrState.READY:
            if not self.running:
                self.running = True
                out.append(Command.BEGIN_SESSION)
        elif new == XrState.FOCUSED:
            self.has_focused = True
            if self.rep_paused:
                self.rep_paused = False
                out.append(Command.RESUME_REP)
        elif new in (XrState.VISIBLE, XrState.SYNCHRONIZED):
            out += self._pause()
        elif new == XrState.STOPPING:
            out += self._pause()
            if self.running:
                self.running = False
                out.append(Command.END_SESSION)
        elif new == XrState.EXITING:
            out += self._leave("the OpenXR runtime asked the app to exit")
        elif new == XrState.LOSS_PENDING:
            out += self._leave("the headset was lost (session loss pending)")
        return out

    def on_instance_loss(self) -> list[Command]:
        """XrEventDataInstanceLossPending: the runtime is going away."""
        return self._leave("the OpenXR runtime is going away (instance loss pending)")

    def _pause(self) -> list[Command]:
        if self.has_focused and not self.rep_paused and self.exit_reason is None:
            self.rep_paused = True
            return [Command.PAUSE_REP]
        return []

    def _leave(self, reason: str) -> list[Command]:
        if self.exit_reason is not None:
            return []
        out = self._pause()
        # xrEndSession is only valid in STOPPING; a lost or exiting session is destroyed instead
        self.running = False
        self.exit_reason = reason
        out.append(Command.SAVE_AND_EXIT)
        return out
