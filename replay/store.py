"""The play store: a directory with one msgpack file per play plus an index for fast listing.

File layout (`{game_id}_{play_id}.qbplay`): a msgpack map
`{"format": "qbvr-play", "version": 1, "sha256": hex digest of body, "body": bytes}` where `body` is a msgpack
map of the play; numeric arrays are `{"dtype": "<f4", "shape": [...], "data": raw little-endian bytes}` and
string arrays are plain lists. Nothing read from disk is unpickled or evaluated.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, Iterator

import msgpack
import numpy as np

from .atomic import MAX_READ_BYTES, file_kind, write_atomic
from .atomic import read_regular as atomic_read_regular
from .errors import InputError, StoreError
from .play import ROSTER_FIELDS, TRACK_FIELDS, Play, PlayMeta, Roster
from .quality import usable_share

FORMAT = "qbvr-play"
VERSION = 1
SUFFIX = ".qbplay"
INDEX_NAME = "index.json"
_NUMERIC_KINDS = "biuf"
MAX_FILE_BYTES = MAX_READ_BYTES  # no play file (or index) comes near 1 GiB; a bigger one is not ours
STALE_TMP_S = 120.0  # a temp file of an atomic write this old belongs to a writer that died


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
        if any(n < 0 for n in shape):
            raise ValueError(f"negative dimension in shape {list(shape)}")
        arr = np.frombuffer(d["data"], dtype=dtype)  # a view: nothing is allocated from the declared shape
        return arr.reshape(shape).astype(dtype.newbyteorder("="), copy=True)
    except (KeyError, TypeError, ValueError, OverflowError) as e:
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
        if not isinstance(body, dict) or not all(isinstance(body.get(k), dict) for k in ("meta", "arrays", "roster")):
            raise StoreError("play file body lacks its meta, arrays or roster map")
        _check_meta(body["meta"])
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
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as e:
        raise StoreError(f"{source}: play file content is malformed ({type(e).__name__}: {e})") from None
    return play


def _check_meta(meta: dict) -> None:
    """The fields a play is filed and listed by must have their types (a checksum only proves the bytes are whole)."""
    for k in ("game_id", "play_id"):
        if type(meta.get(k)) is not int:
            raise StoreError(f"meta field {k!r} is {meta.get(k)!r}, expected an integer")
    for k in ("extra",):
        if k in meta and not isinstance(meta[k], dict):
            raise StoreError(f"meta field {k!r} is {type(meta[k]).__name__}, expected a map")


def read_regular(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """`replay.atomic.read_regular` with its InputError as a StoreError (FileNotFoundError passes through)."""
    try:
        return atomic_read_regular(path, limit)
    except InputError as e:
        raise StoreError(str(e)) from None


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
        "usable_share": round(usable_share(play), 4),
    }


class PlayStore:
    """A directory of play files. Writes are atomic; one corrupt or odd file never stops the rest from working.

    The index (`index.json`) caches each play's summary with the size and mtime of its file; every listing checks
    those against the directory, so an index left stale by an interrupted import repairs itself. Only regular
    files are read; anything else named `*.qbplay` is reported in `problems` and skipped."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_store_dir()
        self.problems: list[str] = []  # play files the last listing could not read, with the reason

    def path_for(self, key: str) -> Path:
        game_id, play_id = parse_key(key)
        return self.root / f"{game_id}_{play_id}{SUFFIX}"

    def save(self, play: Play, *, update_index: bool = True) -> Path:
        """Write (or replace) one play atomically, then its index entry. StoreError when it cannot be written."""
        path = self.path_for(play.key)
        try:
            write_atomic(path, play_to_bytes(play))
        except OSError as e:
            raise StoreWriteError(path, e) from None
        if update_index:
            self.update_index([summary(play)])
        return path

    def save_many(self, plays: list[Play]) -> None:
        for p in plays:
            self.save(p, update_index=False)
        self.update_index([summary(p) for p in plays])

    def load(self, key: str) -> Play:
        path = self.path_for(key)
        try:
            data = read_regular(path)
        except FileNotFoundError:
            raise StoreError(f"play {key} is not in the store {self.root} (import it with `qbvr import`)") from None
        play = play_from_bytes(data, str(path))
        if (play.meta.game_id, play.meta.play_id) != parse_key(key):
            raise StoreError(f"{path}: holds play {play.key}, not {key}; re-import the play")
        return play

    def __contains__(self, key: str) -> bool:
        return self.path_for(key).exists()

    def keys(self) -> list[str]:
        return sorted(self.index().keys(), key=lambda k: parse_key(k))

    def _read_index(self) -> dict[str, dict[str, Any]]:
        """The index entries that are well formed; an unreadable or odd index is an empty one (it is a cache)."""
        try:
            idx = json.loads(read_regular(self.root / INDEX_NAME))
            entries = idx["plays"]
            if idx.get("version") != VERSION or not isinstance(entries, dict):
                return {}
        except (OSError, StoreError, ValueError, KeyError, TypeError, AttributeError):
            return {}
        return {k: e for k, e in entries.items() if _entry_ok(k, e)}

    def _play_files(self) -> dict[str, tuple[Path, os.stat_result]]:
        """key -> (path, stat) of every regular play file; odd names and non-files go to `problems`."""
        found: dict[str, tuple[Path, os.stat_result]] = {}
        if self.root.exists() and not self.root.is_dir():
            self.problems.append(f"{self.root}: the store is not a directory")
            return found
        try:
            paths = sorted(self.root.glob(f"*{SUFFIX}"))
        except OSError as e:
            self.problems.append(f"{self.root}: cannot list the store ({e.strerror})")
            return found
        for p in paths:
            try:
                st = p.stat()
                key = _key_of(p)
            except OSError as e:
                self.problems.append(f"{p}: cannot be read ({e.strerror}); skipped")
                continue
            except StoreError as e:
                self.problems.append(f"{p}: {e}; skipped")
                continue
            if not stat.S_ISREG(st.st_mode):
                self.problems.append(f"{p}: is {file_kind(st.st_mode)}, not a play file; skipped")
                continue
            found[key] = (p, st)
        return found

    def index(self) -> dict[str, dict[str, Any]]:
        """Summaries of every readable play. Entries whose file changed (size or mtime), appeared or vanished since
        the index was written are re-read or dropped, and the repaired index is written back when it can be."""
        self.problems = []
        old = self._read_index()
        entries: dict[str, dict[str, Any]] = {}
        for key, (_path, st) in self._play_files().items():
            e = old.get(key)
            if e is not None and e.get("file") == _file_stamp(st):
                entries[key] = e
                continue
            try:
                play = self.load(key)
            except StoreError as err:
                self.problems.append(str(err))
                continue
            entries[key] = {**summary(play), "file": _file_stamp(st)}
        if entries != old:
            try:
                self._write_index(entries)
            except OSError:
                pass  # a read-only store still lists; the index is only a cache
        self.clean_temp_files()
        return entries

    def rebuild_index(self) -> dict[str, dict[str, Any]]:
        """Re-read every play file, ignoring the index."""
        try:
            (self.root / INDEX_NAME).unlink()
        except OSError:
            pass
        return self.index()

    def update_index(self, new: list[dict[str, Any]]) -> None:
        """Record the summaries of plays just saved (with their files' stamps); entries of other plays are kept
        as they are and checked at the next listing."""
        entries = self._read_index()
        for s in new:
            try:
                st = self.path_for(s["key"]).stat()
            except OSError:
                continue
            entries[s["key"]] = {**s, "file": _file_stamp(st)}
        try:
            self._write_index(entries)
        except OSError as e:
            raise StoreWriteError(self.root / INDEX_NAME, e) from None

    def _write_index(self, entries: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.root / INDEX_NAME, json.dumps({"version": VERSION, "plays": entries}).encode())

    def clean_temp_files(self, older_than_s: float = STALE_TMP_S) -> list[Path]:
        """Remove temp files of atomic writes whose writer died (older than `older_than_s`); returns them."""
        removed = []
        now = time.time()
        try:
            candidates = list(self.root.glob(".*.tmp"))
        except OSError:
            return removed
        for p in candidates:
            try:
                st = p.lstat()
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than_s:
                    p.unlink()
                    removed.append(p)
            except OSError:
                continue
        return removed

    def usable_share(self, key: str, entries: dict[str, dict[str, Any]] | None = None) -> float | None:
        """The stored copy's share of usable player-frames (from the index when it has it), None when the store
        has no readable copy of the play."""
        e = (entries or {}).get(key)
        if isinstance(e, dict) and isinstance(e.get("usable_share"), (int, float)):
            return float(e["usable_share"])
        if not self.path_for(key).exists():
            return None
        try:
            return usable_share(self.load(key))
        except StoreError:
            return None  # a corrupt stored copy is no reason to refuse a readable one

    def iter_plays(self) -> Iterator[Play]:
        for key in self.keys():
            yield self.load(key)


class StoreWriteError(StoreError, OSError):
    """A play or the index could not be written (still an OSError, for callers that catch those). `fatal` when no
    later write can succeed either (full disk, read-only store, no permission): an import stops rather than fail
    play after play."""

    FATAL = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}

    def __init__(self, path: Path, err: OSError):
        self.path = path
        self.fatal = err.errno in self.FATAL
        super().__init__(f"cannot write {path}: {err.strerror or err}")


def _file_stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns]


def _key_of(path: Path) -> str:
    """'2018092311_141.qbplay' -> '2018092311:141'; StoreError for a name that is not a play's."""
    g, _, p = path.name[: -len(SUFFIX)].partition("_")
    key = f"{g}:{p}"
    if not (g.isascii() and p.isascii() and g.isdigit() and p.isdigit()) or key != "%d:%d" % parse_key(key):
        raise StoreError("not named GAMEID_PLAYID.qbplay")
    return key


def _entry_ok(key: Any, e: Any) -> bool:
    """An index entry is used only when it has the shape `qbvr plays` relies on; anything else is re-read."""
    return (isinstance(e, dict) and e.get("key") == key and type(e.get("game_id")) is int
            and type(e.get("play_id")) is int and isinstance(e.get("file"), list)
            and all(isinstance(e.get(k), (str, type(None))) for k in ("description", "play_type", "offense_team",
                                                                       "defense_team", "pass_result"))
            and all(type(e.get(k)) in (int, type(None)) for k in ("season", "week")))


def parse_key(key: str) -> tuple[int, int]:
    """'2018092311:141' -> (2018092311, 141); a clear error otherwise."""
    try:
        g, p = str(key).replace("_", ":").split(":")
        return int(g), int(p)
    except ValueError:
        raise StoreError(f"play key {key!r} is not GAMEID:PLAYID (e.g. 2018092311:141)") from None
