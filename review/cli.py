"""The `ogi review` subcommand; the app itself is imported only when it runs."""

from __future__ import annotations

import argparse


def cmd_review(args: argparse.Namespace) -> int:
    from review.server import ReviewSettings, serve

    serve(ReviewSettings(out=args.out, port=args.port, corrections=args.corrections,
                         open_browser=not args.no_browser))
    return 0


def add_parser(sub) -> None:
    """Register `ogi review` on the CLI's subparsers (called by pipeline.cli)."""
    v = sub.add_parser("review", help="review flagged reports in a local web page (127.0.0.1)")
    v.add_argument("out", help="dataset folder (as given to ogi run --out)")
    v.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765; 0: any free port)")
    v.add_argument("--corrections", help="corrections file to write (default: OUT/corrections.csv)")
    v.add_argument("--no-browser", action="store_true", help="do not open a browser")
    v.add_argument("-v", "--verbose", action="store_true")
    v.set_defaults(func=cmd_review)
