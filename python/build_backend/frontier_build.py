"""The package's PEP 517 build backend: maturin, after building the
``frontier`` command line from the same source tree, in the same cargo
target directory and profile, and putting it among the wheel's scripts
(maturin installs ``wheel-data/scripts/*`` into the environment's ``bin``).
So ``pip install ./python`` gives both the module and the command, at the
same version.

The command line stays a binary crate (``src/main.rs`` and ``src/cmd``);
nothing of it is compiled into the Python module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import maturin as _maturin
from maturin import (  # noqa: F401  (the hooks this backend does not change)
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
)

HERE = Path(__file__).resolve().parents[1]
ROOT = HERE.parent
SCRIPTS = HERE / "wheel-data" / "scripts"


def _command_line() -> None:
    """Build the command line (release) and put it among the scripts.

    With ``FRONTIER_CLI_BIN`` set to a command line already built from this
    tree (the test suite's, which ``cargo test`` has just built), that one
    is used instead of building another.
    """
    _scripts_folder()
    given = os.environ.get("FRONTIER_CLI_BIN")
    if given:
        shutil.copy2(given, SCRIPTS / Path(given).name)
        return
    cargo = os.environ.get("CARGO", "cargo")
    cmd = [cargo, "build", "--release", "--bin", "frontier", "--manifest-path", str(ROOT / "Cargo.toml")]
    print("frontier: building the command line:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    exe = target / "release" / ("frontier.exe" if os.name == "nt" else "frontier")
    shutil.copy2(exe, SCRIPTS / exe.name)


def _scripts_folder() -> None:
    """Make ``wheel-data/scripts`` (not in git): maturin refuses to write
    even the metadata while the data folder it is told of is missing."""
    SCRIPTS.mkdir(parents=True, exist_ok=True)


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[Dict[str, Any]] = None) -> str:
    _scripts_folder()
    return _maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    _scripts_folder()
    return _maturin.build_sdist(sdist_directory, config_settings)


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    _command_line()
    return _maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    _command_line()
    return _maturin.build_editable(wheel_directory, config_settings, metadata_directory)


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> Any:
    return _maturin.get_requires_for_build_editable(config_settings)
