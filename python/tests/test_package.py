"""The package as a whole: its public names and version, its type hints
(checked by mypy), the notebook-like example, and the command line that
the same install puts beside it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import frontier

HERE = Path(__file__).resolve().parent
PYTHON = HERE.parent


def test_public_names():
    assert frontier.__version__ == "0.1.0"
    for name in frontier.__all__:
        assert hasattr(frontier, name), name
    public = [n for n in dir(frontier) if not n.startswith("_")]
    for leak in ("np", "pd", "numpy", "pandas", "io", "json", "Optional"):
        assert leak not in public, leak
    for fn in (frontier.locate, frontier.near, frontier.nearest, frontier.summarize, frontier.trend,
               frontier.hotspots, frontier.knox, frontier.emerging, frontier.render, frontier.read, frontier.layer,
               frontier.layers, frontier.trend_chart):
        doc = fn.__doc__ or ""
        assert "Parameters\n    ----------" in doc or fn in (frontier.layers,), fn.__name__
        assert "Returns\n    -------" in doc, fn.__name__


def test_type_hints_check_with_mypy():
    """mypy (strict about the package's own code) on the package and on the
    example, which uses it as a notebook would."""
    pytest.importorskip("mypy")
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-incremental", "--cache-dir", os.devnull,
         "--disallow-untyped-defs", "-p", "frontier"],
        cwd=str(PYTHON), capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-incremental", "--cache-dir", os.devnull,
         str(PYTHON / "examples" / "tour.py")],
        cwd=str(PYTHON), capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_example_runs(tmp_path):
    r = subprocess.run([sys.executable, str(PYTHON / "examples" / "tour.py"), str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "within 25 km of the Durand Line" in r.stdout
    assert (tmp_path / "tour.png").read_bytes()[1:4] == b"PNG"
    assert "Error: row 42 (position 42): latitude" in r.stdout


def test_the_command_line_is_installed_beside_the_module():
    """``pip install ./python`` puts the ``frontier`` command in the
    environment's bin, built from the same source as the module."""
    exe = Path(sys.executable).parent / "frontier"
    assert exe.exists(), "no frontier command beside this Python"
    r = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and frontier.__version__ in r.stdout
    r = subprocess.run([str(exe), "layers"], capture_output=True, text=True)
    assert r.returncode == 0 and "durand-line" in r.stdout
    assert shutil.which("frontier", path=str(exe.parent)) == str(exe)
