"""`python -m bench [--smoke] [--seed N] [--out PATH]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.report import print_table
from bench.run import run


def main() -> None:
    """Parse the arguments, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds")
    parser.add_argument("--seed", type=int, default=6, help="seed of the data generator")
    parser.add_argument("--out", type=Path, default=Path("bench-results/results.json"))
    parser.add_argument(
        "--history-events", type=int, default=None, help="generated events for replay and verify"
    )
    args = parser.parse_args()
    results = run(args.smoke, args.seed, args.out, args.history_events)
    print_table(results)


if __name__ == "__main__":
    main()
