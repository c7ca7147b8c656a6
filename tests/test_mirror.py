"""Test files mirror the modules (issue 13, item 6): one test file per ita_core module with logic.

The convention:

- a module ``ita_core/<module>.py`` is tested in ``tests/test_<module>.py``;
- a subpackage ``ita_core/<package>/`` (services, imports) is tested as one unit through its
  public names in ``tests/test_<package>.py``; it may split further by module into
  ``tests/test_<package>_<module>.py`` (``test_services_plan.py``), never under another name.

Tests of several modules together (the pages, the write path, migrations, e2e) keep names of
their own; this test only asks that no module with logic is left without its file.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ita_core"

# modules without logic of their own, so without a test file (say why when adding one)
NO_LOGIC = {
    "__init__",  # ita_core/__init__.py: the package docstring only
    "models",  # table and enum declarations; every test that stores a row exercises them,
               # test_migrations checks they match the schema
}


def units() -> list[str]:
    """The names a test file must carry: each top-level module, and each subpackage as a whole."""
    modules = [path.stem for path in PACKAGE.glob("*.py") if path.stem not in NO_LOGIC]
    packages = [path.parent.name for path in PACKAGE.glob("*/__init__.py")]
    return sorted(modules + packages)


def test_every_module_with_logic_has_its_test_file() -> None:
    tests = {path.name for path in (ROOT / "tests").glob("test_*.py")}
    missing = [f"ita_core/{name} → tests/test_{name}.py" for name in units()
               if f"test_{name}.py" not in tests]
    assert not missing, "no test file for: " + ", ".join(missing)


def test_the_allow_list_names_real_modules() -> None:
    assert {name for name in NO_LOGIC if not (PACKAGE / f"{name}.py").exists()} == set()


def test_split_test_files_of_a_package_name_one_of_its_modules() -> None:
    packages = {path.parent.name: path.parent for path in PACKAGE.glob("*/__init__.py")}
    stray = []
    for path in (ROOT / "tests").glob("test_*_*.py"):
        package, _, module = path.stem.removeprefix("test_").partition("_")
        if package in packages and not (packages[package] / f"{module}.py").exists():
            stray.append(path.name)
    assert stray == []
