"""Production sign-in: the page signs in with a real OpenID Connect provider (panva's
oidc-provider, run by Node.js) by authorization code with PKCE, and the services accept the
issuer's access token. The token is never in the address, never in localStorage, and sign-in by
name does not exist there."""

import base64
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from shared.localinfra.processes import free_port
from shared.localinfra.system import RunningSystem, SystemNotReady, local_system
from tests.infrastructure import KafkaCluster

PROVIDER = Path(__file__).parent.parent / "oidc"
RESOURCE = "https://api.keepwarm.test"
AUDIENCE = "keepwarm-api"
CLIENT = "keepwarm-page"


@dataclass(frozen=True)
class Issuer:
    url: str


@pytest.fixture(scope="module")
def page_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def issuer(page_port: int) -> Iterator[Issuer]:
    if not (PROVIDER / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(f"the test OIDC provider is not installed: npm ci --prefix {PROVIDER}")
    port = free_port()
    redirect = f"http://127.0.0.1:{page_port}/"
    process = subprocess.Popen(
        ["node", "provider.mjs", str(port), CLIENT, redirect, RESOURCE, AUDIENCE],
        cwd=PROVIDER,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.monotonic() < deadline, "the OIDC provider did not start"
            time.sleep(0.2)
        yield Issuer(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def oidc_system(
    kafka: KafkaCluster, issuer: Issuer, page_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSystem]:
    settings = {
        "KEEPWARM_PAGE_OIDC_CLIENT_ID": CLIENT,
        "KEEPWARM_PAGE_OIDC_SCOPE": "openid api",
        "KEEPWARM_AUTH_OIDC_ISSUER": issuer.url,
        "KEEPWARM_AUTH_OIDC_AUDIENCE": AUDIENCE,
        "KEEPWARM_AUTH_OIDC_JWKS_URL": f"{issuer.url}/jwks",
    }
    try:
        with local_system(
            bootstrap_servers=kafka.bootstrap_servers,
            home=tmp_path_factory.mktemp("oidc"),
            page_port=page_port,
            extra_env=settings,
        ) as running:
            yield running
    except SystemNotReady as error:
        pytest.fail(str(error))


async def test_a_student_signs_in_with_the_issuer_and_the_services_accept_its_token(
    page: Page, oidc_system: RunningSystem, issuer: Issuer
) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        by_name = await client.post(f"{oidc_system.page_url}/session", json={"name": "mallory"})
        assert by_name.status_code == 404

    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    await page.goto(f"{oidc_system.page_url}/#/contacts")
    await page.get_by_role("button", name="Sign in with your account").click()
    # The provider's own login form (oidc-provider's development interaction).
    await page.locator("input[name=login]").fill("noor")
    await page.locator("input[name=password]").fill("anything")
    await page.locator("button[type=submit]").click()

    await expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    assert "code=" not in page.url
    assert "token" not in page.url
    # The code came back in the fragment: no request to the page's server carried it.
    to_page = [url for url in sent if url.startswith(oidc_system.page_url)]
    assert to_page
    assert not [url for url in to_page if "code=" in url]
    await expect(page.get_by_text("noor", exact=True)).to_be_visible()
    await page.get_by_role("button", name="Add a contact").click()
    form = page.get_by_role("form", name="New contact")
    await form.get_by_label("Name", exact=True).fill("Ada Lovelace")
    await form.get_by_role("button", name="Add contact").click()
    await expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()

    stored = await page.evaluate("JSON.stringify({local: {...localStorage}, session: {...sessionStorage}})")
    storage = json.loads(stored)
    assert storage["local"] == {}
    token = json.loads(storage["session"]["keepwarm.session"])["token"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert (claims["iss"], claims["aud"], claims["sub"]) == (issuer.url, AUDIENCE, "noor")
