"""H.264 video export: rendered frames streamed straight into an encoder, no PNG files on disk.

The encoder is ffmpeg as shipped on PyPI by imageio-ffmpeg (the `video` extra): one maintained binary per
platform, driven through a pipe, so no system ffmpeg is needed. The file appears under its name only when the
encoder has finished: a run that fails or is interrupted leaves no half-written video behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import numpy as np

from replay.errors import QbvrError

MISSING = "video export needs the encoder of imageio-ffmpeg: pip install 'qbvr[video]' (or pip install imageio-ffmpeg)"


def _ffmpeg():
    try:
        import imageio_ffmpeg
    except ImportError:
        raise QbvrError(MISSING) from None
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as e:
        raise QbvrError(f"{MISSING} ({e})") from None
    return imageio_ffmpeg


def check_video_args(path: Path, size: tuple[int, int], fps: float) -> None:
    """Refuse what the encoder would refuse, before any rendering: the container, odd sizes, the frame rate."""
    if path.suffix.lower() not in (".mp4", ".mkv", ".mov"):
        raise QbvrError(f"--video {path}: expected a .mp4 (or .mkv, .mov) file name")
    if path.exists() and not path.is_file():
        raise QbvrError(f"--video {path}: exists and is not a file")
    if size[0] % 2 or size[1] % 2:
        raise QbvrError(f"--size {size[0]}x{size[1]}: H.264 needs an even width and height")
    if not (0 < fps <= 240):
        raise QbvrError(f"--fps {fps:g}: expected a frame rate in (0, 240]")
    _ffmpeg()


class VideoWriter:
    """Write RGB frames ([H, W, 3] uint8, all of one size) to an H.264 file at `fps` frames per second."""

    def __init__(self, path: Path, size: tuple[int, int], fps: float, quality: int = 7) -> None:
        check_video_args(path, size, fps)
        self.path, self.size, self.frames = Path(path), size, 0
        self._tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part{self.path.suffix}")
        # yuv420p with even sizes plays everywhere (browsers, QuickTime); no rescaling of our frames
        self._gen = _ffmpeg().write_frames(str(self._tmp), size, fps=fps, codec="libx264", quality=quality,
                                          pix_fmt_out="yuv420p", macro_block_size=2,
                                          output_params=["-movflags", "+faststart"])
        self._gen.send(None)

    def write(self, rgb: np.ndarray) -> None:
        h, w = rgb.shape[:2]
        if (w, h) != self.size:
            raise QbvrError(f"video frame {self.frames} is {w}x{h}, expected {self.size[0]}x{self.size[1]}")
        self._gen.send(np.ascontiguousarray(rgb[..., :3], dtype=np.uint8))
        self.frames += 1

    def close(self, ok: bool = True) -> None:
        """Finish the file; with ok=False (an error while rendering) drop it instead."""
        try:
            self._gen.close()
        finally:
            if ok and self.frames:
                os.replace(self._tmp, self.path)
            else:
                self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(ok=kind is None)


def read_video(path: Path) -> tuple[tuple[int, int], float, int]:
    """(size, fps, frame count) of a video, decoded with the same encoder package (for tests and checks)."""
    reader = _ffmpeg().read_frames(str(path))
    meta = next(reader)
    n = sum(1 for _ in reader)
    return tuple(meta["size"]), float(meta["fps"]), n
