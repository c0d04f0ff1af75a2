"""The 29-joint player skeleton (`assets/skeleton.json`): names, parents, bone lengths and per-player heights.

Bone lengths are fractions of standing height, so one spec scales to every player; heights come from the roster,
else from the position's default (NGS highlight rosters carry no heights).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import InputError

SKELETON_PATH = Path(__file__).resolve().parent.parent / "assets" / "skeleton.json"


@dataclass(frozen=True)
class Skeleton:
    """Joint hierarchy with lengths as fractions of height; joints are topologically ordered (parent first)."""

    names: tuple[str, ...]
    parents: np.ndarray  # int32 [J], -1 for the root
    length: np.ndarray  # float32 [J], bone length (joint to parent) / height; 0 for the root
    rest: np.ndarray  # float32 [J, 3], unit rest direction in the body frame (forward, left, up)
    root_height: float  # standing root height / height
    default_height_m: float
    position_height_m: dict[str, float]

    @property
    def n_joints(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def indices(self, *names: str) -> list[int]:
        return [self.names.index(n) for n in names]

    @property
    def ancestors(self) -> np.ndarray:
        """float32 [J, J]: A[j, k] = 1 when bone k (k's offset from its parent) lies on the path root -> j,
        so joint positions = root + A @ bone_vectors."""
        return _ancestor_matrix(self.parents)

    def heights(self, positions: np.ndarray, height_m: np.ndarray) -> np.ndarray:
        """Per-player standing height (m): the roster's when known and plausible, else the position default."""
        h = np.asarray(height_m, np.float64).copy()
        bad = ~np.isfinite(h) | (h < 1.4) | (h > 2.3)
        for i in np.flatnonzero(bad):
            h[i] = self.position_height_m.get(str(positions[i]).upper(), self.default_height_m)
        return h


def _ancestor_matrix(parents: np.ndarray) -> np.ndarray:
    J = len(parents)
    A = np.zeros((J, J), np.float32)
    for j in range(J):
        k = j
        while parents[k] >= 0:
            A[j, k] = 1.0
            k = parents[k]
    return A


def load_skeleton(path: str | Path | None = None) -> Skeleton:
    """Read and validate a skeleton spec; raises InputError naming the file and field on bad content."""
    path = Path(path) if path else SKELETON_PATH
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> Skeleton:
    try:
        spec = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputError(path, "skeleton spec not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(path, f"not valid JSON: {e}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("joints"), list):
        raise InputError(path, "missing the 'joints' list", column="joints")
    names: list[str] = []
    parents: list[int] = []
    length: list[float] = []
    rest: list[list[float]] = []
    for k, j in enumerate(spec["joints"]):
        where = f"joints[{k}]"
        try:
            name, parent = str(j["name"]), j["parent"]
            ln = float(j["length"])
            r = [float(v) for v in j["rest"]]
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(path, f"{where} is malformed: {e}", column=where,
                             expected="name, parent, length, rest[3]") from None
        if name in names:
            raise InputError(path, f"{where}: duplicate joint name {name!r}", column=where)
        if parent is None:
            if names:
                raise InputError(path, f"{where}: only the first joint may be the root", column=where)
            parents.append(-1)
        else:
            if parent not in names:
                raise InputError(path, f"{where}: parent {parent!r} is not defined before {name!r}", column=where)
            parents.append(names.index(parent))
            if not (0.0 < ln < 1.0) or len(r) != 3 or np.linalg.norm(r) == 0:
                raise InputError(path, f"{where}: length must be in (0, 1) and rest a non-zero 3-vector",
                                 column=where)
        names.append(name)
        length.append(ln)
        rest.append(r)
    rest_a = np.asarray(rest, np.float64)
    nrm = np.linalg.norm(rest_a, axis=1, keepdims=True)
    rest_a = np.where(nrm > 0, rest_a / np.where(nrm > 0, nrm, 1), 0.0)
    heights = {str(k).upper(): float(v) for k, v in dict(spec.get("position_height_m", {})).items()}
    return Skeleton(names=tuple(names), parents=np.asarray(parents, np.int32),
                    length=np.asarray(length, np.float32), rest=rest_a.astype(np.float32),
                    root_height=float(spec.get("root_height", 0.53)),
                    default_height_m=float(spec.get("default_height_m", 1.88)), position_height_m=heights)
