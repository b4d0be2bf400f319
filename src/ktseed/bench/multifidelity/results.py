"""Raw multi-fidelity records grouped into runs, and each run's measure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ktseed.bench.multifidelity.accounting import incumbent_at


@dataclass
class MFRuns:
    """The runs of one contender on one problem, by seed.

    Attributes:
        problem: Problem name.
        strategy: Contender name.
        budget: Total epochs per run.
        max_epochs: The exact budget.
        measure_field: The record field measured: ``"regret"`` or
            ``"test"``.
        runs: ``{seed: records in run order}``.
    """

    problem: str
    strategy: str
    budget: int
    max_epochs: int
    measure_field: str
    runs: dict[int, list[Mapping[str, Any]]] = field(default_factory=dict)

    @property
    def measure(self) -> str:
        """``"regret"`` or ``"test error"``."""
        return "regret" if self.measure_field == "regret" else "test error"

    def at(self, epochs: float) -> dict[int, float]:
        """The measure of each seed's recommendation after ``epochs``."""
        out = {}
        for seed, records in self.runs.items():
            best = incumbent_at(records, epochs)
            value = None if best is None else best.get(self.measure_field)
            if value is not None:
                out[seed] = float(value)
        return out


def group_records(records: Iterable[Mapping[str, Any]]) -> list[MFRuns]:
    """Groups raw records by problem, contender and budget."""
    groups: dict[tuple[str, str, int, int], MFRuns] = {}
    rows: dict[tuple[Any, ...], list[Mapping[str, Any]]] = defaultdict(list)
    for record in records:
        rows[
            (
                str(record["problem"]),
                str(record["strategy"]),
                int(record["budget"]),
                int(record["max_epochs"]),
                int(record["seed"]),
            )
        ].append(record)
    for (problem, strategy, budget, max_epochs, seed), recs in rows.items():
        key = (problem, strategy, budget, max_epochs)
        recs = sorted(recs, key=lambda r: int(r["trial"]))
        if key not in groups:
            uses_regret = recs[0].get("regret") is not None
            groups[key] = MFRuns(
                problem,
                strategy,
                budget,
                max_epochs,
                "regret" if uses_regret else "test",
            )
        groups[key].runs[seed] = recs
    return list(groups.values())


__all__ = ["MFRuns", "group_records"]
