"""An OpenAPI document per service, generated from its HTTP app and committed
(``shared/contracts/openapi``): the student's page generates its API types from these, and a test
fails when a committed copy is stale, so an API change that breaks the page fails the build."""

from pathlib import Path
from typing import Any

from services.catalog import SERVICES
from shared.contracts.export import CONTRACTS_DIR, render

OPENAPI_DIR = CONTRACTS_DIR / "openapi"


def document(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = SERVICES[name]().app.openapi()
    return spec


def openapi_files() -> dict[Path, str]:
    return {OPENAPI_DIR / f"{name}.json": render(document(name)) for name in SERVICES}
