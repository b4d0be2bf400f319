"""The design schedule on its own, without KerasTuner (issue 11).

``ktseed.schedule`` never imports KerasTuner: the oracle passes in what
only KerasTuner knows. These tests drive it with a stand-in initializer
and plain dicts; one of them proves, in a fresh interpreter, that importing
and using the schedule loads no KerasTuner.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from ktseed import DesignRequest
from ktseed import DesignTooLargeError
from ktseed import Initializer
from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed import register_initializer
from ktseed import unregister_initializer
from ktseed.schedule import Capacity
from ktseed.schedule import DesignSchedule
from ktseed.schedule import design_digest

POINTS = [{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}]


class Listed(Initializer):
    """A stand-in: a fixed list of points, no space needed."""

    name = "listed"

    def __init__(self, *, n_points=None, seed=None, observed=0):
        super().__init__(n_points=n_points)
        self.seed = seed
        self.observed = observed

    def get_config(self):
        return {
            **super().get_config(),
            "seed": self.seed,
            "observed": self.observed,
        }

    def request(self, space, *, max_trials=None, seed=None, **context):
        return DesignRequest(
            codec=space,
            n=self.n_points or len(POINTS),
            seed=self.seed if self.seed is not None else seed,
            max_trials=max_trials,
        )

    def generate_for(self, request):
        return [dict(p) for p in POINTS[: request.n]]

    def _generate(self, request):  # pragma: no cover - generate_for above
        return []

    def observations(self, space, objective):
        return [({"x": 10 + i}, float(i)) for i in range(self.observed)]


@pytest.fixture(autouse=True)
def listed():
    register_initializer("listed", Listed, replace=True)
    yield
    unregister_initializer("listed")


CAPACITY = Capacity(owner="TestOracle", trials=10, reason="max_trials=10")


def built(spec=None, capacity=CAPACITY) -> DesignSchedule:
    schedule = DesignSchedule(spec or {"name": "listed"}, capacity)
    schedule.materialize(
        schedule.request("codec", seed=7, objective=None, max_trials=10)
    )
    return schedule


def never_tried(values):
    return False, None


def test_points_are_issued_in_order_then_none():
    schedule = built()
    assert schedule.materialized and schedule.size == 4
    issued = [schedule.next(f"t{i}", is_tried=never_tried) for i in range(5)]
    assert [i.values for i in issued[:4]] == POINTS
    assert [i.index for i in issued[:4]] == [0, 1, 2, 3]
    assert issued[4] is None and schedule.exhausted
    assert schedule.trial_ids == ["t0", "t1", "t2", "t3"]
    assert schedule.index_of("t2") == 2 and schedule.index_of("zz") is None


def test_the_resolved_initializer_records_the_search_seed():
    schedule = built()
    assert schedule.config["seed"] == 7  # the search's seed, filled in
    assert schedule.initializer.seed == 7
    assert schedule.requested.seed is None


def test_tried_points_are_skipped_and_remembered():
    schedule = built()
    tried = {2: "old-trial"}

    def is_tried(values):
        return (values["x"] in tried, tried.get(values["x"]))

    first = schedule.next("a", is_tried=is_tried)
    second = schedule.next("b", is_tried=is_tried)
    assert (first.values, second.values) == ({"x": 1}, {"x": 3})
    assert schedule.skipped == {1: "old-trial"}


def test_complete_fills_points_for_a_grown_space():
    schedule = built()
    issued = schedule.next(
        "a", is_tried=never_tried, complete=lambda p: {**p, "new": 0}
    )
    assert issued.values == {"x": 1, "new": 0}


def test_a_design_larger_than_the_oracle_is_refused_early_and_late():
    small = Capacity(owner="TestOracle", trials=3, reason="max_trials=3")
    with pytest.raises(
        DesignTooLargeError,
        match=r"initializer 'listed' has 5 point\(s\) but this TestOracle can run at most 3 trial\(s\) \(max_trials=3\)",
    ):
        DesignSchedule({"name": "listed", "n_points": 5}, small)
    schedule = DesignSchedule({"name": "listed"}, small)  # size unknown yet
    with pytest.raises(DesignTooLargeError, match="has 4 point"):
        schedule.materialize(
            schedule.request("codec", seed=1, objective=None, max_trials=3)
        )
    assert not schedule.materialized


def test_observations_need_an_oracle_that_uses_them():
    with pytest.raises(InitializerConfigError, match="TestOracle cannot use"):
        built({"name": "listed", "observed": 2})
    observing = Capacity(owner="Bayes", trials=10, reason="", observations=True)
    schedule = built({"name": "listed", "observed": 2}, observing)
    assert schedule.observations == [({"x": 10}, 0.0), ({"x": 11}, 1.0)]


def test_state_round_trips_through_json():
    schedule = built()
    schedule.next("a", is_tried=never_tried)
    issued = schedule.next("b", is_tried=lambda v: (v["x"] == 2, "zz"))
    assert issued.values == {"x": 3}
    state = json.loads(json.dumps(schedule.to_state()))
    again = DesignSchedule({"name": "listed"}, CAPACITY)
    again.restore(state, request=None)
    assert again.points == POINTS and again.cursor == 3
    assert again.trial_ids == ["a", "b"] and again.skipped == {1: "zz"}
    assert again.next("c", is_tried=never_tried).values == {"x": 4}


def test_state_can_point_to_a_design_file():
    schedule = built()
    state = schedule.to_state(design_file="design.json")
    assert state["design"] is None
    assert state["design_file"] == {
        "name": "design.json",
        "points": 4,
        "sha256": design_digest(POINTS),
    }
    read = []

    def read_design(entry):
        read.append(entry["name"])
        return [dict(p) for p in POINTS]

    again = DesignSchedule({"name": "listed"}, CAPACITY)
    again.restore(state, request=None, read_design=read_design)
    assert read == ["design.json"] and again.points == POINTS


def test_a_version_1_state_is_read():
    """ktseed 0.1 kept the design inline under version 1."""
    v1 = {
        "version": 1,
        "initializer": {
            "name": "listed",
            "n_points": None,
            "seed": 7,
            "observed": 0,
        },
        "materialized": True,
        "design": POINTS,
        "cursor": 1,
        "design_trials": {"0": 0},
        "skipped": {},
        "observations": [],
    }
    schedule = DesignSchedule({"name": "listed"}, CAPACITY)
    schedule.restore(v1, request=None)
    assert schedule.next("1", is_tried=never_tried).index == 1


def test_unknown_versions_are_refused():
    state = built().to_state()
    state["version"] = 99
    with pytest.raises(InitializerConfigError, match="version 99"):
        DesignSchedule({"name": "listed"}, CAPACITY).restore(
            state, request=None
        )


def test_a_changed_initializer_warns_and_the_saved_design_wins():
    state = built().to_state()
    other = DesignSchedule({"name": "listed", "n_points": 2}, CAPACITY)
    context = other.request("codec", seed=7, objective=None, max_trials=10)
    with pytest.warns(KtseedWarning, match="is ignored"):
        other.restore(state, request=context)
    assert other.points == POINTS
    same = DesignSchedule({"name": "listed"}, CAPACITY)
    same.restore(state, request=context)  # no warning (pytest: error)


def test_the_schedule_imports_no_kerastuner():
    script = textwrap.dedent(
        """
        import sys
        from ktseed.schedule import Capacity, DesignSchedule
        from ktseed import FixedInitializer
        schedule = DesignSchedule(
            FixedInitializer(points=[{"x": 1}]),
            Capacity(owner="O", trials=5, reason=""),
        )
        state = schedule.to_state()
        assert state["materialized"] is False
        assert "keras_tuner" not in sys.modules, "KerasTuner was imported"
        assert "tensorflow" not in sys.modules, "TensorFlow was imported"
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_design_checksum_is_computed_once(monkeypatch):
    import ktseed.schedule as schedule_module

    schedule = DesignSchedule({"name": "listed"}, CAPACITY)
    assert schedule.digest is None
    schedule.materialize(
        schedule.request("codec", seed=7, objective=None, max_trials=10)
    )
    calls = []
    real = schedule_module.design_digest
    monkeypatch.setattr(
        schedule_module,
        "design_digest",
        lambda points: calls.append(1) or real(points),
    )
    for i in range(5):
        schedule.next(f"t{i}", is_tried=never_tried)
        schedule.to_state(design_file="design.json")
    assert schedule.digest == real(POINTS)
    assert len(calls) == 1
    again = DesignSchedule({"name": "listed"}, CAPACITY)
    again.restore(json.loads(json.dumps(schedule.to_state())), request=None)
    assert again.digest == real(POINTS) and len(calls) == 2
