"""`ogi release OUT --version V [--to DIR]`: the thin command over :func:`publish.release.release`."""

from __future__ import annotations

import argparse
import json
import sys

USAGE_EXIT = 2


def cmd_release(args: argparse.Namespace) -> int:
    from ogi.errors import OgiError
    from publish.release import release

    try:
        rel = release(args.out, args.version, args.to)
    except OgiError as e:  # an existing version, no dataset, a bad version: the person can fix it
        print(f"ogi: error: {e}", file=sys.stderr)
        return USAGE_EXIT
    print(json.dumps({"release": rel.version, "path": str(rel.path), "previous": rel.previous, "files": rel.files},
                     ensure_ascii=False))
    return 0


def add_parser(sub) -> None:
    r = sub.add_parser("release", help="freeze the dataset as a release: copy, SHA256SUMS, CHANGELOG.md, "
                                       "CITATION.cff, datapackage.json")
    r.add_argument("out", help="dataset folder")
    r.add_argument("--version", required=True, help="release version, e.g. 2026.1 or v1.0.0")
    r.add_argument("--to", help="release folder (default: OUT/releases/VERSION)")
    r.add_argument("-v", "--verbose", action="store_true")
    r.set_defaults(func=cmd_release)
