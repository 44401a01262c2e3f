"""Names that cannot resolve at run time, found without running the code: a path no test walks
(`cli run` with the frontend lost an import in a merge, and only `make run` noticed) still fails here."""

from pathlib import Path

import pytest
from pyflakes import checker, messages

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["career_app", "state", "components", "models", "jobs_worker", "migrations", "bench", "scripts", "tests"]
# Only what raises NameError/UnboundLocalError when reached; style findings are not this test's business.
BREAKS_AT_RUN_TIME = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if ".web" not in p.parts)


def _undefined(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = compile(source, str(path), "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
    found = checker.Checker(tree, filename=str(path)).messages
    return [str(m) for m in found if isinstance(m, BREAKS_AT_RUN_TIME)]


def test_the_check_finds_an_undefined_name(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def run():\n    return build_frontend()\n")
    assert any("undefined name 'build_frontend'" in m for m in _undefined(broken))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_resolves(package):
    problems = [m for p in _sources() if p.relative_to(ROOT).parts[0] == package for m in _undefined(p)]
    assert problems == []
