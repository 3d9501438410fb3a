"""The student's page in real Chromium (Debian's package, driven by Playwright) against the whole
system as ``keepwarm up`` runs it: real Kafka, every service, the page server. A failing test saves
a screenshot under ``var/test-screenshots/``. Without Chromium or a built page these tests fail,
they never skip."""

import os
import shutil
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from services.page.server import BUILT
from shared.localinfra.system import RunningSystem, SystemNotReady, local_system
from tests.infrastructure import KafkaCluster

CHROMIUM = os.environ.get("KEEPWARM_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path("var/test-screenshots")
AXE = Path("services/page/web/node_modules/axe-core/axe.min.js")
REPORT = pytest.StashKey[pytest.TestReport]()
WAIT_MS = 20_000
"""How long a test waits for what the events bring (the page re-reads its views every 5 s)."""
expect.set_options(timeout=WAIT_MS)


System = RunningSystem


@pytest.fixture(scope="session")
def system(kafka: KafkaCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """``keepwarm up`` on this test run's Kafka, with its own topics, SQLite files and ports."""
    if not (BUILT / "index.html").is_file():
        pytest.fail(
            f"the page is not built: npm ci --prefix {BUILT.parent} && npm run build --prefix {BUILT.parent}"
        )
    try:
        with local_system(
            bootstrap_servers=kafka.bootstrap_servers,
            home=tmp_path_factory.mktemp("system"),
            extra_env={"KEEPWARM_NOTIFIER_NUDGE_INTERVAL_S": "1"},
        ) as running:
            yield running
    except SystemNotReady as error:
        pytest.fail(str(error))


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
    console: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    yield opened
    report = request.node.stash.get(REPORT, None)
    if report is not None and report.failed:
        print("browser console:", *console, sep="\n  ")
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
