"""The shape every service keeps: a pure domain, and nothing wired at import time."""

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
