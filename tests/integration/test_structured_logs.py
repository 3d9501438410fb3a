"""A service run as an operator runs it, with ``KEEPWARM_LOG_FORMAT=json``: every line it writes
is one JSON object naming the service and role, a request's lines carry the owner as a keyed
hash, and neither the owner id nor the token appears anywhere."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.localinfra.processes import answers, free_port
from shared.logs import JsonLines

OWNER = "student-logs-7"
KEY = "the-campus-log-key"


def test_json_lines_name_the_service_and_hash_the_owner_never_write_the_owner_or_token(
    tmp_path: Path,
) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "KEEPWARM_HABITS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/habits.db",
        "KEEPWARM_HABITS_HTTP_PORT": str(port),
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # no broker: its complaints are logged too
        "KEEPWARM_LOG_FORMAT": "json",
        "KEEPWARM_LOG_OWNER_KEY": KEY,
    }
    subprocess.run([sys.executable, "-m", "services.habits", "migrate"], env=environment, check=True)
    log = tmp_path / "habits.log"
    token = mint_token(secret=DEVELOPMENT_SECRET, owner_id=OWNER)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.habits", "api"], env=environment, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 30
        while not answers(f"http://127.0.0.1:{port}/readyz"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/habits", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        refused = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/habits", headers={"Authorization": "Bearer not-a-token"}
        )
        with pytest.raises(urllib.error.HTTPError, match="401"):
            urllib.request.urlopen(refused, timeout=10)
        time.sleep(0.5)
    finally:
        process.terminate()
        process.wait(timeout=30)

    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # each line is JSON
    assert OWNER not in text
    assert token not in text
    assert {line["service"] for line in lines} == {"habits"}
    assert {tuple(line["roles"]) for line in lines} == {("api",)}
    expected = JsonLines(service="habits", roles=["api"], owner_key=KEY.encode()).owner_hash(OWNER)
    habits = [
        line for line in lines if line["logger"] == "keepwarm.access" and "/v1/habits" in line["message"]
    ]
    served = [line for line in habits if " 200 " in line["message"]]
    refused_lines = [line for line in habits if " 401 " in line["message"]]
    assert [line.get("owner") for line in served] == [expected]
    assert [line.get("owner") for line in refused_lines] == [None]
