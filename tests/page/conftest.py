"""The student's page in real Chromium (Debian's package, driven by Playwright) against the whole
system as ``keepwarm up`` runs it: real Kafka, every service, the page server. A failing test saves
a screenshot under ``var/test-screenshots/``. Without Chromium or a built page these tests fail,
they never skip."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from services.page.server import BUILT
from shared.localinfra.processes import free_port
from tests.infrastructure import KafkaCluster

CHROMIUM = os.environ.get("KEEPWARM_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path("var/test-screenshots")
AXE = Path("services/page/web/node_modules/axe-core/axe.min.js")
REPORT = pytest.StashKey[pytest.TestReport]()
WAIT_MS = 20_000
"""How long a test waits for what the events bring (the page re-reads its views every 5 s)."""
expect.set_options(timeout=WAIT_MS)


@dataclass(frozen=True)
class System:
    page_url: str
    apis: dict[str, str]
    log: Path


@pytest.fixture(scope="session")
def system(kafka: KafkaCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """``keepwarm up`` on this test run's Kafka, with its own topics, SQLite files and ports."""
    if not (BUILT / "index.html").is_file():
        pytest.fail(
            f"the page is not built: npm ci --prefix {BUILT.parent} && npm run build --prefix {BUILT.parent}"
        )
    home = tmp_path_factory.mktemp("system")
    ports = {name: free_port() for name in ("contacts", "habits", "notifier", "page")}
    environment = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": f"test-page-{uuid.uuid4().hex[:8]}.",
        "KEEPWARM_PAGE_PORT": str(ports["page"]),
        "KEEPWARM_NOTIFIER_PUBLIC_URL": f"http://127.0.0.1:{ports['notifier']}",
        "KEEPWARM_NOTIFIER_NUDGE_INTERVAL_S": "1",
    }
    for name in ("contacts", "habits", "notifier"):
        environment[f"KEEPWARM_{name.upper()}_HTTP_PORT"] = str(ports[name])
        environment[f"KEEPWARM_{name.upper()}_DATABASE_URL"] = f"sqlite+aiosqlite:///{home / name}.db"
    log = home / "system.log"
    keepwarm = Path(sys.executable).parent / "keepwarm"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(keepwarm), "up"], env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    built = System(
        page_url=f"http://127.0.0.1:{ports['page']}",
        apis={name: f"http://127.0.0.1:{port}" for name, port in ports.items() if name != "page"},
        log=log,
    )
    try:
        _until_ready(process, built)
        yield built
    finally:
        process.terminate()
        process.wait(timeout=60)


def _until_ready(process: subprocess.Popen[bytes], system: System, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    urls = [f"{api}/readyz" for api in system.apis.values()] + [f"{system.page_url}/config.json"]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"keepwarm up exited ({process.returncode}):\n{system.log.read_text()[-4000:]}")
        try:
            if all(httpx.get(url, timeout=2).status_code == 200 for url in urls):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the system was not ready in {timeout_s} s:\n{system.log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def chromium() -> str:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set KEEPWARM_TEST_CHROMIUM)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A fresh tab in Berlin time, 1280 px wide; a screenshot is saved when the test fails."""
    context = await browser.new_context(
        timezone_id="Europe/Berlin",
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
        bypass_csp=request.node.get_closest_marker("inject_scripts") is not None,
    )
    context.set_default_timeout(WAIT_MS)
    opened = await context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    report = request.node.stash.get(REPORT, None)
    if report is not None and report.failed:
        shot = SCREENSHOTS / f"{request.node.name}.png"
        await opened.screenshot(path=shot, full_page=True)
        print(f"screenshot: {shot}")
    await context.close()
    assert not errors, f"the page threw: {errors}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[REPORT] = report
    return report


async def sign_in(page: Page, system: System, name: str) -> None:
    await page.goto(system.page_url)
    await page.get_by_label("Your name").fill(name)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Today", exact=False).wait_for()
