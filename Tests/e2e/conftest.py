"""Shared fixtures: the built atelier binary and the repository's folders."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKSHOPS = ROOT / "Workshops"
SHIPPED = sorted(p for p in WORKSHOPS.glob("*.json") if p.name != "schema.json")


@pytest.fixture(scope="session")
def atelier():
    """Runs the atelier binary (ATELIER_BIN, else the debug build) and returns the completed process."""
    binary = os.environ.get("ATELIER_BIN") or str(ROOT / ".build" / "debug" / "atelier")
    if not os.path.exists(binary):
        pytest.fail(f"atelier is not built at {binary}: run `swift build` first")

    def run(*args, check=False, **kwargs):
        return subprocess.run([binary, *map(str, args)], capture_output=True, text=True, check=check,
                              timeout=120, cwd=ROOT, **kwargs)

    return run
