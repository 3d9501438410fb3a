"""Quality bars of the page, in real Chromium: no serious or critical accessibility violation
(axe-core) on any screen, every screen usable 375 px wide without sideways scrolling, and the daily
round (sign in, open Habits, check in) done with the keyboard alone."""

import json
import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.page.conftest import AXE, System, sign_in

SCREENS = ["#/today", "#/contacts", "#/habits", "#/goals", "#/results", "#/import", "#/settings"]


async def seeded(system: System) -> tuple[str, str]:
    """A student with a contact, a conversation, a follow-up and a habit; their name and the contact."""
    owner = f"axe-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=10) as client:
        token = (await client.post(f"{system.page_url}/session", json={"name": owner})).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        contacts, habits = system.apis["contacts"], system.apis["habits"]
        contact = (
            await client.post(
                f"{contacts}/v1/contacts",
                json={"name": "Ada Lovelace", "tie": "weak", "company": "Engines", "tags": ["math"]},
                headers=auth,
            )
        ).json()
        interaction = (
            await client.post(
                f"{contacts}/v1/contacts/{contact['id']}/interactions",
                json={"kind": "coffee_or_call", "takeaway": "Ask about the grant", "outcome": "replied"},
                headers=auth,
            )
        ).json()
        await client.post(
            f"{contacts}/v1/contacts/{contact['id']}/follow-ups",
            json={
                "title": "Send the paper",
                "due_at": "2026-01-01T09:00:00Z",
                "interaction_id": interaction["id"],
            },
            headers=auth,
        )
        response = await client.post(
            f"{habits}/v1/habits",
            json={
                "name": "One outreach a day",
                "measure": "outreach_messages",
                "schedule": {"kind": "daily"},
            },
            headers=auth,
        )
        assert response.status_code == 201, response.text
    return owner, contact["id"]


async def violations(page: Page) -> list[dict[str, Any]]:
    await page.add_script_tag(path=AXE)
    result = await page.evaluate("async () => JSON.stringify(await axe.run(document))")
    found: list[dict[str, Any]] = json.loads(result)["violations"]
    return [v for v in found if v["impact"] in ("serious", "critical")]


def summary(found: list[dict[str, Any]]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.mark.inject_scripts
@pytest.mark.parametrize("width", [1280, 375])
async def test_no_screen_has_a_serious_accessibility_violation_or_scrolls_sideways(
    page: Page, system: System, width: int
) -> None:
    await page.set_viewport_size({"width": width, "height": 800})
    await page.goto(system.page_url)
    await page.get_by_label("Your name").wait_for()
    problems = {"sign-in": summary(await violations(page))}
    owner, contact_id = await seeded(system)
    await sign_in(page, system, owner)
    for screen in [*SCREENS, f"#/contacts/{contact_id}"]:
        await page.goto(f"{system.page_url}/{screen}")
        await page.locator("main h1").first.wait_for()
        await page.wait_for_load_state("networkidle")
        problems[screen] = summary(await violations(page))
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{screen} scrolls {overflow} px sideways at {width} px"
    assert {screen: found for screen, found in problems.items() if found} == {}


async def test_the_daily_round_takes_only_the_keyboard(page: Page, system: System) -> None:
    owner, _ = await seeded(system)
    await page.goto(system.page_url)
    await page.get_by_label("Your name").wait_for()
    await page.keyboard.type(owner)  # the name field has the focus on arrival
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Today", exact=False).wait_for()

    async def tab_to(name: str) -> None:
        for _ in range(40):
            await page.keyboard.press("Tab")
            focused = await page.evaluate("document.activeElement?.textContent?.trim() ?? ''")
            if focused == name:
                return
        raise AssertionError(f"Tab never reached {name!r}")

    await tab_to("Habits")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="One outreach a day")).to_be_visible()
    await tab_to("Check in")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status").first).to_contain_text("Checked in “One outreach a day”")
    await expect(page.get_by_text("streak 1")).to_be_visible()
