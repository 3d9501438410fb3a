"""An AsyncAPI document per service, generated from its FastStream broker and committed
(``shared/contracts/asyncapi``); a test fails when the committed copy is stale."""

from pathlib import Path
from typing import Any

from faststream.specification import AsyncAPI

from services.catalog import SERVICES
from shared.contracts.export import CONTRACTS_DIR, render

ASYNCAPI_DIR = CONTRACTS_DIR / "asyncapi"


def document(name: str) -> dict[str, Any]:
    runtime = SERVICES[name]()
    spec = AsyncAPI(runtime.broker, title=f"KeepWarm {name}", version="1.0.0")
    jsonable: dict[str, Any] = spec.to_specification().to_jsonable()
    return jsonable


def asyncapi_files() -> dict[Path, str]:
    return {ASYNCAPI_DIR / f"{name}.json": render(document(name)) for name in SERVICES}
