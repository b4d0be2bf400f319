"""Seeded oracles run through real KerasTuner tuners on formula objectives."""

from __future__ import annotations

import json
import os
import warnings

import keras_tuner as kt
import numpy as np
import pytest
from keras_tuner.oracles import HyperbandOracle
from keras_tuner.oracles import RandomSearchOracle

from ktseed import DesignTooLargeError
from ktseed import FixedInitializer
from ktseed import Initializer
from ktseed import InitializerConfigError
from ktseed import KtseedWarning
from ktseed import make_initializer
from ktseed.oracles import STATE_KEY
from ktseed.oracles import SeededBayesianOptimizationOracle
from ktseed.oracles import SeededHyperbandOracle
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.oracles import _kt_private
from ktseed.oracles import _seeding
from ktseed.oracles._seeding import DESIGN_FILE
from ktseed.schedule import design_digest

from ..helpers import SCORE
from ..helpers import FormulaTuner
from ..helpers import small_space
from ..helpers import trial_values

SOBOL8 = {"name": "sobol", "n_points": 8, "seed": 3}


def run(oracle, tmp_path, name="p", **kwargs):
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name=name, **kwargs
    )
    tuner.search(verbose=0)
    return tuner


def design_of(spec, hp, max_trials=None):
    return make_initializer(spec).generate(hp, max_trials=max_trials)


# ---------------------------------------------------------------- random
def test_random_search_runs_design_then_parent_sampler(tmp_path):
    hp = small_space()
    seeded = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=14,
        seed=5,
        hyperparameters=hp,
        initializer=SOBOL8,
    )
    run(seeded, tmp_path / "seeded")
    stock = RandomSearchOracle(
        objective=SCORE, max_trials=6, seed=5, hyperparameters=hp
    )
    run(stock, tmp_path / "stock")
    values = trial_values(seeded)
    assert values[:8] == design_of(SOBOL8, hp)
    # After the design, the parent's own sampler continues unchanged.
    assert values[8:] == trial_values(stock)
    assert seeded.design_trial_ids == [f"{i:02d}" for i in range(8)]
    assert [seeded.design_index(t) for t in seeded.design_trial_ids] == list(
        range(8)
    )
    assert not seeded.is_design_trial("08")


def sobol8_random_search(hp):
    """A 12-trial seeded random search starting from SOBOL8."""
    return SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=12,
        seed=5,
        hyperparameters=hp,
        initializer=SOBOL8,
    )


def test_finished_trials_are_keyed_once(tmp_path, monkeypatch):
    hp = small_space()
    oracle = sobol8_random_search(hp)
    keyed = []
    real = SeededRandomSearchOracle._ktseed_key_of

    def counting(self, trial):
        keyed.append(trial.trial_id)
        return real(self, trial)

    monkeypatch.setattr(SeededRandomSearchOracle, "_ktseed_key_of", counting)
    run(oracle, tmp_path)
    assert len(oracle.trials) == 12
    # Each trial is keyed once (a finished trial's values no longer change),
    # not once per later create_trial.
    # The last trial ends after the last create_trial, so it is never asked.
    earlier = set(list(oracle.trials)[:-1])
    assert set(keyed) == earlier
    assert len(keyed) <= 2 * len(earlier)
    assert oracle._ktseed_settled == earlier


def test_a_random_draw_is_clipped_once(tmp_path, monkeypatch):
    oracle = sobol8_random_search(small_space())
    clipped = []
    real = _seeding.SpaceCodec.clip

    def counting(self, values):
        clipped.append(dict(values))
        return real(self, values)

    monkeypatch.setattr(_seeding.SpaceCodec, "clip", counting)
    run(oracle, tmp_path)
    drawn = trial_values(oracle)[8:]
    assert len(drawn) == 4
    # The repeat check keys a draw as it clips it; keying the trial made of
    # it reuses that key instead of clipping the same values again.
    for values in drawn:
        assert clipped.count(values) == 1


def model_space_with_conditional_x():
    hp = kt.HyperParameters()
    hp.Choice("model", ["a", "b"])
    with hp.conditional_scope("model", ["a"]):
        hp.Float("x", 0.0, 1.0)
    hp.Int("units", 1, 8)
    return hp


def test_conditional_design_points_reuse_the_space_codec(tmp_path, monkeypatch):
    # A conditional space: half the design points leave `x` out (inactive).
    oracle = sobol8_random_search(model_space_with_conditional_x())
    built = []
    real = _seeding.SpaceCodec

    class CountingCodec(real):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(_seeding, "SpaceCodec", CountingCodec)
    run(oracle, tmp_path)
    assert len(oracle.trials) == 12
    assert any("x" not in values for values in oracle.design)
    # One codec for the design and one cached for the checks, however many
    # design points lack an inactive hyperparameter (not one per point).
    assert len(built) <= 2


def test_design_points_run_as_built_while_the_space_is_unchanged(
    tmp_path, monkeypatch
):
    # A conditional space: design points that leave `x` out (inactive) are
    # not a superset of the space's names, yet need no completion.
    oracle = sobol8_random_search(model_space_with_conditional_x())
    completed = []
    real = _seeding.SpaceCodec.canonicalize

    def counting(self, values, **kwargs):
        completed.append(dict(values))
        return real(self, values, **kwargs)

    monkeypatch.setattr(_seeding.SpaceCodec, "canonicalize", counting)
    run(oracle, tmp_path)
    assert any("x" not in values for values in oracle.design)
    assert trial_values(oracle)[:8] == oracle.design
    # Sobol' points come out of the codec canonical: nothing canonicalises
    # them again trial after trial.
    assert completed == []


def test_a_resumed_search_completes_design_points_for_a_grown_space(
    tmp_path,
):
    # The design is built in a space that grows (`extra` is declared inside
    # run_trial) and the search is killed in its second trial: the resumed
    # oracle does not know which space the design was built in, so it
    # completes each point for the space it has (not KerasTuner's unseeded
    # random fill of `extra`).
    spec = {"name": "sobol", "n_points": 4, "seed": 1}
    runs = []

    class Declaring(FormulaTuner):
        def run_trial(self, trial, *args, **kwargs):
            trial.hyperparameters.Int("extra", 1, 1000, default=500)
            runs.append(trial.trial_id)
            if runs == ["0", "1"]:
                raise KeyboardInterrupt  # not caught by KerasTuner: a crash
            return super().run_trial(trial, *args, **kwargs)

    def search():
        oracle = SeededRandomSearchOracle(
            objective=SCORE,
            max_trials=4,
            seed=1,
            hyperparameters=small_space(),
            initializer=spec,
        )
        tuner = Declaring(
            oracle=oracle, directory=str(tmp_path), project_name="p"
        )
        tuner.search(verbose=0)
        return oracle

    with pytest.raises(KeyboardInterrupt):
        search()
    resumed = search()
    assert runs == ["0", "1", "1", "2", "3"]
    design = resumed.design
    assert trial_values(resumed) == [{**p, "extra": 500} for p in design]


@pytest.mark.parametrize(
    ("oracle_cls", "options"),
    [
        (SeededRandomSearchOracle, {}),
        # Its random phase lasts the whole search.
        (SeededBayesianOptimizationOracle, {"num_initial_points": 12}),
    ],
)
def test_random_draws_are_clipped_once(
    tmp_path, monkeypatch, oracle_cls, options
):
    outputs = {}  # id -> clipped dict (kept alive, so ids stay unique)
    reclipped = []
    real = _seeding.SpaceCodec.clip

    def recording(self, values):
        if id(values) in outputs:
            reclipped.append(dict(values))
        out = real(self, values)
        outputs[id(out)] = out
        return out

    monkeypatch.setattr(_seeding.SpaceCodec, "clip", recording)
    oracle = oracle_cls(
        objective=SCORE,
        max_trials=12,
        seed=5,
        hyperparameters=small_space(),
        initializer=SOBOL8,
        **options,
    )
    run(oracle, tmp_path)
    assert len(oracle.trials) == 12
    # The four draws after the design were clipped (made canonical) by the
    # repeat check, and not clipped a second time on the way out.
    assert reclipped == []
    codec = _seeding.SpaceCodec(oracle.hyperparameters)
    for values in trial_values(oracle)[8:]:
        assert real(codec, values) == values


def test_a_fresh_search_hashes_its_design_once(tmp_path, monkeypatch):
    import ktseed.schedule as schedule_module
    from ktseed.oracles import _state_files

    hashed = []
    real = schedule_module.design_digest

    def counting(points):
        hashed.append(len(points))
        return real(points)

    monkeypatch.setattr(schedule_module, "design_digest", counting)
    monkeypatch.setattr(_state_files, "design_digest", counting)
    oracle = sobol8_random_search(small_space())
    run(oracle, tmp_path)
    assert len(oracle.trials) == 12
    # The design file and oracle.json's record of it share one checksum,
    # computed once (not once for the record and again for the file).
    assert hashed == [8]
    saved = json.loads((tmp_path / "p" / DESIGN_FILE).read_text())
    assert saved["sha256"] == real(oracle.design)
    entry = oracle.get_state()[STATE_KEY]["design_file"]
    assert entry["sha256"] == saved["sha256"]


def test_seed_zero_is_a_real_seed(tmp_path):
    def trials(k):
        oracle = SeededRandomSearchOracle(
            objective=SCORE,
            max_trials=10,
            seed=0,
            hyperparameters=small_space(),
            initializer={"name": "lhs", "n_points": 4},
        )
        run(oracle, tmp_path / str(k))
        return (
            trial_values(oracle),
            oracle.seed,
            oracle.initializer.get_config()["seed"],
        )

    first, second = trials(1), trials(2)
    assert first == second
    assert first[1] == 0 and first[2] == 0


def test_unseeded_design_takes_the_oracle_seed(tmp_path):
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=6,
        seed=42,
        hyperparameters=small_space(),
        initializer={"name": "halton", "n_points": 4},
    )
    run(oracle, tmp_path)
    assert oracle.initializer.get_config()["seed"] == 42
    assert trial_values(oracle)[:4] == design_of(
        {"name": "halton", "n_points": 4, "seed": 42}, small_space()
    )


def test_design_points_already_tried_are_skipped(tmp_path):
    hp = small_space()
    points = [{"units": 64}, {"units": 64}, {"units": 128}]
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=5,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "fixed", "points": points},
    )
    with pytest.warns(KtseedWarning, match="dropped 1 duplicate"):
        run(oracle, tmp_path)
    values = trial_values(oracle)
    assert [v["units"] for v in values[:2]] == [64, 128]
    assert len({json.dumps(v, sort_keys=True) for v in values}) == 5


def test_design_point_tried_by_an_earlier_trial_is_skipped(tmp_path):
    hp = small_space()
    design = design_of({"name": "sobol", "n_points": 4, "seed": 2}, hp)
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=6,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "sobol", "n_points": 4, "seed": 2},
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="p"
    )
    # Pretend the second design point already ran in this project.
    first = oracle.create_trial("tuner0")
    assert first.hyperparameters.values == design[0]
    oracle.trials[first.trial_id].hyperparameters.values = dict(design[1])
    tuner.run_trial(first)
    first.status = "COMPLETED"
    oracle.update_trial(first.trial_id, {"score": 1.0})
    oracle.end_trial(first)
    second = oracle.create_trial("tuner0")
    assert second.hyperparameters.values == design[2]
    assert oracle.skipped_design_points == {1: first.trial_id}


# ------------------------------------------------------------- bayesian
def test_bayesian_design_then_gp_from_the_next_trial(tmp_path, monkeypatch):
    hp = small_space()
    calls = []
    real_step = _kt_private.stock_gp_step

    def spy(oracle, trial_id):
        calls.append(trial_id)
        return real_step(oracle, trial_id)

    monkeypatch.setattr(_kt_private, "stock_gp_step", spy)
    oracle = SeededBayesianOptimizationOracle(
        objective=SCORE,
        max_trials=11,
        seed=2,
        hyperparameters=hp,
        initializer=SOBOL8,
    )
    run(oracle, tmp_path)
    assert trial_values(oracle)[:8] == design_of(SOBOL8, hp)
    assert oracle.effective_num_initial_points == 8
    assert calls == ["08", "09", "10"]  # every later trial is a GP step


def test_bayesian_fills_failed_design_trials_with_random_draws(
    tmp_path, monkeypatch
):
    hp = small_space()
    gp_calls = []
    monkeypatch.setattr(
        _kt_private,
        "stock_gp_step",
        lambda o, t: (
            gp_calls.append(t)
            or {"status": "RUNNING", "values": o.design[0] | {"units": 480}}
        ),
    )

    def formula(values):
        if (
            values["units"] == design[1]["units"]
            and values["lr"] == design[1]["lr"]
        ):
            raise kt.errors.FailedTrialError("design point 2 fails")
        return 1.0

    design = design_of({"name": "sobol", "n_points": 4, "seed": 1}, hp)
    oracle = SeededBayesianOptimizationOracle(
        objective=SCORE,
        max_trials=6,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "sobol", "n_points": 4, "seed": 1},
    )
    tuner = FormulaTuner(
        oracle=oracle,
        directory=str(tmp_path),
        project_name="p",
        formula=formula,
    )
    tuner.search(verbose=0)
    statuses = [oracle.trials[t].status for t in sorted(oracle.trials)]
    assert statuses[1] == "FAILED"
    # 3 of 4 design trials completed: one random draw (trial 04), then GP.
    assert oracle.design_trial_ids == ["0", "1", "2", "3"]
    assert gp_calls == ["5"]


def test_bayesian_stock_handoff_uses_prior_observations(tmp_path, monkeypatch):
    calls = []
    real_step = _kt_private.stock_gp_step
    monkeypatch.setattr(
        _kt_private,
        "stock_gp_step",
        lambda o, t: calls.append(t) or real_step(o, t),
    )

    class Observed(Initializer):
        name = "observed"

        def _generate(self, request):
            return []

        def _default_n_points(self, request):
            return 0

        def observations(self, space, objective):
            return [
                (
                    {"units": 32 * k, "lr": 0.001, "act": "relu", "bn": False},
                    float(k),
                )
                for k in range(1, 6)
            ]

    oracle = SeededBayesianOptimizationOracle(
        objective=SCORE,
        max_trials=2,
        seed=1,
        hyperparameters=small_space(),
        initializer=Observed(),
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="p"
    )
    trial = oracle.create_trial("tuner0")  # the very first trial is a GP step
    x, y = oracle._vectorize_trials()
    assert x.shape == (6, 4)  # the ongoing trial (hallucinated) + 5 observed
    np.testing.assert_allclose(y[1:], [1, 2, 3, 4, 5])
    assert calls == ["0"]
    assert oracle.effective_num_initial_points == 1  # no design: GP at once
    assert len(oracle.trials) == 1 and trial.trial_id == "0"
    assert tuner.oracle.get_best_trials(5) == [
        trial
    ]  # observations never listed
    state = oracle.get_state()[STATE_KEY]
    assert len(state["observations"]) == 5


@pytest.mark.parametrize(
    "oracle_cls", [SeededRandomSearchOracle, SeededHyperbandOracle]
)
def test_observations_refused_by_non_bayesian_oracles(tmp_path, oracle_cls):
    class Observed(Initializer):
        name = "observed"

        def _generate(self, request):
            return []

        def observations(self, space, objective):
            return [({"units": 32}, 1.0)]

    kwargs = (
        {"max_epochs": 3}
        if oracle_cls is SeededHyperbandOracle
        else {"max_trials": 3}
    )
    oracle = oracle_cls(
        objective=SCORE,
        hyperparameters=small_space(),
        initializer=Observed(),
        **kwargs,
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="p"
    )
    with pytest.raises(
        InitializerConfigError,
        match=r"only SeededBayesianOptimizationOracle feeds observations .*Use mode='replay'",
    ):
        tuner.search(verbose=0)
    assert not os.path.exists(tmp_path / "p" / "oracle.json")
    assert not any(
        p.name.startswith("trial_") for p in (tmp_path / "p").iterdir()
    )


def test_num_initial_points_and_handoff_are_validated():
    with pytest.raises(
        InitializerConfigError,
        match=r"`handoff` must be one of \['stock', 'gp'\] \(got 'tpe'\)",
    ):
        SeededBayesianOptimizationOracle(objective=SCORE, handoff="tpe")
    with pytest.raises(
        InitializerConfigError,
        match="`num_initial_points` must be a non-negative integer",
    ):
        SeededBayesianOptimizationOracle(objective=SCORE, num_initial_points=-2)
    with pytest.raises(
        InitializerConfigError, match="only apply to handoff='gp'"
    ):
        SeededBayesianOptimizationOracle(
            objective=SCORE, handoff_options={"x": 1}
        )


# ------------------------------------------------------------ hyperband
def _structure(oracle):
    out = []
    for trial_id in sorted(oracle.trials):
        v = oracle.trials[trial_id].hyperparameters.values
        out.append(
            (
                v["tuner/epochs"],
                v["tuner/initial_epoch"],
                v["tuner/bracket"],
                v["tuner/round"],
                "tuner/trial_id" in v,
            )
        )
    return out


def test_hyperband_design_replaces_round_zero_candidates_only(tmp_path):
    hp = small_space()
    seeded = SeededHyperbandOracle(
        objective=SCORE,
        max_epochs=9,
        factor=3,
        seed=4,
        hyperparameters=hp,
        initializer=SOBOL8,
    )
    run(seeded, tmp_path / "seeded")
    stock = HyperbandOracle(
        objective=SCORE, max_epochs=9, factor=3, seed=4, hyperparameters=hp
    )
    run(stock, tmp_path / "stock")
    assert _structure(seeded) == _structure(stock)
    design = design_of(SOBOL8, hp)
    round0 = [
        t
        for t in sorted(seeded.trials)
        if seeded.trials[t].hyperparameters.values["tuner/round"] == 0
    ]
    assert [trial_values(seeded)[int(t)] for t in round0[:8]] == design
    assert seeded.design_trial_ids == round0[:8]
    # Promotions copy the promoted trial's values and point to it.
    for trial_id in sorted(seeded.trials):
        v = seeded.trials[trial_id].hyperparameters.values
        if "tuner/trial_id" in v:
            parent = seeded.trials[v["tuner/trial_id"]].hyperparameters.values
            assert {
                k: x for k, x in v.items() if not k.startswith("tuner/")
            } == {k: x for k, x in parent.items() if not k.startswith("tuner/")}


def test_hyperband_refuses_a_design_it_can_never_run():
    with pytest.raises(
        DesignTooLargeError,
        match=r"has 30 point\(s\) but this SeededHyperbandOracle can run at most 17 trial\(s\) \(the round-0 slots of 1 Hyperband iteration\(s\) with max_epochs=9, factor=3\)",
    ):
        SeededHyperbandOracle(
            objective=SCORE,
            max_epochs=9,
            factor=3,
            initializer={"name": "lhs", "n_points": 30},
        )


# ------------------------------------------------------- budget / errors
@pytest.mark.parametrize(
    "oracle_cls", [SeededRandomSearchOracle, SeededBayesianOptimizationOracle]
)
def test_design_larger_than_max_trials_is_refused_at_construction(oracle_cls):
    with pytest.raises(
        DesignTooLargeError,
        match=r"initializer 'sobol' has 16 point\(s\) but this .* can run at most 10 trial\(s\) \(max_trials=10\)\. Allow at least 16 trials",
    ):
        oracle_cls(
            objective=SCORE,
            max_trials=10,
            initializer={"name": "sobol", "n_points": 16},
        )
    points = [{"units": 32 * k} for k in range(1, 5)]
    with pytest.raises(DesignTooLargeError, match=r"has 4 point\(s\)"):
        oracle_cls(
            objective=SCORE,
            max_trials=3,
            initializer=FixedInitializer(points=points),
        )


def test_space_declared_in_run_trial_runs_like_stock_then_the_design(
    tmp_path, capsys
):
    """Issue 14.9: an empty space at the first trial is KerasTuner's case."""

    class DeclaresInRunTrial(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            return (hp.Int("units", 32, 512, step=32) - 200) ** 2 / 1e4

    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=6,
        seed=3,
        initializer={"name": "sobol", "n_points": 4, "seed": 3},
    )
    tuner = DeclaresInRunTrial(
        oracle=oracle, directory=str(tmp_path), project_name="p"
    )
    tuner.search(verbose=1)
    out = capsys.readouterr().out
    assert "the search space is empty" in out
    assert "the design of 4 point(s) starts with the next trial" in out
    # Trial 0 ran as KerasTuner's own (its space was empty); the design
    # was built from the space trial 0 declared and ran next.
    assert oracle.design_trial_ids == ["1", "2", "3", "4"]
    assert not oracle.is_design_trial("0")
    assert len(oracle.trials) == 6
    assert all(t.status == "COMPLETED" for t in oracle.trials.values())


def test_bad_seed_is_rejected():
    with pytest.raises(
        InitializerConfigError,
        match=r"`seed` must be a non-negative integer or None \(got -1\)",
    ):
        SeededRandomSearchOracle(objective=SCORE, seed=-1)


def test_design_property_and_announcement(tmp_path, capsys):
    hp = small_space()
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=3,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "sobol", "n_points": 2, "seed": 1},
    )
    assert oracle.design is None  # built at the first trial, not before
    preview = oracle.preview_design()
    assert preview == design_of({"name": "sobol", "n_points": 2, "seed": 1}, hp)
    assert oracle.design is None  # previewing does not fix it
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="p"
    )
    tuner.search(verbose=1)
    assert oracle.design == preview
    assert oracle.initializer is oracle.initializer  # built once
    out = capsys.readouterr().out
    assert "ktseed: trial 0 runs design point 1/2 (sobol)" in out
    assert "ktseed: trial 1 runs design point 2/2 (sobol)" in out
    assert oracle.design_exhausted


# ---------------------------------------------------------- state/resume
@pytest.mark.parametrize(
    "oracle_cls",
    [
        SeededRandomSearchOracle,
        SeededBayesianOptimizationOracle,
        SeededHyperbandOracle,
    ],
)
def test_state_is_saved_and_a_finished_project_runs_nothing_again(
    tmp_path, oracle_cls
):
    kwargs = (
        {"max_epochs": 3}
        if oracle_cls is SeededHyperbandOracle
        else {"max_trials": 6}
    )

    def make():
        return oracle_cls(
            objective=SCORE,
            seed=7,
            hyperparameters=small_space(),
            initializer={"name": "lhs", "n_points": 4},
            **kwargs,
        )

    first = make()
    tuner = run(first, tmp_path)
    saved = json.loads((tmp_path / "p" / "oracle.json").read_text())
    assert saved["ongoing_trials"] == {}
    state = saved[STATE_KEY]
    assert state["cursor"] == 4 and state["materialized"] is True
    # The design is stored once, in its own file, checked by its digest.
    stored = json.loads((tmp_path / "p" / DESIGN_FILE).read_text())
    assert stored["points"] == first.design
    assert state["design"] is None
    assert state["design_file"] == {
        "name": DESIGN_FILE,
        "points": 4,
        "sha256": design_digest(first.design),
    }
    assert (
        sorted(state["design_trials"], key=state["design_trials"].get)
        == first.design_trial_ids
    )
    assert state["initializer"]["seed"] == 7
    n_trials = len(first.trials)
    assert len(tuner.calls) == n_trials

    again = make()
    tuner2 = run(again, tmp_path)
    assert tuner2.calls == []  # nothing re-run
    assert len(again.trials) == n_trials
    assert again.design_trial_ids == first.design_trial_ids


def test_resume_with_another_initializer_warns_and_keeps_the_design(tmp_path):
    hp = small_space()
    first = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=3,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "sobol", "n_points": 2},
    )
    run(first, tmp_path)
    second = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=5,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "lhs", "n_points": 2},
    )
    with pytest.warns(
        KtseedWarning,
        match=r"Resuming a project whose initial design came from .*'sobol'.*the initializer passed now .*'lhs'.* is ignored",
    ):
        run(second, tmp_path)
    assert second.initializer.name == "sobol"
    assert len(second.trials) == 5


def test_interrupted_search_resumes_without_repeating_or_skipping(tmp_path):
    hp = small_space()
    spec = {"name": "sobol", "n_points": 8, "seed": 9}

    def interrupt_at_fourth(values):
        if len(interrupting.calls) == 4:
            raise KeyboardInterrupt  # not caught by KerasTuner: a crash
        return 1.0

    first = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=10,
        seed=9,
        hyperparameters=hp,
        initializer=spec,
    )
    interrupting = FormulaTuner(
        oracle=first,
        directory=str(tmp_path),
        project_name="p",
        formula=interrupt_at_fourth,
    )
    with pytest.raises(KeyboardInterrupt):
        interrupting.search(verbose=0)
    second = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=10,
        seed=9,
        hyperparameters=hp,
        initializer=spec,
    )
    resumed = run(second, tmp_path)
    values = trial_values(second)
    assert values[:8] == design_of(spec, hp)
    assert second.design_trial_ids == [f"{i:02d}" for i in range(8)]
    assert resumed.calls[0] == values[3]  # the interrupted trial ran again
    assert len(values) == 10


def test_unknown_state_version_is_refused(tmp_path):
    oracle = SeededRandomSearchOracle(
        objective=SCORE, max_trials=2, seed=1, hyperparameters=small_space()
    )
    state = oracle.get_state()
    state[STATE_KEY]["version"] = 99
    with pytest.raises(
        InitializerConfigError, match="holds ktseed state version 99"
    ):
        oracle.set_state(state)


def test_stock_project_resumed_with_a_seeded_oracle(tmp_path):
    hp = small_space()
    stock = RandomSearchOracle(
        objective=SCORE, max_trials=3, seed=1, hyperparameters=hp
    )
    run(stock, tmp_path)
    seeded = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=6,
        seed=1,
        hyperparameters=hp,
        initializer={"name": "sobol", "n_points": 2, "seed": 1},
    )
    run(seeded, tmp_path)
    assert trial_values(seeded)[:3] == trial_values(stock)
    assert seeded.design_trial_ids == ["3", "4"]


def test_design_points_are_completed_when_the_space_grows(tmp_path):
    hp = small_space()
    spec = {"name": "sobol", "n_points": 2, "seed": 1}
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=3,
        seed=1,
        hyperparameters=hp,
        initializer=spec,
    )
    design = oracle.preview_design()  # "extra" is not declared yet

    class Declaring(FormulaTuner):
        def run_trial(self, trial, *args, **kwargs):
            trial.hyperparameters.Int("extra", 1, 1000, default=500)
            return super().run_trial(trial, *args, **kwargs)

    tuner = Declaring(oracle=oracle, directory=str(tmp_path), project_name="p")
    tuner.search(verbose=0)
    values = trial_values(oracle)
    # "extra" is first declared inside trial 0 (KerasTuner gives it its
    # default there); trial 1's design point gets the default too, not
    # KerasTuner's unseeded random fill.
    assert values[0] == {**design[0], "extra": 500}
    assert values[1] == {**design[1], "extra": 500}


# --------------------------------------------------- crash windows
class Crash(BaseException):
    """Stands for the process dying (not caught by KerasTuner)."""


def _crashing_save(monkeypatch, *, when):
    """Makes the oracle's save crash once, after writing, when ``when()``."""
    real = _kt_private.save_atomically
    fired = []

    def save(oracle):
        real(oracle)
        if not fired and when(oracle):
            fired.append(True)
            raise Crash

    monkeypatch.setattr(_kt_private, "save_atomically", save)
    return fired


def test_crash_between_trial_json_and_oracle_json_loses_nothing(
    tmp_path, monkeypatch
):
    hp = small_space()
    spec = {"name": "sobol", "n_points": 4, "seed": 4}
    calls = []

    def before_oracle_json(oracle):
        # create_trial wrote trial "2" and is saving oracle.json: crash
        # *instead of* that save by restoring the previous file.
        return "2" in oracle.trials and "2" not in calls

    first = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=6,
        seed=4,
        hyperparameters=hp,
        initializer=spec,
    )
    tuner = FormulaTuner(
        oracle=first, directory=str(tmp_path), project_name="p"
    )
    state_file = tmp_path / "p" / "oracle.json"
    real = _kt_private.save_atomically
    snapshot = {}

    def save(oracle):
        if before_oracle_json(oracle) and not snapshot:
            snapshot["done"] = True
            raise Crash  # trial_2/trial.json exists, oracle.json is older
        real(oracle)
        calls.extend(t for t in oracle.trials if t not in calls)

    monkeypatch.setattr(_kt_private, "save_atomically", save)
    with pytest.raises(Crash):
        tuner.search(verbose=0)
    assert (tmp_path / "p" / "trial_2" / "trial.json").exists()
    assert "2" not in json.loads(state_file.read_text())["start_order"]
    monkeypatch.setattr(_kt_private, "save_atomically", real)

    second = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=6,
        seed=4,
        hyperparameters=hp,
        initializer=spec,
    )
    resumed = run(second, tmp_path)
    values = trial_values(second)
    design = design_of(spec, hp)
    assert values[:4] == design
    assert second.design_trial_ids == ["0", "1", "2", "3"]
    assert second.skipped_design_points == {}
    assert resumed.calls[0] == design[2]  # the orphaned trial ran
    assert all(t.status == "COMPLETED" for t in second.trials.values())
    assert len(values) == 6


def test_crash_inside_end_trial_does_not_rerun_a_finished_trial(
    tmp_path, monkeypatch
):
    hp = small_space()
    spec = {"name": "sobol", "n_points": 4, "seed": 4}
    first = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=5,
        seed=4,
        hyperparameters=hp,
        initializer=spec,
    )
    tuner = FormulaTuner(
        oracle=first, directory=str(tmp_path), project_name="p"
    )
    # KerasTuner's end_trial saves with the trial still ongoing: crash there.
    _crashing_save(
        monkeypatch,
        when=lambda o: (
            "1" in o.trials
            and o.trials["1"].status == "COMPLETED"
            and o.ongoing_trials
        ),
    )
    with pytest.raises(Crash):
        tuner.search(verbose=0)
    saved = json.loads((tmp_path / "p" / "oracle.json").read_text())
    assert saved["ongoing_trials"] == {"tuner0": "1"}
    monkeypatch.undo()

    second = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=5,
        seed=4,
        hyperparameters=hp,
        initializer=spec,
    )
    resumed = run(second, tmp_path)
    assert len(tuner.calls) == 2
    assert len(resumed.calls) == 3  # trials 2, 3, 4; trial 1 is not rerun
    assert trial_values(second)[:4] == design_of(spec, hp)


def _serve_as_chief(oracle, tmp_path, name, monkeypatch):
    """What a distributed chief does: create and end trials for a worker.

    The chief's oracle ends trials for remote workers and nothing calls
    Tuner.save afterwards.
    """
    FormulaTuner(oracle=oracle, directory=str(tmp_path), project_name=name)
    with monkeypatch.context() as env:
        env.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
        env.setenv("KERASTUNER_TUNER_ID", "chief")
        while True:
            trial = oracle.create_trial("tuner0")
            if trial.status == "STOPPED":
                break
            oracle.update_trial(trial.trial_id, {"score": 1.0})
            trial.status = "COMPLETED"
            oracle.end_trial(trial)
    return json.loads((tmp_path / name / "oracle.json").read_text())


def test_finished_project_saves_no_ongoing_trial_on_a_chief(
    tmp_path, monkeypatch
):
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=3,
        seed=1,
        hyperparameters=small_space(),
        initializer={"name": "sobol", "n_points": 2},
    )
    saved = _serve_as_chief(oracle, tmp_path, "p", monkeypatch)
    assert saved["ongoing_trials"] == {}
    stock = RandomSearchOracle(
        objective=SCORE, max_trials=3, seed=1, hyperparameters=small_space()
    )
    # Stock KerasTuner leaves the last trial ongoing: what ktseed fixes.
    stock_saved = _serve_as_chief(stock, tmp_path, "stock", monkeypatch)
    assert stock_saved["ongoing_trials"] == {"tuner0": "2"}


def test_oracle_json_is_written_atomically(tmp_path, monkeypatch):
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=2,
        seed=1,
        hyperparameters=small_space(),
        initializer={"name": "sobol", "n_points": 2},
    )
    run(oracle, tmp_path)
    state_file = tmp_path / "p" / "oracle.json"
    before = state_file.read_text()

    oracle.end_order.append("new")  # something new to save

    def die_before_the_rename(source, target):
        # The process dies after writing the new state to the temporary
        # file, before the rename that commits it.
        raise Crash

    monkeypatch.setattr(_kt_private.os, "replace", die_before_the_rename)
    with pytest.raises(Crash):
        oracle.save()
    assert state_file.read_text() == before  # the old file is intact
    json.loads(state_file.read_text())  # and complete


def test_resuming_a_csv_design_ranked_by_the_objective_does_not_warn(tmp_path):
    path = tmp_path / "configs.csv"
    path.write_text("units,acc\n64,0.9\n128,0.7\n256,0.95\n", encoding="utf-8")
    spec = {"name": "csv", "path": str(path), "score_column": "acc", "top_k": 2}

    def make():
        return SeededRandomSearchOracle(
            objective=kt.Objective("score", "max"),
            max_trials=3,
            seed=1,
            hyperparameters=small_space(),
            initializer=spec,
        )

    first = make()
    run(first, tmp_path / "p")
    assert [v["units"] for v in trial_values(first)[:2]] == [256, 64]
    assert first.initializer.get_config()["direction"] == "max"
    with warnings.catch_warnings():
        warnings.simplefilter("error", KtseedWarning)
        second = make()
        run(second, tmp_path / "p")
    assert second.design_trial_ids == ["0", "1"]
