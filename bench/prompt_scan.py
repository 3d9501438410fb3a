"""The scheduler's due-prompt scan on PostgreSQL: many stored contacts (one prompt each), a few
percent of them due.

    uv run python -m bench.prompt_scan --contacts 1000000 --due-percent 1 --rounds 5

Seeds the notifier's ``contacts`` and ``prompts`` tables with ``INSERT … SELECT
generate_series`` (100 contacts per owner, every owner with one channel; 1 in 10 of the prompts
not due is held back, so it has no wake-up time), runs ``VACUUM ANALYZE``, then measures:

- **claim**: every due prompt claimed by the scheduler's indexed query (``wake_at <= now ORDER BY
  wake_at LIMIT 500 FOR UPDATE SKIP LOCKED``, batch after batch) in one transaction that is then
  rolled back; the median of ``--rounds``;
- **wake**: ``prompts.wake_due`` end to end, batch after batch until nothing is due: claim, read
  the people, queue one nudge each (owners have a channel), mark them nudged, commit;
- the plan PostgreSQL chose for one claim.
"""

import argparse
import asyncio
import statistics
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from services.notifier import prompts
from services.notifier.adapters import db
from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.db.engine import create_engine, session_factory
from shared.db.statements import claim_due
from tests.infrastructure import postgres_server

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
BATCH = 500

SEED = """
INSERT INTO contacts (id, owner_id, display_name, category, tie, tags, cadence_days,
                      last_interaction_at, archived, version, changed_at)
SELECT 'c' || i, 'owner-' || (i / 100), 'Person ' || i, 'peer', 'weak', '[]', 60,
       CAST(:now AS timestamptz)
         - interval '1 day' * (CASE WHEN i % CAST(:every AS int) = 0 THEN 61 ELSE i % 59 END),
       false, 1, CAST(:now AS timestamptz) - interval '400 days'
FROM generate_series(0, CAST(:contacts AS int) - 1) AS i;

INSERT INTO prompts (contact_id, owner_id, added_at, due_at, suggestion_kind, suggestion_text,
                     held, archived, dismissed, wake_at)
SELECT 'c' || i, 'owner-' || (i / 100), CAST(:now AS timestamptz) - interval '400 days',
       CAST(:now AS timestamptz)
         + interval '1 day' * (CASE WHEN i % CAST(:every AS int) = 0 THEN -1 ELSE 60 - i % 59 END),
       'check_in', 'Send Person ' || i || ' a short note: what has changed for them lately?',
       i % CAST(:every AS int) <> 0 AND i % 10 = 3, false, false,
       CASE WHEN i % CAST(:every AS int) = 0 THEN CAST(:now AS timestamptz) - interval '1 day'
            WHEN i % 10 = 3 THEN NULL
            ELSE CAST(:now AS timestamptz) + interval '1 day' * (60 - i % 59) END
FROM generate_series(0, CAST(:contacts AS int) - 1) AS i;

INSERT INTO channels (id, owner_id, name, kind, url, shown, failures, created_at)
SELECT 'ch' || o, 'owner-' || o, 'Phone', 'ntfy', 'ntfy://127.0.0.1:9/o' || o,
       'ntfy://127.0.0.1:9/o' || o, 0, CAST(:now AS timestamptz)
FROM generate_series(0, (CAST(:contacts AS int) - 1) / 100) AS o;
"""


async def measure(admin_url: str, contacts: int, due_percent: float, rounds: int) -> dict[str, object]:
    database = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    runtime = bootstrap(NotifierSettings(database_url=url), clock=lambda: NOW)
    await runtime.migrate()
    every = round(100 / due_percent)
    results: dict[str, object] = {}
    started = time.perf_counter()
    async with runtime.engine.begin() as connection:
        for statement in SEED.split(";\n"):
            if statement.strip():
                await connection.execute(text(statement), {"now": NOW, "every": every, "contacts": contacts})
    vacuum = create_engine(url, isolation_level="AUTOCOMMIT")
    async with vacuum.connect() as connection:
        await connection.execute(text("VACUUM ANALYZE"))
        size = await connection.scalar(text("SELECT pg_size_pretty(pg_total_relation_size('prompts'))"))
    await vacuum.dispose()
    results["seed s"] = time.perf_counter() - started
    results["prompts table + indexes"] = size

    sessions = session_factory(runtime.engine)
    async with sessions() as session:
        due = await session.scalar(
            select(func.count()).select_from(db.prompts).where(db.prompts.c.wake_at <= NOW)
        )
        stored = await session.scalar(select(func.count()).select_from(db.prompts))
    results["stored prompts"] = stored
    results["due prompts"] = due

    claims = []
    for _ in range(rounds):
        async with sessions() as session, session.begin():
            started = time.perf_counter()
            claimed = 0
            while batch := await claim_due(
                session, db.prompts.c.wake_at, db.prompts.c.contact_id, now=NOW, limit=BATCH
            ):
                claimed += len(batch)
                # mark them as a scheduler would, so the next batch moves on
                await session.execute(
                    db.prompts.update().where(db.prompts.c.contact_id.in_(batch)).values(wake_at=None)
                )
            claims.append(time.perf_counter() - started)
            assert claimed == due, (claimed, due)
            await session.rollback()
    results["claim every due prompt, ms (median)"] = statistics.median(claims) * 1000
    results["claim rounds, ms"] = [round(c * 1000) for c in claims]

    async with runtime.engine.connect() as connection:
        plan = await connection.execute(
            text(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT contact_id FROM prompts "
                "WHERE wake_at <= :now ORDER BY wake_at LIMIT 500 FOR UPDATE SKIP LOCKED"
            ),
            {"now": NOW},
        )
        results["plan"] = "\n".join(row[0] for row in plan.all())

    def uow() -> db.SqlUnitOfWork:
        return db.SqlUnitOfWork(sessions, outbox=db.outbox, topic="bench", source="/bench", clock=lambda: NOW)

    started = time.perf_counter()
    woken = 0
    while count := await prompts.wake_due(uow=uow, now=NOW, batch=BATCH):
        woken += count
    results["wake every due prompt into a nudge, ms"] = (time.perf_counter() - started) * 1000
    async with sessions() as session:
        results["nudges queued"] = await session.scalar(select(func.count()).select_from(db.nudges))
    assert woken == due
    await runtime.engine.dispose()
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
    await admin.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    with ExitStack() as stack:
        admin = stack.enter_context(postgres_server())
        results = asyncio.run(measure(admin, arguments.contacts, arguments.due_percent, arguments.rounds))
    plan = results.pop("plan")
    for name, value in results.items():
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        print(f"- {name}: {shown}")
    print("\nplan of one claim:\n" + str(plan))


if __name__ == "__main__":
    main()
