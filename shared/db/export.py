"""Everything a service holds about one owner, as JSON: every row of every table with an
``owner_id`` (the same tables an erasure empties), each column but those its table marks secret
(``Column(..., info={"secret": True})``: a channel's address with its password, a feed's token
hash), written a table at a time so that a large part never sits in memory whole.

The part's JSON Schema comes from the same tables (:func:`part_schema`), so it cannot drift from
what is written; ``keepwarm contracts export`` commits it beside the event schemas."""

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Integer, MetaData, String, Table, Text, Time, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.erasure import owner_tables
from shared.db.types import UTCDateTime
from shared.time import as_utc

FORMAT = "keepwarm.export.v1"
CHUNK_ROWS = 500


def exported(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if not column.info.get("secret")]


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return as_utc(value).isoformat().replace("+00:00", "Z")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


async def export_owner(
    engine: AsyncEngine, metadata: MetaData, *, service: str, owner_id: str, now: datetime
) -> AsyncIterator[bytes]:
    """The owner's part as JSON text, in chunks: ``{"format", "service", "owner_id",
    "exported_at", "tables": {name: [row, …]}}``. Read in one transaction, so the tables agree."""
    head = {"format": FORMAT, "service": service, "owner_id": owner_id, "exported_at": _value(now)}
    yield json.dumps(head)[:-1].encode() + b', "tables": {'
    async with engine.connect() as connection, connection.begin():
        for index, table in enumerate(sorted(owner_tables(metadata), key=lambda t: t.name)):
            columns = exported(table)
            yield (", " if index else "").encode() + json.dumps(table.name).encode() + b": ["
            query = select(*columns).where(table.c.owner_id == owner_id).order_by(*table.primary_key.columns)
            result = await connection.stream(query.execution_options(yield_per=CHUNK_ROWS))
            first = True
            async for rows in result.partitions(CHUNK_ROWS):
                text = ", ".join(
                    json.dumps({c.name: _value(v) for c, v in zip(columns, row, strict=True)}) for row in rows
                )
                yield (b"" if first else b", ") + text.encode()
                first = False
            yield b"]"
    yield b"}}"


def _column_schema(column: Column[Any]) -> dict[str, Any]:
    kind = column.type
    schema: dict[str, Any]
    if isinstance(kind, UTCDateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(kind, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(kind, Time):
        schema = {"type": "string", "format": "time"}
    elif isinstance(kind, Boolean):
        schema = {"type": "boolean"}
    elif isinstance(kind, Integer):
        schema = {"type": "integer"}
    elif isinstance(kind, String | Text):
        schema = {"type": "string"}
        if getattr(kind, "length", None):
            schema["maxLength"] = kind.length
    elif isinstance(kind, JSON):
        schema = {}
    else:
        raise TypeError(f"{column.table.name}.{column.name}: no JSON Schema for {kind!r}")
    if column.nullable and schema:
        schema["type"] = [schema["type"], "null"]
    if column.comment:
        schema["description"] = column.comment
    return schema


def part_schema(metadata: MetaData, *, service: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of what :func:`export_owner` writes for ``service``."""
    tables = {
        table.name: {
            "type": "array",
            **({"description": table.comment} if table.comment else {}),
            "items": {
                "type": "object",
                "properties": {column.name: _column_schema(column) for column in exported(table)},
                "required": [column.name for column in exported(table)],
                "additionalProperties": False,
            },
        }
        for table in sorted(owner_tables(metadata), key=lambda t: t.name)
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:keepwarm:export:{service}",
        "title": f"Everything the {service} service holds about one student",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "service": {"const": service},
            "owner_id": {"type": "string"},
            "exported_at": {"type": "string", "format": "date-time"},
            "tables": {
                "type": "object",
                "properties": tables,
                "required": sorted(tables),
                "additionalProperties": False,
            },
        },
        "required": ["format", "service", "owner_id", "exported_at", "tables"],
        "additionalProperties": False,
    }
