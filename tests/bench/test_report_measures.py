"""Tables of the measures (``bench/report_measures.py``)."""

from __future__ import annotations

from ktseed.bench.report_measures import hyperband_target_sentence
from ktseed.bench.report_measures import markdown_measures


def hyperband_measure(cpu_at_100: float, worst_at_100: float) -> dict:
    def row(problem, n, cpu, worst):
        return {
            "problem": problem,
            "d": 5,
            "n": n,
            "pending": 20,
            "cpu_median_s": cpu,
            "cpu_max_s": worst,
            "wall_median_s": cpu * 1.5,
            "wall_max_s": worst * 1.5,
        }

    return {
        "config": {"pending": 20, "repeats": 20},
        "rows": [
            row("mf_mixed_cond", 30, 0.04, 0.05),
            row("mf_branin", 100, 0.05, 0.06),
            row("mf_mixed_cond", 100, cpu_at_100, worst_at_100),
        ],
        "target_s": 0.1,
        "notes": [],
        "load_average": [1.0, 1.5, 2.0],
    }


def test_hyperband_section_says_what_is_timed_and_the_numbers():
    text = "\n".join(
        markdown_measures({"hyperband_proposal": hyperband_measure(0.07, 0.2)})
    )
    assert "### Model-based Hyperband: seconds per GP proposal" in text
    assert "`GPHandoff.propose`" in text and "20 pending" in text
    assert "median and max of 20 seeds" in text
    lines = [
        line for line in text.splitlines() if "mf_mixed_cond | 5 | 100" in line
    ]
    assert lines == [
        "| mf_mixed_cond | 5 | 100 | 0.07 | 0.2 | 0.105 | 0.3 | yes |"
    ]
    assert "Load average at the end: 1.00, 1.50, 2.00." in text


def test_the_target_holds_on_the_largest_median_at_100_observations():
    holds = hyperband_target_sentence(hyperband_measure(0.07, 0.09))
    assert "observations holds" in holds and "0.07 s" in holds
    assert "so every call stayed below it" in holds
    spikes = hyperband_target_sentence(hyperband_measure(0.07, 0.2))
    assert "observations holds" in spikes and "not every call" in spikes
    fails = hyperband_target_sentence(hyperband_measure(0.12, 0.2))
    assert "does not hold" in fails and "0.12 s" in fails


def test_the_target_is_not_judged_without_a_run_at_100():
    measure = hyperband_measure(0.07, 0.09)
    measure["rows"] = [r for r in measure["rows"] if r["n"] != 100]
    assert "not measured" in hyperband_target_sentence(measure)
    measure["rows"] = []
    assert markdown_measures({"hyperband_proposal": measure}) == []
