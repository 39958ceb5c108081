"""Package.swift says what the code imports: each target declares exactly the modules its
sources import, so the layering of docs/ARCHITECTURE.md is the compiler's to keep."""
import json
import re
import subprocess

import pytest

from conftest import ROOT

IMPORT = re.compile(r"^\s*(?:@testable\s+)?import\s+(\w+)", re.MULTILINE)


@pytest.fixture(scope="module")
def package():
    dumped = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True,
                            check=True, timeout=300)
    return json.loads(dumped.stdout)


def targets(package):
    return {target["name"]: target for target in package["targets"]}


def dependencies(target):
    """The module names a target depends on: targets by name, products by their module."""
    names = []
    for dependency in target["dependencies"]:
        (kind, details), = dependency.items()
        names.append(details[0])
    return set(names)


def imports(package, target):
    if target["type"] == "system":
        return set()
    folder = {"test": "Tests"}.get(target["type"], "Sources")
    path = ROOT / (target.get("path") or f"{folder}/{target['name']}")
    modules = set()
    for source in path.rglob("*.swift"):
        modules |= set(IMPORT.findall(source.read_text()))
    return modules


def test_every_target_declares_exactly_the_package_modules_its_sources_import(package):
    by_name = targets(package)
    products = {"GRDB", "ArgumentParser", "Logging"}
    modules = set(by_name) | products
    wrong = []
    for name, target in by_name.items():
        declared = dependencies(target)
        # A test may depend on an executable only to have it built, to run it as a process.
        declared -= {d for d in declared if by_name.get(d, {}).get("type") == "executable"
                     and d not in imports(package, target)}
        imported = imports(package, target) & modules
        if declared != imported:
            wrong.append(f"{name}: declared but not imported {sorted(declared - imported)}, "
                         f"imported but not declared {sorted(imported - declared)}")
    assert wrong == []


def test_the_server_does_not_link_the_transcript_renderers(package):
    by_name = targets(package)
    linked, waiting = set(), ["AtelierServer"]
    while waiting:
        for dependency in dependencies(by_name.get(waiting.pop(), {"dependencies": []})) - linked:
            linked.add(dependency)
            waiting.append(dependency)
    assert "AtelierExport" not in linked
