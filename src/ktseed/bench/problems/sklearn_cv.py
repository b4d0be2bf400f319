"""Training problems through ``keras_tuner.SklearnTuner``, cross-validated.

Each problem is a scikit-learn estimator on one of scikit-learn's bundled
datasets (no download), split once (stratified, ``random_state=0``) into a
*development* part (75 %) and a *held-out* test part (25 %):

* **Objective** (what every optimiser sees): the mean score of 3-fold
  stratified cross-validation on the development part
  (``StratifiedKFold(3, shuffle=True, random_state=0)``). KerasTuner and
  ktseed contenders get it from ``keras_tuner.SklearnTuner`` itself
  (``oracle=`` the contender's oracle, ``hypermodel=`` :meth:`build`,
  ``scoring=`` and ``cv=`` as here); the peers call :meth:`evaluate`,
  which runs the same loop as ``SklearnTuner.run_trial`` (one model per
  fold, fitted on the other folds, scored on it, then the mean), so both
  get the same number for the same values (a test checks it).
* **Report** (:meth:`holdout_score`): the configuration with the best
  objective so far (the incumbent) is fitted on the whole development part
  and scored on the held-out part. The benchmark's measure for these
  problems is that held-out score of the incumbent after ``k`` trials; no
  optimiser ever sees it.

Estimators are seeded (``random_state=0``), so a value depends only on the
configuration, never on the run. Fits run with one OpenMP/BLAS thread
(``threadpoolctl``): on small data, extra threads cost more than they
save, and far more on a shared machine.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ktseed.bench.problems.base import Problem
from ktseed.bench.problems.base import UnknownProblemError
from ktseed.bench.problems.base import Values

if TYPE_CHECKING:
    import keras_tuner

#: Cross-validation folds of the objective.
CV_FOLDS = 3
#: Share of the dataset held out for the report.
HOLDOUT_SHARE = 0.25


class CVProblem(Problem):
    """A scikit-learn estimator tuned by cross-validation (module docstring).

    Subclasses set :attr:`scoring` (a scikit-learn scorer name) and
    :attr:`dataset` (a bundled ``sklearn.datasets`` loader), and implement
    :meth:`make_estimator`.
    """

    direction = "max"
    metric = "score"
    kind = "cv"
    scoring: ClassVar[str] = "accuracy"
    dataset: ClassVar[str] = "load_iris"

    def __init__(self, *, shifted: bool = False) -> None:
        if shifted:
            msg = f"{self.base_name} has no shifted variant."
            raise UnknownProblemError(msg)
        super().__init__(shifted=False)
        self._data: tuple[Any, Any, Any, Any] | None = None

    @property
    def optimum(self) -> float | None:
        """Unknown for a training problem."""
        return None

    def load(self) -> tuple[Any, Any]:
        """The whole dataset, ``(X, y)``, from :attr:`dataset`."""
        import sklearn.datasets

        x, y = getattr(sklearn.datasets, self.dataset)(return_X_y=True)
        return x, y

    @abc.abstractmethod
    def make_estimator(self, values: Values) -> Any:
        """A new, unfitted estimator for the active ``values``."""

    def data(self) -> tuple[Any, Any, Any, Any]:
        """``(x_dev, y_dev, x_test, y_test)``, split once."""
        if self._data is None:
            from sklearn.model_selection import train_test_split

            x, y = self.load()
            x_dev, x_test, y_dev, y_test = train_test_split(
                x, y, test_size=HOLDOUT_SHARE, random_state=0, stratify=y
            )
            self._data = (x_dev, y_dev, x_test, y_test)
        return self._data

    def cv(self) -> Any:
        """The cross-validation splitter of the objective."""
        from sklearn.model_selection import StratifiedKFold

        return StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0)

    def scorer(self) -> Any:
        """The scikit-learn scorer of the objective and the report."""
        from sklearn.metrics import get_scorer

        return get_scorer(self.scoring)

    def build(self, hp: Any) -> Any:
        """``SklearnTuner``'s hypermodel: the estimator for ``hp``'s values.

        Only the active hyperparameters are read, as :meth:`evaluate`
        receives them.
        """
        values = {h.name: hp.get(h.name) for h in hp.space if hp.is_active(h)}
        return self.make_estimator(values)

    def evaluate(self, values: Values, *, seed: int = 1) -> float:
        """The mean cross-validated score (``SklearnTuner.run_trial``'s loop).

        ``seed`` is ignored: the estimators are seeded.
        """
        import numpy as np
        from threadpoolctl import threadpool_limits

        x, y, _, _ = self.data()
        scorer = self.scorer()
        scores = []
        with threadpool_limits(limits=1):
            for train, test in self.cv().split(x, y):
                model = self.make_estimator(values)
                model.fit(x[train], y[train])
                scores.append(scorer(model, x[test], y[test]))
        return float(np.mean(scores))

    def holdout_score(self, values: Values) -> float:
        """Fitted on the development part, scored on the held-out part."""
        from threadpoolctl import threadpool_limits

        x, y, x_test, y_test = self.data()
        model = self.make_estimator(values)
        with threadpool_limits(limits=1):
            model.fit(x, y)
            return float(self.scorer()(model, x_test, y_test))


class GradientBoostingCancer(CVProblem):
    """Histogram gradient boosting on the breast-cancer data (log loss).

    ``HistGradientBoostingClassifier(random_state=0,
    early_stopping=False)`` on scikit-learn's bundled Wisconsin breast
    cancer data (569 samples, 30 features). Space: ``learning_rate =
    Float(1e-3, 1, log)``, ``max_iter = Int(10, 200, step=10)``,
    ``max_leaf_nodes = Int(4, 128, log)``, ``min_samples_leaf = Int(1, 60,
    log)``, ``l2_regularization = Float(1e-6, 10, log)``, ``max_features
    = Float(0.1, 1)``, ``max_bins = Choice(15, 31, 63, 127, 255)``
    (ordered). Score: ``neg_log_loss`` (higher is better, at most 0).
    """

    base_name = "gbm_cancer"
    description = "HistGradientBoosting on breast cancer, 3-fold CV log loss"
    scoring = "neg_log_loss"
    dataset = "load_breast_cancer"
    cost = 0.6

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Float("learning_rate", 1e-3, 1.0, sampling="log")
        hp.Int("max_iter", 10, 200, step=10)
        hp.Int("max_leaf_nodes", 4, 128, sampling="log")
        hp.Int("min_samples_leaf", 1, 60, sampling="log")
        hp.Float("l2_regularization", 1e-6, 10.0, sampling="log")
        hp.Float("max_features", 0.1, 1.0)
        hp.Choice("max_bins", [15, 31, 63, 127, 255])
        return hp

    def make_estimator(self, values: Values) -> Any:
        """See :meth:`CVProblem.make_estimator`."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            learning_rate=float(values["learning_rate"]),
            max_iter=int(values["max_iter"]),
            max_leaf_nodes=int(values["max_leaf_nodes"]),
            min_samples_leaf=int(values["min_samples_leaf"]),
            l2_regularization=float(values["l2_regularization"]),
            max_features=float(values["max_features"]),
            max_bins=int(values["max_bins"]),
            early_stopping=False,
            random_state=0,
        )


class SVMDigits(CVProblem):
    """A support-vector classifier on the digits data, with conditionals.

    ``Pipeline(scaler, SVC(cache_size=500))`` on scikit-learn's bundled 8x8
    digits (1,797 samples, 64 features). Space: ``scaler = Choice(standard,
    minmax)``, ``C = Float(1e-2, 1e3, log)``, ``kernel = Choice(rbf, poly,
    sigmoid)``, ``gamma = Float(1e-5, 1, log)``, ``degree = Int(2, 5)``
    only for ``poly``, ``coef0 = Float(0, 2)`` only for ``poly`` and
    ``sigmoid``, ``shrinking = Boolean`` (a solver heuristic that hardly
    changes the score). Score: accuracy.
    """

    base_name = "svm_digits"
    description = "SVC on digits, 3-fold CV accuracy, conditional space"
    scoring = "accuracy"
    dataset = "load_digits"
    cost = 0.25

    def space(self) -> keras_tuner.HyperParameters:
        """See :meth:`Problem.space`."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        hp.Choice("scaler", ["standard", "minmax"])
        hp.Float("C", 1e-2, 1e3, sampling="log")
        hp.Choice("kernel", ["rbf", "poly", "sigmoid"])
        hp.Float("gamma", 1e-5, 1.0, sampling="log")
        with hp.conditional_scope("kernel", ["poly"]):
            hp.Int("degree", 2, 5)
        with hp.conditional_scope("kernel", ["poly", "sigmoid"]):
            hp.Float("coef0", 0.0, 2.0)
        hp.Boolean("shrinking")
        return hp

    def make_estimator(self, values: Values) -> Any:
        """See :meth:`CVProblem.make_estimator`."""
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MinMaxScaler
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVC

        scaler = (
            StandardScaler()
            if values["scaler"] == "standard"
            else MinMaxScaler()
        )
        kernel = str(values["kernel"])
        svc = SVC(
            C=float(values["C"]),
            kernel=kernel,
            gamma=float(values["gamma"]),
            degree=int(values.get("degree", 3)),
            coef0=float(values.get("coef0", 0.0)),
            shrinking=bool(values["shrinking"]),
            cache_size=500,
        )
        return make_pipeline(scaler, svc)


__all__ = [
    "CV_FOLDS",
    "HOLDOUT_SHARE",
    "CVProblem",
    "GradientBoostingCancer",
    "SVMDigits",
]
