"""`python -m bench [part ...]`: run the named benchmark parts (default: all)."""

from __future__ import annotations

import argparse
import importlib
import sys

PARTS = {"ledger": "bench.ledger", "web": "bench.web", "market": "bench.market"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("parts", nargs="*", help=f"parts to run: {', '.join(PARTS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer transfers, for a smoke run")
    args = parser.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    status = 0
    for name in args.parts or list(PARTS):
        module = importlib.import_module(PARTS[name])
        status |= module.main(quick=args.quick)
    return status


if __name__ == "__main__":
    sys.exit(main())
