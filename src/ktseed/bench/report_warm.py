"""The warm-start table: trials to a target regret, regret by checkpoint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ktseed.bench.report_format import fmt
from ktseed.bench.report_format import fmt_p
from ktseed.bench.report_format import index_groups as _index
from ktseed.bench.report_format import strategy_order as _strategy_order
from ktseed.bench.stats import RunCurves
from ktseed.bench.stats import checkpoints
from ktseed.bench.stats import describe
from ktseed.bench.stats import describe_censored
from ktseed.bench.stats import trials_to_target
from ktseed.bench.strategies import parse_strategy


def warmstart_rows(
    groups: Sequence[RunCurves], targets: Mapping[str, float]
) -> list[dict[str, Any]]:
    """Trials to reach the target regret, and regret at the budgets."""
    rows = []
    index = _index(groups)
    for group in sorted(
        (g for g in groups if g.key.task == "warmstart"),
        key=lambda g: (g.key.problem, _strategy_order(g.key.strategy)),
    ):
        key = group.key
        target = targets.get(key.problem)
        hits = (
            [
                trials_to_target(
                    c, target, lower_is_better=group.lower_is_better
                )
                for c in group.curves.values()
            ]
            if target is not None
            else []
        )
        stats = describe_censored(hits, key.budget) if hits else {}
        row: dict[str, Any] = {
            "problem": key.problem,
            "strategy": key.strategy,
            "budget": key.budget,
            "target": target,
            "n": len(group.curves),
            "reached": stats.get("reached"),
            "ttt_median": stats.get("median"),
            "ttt_q25": stats.get("q25"),
            "ttt_q75": stats.get("q75"),
        }
        baseline = parse_strategy(key.strategy).baseline
        cold = (
            index.get(
                (key.task, key.problem, key.budget, key.design_size, baseline)
            )
            if baseline
            else None
        )
        for label, k in checkpoints(key.budget, key.design_size):
            d = describe(group.at(k).values())
            row[f"median@{label}"] = d["median"]
            row[f"k@{label}"] = k
            if cold is not None and cold is not group:
                cmp = group.compare_at(cold, k)
                row[f"vs_cold_win_rate@{label}"] = cmp["win_rate"]
                row[f"vs_cold_p@{label}"] = cmp["wilcoxon_p"]
        rows.append(row)
    return rows


def markdown_warmstart(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The warm-start table."""
    if not rows:
        return []
    lines = []
    by_problem: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_problem[row["problem"]].append(row)
    for problem, prows in by_problem.items():
        budget = prows[0]["budget"]
        target = prows[0]["target"]
        labels = [
            lab.split("@", 1)[1] for lab in prows[0] if lab.startswith("k@")
        ]
        lines.append(
            f"### Warm start on {problem} (budget {budget}, target regret "
            f"{fmt(target)}, {prows[0]['n']} seeds)"
        )
        lines.append("")
        header = ["strategy", "reached target", "trials to target median [IQR]"]
        header += [f"regret @{prows[0]['k@' + lab]}" for lab in labels]
        header += [
            f"vs cold stock KT @{prows[0]['k@' + lab]}" for lab in labels
        ]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in prows:

            def ttt(v: Any, b: int = int(budget)) -> str:
                if v is None:
                    return "-"
                return f">{b}" if v > b else fmt(float(v))

            text = [
                f"`{row['strategy']}`",
                f"{row['reached']}/{row['n']}"
                if row["reached"] is not None
                else "-",
                f"{ttt(row['ttt_median'])} [{ttt(row['ttt_q25'])}-"
                f"{ttt(row['ttt_q75'])}]",
            ]
            text += [fmt(row[f"median@{lab}"]) for lab in labels]
            for lab in labels:
                rate = row.get(f"vs_cold_win_rate@{lab}")
                text.append(
                    "-"
                    if rate is None
                    else f"{rate:.0%}, p={fmt_p(row[f'vs_cold_p@{lab}'])}"
                )
            lines.append("| " + " | ".join(text) + " |")
        lines.append(
            "\nTrials to target counts every trial of the new run; the "
            "prior run's trials are not counted. '>B' means not reached "
            "within the budget (counted as B+1 in the median). 'vs cold "
            "stock KT': win rate and Wilcoxon p against the stock oracle of "
            "the same kind started cold, on the same seeds."
        )
        lines.append("")
    return lines


__all__ = ["markdown_warmstart", "warmstart_rows"]
