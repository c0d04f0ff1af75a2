"""The play store: a directory with one msgpack file per play plus an index for fast listing.

File layout (`{game_id}_{play_id}.qbplay`): a msgpack map
`{"format": "qbvr-play", "version": 1, "sha256": hex digest of body, "body": bytes}` where `body` is a msgpack
map of the play; numeric arrays are `{"dtype": "<f4", "shape": [...], "data": raw little-endian bytes}` and
string arrays are plain lists. Nothing read from disk is unpickled or evaluated.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

import msgpack
import numpy as np

from .atomic import write_atomic
from .errors import StoreError
from .play import ROSTER_FIELDS, TRACK_FIELDS, Play, PlayMeta, Roster

FORMAT = "qbvr-play"
VERSION = 1
SUFFIX = ".qbplay"
INDEX_NAME = "index.json"
_NUMERIC_KINDS = "biuf"


def user_data_dir(env_var: str, leaf: str) -> Path:
    """`$env_var` when set, else `$XDG_DATA_HOME/qbvr/<leaf>` (default `~/.local/share/qbvr/<leaf>`)."""
    env = os.environ.get(env_var)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "qbvr" / leaf


def default_store_dir() -> Path:
    """`$QBVR_STORE`, else the per-user data directory (`$XDG_DATA_HOME/qbvr/plays`)."""
    return user_data_dir("QBVR_STORE", "plays")


def encode_array(a: np.ndarray) -> Any:
    if a.dtype.kind in _NUMERIC_KINDS:
        le = a.astype(a.dtype.newbyteorder("<"), copy=False)
        return {"dtype": le.dtype.str, "shape": list(a.shape), "data": np.ascontiguousarray(le).tobytes()}
    return {"strings": [None if v is None else str(v) for v in a.tolist()]}


def decode_array(d: Any, what: str) -> np.ndarray:
    if not isinstance(d, dict):
        raise StoreError(f"array {what!r} is not encoded as a map")
    if "strings" in d:
        return np.array(d["strings"], dtype=object)
    try:
        dtype = np.dtype(d["dtype"])
        shape = tuple(int(n) for n in d["shape"])
        if dtype.kind not in _NUMERIC_KINDS or dtype.byteorder == ">":
            raise ValueError(f"unsupported dtype {d['dtype']!r}")
        arr = np.frombuffer(d["data"], dtype=dtype)
        return arr.reshape(shape).astype(dtype.newbyteorder("="), copy=True)
    except (KeyError, TypeError, ValueError) as e:
        raise StoreError(f"array {what!r} is malformed: {e}") from None


def play_to_bytes(play: Play) -> bytes:
    r = play.roster
    body = {
        "meta": play.meta.to_dict(),
        "roster": {k: encode_array(getattr(r, k)) for k in (*ROSTER_FIELDS, "role_source")},
        "roster_extra": {k: encode_array(v) for k, v in r.extra.items()},
        "arrays": {k: encode_array(getattr(play, k))
                   for k in ("frame_id", "t", *TRACK_FIELDS, "ball_t", "ball_x", "ball_y")},
        "events": [[int(i), e] for i, e in play.events],
        "flags": dict(play.flags),
    }
    packed = msgpack.packb(body, use_bin_type=True)
    return msgpack.packb({"format": FORMAT, "version": VERSION,
                          "sha256": hashlib.sha256(packed).hexdigest(), "body": packed}, use_bin_type=True)


def play_from_bytes(data: bytes, source: str = "<bytes>") -> Play:
    try:
        outer = msgpack.unpackb(data, raw=False, strict_map_key=True)
    except Exception as e:  # msgpack raises several types for truncated or garbled input
        raise StoreError(f"{source}: not a readable play file ({type(e).__name__}: {e}); it may be truncated") from None
    if not isinstance(outer, dict) or outer.get("format") != FORMAT:
        raise StoreError(f"{source}: not a qbvr play file (missing format header {FORMAT!r})")
    if outer.get("version") != VERSION:
        raise StoreError(f"{source}: play file version {outer.get('version')!r}, this qbvr reads version {VERSION}; "
                         "re-import the play")
    body_bytes = outer.get("body")
    if not isinstance(body_bytes, bytes) or hashlib.sha256(body_bytes).hexdigest() != outer.get("sha256"):
        raise StoreError(f"{source}: checksum mismatch, the file is corrupt; re-import the play")
    try:
        body = msgpack.unpackb(body_bytes, raw=False)
        arrays = {k: decode_array(v, k) for k, v in body["arrays"].items()}
        roster = Roster(**{k: decode_array(v, k) for k, v in body["roster"].items()},
                        extra={k: decode_array(v, k) for k, v in body.get("roster_extra", {}).items()})
        for k, dt in ROSTER_FIELDS.items():
            if dt is not object:
                setattr(roster, k, getattr(roster, k).astype(dt))
        play = Play(meta=PlayMeta.from_dict(body["meta"]), roster=roster,
                    events=[(int(i), str(e)) for i, e in body["events"]], flags=dict(body["flags"]), **arrays)
        play.validate()
    except StoreError as e:
        raise StoreError(f"{source}: {e}") from None
    except (KeyError, TypeError, ValueError) as e:
        raise StoreError(f"{source}: play file content is malformed ({type(e).__name__}: {e})") from None
    return play


def summary(play: Play) -> dict[str, Any]:
    """The index entry of a play: what `qbvr plays` lists and filters on."""
    m = play.meta
    return {
        "key": m.key, "game_id": m.game_id, "play_id": m.play_id, "season": m.season, "week": m.week,
        "season_type": m.season_type, "home_team": m.home_team, "away_team": m.away_team,
        "offense_team": m.offense_team, "defense_team": m.defense_team, "quarter": m.quarter,
        "game_clock": m.game_clock, "down": m.down, "distance": m.distance, "play_type": m.play_type,
        "pass_result": m.pass_result, "description": m.description, "source_format": m.source_format,
        "n_frames": play.n_frames, "n_players": play.n_players, "flags": sorted(play.flags),
    }


class PlayStore:
    """A directory of play files. Writes are atomic; one corrupt file never stops the rest from working."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_store_dir()
        self.problems: list[str] = []  # unreadable play files met by the last index rebuild

    def path_for(self, key: str) -> Path:
        game_id, play_id = parse_key(key)
        return self.root / f"{game_id}_{play_id}{SUFFIX}"

    def save(self, play: Play, *, update_index: bool = True) -> Path:
        """Write (or replace) one play atomically, then its index entry."""
        path = self.path_for(play.key)
        write_atomic(path, play_to_bytes(play))
        if update_index:
            self.update_index([summary(play)])
        return path

    def save_many(self, plays: list[Play]) -> None:
        for p in plays:
            write_atomic(self.path_for(p.key), play_to_bytes(p))
        self.update_index([summary(p) for p in plays])

    def load(self, key: str) -> Play:
        path = self.path_for(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"play {key} is not in the store {self.root} (import it with `qbvr import`)") from None
        return play_from_bytes(data, str(path))

    def __contains__(self, key: str) -> bool:
        return self.path_for(key).exists()

    def keys(self) -> list[str]:
        return sorted(self.index().keys(), key=lambda k: parse_key(k))

    def _read_index(self) -> dict[str, dict[str, Any]] | None:
        try:
            idx = json.loads((self.root / INDEX_NAME).read_text())
            entries = idx["plays"]
            if idx.get("version") != VERSION or not isinstance(entries, dict):
                return None
            return entries
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None

    def index(self) -> dict[str, dict[str, Any]]:
        """Summaries of every play, from the index file; rebuilt from the play files when missing or stale."""
        entries = self._read_index()
        on_disk = {p.stem.replace("_", ":", 1) for p in self.root.glob(f"*{SUFFIX}")}
        if entries is None or on_disk != set(entries):
            return self.rebuild_index()
        return entries

    def rebuild_index(self) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        self.problems = []
        for p in sorted(self.root.glob(f"*{SUFFIX}")):
            try:
                play = play_from_bytes(p.read_bytes(), str(p))
            except StoreError as e:
                self.problems.append(str(e))
                continue
            entries[play.key] = summary(play)
        if self.root.exists():
            self._write_index(entries)
        return entries

    def update_index(self, new: list[dict[str, Any]]) -> None:
        entries = self._read_index()
        if entries is None:
            entries = self.rebuild_index()
        for s in new:
            entries[s["key"]] = s
        self._write_index(entries)

    def _write_index(self, entries: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.root / INDEX_NAME, json.dumps({"version": VERSION, "plays": entries}).encode())

    def iter_plays(self) -> Iterator[Play]:
        for key in self.keys():
            yield self.load(key)


def parse_key(key: str) -> tuple[int, int]:
    """'2018092311:141' -> (2018092311, 141); a clear error otherwise."""
    try:
        g, p = str(key).replace("_", ":").split(":")
        return int(g), int(p)
    except ValueError:
        raise StoreError(f"play key {key!r} is not GAMEID:PLAYID (e.g. 2018092311:141)") from None
