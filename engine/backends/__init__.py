"""Display backends (see `engine.backends.interface` for the contract): desktop window and headless offscreen
in `engine.backends.panda_display`; the OpenXR headset backend plugs in through the same interface."""
