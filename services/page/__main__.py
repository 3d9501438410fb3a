"""``python -m services.page``: serve the student's page for the services of this machine
(``keepwarm up`` starts it). Sign-in by name is offered only when every service runs in
development."""

import uvicorn

from services.catalog import SETTINGS
from services.page.server import OidcClient, page_app
from shared.settings import PageSettings


def main() -> None:
    page = PageSettings()
    services = {name: settings() for name, settings in SETTINGS.items()}
    apis = {name: f"http://{s.http_host}:{s.http_port}" for name, s in services.items()}
    development = all(s.environment == "development" and not s.auth.oidc_jwks_url for s in services.values())
    issuer = next((s.auth.oidc_issuer for s in services.values() if s.auth.oidc_issuer), None)
    oidc = OidcClient(issuer, page.oidc_client_id, page.oidc_scope) if issuer else None
    app = page_app(apis=apis, development=development, oidc=oidc)
    uvicorn.run(app, host=page.host, port=page.port, log_level="warning")


if __name__ == "__main__":
    main()
