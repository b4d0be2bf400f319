"""ktseed builds as an sdist and a wheel, and the wheel works where installed.

``python -m build`` makes the sdist, then the wheel from the sdist (so the
sdist holds all the wheel needs). The wheel is installed with pip into a
new virtual environment, without its dependencies, and its ``ktseed``
command must list the initializers there. ``ktseed list`` needs NumPy and
nothing else; the new environment borrows this environment's NumPy
through a ``.pth`` file, so that the test needs no package index (it runs
offline) and takes seconds, not a 1.9 GB install of KerasTuner and
TensorFlow.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]


def run(argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="the dev extra installs `build`")
    pytest.importorskip("hatchling", reason="the dev extra installs it")
    out = tmp_path_factory.mktemp("dist")
    result = run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_sdist_holds_the_project_without_raw_benchmark_data(dist):
    version = project()["version"]
    (sdist,) = dist.glob("*.tar.gz")
    assert sdist.name == f"ktseed-{version}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "README.md",
        "src/ktseed/__init__.py",
        "src/ktseed/py.typed",
        "tests/conftest.py",
        "docs/index.md",
        "benchmarks/results/summary.csv",
    ):
        assert needed in names, needed
    assert not any(n.startswith("benchmarks/results/raw/") for n in names)
    assert not any(n.startswith((".venv/", "site/")) for n in names)


def test_the_wheel_declares_the_command_dependencies_and_extras(dist):
    meta = project()
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"ktseed-{meta['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"ktseed-{meta['version']}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert {"ktseed/__init__.py", "ktseed/py.typed", "ktseed/cli.py"} <= names
    assert not any(n.startswith("tests/") for n in names)
    assert "ktseed = ktseed.cli:main" in entry_points
    requires = {
        _key(line.split(": ", 1)[1])
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    }
    assert requires == {_key(r) for r in meta["dependencies"]}
    extras = {
        line.split(": ", 1)[1]
        for line in metadata.splitlines()
        if line.startswith("Provides-Extra: ")
    }
    assert extras == set(meta["optional-dependencies"])
    assert {"tf", "bench", "testing", "docs", "dev", "torch"} <= extras
    assert "Requires-Dist: torch==2.13.0; extra == 'torch'" in metadata


def _key(requirement: str) -> tuple[str, str]:
    parsed = Requirement(requirement)
    return parsed.name, str(parsed.specifier)


def test_the_wheel_installs_into_a_new_environment_and_lists(dist, tmp_path):
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    install = run(
        [
            sys.executable, "-m", "pip", "--python", python, "install",
            "--no-deps", "--no-index", "--quiet", wheel,
        ]
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr

    # NumPy, the one thing `ktseed list` imports, from this environment.
    numpy = Path(importlib.util.find_spec("numpy").origin).parent
    borrowed = tmp_path / "borrowed"
    borrowed.mkdir()
    for name in ("numpy", "numpy.libs"):
        if (numpy.parent / name).exists():
            (borrowed / name).symlink_to(numpy.parent / name)
    site = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    )
    (Path(site.stdout.strip()) / "borrowed-numpy.pth").write_text(
        f"{borrowed}\n"
    )

    clean = {
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    where = run(
        [python, "-c", "import ktseed; print(ktseed.__file__)"], env=clean
    )
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr
    version = run([env_dir / "bin" / "ktseed", "--version"], env=clean)
    assert version.stdout.strip() == f"ktseed {project()['version']}"
    listed = run([env_dir / "bin" / "ktseed", "list"], env=clean)
    assert (listed.returncode, listed.stderr) == (0, "")
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["name", "source", "class"]
    assert {line.split()[0] for line in lines[2:]} >= {
        "chain", "csv", "fixed", "halton", "lhs", "prior_run", "random",
        "sobol",
    }  # fmt: skip
