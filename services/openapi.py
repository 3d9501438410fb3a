"""An OpenAPI document per service, generated from its HTTP app and committed
(``shared/contracts/openapi``): the student's page generates its API types from these, and a test
fails when a committed copy is stale, so an API change that breaks the page fails the build."""

from pathlib import Path
from typing import Any

from services.catalog import SERVICES
from services.contacts.adapters import db as contacts_db
from services.habits.adapters import db as habits_db
from services.notifier.adapters import db as notifier_db
from shared.contracts.export import CONTRACTS_DIR, render
from shared.db.export import part_schema

OPENAPI_DIR = CONTRACTS_DIR / "openapi"


def document(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = SERVICES[name]().app.openapi()
    return spec


def openapi_files() -> dict[Path, str]:
    return {OPENAPI_DIR / f"{name}.json": render(document(name)) for name in SERVICES}


EXPORT_DIR = CONTRACTS_DIR / "export"


def export_schema_files() -> dict[Path, str]:
    """The JSON Schema of each service's part of a student's archive (``GET /v1/export``)."""
    held = {"contacts": contacts_db.metadata, "habits": habits_db.metadata, "notifier": notifier_db.metadata}
    return {
        EXPORT_DIR / f"{name}.schema.json": render(part_schema(metadata, service=name))
        for name, metadata in held.items()
    }
