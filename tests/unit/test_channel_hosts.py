"""Channels may not point at the operator's own network outside development, and a failed send
never hands the user what the remote server wrote back."""

import pytest

from services.notifier.adapters.apprise_out import AppriseSender, _failure
from services.notifier.delivery import InvalidChannel


@pytest.mark.parametrize(
    "url",
    [
        "json://u:p@127.0.0.1:18002/ssrf-probe-path",
        "json://169.254.169.254/latest/meta-data",
        "xml://10.0.0.7/hook",
        "ntfy://192.168.1.20/topic",
        "mailto://user:pass@localhost:2525?to=me@example.org",
        "json://[::1]:8080/hook",
    ],
)
def test_a_channel_on_a_private_or_local_server_is_refused(url: str) -> None:
    with pytest.raises(InvalidChannel, match="private or local address"):
        AppriseSender(allow_private_hosts=False).describe(url)


def test_public_servers_and_fixed_services_are_taken_and_an_operator_may_allow_private_ones() -> None:
    strict = AppriseSender(allow_private_hosts=False)
    assert strict.describe("ntfy://93.184.216.34/my-topic")[0] == "ntfy"
    assert strict.describe("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js")[0] == "discord"
    assert AppriseSender(allow_private_hosts=True).describe("json://127.0.0.1:18002/hook")[0] == "json"


async def test_a_send_to_a_private_server_is_refused_at_send_time_too() -> None:
    error = await AppriseSender(allow_private_hosts=False).send("json://127.0.0.1:9/x", title="t", body="b")
    assert error is not None
    assert "private or local address" in error


def test_a_failure_never_quotes_the_remote_reply() -> None:
    captured = (
        "Failed to send JSON notification: Not Found - <h1>Internal admin</h1> Page not found., error=404."
    )
    assert _failure(captured) == "the service answered HTTP 404"
    assert "admin" not in _failure("Connection refused by 10.0.0.7: admin panel")
