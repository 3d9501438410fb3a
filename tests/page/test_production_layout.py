"""The production layout, with real nginx: the page's static server configuration from
``deploy/page`` and the ingress's routes of ``deploy/kubernetes/base/ingress.yaml`` (``/api/<service>/``
to the service, the prefix taken off) give the page and the APIs one origin. The page works there
with the addresses of ``deploy/page/config.json.example``: no CORS request at all, the security
headers on the page, and every path answered with the page."""

import getpass
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from services.page.server import BUILT
from shared.auth import DEVELOPMENT_SECRET, mint_token
from shared.localinfra.processes import free_port
from shared.localinfra.system import RunningSystem
from tests.page.conftest import System

DEPLOY = Path(__file__).parent.parent.parent / "deploy"
ISSUER = "https://login.example.edu"
# The ingress's routes (deploy/kubernetes/base/ingress.yaml), as ingress-nginx writes them.
INGRESS_ROUTE = """
    location ~ ^/api/{service}(/|$)(.*) {{
        proxy_pass http://127.0.0.1:{port}/$2$is_args$args;
    }}"""


@pytest.fixture(scope="module")
def ingress(system: System, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).is_file():
        pytest.fail("the production layout is checked with nginx: apt-get install -y nginx-light")
    home = tmp_path_factory.mktemp("nginx")
    shutil.copytree(BUILT, home / "html")
    config = json.loads((DEPLOY / "page" / "config.json.example").read_text())
    (home / "html" / "config.json").write_text(json.dumps(config))
    locations = (DEPLOY / "page" / "locations.conf.template").read_text()
    (home / "locations.conf").write_text(locations.replace("${KEEPWARM_OIDC_ISSUER}", ISSUER))
    port = free_port()
    routes = "".join(
        INGRESS_ROUTE.format(service=name, port=url.rsplit(":", 1)[1]) for name, url in system.apis.items()
    )
    temp = " ".join(
        f"{kind}_temp_path {home}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (home / "nginx.conf").write_text(
        f"""user {getpass.getuser()}; worker_processes 1; daemon off;
pid {home}/nginx.pid; error_log {home}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {home}/access.log;
    {temp}
    server {{
        listen 127.0.0.1:{port};
        root {home}/html;
        index index.html;
        include {home}/locations.conf;{routes}
    }}
}}
"""
    )
    process = subprocess.Popen([nginx, "-c", str(home / "nginx.conf"), "-p", str(home)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None, (home / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_the_page_and_the_apis_share_one_origin_behind_the_ingress(
    browser: Browser, ingress: str, system: RunningSystem
) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        index = await client.get(f"{ingress}/some/deep/path")
        health = await client.get(f"{ingress}/api/contacts/healthz")
    assert index.status_code == 200
    assert '<div id="app">' in index.text
    assert f"connect-src 'self' {ISSUER}" in index.headers["content-security-policy"]
    assert index.headers["referrer-policy"] == "no-referrer"
    assert health.json() == {"status": "ok"}

    token = mint_token(secret=DEVELOPMENT_SECRET, owner_id="lin")
    context = await browser.new_context()
    session = json.dumps({"owner": "lin", "token": token})
    await context.add_init_script(f"sessionStorage.setItem('keepwarm.session', {session!r})")
    page = await context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    await page.goto(f"{ingress}/#/contacts")
    await page.get_by_role("button", name="Add a contact").click()
    form = page.get_by_role("form", name="New contact")
    await form.get_by_label("Name", exact=True).fill("Ada Lovelace")
    await form.get_by_role("button", name="Add contact").click()
    await expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    await context.close()

    assert all(request.split(" ", 1)[1].startswith(ingress) for request in requests), requests
    assert any(request.startswith(f"POST {ingress}/api/contacts/v1/contacts") for request in requests)
    assert not [request for request in requests if request.startswith("OPTIONS")]
