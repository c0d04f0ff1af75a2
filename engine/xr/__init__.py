"""The OpenXR headset.

Pure parts that never import `xr`: `coords` (OpenXR-to-Panda3D poses), `projection` (hello_xr's projection
from FOV tangents), `clock` (play time from predicted display times), `session_state` (the session lifecycle),
`bindings` (action set and suggested bindings), `tracking` (STAGE space to the rig, recentring).
Built on them: `headset` (the `DisplayBackend` for a headset, driver-agnostic), `eye_targets` (each eye drawn
straight into swapchain images), `trainee` (gaze and trigger throws for the training loop), `check`
(`qbvr xr-check`). Drivers: `openxr_driver` (pyopenxr, imported lazily through `runtime.load_xr`) and
`scripted` (recorded OpenXR poses and events, rendered offscreen: tests and machines without a headset).
"""
