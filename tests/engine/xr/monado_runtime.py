"""Fixtures (loaded by tests/conftest.py) for the real OpenXR runtime of the headset tests: Monado (null
compositor, simulated and remote drivers) from the shared folder, under a private Xvfb.

The runtime lives beside the shared data (`$QBVR_SHARED_DATA/../xr/monado/openxr_monado.json`). Like the shared
data, tests that need it skip on a user's clone (QBVR_SHARED_DATA unset) and fail in CI when it is set but the
runtime, or the X server it needs for the OpenGL binding, is missing. Monado runs in the process that creates the
OpenXR instance, so the tests run `qbvr` in a subprocess with the environment from `monado_env`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_data_dir

REPO = Path(__file__).resolve().parents[3]


def monado_manifest() -> Path:
    """The shared Monado manifest; skips without QBVR_SHARED_DATA, fails when it is set and Monado is missing."""
    root = shared_data_dir()
    if root is None:
        pytest.skip("the shared OpenXR runtime is not available: set QBVR_SHARED_DATA to the shared data folder")
    manifest = root.resolve().parent / "xr" / "monado" / "openxr_monado.json"
    if not manifest.exists():
        pytest.fail(f"QBVR_SHARED_DATA is set to {root} but the OpenXR runtime {manifest} is missing")
    return manifest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def xvfb_display():
    """A private Xvfb display (the OpenGL binding needs a GLX context); fails when Xvfb is not installed."""
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.fail("Xvfb is not installed (the headset tests need an X server for GLX; .ci/run installs xvfb)")
    r, w = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def monado_env(xvfb_display, tmp_path_factory) -> dict[str, str]:
    """The environment of a process running against Monado with the simulated HMD and the null compositor."""
    manifest = monado_manifest()
    runtime_dir = tmp_path_factory.mktemp("xdg-runtime")
    runtime_dir.chmod(0o700)  # Monado refuses a runtime dir others can read
    env = dict(os.environ)
    env.update(DISPLAY=xvfb_display, XDG_RUNTIME_DIR=str(runtime_dir), XR_RUNTIME_JSON=str(manifest),
               XRT_COMPOSITOR_NULL="1", XRT_LOG="error", PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1",
               QBVR_SESSIONS=str(tmp_path_factory.mktemp("sessions")))
    env.pop("P_OVERRIDE_ACTIVE_CONFIG", None)
    return env


@pytest.fixture
def monado_remote_env(monado_env, tmp_path) -> dict[str, str]:
    """`monado_env` with Monado's remote driver (an HMD and two Index controllers driven over TCP) on a free port:
    the port is in `QBVR_TEST_REMOTE_PORT`."""
    port = free_port()
    cfg = tmp_path / "xdg-config"
    (cfg / "monado").mkdir(parents=True)
    (cfg / "monado" / "config_v0.json").write_text(json.dumps({"remote": {"version": 0, "port": port}}))
    env = dict(monado_env, P_OVERRIDE_ACTIVE_CONFIG="remote", XDG_CONFIG_HOME=str(cfg),
               QBVR_TEST_REMOTE_PORT=str(port))
    return env


def qbvr(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    """Start `qbvr ARGS` (this checkout's) in a subprocess with `env`."""
    return subprocess.Popen([sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
                             *args], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kw)


EVENT_LAYER = "XR_APILAYER_QBVR_test_events"


@pytest.fixture(scope="session")
def event_layer_dir(tmp_path_factory) -> Path:
    """The test API layer (`event_layer/event_layer.c`) built with the C compiler, with its manifest: it injects
    session-state events Monado's null compositor cannot produce (focus lost, the runtime going away)."""
    monado_manifest()  # the same skip / fail rule as the runtime it is used with
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.fail("no C compiler (cc): the session-state tests build a small OpenXR API layer (.ci/run installs gcc)")
    out = tmp_path_factory.mktemp("event-layer")
    lib = out / "libqbvr_test_events.so"
    src = Path(__file__).parent / "event_layer" / "event_layer.c"
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", str(lib), str(src)], check=True)
    (out / f"{EVENT_LAYER}.json").write_text(json.dumps({"file_format_version": "1.0.0", "api_layer": {
        "name": EVENT_LAYER, "library_path": str(lib), "api_version": "1.0", "implementation_version": "1",
        "description": "qbvr tests: injects session state events"}}))
    return out


@pytest.fixture
def event_env(monado_remote_env, event_layer_dir, tmp_path) -> dict[str, str]:
    """`monado_remote_env` with the test event layer enabled; write lines to `QBVR_TEST_EVENT_FILE` to inject."""
    events = tmp_path / "events.txt"
    events.write_text("")
    return dict(monado_remote_env, XR_API_LAYER_PATH=str(event_layer_dir), XR_ENABLE_API_LAYERS=EVENT_LAYER,
                QBVR_TEST_EVENT_FILE=str(events))
