"""A dependency-free progress bar: trials done / total, elapsed, ETA."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    """``"1h02m"``, ``"3m05s"`` or ``"42s"``."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class Progress:
    """Reports benchmark progress on a stream.

    The ETA weighs the remaining work by each cell's estimated cost (a
    Bayesian trial costs far more than a random one) and rescales the
    estimates by the ratio of measured to estimated time so far.

    Args:
        total_trials: Trials in the cells still to run.
        total_cells: Cells still to run.
        total_cost: Sum of their estimated costs (seconds).
        stream: Where to write (default ``sys.stderr``).
        interval: Seconds between lines when the stream is not a terminal.
    """

    def __init__(
        self,
        total_trials: int,
        total_cells: int,
        total_cost: float,
        *,
        stream: TextIO | None = None,
        interval: float = 30.0,
    ) -> None:
        self.total_trials = total_trials
        self.total_cells = total_cells
        self.total_cost = max(total_cost, 1e-9)
        self.stream = stream or sys.stderr
        self.interval = interval
        self.trials = 0
        self.cells = 0
        self.failed = 0
        self.cost_done = 0.0
        self.start = time.monotonic()
        self._last = -float("inf")
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def eta(self) -> float | None:
        """Estimated seconds left, ``None`` before the first cell ends."""
        elapsed = time.monotonic() - self.start
        if self.cost_done <= 0:
            return None
        remaining = self.total_cost - self.cost_done
        return max(remaining, 0.0) * elapsed / self.cost_done

    def line(self) -> str:
        """The current progress line."""
        width = 24
        share = self.trials / self.total_trials if self.total_trials else 1.0
        filled = round(width * share)
        eta = self.eta()
        eta_text = "?" if eta is None else format_seconds(eta)
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"[{'#' * filled}{'.' * (width - filled)}] "
            f"{self.trials}/{self.total_trials} trials ({share:.0%}), "
            f"cells {self.cells}/{self.total_cells}{failed}, "
            f"elapsed {format_seconds(time.monotonic() - self.start)}, "
            f"ETA {eta_text}"
        )

    def update(self, *, trials: int, cost: float, failed: bool = False) -> None:
        """Records a finished cell and redraws when due."""
        self.trials += trials
        self.cells += 1
        self.failed += int(failed)
        self.cost_done += cost
        self.draw()

    def draw(self, *, force: bool = False) -> None:
        """Writes the line (always on a terminal, else every interval)."""
        now = time.monotonic()
        if self._tty:
            self.stream.write("\r" + self.line() + "\033[K")
            self.stream.flush()
        elif force or now - self._last >= self.interval:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self._last = now

    def close(self) -> None:
        """Writes the final line."""
        if self._tty:
            self.stream.write("\r" + self.line() + "\033[K\n")
            self.stream.flush()
        else:
            self.draw(force=True)


__all__ = ["Progress", "format_seconds"]
