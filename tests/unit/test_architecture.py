"""The shape every service keeps: a pure domain, and nothing wired at import time."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts) for path in ROOT.glob("services/*/domain/*.py")
)
FORBIDDEN = ("sqlalchemy", "faststream", "fastapi", "starlette", "aiokafka", "httpx", "pydantic", "asyncpg")


def test_there_are_domain_modules_to_check() -> None:
    assert "services.contacts.domain.model" in DOMAIN_MODULES


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_a_domain_module_imports_no_infrastructure(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        f"print(','.join(sorted(name for name in {FORBIDDEN!r} if name in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulls in {result.stdout.strip()}"


def test_building_a_service_reads_no_settings_at_import() -> None:
    probe = (
        "import os\nos.environ['KEEPWARM_CONTACTS_HTTP_PORT'] = 'not a port'\n"
        "import services.catalog, services.contacts.bootstrap, services.habits.bootstrap, "
        "services.notifier.bootstrap\nprint('imported')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "imported"


SERVICES = ("contacts", "habits", "notifier")


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) of every ``import`` and ``from … import`` in a file."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
        elif isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
    return found


def _use_case_modules() -> list[Path]:
    return [
        path
        for name in SERVICES
        for path in sorted((ROOT / "services" / name).glob("*.py"))
        if path.stem not in ("__init__", "__main__", "bootstrap")
    ]


def test_there_are_use_case_modules_to_check() -> None:
    assert {path.stem for path in _use_case_modules()} >= {"service", "streaks", "prompts", "preferences"}


@pytest.mark.parametrize("path", _use_case_modules(), ids=lambda path: f"{path.parent.name}.{path.stem}")
def test_a_use_case_module_reaches_no_adapter_and_no_framework(path: Path) -> None:
    service = path.parent.name
    for module, _ in _imports(path):
        assert not module.startswith(f"services.{service}.adapters"), f"{path.name} imports {module}"
        assert module.split(".")[0] not in FORBIDDEN, f"{path.name} imports {module}"


def test_no_module_reaches_into_another_modules_private_names() -> None:
    """A feature's adapter may use another feature's public functions, never its internals."""
    reached = [
        f"{path.relative_to(ROOT)} takes {name} from {module}"
        for path in sorted(ROOT.glob("services/**/*.py"))
        if "migrations" not in path.parts
        for module, names in _imports(path)
        if module.startswith("services.")
        for name in names
        if name.startswith("_")
    ]
    assert reached == []


def test_no_service_imports_another() -> None:
    crossing = [
        f"{path.relative_to(ROOT)} imports {module}"
        for name in SERVICES
        for path in sorted((ROOT / "services" / name).rglob("*.py"))
        for module, _ in _imports(path)
        if module.startswith("services.") and module.split(".")[1] in set(SERVICES) - {name}
    ]
    assert crossing == []
