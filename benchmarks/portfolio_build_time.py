"""Times one portfolio build: 16 points from 10 sources of 1,000 trials.

The issue's target is at most 5 s. Run with the package installed::

    python benchmarks/portfolio_build_time.py [--repeats 1]

It prints the measure of :func:`ktseed.bench.portfolio_timing.build_timing`
as JSON (wall and CPU seconds, candidates, predicted scores, the load
average). On a machine shared with other work the wall time is an upper
bound.
"""

from __future__ import annotations

import argparse
import json

from ktseed.bench.portfolio_timing import build_timing


def main() -> None:
    """Parses the options, times the build, prints the JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--n-points", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    result = build_timing(
        sources=args.sources,
        trials=args.trials,
        n_points=args.n_points,
        repeats=args.repeats,
    )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
