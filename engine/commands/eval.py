"""`qbvr eval continuation`: how well the continuation model (the play after the trainee departs from the real QB)
reproduces the real plays, next to constant velocity."""

from __future__ import annotations

import argparse
import json

from replay.errors import QbvrError

from .data import add_store_arg

DESCRIPTION = """Validate the continuation model on every pass play in the store.

For each play the model starts at (real release - HORIZON), while the real QB still holds the ball, and its tracks
are compared with the real ones over the horizon: average (ADE) and final (FDE) displacement error in yards per
role, next to constant velocity from the same instants. Also: the sack rate when a scripted trainee holds the
ball 0-2.5 s past the real release (plays without a real sack), and the ball-in-the-air task (from the real
release with the real target and landing spot; RMSE in yards of the target and coverage defenders).
By default the learned parts are refitted for each of 5 game-wise folds, so every figure is on held-out plays;
--params evaluates a parameter file as it is."""

EXAMPLES = """examples:
  qbvr eval continuation --horizon 2.0
  qbvr eval continuation --store ~/plays --horizon 1.0 --json
"""


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="validate models against the real plays (continuation)",
                        description="Validate models against the real plays.")
    esub = ev.add_subparsers(dest="eval_command", metavar="SUBCOMMAND")
    ev.set_defaults(func=lambda a: (ev.print_help(), 0)[1])
    p = esub.add_parser("continuation", help="displacement errors, sack rate by hold, ball-in-the-air RMSE",
                        description=DESCRIPTION, epilog=EXAMPLES,
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_store_arg(p)
    p.add_argument("--horizon", type=float, default=1.0, metavar="S", help="seconds before the release (default 1.0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--params", default=None, metavar="JSON",
                   help="evaluate this parameter file as it is instead of refitting per fold")
    p.add_argument("--folds", type=int, default=5, help="game-wise cross-validation folds (default 5)")
    p.set_defaults(func=run_continuation)


def run_continuation(args: argparse.Namespace) -> int:
    from replay.continuation.evaluate import evaluate
    from replay.continuation.params import default_params, load_params
    from replay.store import PlayStore

    if not 0.1 <= args.horizon <= 3.0:
        raise QbvrError(f"--horizon {args.horizon:g} is outside 0.1-3.0 s (the model's learned plan covers 3 s)")
    if args.folds < 2:
        raise QbvrError(f"--folds {args.folds} needs at least 2 folds")
    store = PlayStore(args.store)
    keys = sorted(k for k, s in store.index().items() if s.get("play_type") == "pass")
    if not keys:
        raise QbvrError(f"{store.root}: no pass plays in this store (run `qbvr import` first)")
    plays = [store.load(k) for k in keys]
    if args.params:
        rep, info = evaluate(plays, args.horizon, params=load_params(args.params))
    else:
        rep, info = evaluate(plays, args.horizon, folds=args.folds, base=default_params())
    if rep["plays"] == 0:
        raise QbvrError(f"{store.root}: no pass play has {args.horizon:g} s between the snap and the release")
    if args.json:
        print(json.dumps(rep))
        return 0
    _print_table(rep, info, "as given" if args.params else f"{args.folds}-fold by game, held out")
    return 0


def _print_table(rep: dict, info: dict, how: str) -> None:
    print(f"continuation model over {rep['horizon_s']:g} s before the real release, {rep['plays']} plays ({how})")
    print(f"  {'role':10s} {'ADE model':>9s} {'ADE CV':>7s} {'ratio':>6s}  {'FDE model':>9s} {'FDE CV':>7s}  (yd)")
    for role, a in rep["ade"].items():
        f = rep["fde"][role]
        ratio = a["model"] / a["constant_velocity"] if a["constant_velocity"] else float("nan")
        print(f"  {role:10s} {a['model']:9.3f} {a['constant_velocity']:7.3f} {ratio:6.2f}  "
              f"{f['model']:9.3f} {f['constant_velocity']:7.3f}")
    rates = "  ".join(f"+{h}s {r:.0%}" for h, r in rep["sack_rate_by_hold"].items() if r is not None)
    print(f"sack rate holding past the real release ({info['sack_plays']} plays without a real sack): {rates}")
    b = rep["ball_in_air_rmse"]
    if b["model"] is not None:
        print(f"ball in the air (real target and landing spot): RMSE model {b['model']:.3f} yd, constant velocity "
              f"{b['constant_velocity']:.3f} yd over {info['ball_in_air_positions']} player positions")
