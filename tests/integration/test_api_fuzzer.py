"""The standing gate: schemathesis, the property-based API fuzzer, runs every check it has against
each service's committed OpenAPI document (the one the page's types and any other client are
generated from), over HTTP to the whole running system, with real ids seeded so it reaches past
404s. Any failure fails the build; the totals are written to ``var/test-reports/fuzz.txt``.

One setting is ours: a schema-valid request may be answered 422 when it breaks a rule JSON
Schema cannot state (an interaction in the future, a cursor this API did not issue, a URL no
notification service understands); every such answer still names the field at fault."""

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.localinfra.system import RunningSystem, SystemNotReady, local_system
from tests.infrastructure import KafkaCluster

DOCUMENTS = Path(__file__).parent.parent.parent / "shared" / "contracts" / "openapi"
REPORTS = Path("var/test-reports")
OWNER = "fuzz-student"
UNLIMITED = {
    f"KEEPWARM_RATE_{name}": "1000000/minute"
    for name in ("WRITES", "IMPORTS", "TEST_SENDS", "FEEDS", "LINKS", "PER_CLIENT")
}


@pytest.fixture(scope="module")
def fuzzed_system(kafka: KafkaCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    try:
        with local_system(
            bootstrap_servers=kafka.bootstrap_servers,
            home=tmp_path_factory.mktemp("fuzz"),
            extra_env=UNLIMITED,
        ) as running:
            yield running
    except SystemNotReady as error:
        pytest.fail(str(error))


def seeded_ids(system: RunningSystem, token: str) -> dict[str, str]:
    """One of everything the owner can have, so path parameters name things that exist."""
    apis = system.apis
    with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {token}"}) as client:

        def post(url: str, body: dict[str, object]) -> dict[str, str]:
            response = client.post(url, json=body)
            assert response.is_success, response.text
            created: dict[str, str] = response.json()
            return created

        contact = post(f"{apis['contacts']}/v1/contacts", {"name": "Ada Lovelace"})
        interaction = post(
            f"{apis['contacts']}/v1/contacts/{contact['id']}/interactions", {"kind": "message"}
        )
        follow_up = post(
            f"{apis['contacts']}/v1/contacts/{contact['id']}/follow-ups",
            {
                "title": "Send the notes",
                "due_at": "2030-01-01T09:00:00Z",
                "interaction_id": interaction["id"],
            },
        )
        habit = post(f"{apis['habits']}/v1/habits", {"name": "Outreach", "schedule": {"kind": "daily"}})
        check_in = post(f"{apis['habits']}/v1/habits/{habit['id']}/check-ins", {})
        feed = post(f"{apis['notifier']}/v1/calendar-feeds", {"name": "Networking"})
        # No channel: the fuzzer deletes what it is given, and a channel it adds itself it then
        # reaches by the id the API answered (its stateful phase follows the links).
    return {
        "contact_id": contact["id"],
        "interaction_id": interaction["id"],
        "follow_up_id": follow_up["id"],
        "habit_id": habit["id"],
        "check_in_id": check_in["id"],
        "feed_id": feed["id"],
        "token": feed["url"].rsplit("/", 1)[1].removesuffix(".ics"),
    }


def config(token: str, ids: dict[str, str]) -> str:
    lines = [
        "seed = 20261122",
        f'headers = {{ Authorization = "Bearer {token}" }}',
        "",
        "[generation]",
        "max-examples = 30",
        "",
        "[checks.positive_data_acceptance]",
        'expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]',
        "",
        "[parameters]",
        *(f'"path.{name}" = "{value}"' for name, value in ids.items()),
    ]
    return "\n".join(lines) + "\n"


ERASING = "^/v1/(erasure|contacts/[^/]+/erase)$"
"""Erasing the caller, or a contact, erases what the rest of a run works on (the seeded ids): those
operations are fuzzed in a run of their own, as another student."""


def fuzz(service: str, system: RunningSystem, tmp_path: Path, *, owner: str, paths: list[str]) -> str:
    token = mint_token(secret=DEVELOPMENT_SECRET, owner_id=owner)
    settings = tmp_path / f"schemathesis-{owner}.toml"
    settings.write_text(config(token, seeded_ids(system, token)))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(settings),
            "run",
            str(DOCUMENTS / f"{service}.json"),
            "--url",
            system.apis[service],
            "--checks",
            "all",
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = run.stdout + run.stderr
    totals = re.search(r"(\d+) generated, (.*)", output)
    REPORTS.mkdir(parents=True, exist_ok=True)
    with (REPORTS / "fuzz.txt").open("a") as report:
        found = totals.group(0) if totals else "no totals"
        (REPORTS / f"fuzz-{owner}-{service}.txt").write_text(output)
        report.write(f"{service} {' '.join(paths)}: {found} (exit {run.returncode})\n")
    assert run.returncode == 0, output[-6000:]
    assert totals, output[-2000:]
    assert json.dumps(token) not in output  # schemathesis filters the Authorization header
    return output


@pytest.mark.parametrize("service", ["contacts", "habits", "notifier"])
def test_the_api_fuzzer_finds_nothing(service: str, fuzzed_system: RunningSystem, tmp_path: Path) -> None:
    fuzz(service, fuzzed_system, tmp_path, owner=OWNER, paths=["--exclude-path-regex", ERASING])
    if service == "contacts":
        fuzz(
            service, fuzzed_system, tmp_path, owner=f"{OWNER}-erased", paths=["--include-path-regex", ERASING]
        )
