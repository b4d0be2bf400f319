"""A Keras training problem: a small MLP on scikit-learn's digits."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import UnknownProblemError
from ktseed.bench.problems.base import Values

if TYPE_CHECKING:
    import keras_tuner


# ------------------------------------------------------------- digits MLP
class DigitsMLP(Problem):
    """A small Keras MLP on scikit-learn's bundled digits (no download).

    Space: ``units = Int(16, 128, step=16)``, ``lr = Float(1e-4, 3e-2,
    log)``, ``dropout = Float(0, 0.5)``, ``activation = Choice(relu,
    tanh)``. The 1,797 8x8 images are split 70/30 (stratified, fixed
    ``random_state=0``); the model ``Dense(units) -> Dropout -> Dense(10)``
    trains with Adam for ``epochs`` epochs (Hyperband's ``tuner/epochs``
    when present), batch 64. The value is the last epoch's validation
    accuracy (maximised). Weights are initialised from ``seed``.

    Args:
        epochs: Training epochs per trial.
    """

    base_name = "digits_mlp"
    direction = "max"
    metric = "val_accuracy"
    kind = "training"
    cost = 1.5
    description = "Keras MLP on sklearn digits, val accuracy"
    hyperband_max_epochs = 3

    def __init__(self, *, shifted: bool = False, epochs: int = 3) -> None:
        if shifted:
            msg = "digits_mlp has no shifted variant."
            raise UnknownProblemError(msg)
        super().__init__(shifted=False)
        self.epochs = epochs
        self._data: tuple[Any, Any, Any, Any] | None = None

    @property
    def optimum(self) -> float | None:
        """Unknown for a training problem."""
        return None

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Int("units", 16, 128, step=16)
        hp.Float("lr", 1e-4, 3e-2, sampling="log")
        hp.Float("dropout", 0.0, 0.5)
        hp.Choice("activation", ["relu", "tanh"])
        return hp

    def data(self) -> tuple[Any, Any, Any, Any]:
        """``(x_train, y_train, x_val, y_val)``, loaded once."""
        if self._data is None:
            from sklearn.datasets import load_digits
            from sklearn.model_selection import train_test_split

            digits = load_digits()
            x = (digits.data / 16.0).astype("float32")
            y = digits.target.astype("int32")
            x_tr, x_va, y_tr, y_va = train_test_split(
                x, y, test_size=0.3, random_state=0, stratify=y
            )
            self._data = (x_tr, y_tr, x_va, y_va)
        return self._data

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """See :meth:`Problem.evaluate`; trains one model."""
        keras = importlib.import_module("keras")
        x_tr, y_tr, x_va, y_va = self.data()
        keras.utils.set_random_seed(int(seed))
        model = keras.Sequential(
            [
                keras.Input(shape=(64,)),
                keras.layers.Dense(
                    int(values["units"]), activation=str(values["activation"])
                ),
                keras.layers.Dropout(float(values["dropout"])),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(float(values["lr"])),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        epochs = int(values.get("tuner/epochs", self.epochs))
        history = model.fit(
            x_tr,
            y_tr,
            validation_data=(x_va, y_va),
            epochs=epochs,
            batch_size=64,
            verbose=0,
        )
        keras.backend.clear_session()
        return float(history.history["val_accuracy"][-1])


__all__ = ["DigitsMLP"]
