"""The OpenXR headset: pure parts (coordinate conversion, projection, display-time clock, session state machine,
action bindings, tracking-space recentring) that never import `xr`, the headset display backend built on them,
the pyopenxr driver that imports `xr` lazily, and a scripted headset that replays recorded poses for tests."""
