"""The training problem of the multi-fidelity task: an MLP on digits."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from typing import Any

import numpy as np

from ktseed.bench.multifidelity.accounting import config_key
from ktseed.bench.multifidelity.base import DEFAULT_MAX_EPOCHS
from ktseed.bench.multifidelity.base import Checkpoints
from ktseed.bench.multifidelity.base import MFProblem
from ktseed.bench.multifidelity.base import Outcome
from ktseed.bench.multifidelity.base import Values
from ktseed.bench.multifidelity.base import derived_seed

if TYPE_CHECKING:
    import keras_tuner


class MFDigitsMLP(MFProblem):
    """A scikit-learn MLP on the bundled digits; epochs are the fidelity.

    Space: ``units = Int(16, 128, step=16)``, ``lr = Float(1e-4, 1e-1,
    log)`` (Adam's ``learning_rate_init``), ``alpha = Float(1e-6, 1e-1,
    log)`` (L2), ``batch_size = Choice(32, 64, 128, 256)``, ``activation =
    Choice(relu, tanh, logistic)``. The 1,797 images (scaled to ``[0,
    1]``) are split 60/20/20 into training, validation and test sets
    (stratified, ``random_state=0``). An epoch is one ``partial_fit`` pass
    over the training set in an order drawn from (seed, configuration,
    epoch); the weights start from a seed drawn from (seed,
    configuration). The value is the validation error after ``epochs``
    epochs and the held-out test error is recorded with it.

    Training resumes from the run's checkpoint of the same configuration
    (the last one kept) when it has trained fewer epochs; the result is the
    same as training from scratch (the tests check it).
    """

    base_name = "mf_digits_mlp"
    kind = "training"
    description = "sklearn MLPClassifier on digits, partial_fit epochs"
    epoch_cost = 0.016

    def __init__(self, *, max_epochs: int = DEFAULT_MAX_EPOCHS) -> None:
        super().__init__(max_epochs=max_epochs)
        self._data: tuple[Any, ...] | None = None

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`MFProblem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("units", 16, 128, step=16)
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        hp.Float("alpha", 1e-6, 1e-1, sampling="log")
        hp.Choice("batch_size", [32, 64, 128, 256])
        hp.Choice("activation", ["relu", "tanh", "logistic"])
        return hp

    def data(self) -> tuple[Any, ...]:
        """``(x_train, y_train, x_val, y_val, x_test, y_test)``."""
        if self._data is None:
            from sklearn.datasets import load_digits
            from sklearn.model_selection import train_test_split

            digits = load_digits()
            x = digits.data / 16.0
            y = digits.target
            x_tr, x_rest, y_tr, y_rest = train_test_split(
                x, y, test_size=0.4, random_state=0, stratify=y
            )
            x_va, x_te, y_va, y_te = train_test_split(
                x_rest, y_rest, test_size=0.5, random_state=0, stratify=y_rest
            )
            self._data = (x_tr, y_tr, x_va, y_va, x_te, y_te)
        return self._data

    def _new_model(self, values: Values, seed: int, key: str) -> Any:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            hidden_layer_sizes=(int(values["units"]),),
            activation=str(values["activation"]),
            solver="adam",
            alpha=float(values["alpha"]),
            batch_size=int(values["batch_size"]),
            learning_rate_init=float(values["lr"]),
            shuffle=False,
            random_state=derived_seed(seed, key, "init"),
        )

    def _outcome(
        self, values: Values, epochs: int, seed: int, checkpoints: Checkpoints
    ) -> Outcome:
        """See :meth:`MFProblem.evaluate`; trains ``epochs`` epochs."""
        x_tr, y_tr, x_va, y_va, x_te, y_te = self.data()
        key = config_key(values)
        done, model = 0, None
        saved = None if checkpoints is None else checkpoints.get(key)
        if checkpoints is not None and saved is not None and saved[0] <= epochs:
            # Taken out while it trains: an error leaves no stale entry.
            done, model = checkpoints.pop(key)
        if model is None:
            model = self._new_model(values, seed, key)
        classes = np.arange(10)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # Large learning rates overflow; the error then says so.
            warnings.simplefilter("ignore")
            for epoch in range(done + 1, epochs + 1):
                order = np.random.default_rng(
                    derived_seed(seed, key, epoch)
                ).permutation(len(y_tr))
                model.partial_fit(x_tr[order], y_tr[order], classes=classes)
            val_error = 1.0 - float(model.score(x_va, y_va))
            test_error = 1.0 - float(model.score(x_te, y_te))
        if checkpoints is not None and key not in checkpoints:
            # Keeps the furthest-trained model of each configuration.
            checkpoints[key] = (epochs, model)
        return Outcome(val_error, test_error)


__all__ = ["MFDigitsMLP"]
