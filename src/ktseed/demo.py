"""``ktseed demo``: a seeded Bayesian search against stock KerasTuner.

Tunes a small Keras MLP on scikit-learn's bundled digits dataset (no
download) twice with the same budget and seed: once with
``SeededBayesianOptimization(initializer="sobol")``, once with stock
``keras_tuner.BayesianOptimization``. Prints which trials came from the
design, each run's best validation accuracy and the trial that reached it,
and writes ``trials.csv`` and ``best_so_far.png`` to the output folder.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TextIO

from ktseed.commands import quiet_tensorflow

#: Objective of both runs.
OBJECTIVE = "val_accuracy"


@dataclass
class RunResult:
    """What one search produced, trial by trial."""

    name: str
    accuracies: list[float] = field(default_factory=list)
    design_flags: list[bool] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def best(self) -> tuple[float, int]:
        """Best accuracy and the 1-based trial that first reached it."""
        best = max(self.accuracies)
        return best, self.accuracies.index(best) + 1


def load_digits_split(seed: int) -> tuple[Any, Any, Any, Any]:
    """Digits (8x8 images, 10 classes), scaled to [0, 1], split 75/25."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=y
    )
    return x_train, y_train, x_val, y_val


def build_model(hp: Any) -> Any:
    """The tuned MLP: units, activation, dropout and a log-scale rate."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(
                hp.Int("units", 16, 256, step=16),
                activation=hp.Choice("activation", ["relu", "tanh", "elu"]),
            ),
            keras.layers.Dropout(hp.Float("dropout", 0.0, 0.5, step=0.05)),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(
            hp.Float("learning_rate", 1e-4, 3e-1, sampling="log")
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _progress_tuner(
    base: type, name: str, result: RunResult, budget: int, out: TextIO
) -> type:
    """A subclass of ``base`` that records and prints each finished trial."""

    class Progress(base):
        def on_trial_end(self, trial: Any) -> None:
            super().on_trial_end(trial)
            stored = self.oracle.trials[trial.trial_id]
            accuracy = float(stored.score) if stored.score is not None else 0.0
            from_design = bool(
                getattr(self.oracle, "is_design_trial", lambda _: False)(
                    trial.trial_id
                )
            )
            result.accuracies.append(accuracy)
            result.design_flags.append(from_design)
            result.values.append(dict(stored.hyperparameters.values))
            k = len(result.accuracies)
            best = max(result.accuracies)
            tag = " [design]" if from_design else ""
            out.write(
                f"  {name:>7} trial {k:2d}/{budget}: {OBJECTIVE} "
                f"{accuracy:.4f}  best {best:.4f}{tag}\n"
            )
            out.flush()

    return Progress


def run_search(
    name: str,
    *,
    seeded: bool,
    budget: int,
    n_design: int,
    seed: int,
    epochs: int,
    workdir: str,
    handoff: str,
    data: tuple[Any, Any, Any, Any],
    out: TextIO,
) -> RunResult:
    """One search; ``seeded`` picks ktseed's tuner or the stock one."""
    import keras_tuner as kt

    from ktseed.tuners import SeededBayesianOptimization

    result = RunResult(name)
    x_train, y_train, x_val, y_val = data
    common: dict[str, Any] = {
        "objective": kt.Objective(OBJECTIVE, "max"),
        "max_trials": budget,
        "seed": seed,
        "directory": workdir,
        "project_name": name,
        "overwrite": True,
    }
    if seeded:
        tuner_cls = _progress_tuner(
            SeededBayesianOptimization, name, result, budget, out
        )
        tuner = tuner_cls(
            build_model,
            initializer={"name": "sobol", "n_points": n_design},
            handoff=handoff,
            **common,
        )
    else:
        tuner_cls = _progress_tuner(
            kt.BayesianOptimization, name, result, budget, out
        )
        tuner = tuner_cls(build_model, **common)
    started = time.perf_counter()
    with warnings.catch_warnings():
        # KerasTuner's own GP (both runs use it) warns when a length scale
        # hits its bound; it is noise in a demo.
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        tuner.search(
            x_train,
            y_train,
            validation_data=(x_val, y_val),
            epochs=epochs,
            batch_size=64,
            verbose=0,
        )
    result.seconds = time.perf_counter() - started
    return result


def write_results(results: list[RunResult], folder: Path) -> tuple[Path, Path]:
    """Writes ``trials.csv`` and ``best_so_far.png``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "trials.csv"
    names = sorted({k for r in results for v in r.values for k in v})
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["run", "trial", OBJECTIVE, "best_so_far", "from_design", *names]
        )
        for r in results:
            best = 0.0
            for k, (acc, flag, values) in enumerate(
                zip(r.accuracies, r.design_flags, r.values, strict=True),
                start=1,
            ):
                best = max(best, acc)
                writer.writerow(
                    [r.name, k, f"{acc:.4f}", f"{best:.4f}", flag]
                    + [values.get(n, "") for n in names]
                )
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(7, 4))
    for r in results:
        curve = np.maximum.accumulate(np.asarray(r.accuracies))
        trials = np.arange(1, len(curve) + 1)
        ax.step(trials, curve, where="post", label=r.name, linewidth=2)
        design = [
            k for k, flag in zip(trials, r.design_flags, strict=True) if flag
        ]
        if design:
            ax.axvspan(
                0.5,
                max(design) + 0.5,
                color="tab:blue",
                alpha=0.08,
                label=f"{r.name}: Sobol design",
            )
    ax.set_xlabel("trial")
    ax.set_ylabel(f"best {OBJECTIVE} so far")
    ax.set_title("Digits MLP: ktseed seeded vs stock KerasTuner Bayesian")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    png_path = folder / "best_so_far.png"
    fig.savefig(png_path, dpi=120)
    plt.close(fig)
    return csv_path, png_path


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    """The ``ktseed demo`` command."""
    quiet_tensorflow()
    folder = Path(args.out)
    out.write(
        f"ktseed demo: digits MLP, {args.budget} trials per run, seed "
        f"{args.seed}, {args.epochs} epochs per trial; results -> {folder}/\n"
    )
    data = load_digits_split(args.seed)
    workdir = tempfile.mkdtemp(prefix="ktseed-demo-")
    results = []
    try:
        for name, seeded in (("ktseed", True), ("stock", False)):
            label = (
                f"SeededBayesianOptimization(initializer=sobol, "
                f"{args.design} points, handoff={args.handoff})"
                if seeded
                else "keras_tuner.BayesianOptimization (stock)"
            )
            out.write(f"\n{name}: {label}\n")
            results.append(
                run_search(
                    name,
                    seeded=seeded,
                    budget=args.budget,
                    n_design=args.design,
                    seed=args.seed,
                    epochs=args.epochs,
                    workdir=workdir,
                    handoff=args.handoff,
                    data=data,
                    out=out,
                )
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    csv_path, png_path = write_results(results, folder)
    out.write("\nSummary\n")
    for r in results:
        best, at = r.best
        design = [k for k, f in enumerate(r.design_flags, start=1) if f]
        where = f"trials {design[0]}-{design[-1]}" if design else "none"
        out.write(
            f"  {r.name:>7}: best {OBJECTIVE} {best:.4f} first reached at "
            f"trial {at}; design trials: {where}; {r.seconds:.0f} s\n"
        )
    out.write(
        "\nOne seed of one small problem: a single run says little about "
        "which start is better.\nThe benchmark compares them over many "
        "seeds and problems: docs/benchmarks.md.\n"
    )
    out.write(f"\nWrote {csv_path} and {png_path}\n")
    return 0


def register(commands: Any) -> None:
    """Adds the ``demo`` subcommand to the ``ktseed`` command line."""
    parser = commands.add_parser(
        "demo",
        help="tune a digits MLP with a Sobol-seeded Bayesian search and "
        "with stock KerasTuner, and compare",
    )
    parser.add_argument(
        "--budget", type=int, default=16, help="trials per run (default 16)"
    )
    parser.add_argument(
        "--design", type=int, default=8, help="Sobol design points (default 8)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    parser.add_argument(
        "--epochs",
        type=int,
        default=6,
        help="training epochs per trial (default 6)",
    )
    parser.add_argument(
        "--handoff",
        choices=["stock", "gp"],
        default="stock",
        help="GP step after the design (default: stock)",
    )
    parser.add_argument(
        "--out",
        default="demo-results",
        help="output folder (default: demo-results)",
    )
    parser.set_defaults(handler=run_demo)
