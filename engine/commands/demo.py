"""`qbvr demo`: train the built-in drill on the best available display."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="train the built-in drill on the best available display",
                       description="Train the built-in drill on the best available display.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("qbvr demo: no drill yet — the built-in drill arrives with the training session "
          "(see `qbvr --help` for what works today: import, plays, info).")
    return 0
