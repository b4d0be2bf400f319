"""examples/ktseed-plugin-example, installed with pip and used by name.

The example is copied to a temporary directory (building it writes
``build/`` next to its sources) and installed with pip into a temporary
``--target`` directory that is put on ``sys.path`` for this module, and on
``PYTHONPATH`` for the subprocesses. Nothing is installed into the shared
virtual environment, nothing in the repository changes, and every run
starts from a fresh copy, so the test can run any number of times. pip
runs offline when setuptools is installed (``--no-index
--no-build-isolation --no-deps`` builds with it); otherwise it fetches the
build backend from the package index.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from ktseed import available_initializers
from ktseed import get_initializer_class
from ktseed import make_initializer
from ktseed import registry
from ktseed.cli import main
from ktseed.oracles import SeededRandomSearchOracle
from ktseed.testing import InitializerContract
from tests.helpers import SCORE
from tests.helpers import FormulaTuner
from tests.helpers import small_space
from tests.helpers import trial_values

pytestmark = pytest.mark.slow

EXAMPLE = (
    pathlib.Path(__file__).resolve().parents[1]
    / "examples"
    / "ktseed-plugin-example"
)
DISTRIBUTION = "ktseed-plugin-example 0.1.0"
PATH = "ktseed_plugin_example.maximin:MaximinInitializer"


def _environment(site: pathlib.Path) -> dict[str, str]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop(registry.DISABLE_AUTOLOAD_ENV, None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


def _installed_setuptools() -> tuple[int, ...]:
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return ()
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit())


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    """Installs the example; yields (source copy, install directory)."""
    source = tmp_path_factory.mktemp("plugin-src") / "ktseed-plugin-example"
    shutil.copytree(
        EXAMPLE,
        source,
        ignore=shutil.ignore_patterns(
            "build", "*.egg-info", "__pycache__", ".pytest_cache"
        ),
    )
    site = tmp_path_factory.mktemp("plugin-site")
    # Offline with the setuptools already installed when it is recent
    # enough for the example's build-system (the `dev` extra asks for it);
    # otherwise pip fetches the build backend from the package index.
    offline = _installed_setuptools() >= (77,)
    build = ["--no-build-isolation", "--no-index"] if offline else []
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            *build,
            "--disable-pip-version-check",
            "--quiet",
            "--target",
            str(site),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "ktseed_plugin_example").is_dir()

    patch = pytest.MonkeyPatch()
    patch.delenv(registry.DISABLE_AUTOLOAD_ENV, raising=False)
    patch.syspath_prepend(str(site))
    registry._REGISTRY.reset()  # discover again, with the plugin on the path
    try:
        yield source, site
    finally:
        patch.undo()
        for name in [
            m for m in sys.modules if m.split(".")[0] == "ktseed_plugin_example"
        ]:
            del sys.modules[name]
        importlib.invalidate_caches()
        registry._REGISTRY.reset()


def test_the_entry_point_registers_maximin_with_its_distribution(plugin):
    entry = available_initializers()["maximin"]
    assert entry.source == "plugin"
    assert entry.distribution == DISTRIBUTION
    assert entry.origin == f"plugin from {DISTRIBUTION}"
    assert entry.path == PATH
    cls = get_initializer_class("maximin")
    assert cls.__module__ == "ktseed_plugin_example.maximin"
    # Built-ins are still there and still built-ins.
    assert available_initializers()["sobol"].origin == "built-in"


def test_ktseed_list_shows_the_plugin_and_its_distribution(plugin):
    _, site = plugin
    out = io.StringIO()
    assert main(["list", "--check", "--format", "json"], out=out) == 0
    rows = {row["name"]: row for row in json.loads(out.getvalue())}
    assert rows["maximin"] == {
        "name": "maximin",
        "source": f"plugin from {DISTRIBUTION}",
        "class": PATH,
        "status": "ok",
    }
    # The installed console script, in a fresh interpreter.
    script = pathlib.Path(sys.executable).with_name("ktseed")
    result = subprocess.run(
        [str(script), "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(site),
    )
    assert result.returncode == 0, result.stderr
    line = next(
        row for row in result.stdout.splitlines() if row.startswith("maximin")
    )
    assert line.split() == [
        "maximin",
        "plugin",
        "from",
        "ktseed-plugin-example",
        "0.1.0",
        PATH,
    ]


def test_make_initializer_and_a_seeded_oracle_use_it_by_name(plugin, tmp_path):
    spec = {"name": "maximin", "n_points": 5, "candidates": 16}
    initializer = make_initializer(spec)
    assert type(initializer).__name__ == "MaximinInitializer"
    assert initializer.get_config() == {**spec, "seed": None}

    hp = small_space()
    oracle = SeededRandomSearchOracle(
        objective=SCORE,
        max_trials=7,
        seed=4,
        hyperparameters=hp,
        initializer=spec,
    )
    tuner = FormulaTuner(
        oracle=oracle, directory=str(tmp_path), project_name="maximin"
    )
    tuner.search(verbose=0)
    design = make_initializer({**spec, "seed": 4}).generate(hp)
    assert len(design) == 5
    assert trial_values(oracle)[:5] == design
    assert oracle.design_trial_ids == ["0", "1", "2", "3", "4"]
    assert oracle.initializer.get_config()["seed"] == 4
    assert len(oracle.trials) == 7


class TestPluginContract(InitializerContract):
    """ktseed.testing's suite on the installed plugin, built by name."""

    @pytest.fixture(params=[None, 6], ids=["default-size", "six-points"])
    def initializer_factory(self, request, plugin):
        spec = {"name": "maximin", "n_points": request.param, "candidates": 8}
        return lambda: make_initializer(spec)


def test_the_example_runs_its_own_tests_against_ktseed_testing(plugin):
    """The plugin author's workflow: pytest in the plugin's own directory.

    This runs in a separate pytest session with the example's own
    configuration, so ``ktseed.testing`` works without ktseed's ``tests/``
    (no conftest, no helpers).
    """
    source, site = plugin
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
        env=_environment(site),
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout else ""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary
