"""``GET /v1/export``: a service's part of a student's archive, and ``GET /v1/export/schema``, the
JSON Schema it follows (see :mod:`shared.db.export`). Every service serves its own part from its
own database; the page puts the parts together."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.export import export_owner, part_schema


def export_router(
    *, service: str, engine: AsyncEngine, metadata: MetaData, owner: Any, clock: Callable[[], datetime]
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["export"])
    Owner = Annotated[str, owner]
    schema = part_schema(metadata, service=service)

    @router.get(
        "/export",
        summary=f"Everything the {service} service holds about you, as JSON (secrets left out)",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
    )
    async def export(owner_id: Owner) -> StreamingResponse:
        return StreamingResponse(
            export_owner(engine, metadata, service=service, owner_id=owner_id, now=clock()),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="keepwarm-{service}.json"',
                "Cache-Control": "private, no-store",
            },
        )

    @router.get(
        "/export/schema",
        summary="The JSON Schema (2020-12) of what /v1/export answers",
        dependencies=[owner],  # with a token, as every /v1 route
    )
    async def export_schema() -> dict[str, Any]:
        return schema

    return router
