"""What a student does on the page, in real Chromium against the whole running system: sign in,
add a contact, log a backdated coffee chat with a takeaway and a follow-up, see the follow-up on
Today and in a subscribed calendar feed, see a habit checked in by that conversation, snooze a
prompt, import a tracker CSV with one bad row, follow a nudge's action links, download all their
data and erase it."""

import asyncio
import json
import re
import uuid
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from jsonschema import Draft202012Validator
from playwright.async_api import FilePayload, Page, expect

from services.openapi import EXPORT_DIR
from tests.calendars import parse
from tests.page.conftest import System, sign_in
from tests.receivers import Mailbox, smtp_server

BERLIN = ZoneInfo("Europe/Berlin")


def local(moment: datetime) -> str:
    """A value for <input type="datetime-local"> in the browser's zone (Berlin)."""
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def student() -> str:
    return f"ana-{uuid.uuid4().hex[:8]}"


async def add_contact(page: Page, name: str, *, tie: str, category: str) -> None:
    await page.get_by_role("link", name="Contacts").click()
    await page.get_by_role("button", name="Add a contact").click()
    form = page.get_by_role("form", name="New contact")
    await form.get_by_label("Name", exact=True).fill(name)
    await form.get_by_label("Tie").select_option(tie)
    await form.get_by_label("Category").select_option(category)
    await form.get_by_role("button", name="Add contact").click()
    await expect(page.get_by_role("heading", name=name)).to_be_visible()


async def test_a_student_logs_a_coffee_chat_and_sees_it_everywhere(page: Page, system: System) -> None:
    await sign_in(page, system, student())
    now = datetime.now(BERLIN)

    # The zone is proposed from the browser; saving it makes it the owner's.
    await page.get_by_role("link", name="Settings").click()
    await expect(page.get_by_label("Time zone (IANA name)")).to_have_value("Europe/Berlin")
    await page.get_by_role("button", name="Save preferences").click()
    await expect(page.get_by_role("status")).to_contain_text("Saved your preferences")

    # A habit that a conversation with a dormant tie checks in by itself.
    await page.get_by_role("link", name="Habits").click()
    await page.get_by_role("button", name="New habit").click()
    form = page.get_by_role("form", name="New habit")
    await form.get_by_label("Name").fill("Revive a dormant tie")
    await form.get_by_label("What it counts").select_option("dormant_ties_revived")
    await form.get_by_label("Schedule").select_option("times_per_week")
    await form.get_by_label("How many times").fill("1")
    await form.get_by_label("Starts (optional)").fill((now - timedelta(days=7)).date().isoformat())
    await form.get_by_role("button", name="Start habit").click()
    await expect(page.get_by_role("heading", name="Revive a dormant tie")).to_be_visible()

    await add_contact(page, "Ada Lovelace", tie="dormant", category="mentor")
    await page.get_by_role("button", name="Edit").click()
    edit = page.get_by_role("form", name="Edit contact")
    await edit.get_by_text("More about them").click()
    await edit.get_by_label("Emails").fill("ada@example.org")
    await edit.get_by_label("Keep in touch every … days").fill("30")
    await edit.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_text("in touch every 30 days")).to_be_visible()

    # Log it: open the form, fill it, save — backdated two days, with a takeaway and a follow-up.
    met = (now - timedelta(days=2)).replace(hour=12, minute=0)
    await page.get_by_role("button", name="Log a conversation").click()
    log = page.get_by_role("form", name="Log a conversation with Ada Lovelace")
    await log.get_by_label("Kind").select_option("coffee_or_call")
    await log.get_by_label("When").fill(local(met))
    await log.get_by_label("Outcome").select_option("meeting_booked")
    await log.get_by_label("One takeaway").fill("Ask the department about the engine grant")
    await log.get_by_label("Follow-up (optional)").fill("Send her the paper on the engine")
    await log.get_by_label("Follow-up due").fill(local(now - timedelta(hours=1)))
    await log.get_by_role("button", name="Save").click()
    timeline = page.get_by_role("list").filter(has_text="Ask the department")
    await expect(timeline.locator(".takeaway").first).to_have_text(
        "Ask the department about the engine grant"
    )
    await expect(page.get_by_text("Send her the paper on the engine")).to_be_visible()

    # Today shows the follow-up (overdue by an hour) with the conversation's takeaway.
    await page.get_by_role("link", name="Today").click()
    follow_up = page.locator(".card", has_text="Send her the paper on the engine")
    await expect(follow_up).to_contain_text("Overdue since")
    await expect(follow_up).to_contain_text("Takeaway: Ask the department about the engine grant")

    # The habit was checked in by the conversation, on the day it happened.
    await page.get_by_role("link", name="Habits").click()
    done_day = page.get_by_label(f"{met.date().isoformat()}: done")
    await expect(done_day).to_be_visible()

    # Subscribe: the feed's address, read by three calendar parsers, carries the follow-up.
    await page.get_by_role("link", name="Settings").click()
    await page.get_by_role("button", name="New feed").click()
    subscribe = page.get_by_role("link", name=re.compile("Subscribe to"))
    await expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://"))
    url = await page.get_by_label("Or copy this address into your calendar app").input_value()
    async with httpx.AsyncClient(timeout=10) as client:
        feed = await client.get(url)
    assert feed.status_code == 200
    summaries = [str(event["SUMMARY"]) for event in parse(feed.text).walk("VEVENT")]
    assert "Follow up with Ada Lovelace" in " ".join(summaries), summaries

    # Results: the coffee chat with a dormant tie led to a meeting.
    await page.get_by_role("link", name="Results").click()
    by_tie = page.get_by_role("figure", name="By tie")
    dormant = by_tie.get_by_role("row", name=re.compile("^dormant"))
    await expect(dormant.get_by_role("cell")).to_have_text(["1", "1", "1", "100%"])


async def test_a_due_prompt_is_snoozed_from_today(page: Page, system: System) -> None:
    await sign_in(page, system, student())
    await add_contact(page, "Grace Hopper", tie="weak", category="alumni")
    await page.get_by_role("button", name="Log a conversation").click()
    log = page.get_by_role("form", name="Log a conversation with Grace Hopper")
    await log.get_by_label("Kind").select_option("message")
    await log.get_by_label("Who reached out").select_option("inbound")
    await log.get_by_label("When").fill(local(datetime.now(BERLIN) - timedelta(days=90)))
    await log.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status").first).to_contain_text("Logged")

    await page.get_by_role("link", name="Today").click()
    card = page.locator("li.card", has_text="Grace Hopper")
    await expect(card.locator(".suggestion")).to_contain_text("Give first:")
    await card.get_by_role("button", name="Snooze a week").click()
    await expect(page.get_by_role("status").first).to_contain_text("Snoozed Grace Hopper for a week")
    held = page.locator("li.card", has_text="Grace Hopper")
    await expect(held).to_contain_text("Snoozed: it comes back when the snooze ends.")


async def test_a_tracker_csv_with_one_bad_row_keeps_the_good_rows_and_names_the_bad_one(
    page: Page, system: System
) -> None:
    await sign_in(page, system, student())
    await page.get_by_role("link", name="Import").click()
    await page.get_by_label("What kind of file").select_option("csv")
    sheet = (
        "name,email,company,role,category,tie,last contacted,notes\n"
        "Katherine Johnson,kj@example.org,NASA,Mathematician,mentor,weak,2026-09-01,orbits\n"
        "Dorothy Vaughan,dv@example.org,NASA,Supervisor,mentor,lukewarm,2026-09-02,\n"
        "Mary Jackson,mj@example.org,NASA,Engineer,peer,strong,,\n"
    )
    await page.get_by_label("File to import").set_input_files(
        files=FilePayload(name="tracker.csv", mimeType="text/csv", buffer=sheet.encode())
    )
    await page.get_by_role("button", name="Import", exact=True).click()
    report = page.get_by_label("Import report")
    await expect(report).to_contain_text("2 added")
    bad = report.get_by_role("row").filter(has_text="tie")
    await expect(bad).to_have_count(1)
    await expect(bad.get_by_role("cell").first).to_have_text("3")
    await expect(bad.get_by_role("cell").last).to_contain_text("Dorothy Vaughan,dv@example.org")

    await page.get_by_role("link", name="Contacts").click()
    await expect(page.get_by_role("link", name="Katherine Johnson")).to_be_visible()
    await expect(page.get_by_role("link", name="Mary Jackson")).to_be_visible()
    await expect(page.get_by_role("link", name="Dorothy Vaughan")).to_have_count(0)


async def test_a_nudges_links_snooze_the_prompt_and_mark_the_follow_up_done(
    page: Page, system: System
) -> None:
    """Mail through a real SMTP server carries signed links; followed in the browser, signed out,
    each does its one thing with one click, and a second click changes nothing."""
    owner = student()
    with smtp_server() as mailbox:
        async with httpx.AsyncClient(timeout=10) as client:
            token = (await client.post(f"{system.page_url}/session", json={"name": owner})).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            notifier, contacts = system.apis["notifier"], system.apis["contacts"]
            quiet_never = {"quiet_hours": {"start": "00:00", "end": "00:00"}}
            assert (
                await client.patch(f"{notifier}/v1/preferences", json=quiet_never, headers=auth)
            ).is_success
            channel = {"name": "mail", "url": mailbox.url()}
            assert (
                await client.post(f"{notifier}/v1/preferences/channels", json=channel, headers=auth)
            ).is_success
            grace = (
                await client.post(f"{contacts}/v1/contacts", json={"name": "Grace Hopper"}, headers=auth)
            ).json()
            long_ago = (datetime.now(BERLIN) - timedelta(days=90)).isoformat()
            logged = await client.post(
                f"{contacts}/v1/contacts/{grace['id']}/interactions",
                json={"kind": "message", "direction": "inbound", "occurred_at": long_ago},
                headers=auth,
            )
            assert logged.is_success, logged.text
            follow_up = {"title": "Send Grace the compiler notes", "due_at": datetime.now(BERLIN).isoformat()}
            scheduled = await client.post(
                f"{contacts}/v1/contacts/{grace['id']}/follow-ups", json=follow_up, headers=auth
            )
            assert scheduled.is_success, scheduled.text

        links = await _links_in_mail(mailbox, expected=2)
        assert links["Log it"].endswith(f"/#/contacts/{grace['id']}/log")

        await page.goto(links["Snooze a week"])
        await expect(
            page.get_by_role("heading", name="Snooze this keep-alive prompt for a week?")
        ).to_be_visible()
        await page.get_by_role("button", name="Snooze a week").click()
        await expect(page.get_by_role("status")).to_have_text("Snoozed Grace Hopper for a week.")

        await page.goto(links["Done"])
        await page.reload()  # a fresh page, as a second mail client would open it
        await page.get_by_role("button", name="Done").click()
        await expect(page.get_by_role("status")).to_have_text("Done: Send Grace the compiler notes.")
        await page.reload()
        await page.get_by_role("button", name="Done").click()
        await expect(page.get_by_role("status")).to_contain_text("already closed")

        async with httpx.AsyncClient(timeout=10) as client:
            snoozed = await client.get(f"{notifier}/v1/prompts", params={"status": "snoozed"}, headers=auth)
            assert [p["contact_name"] for p in snoozed.json()] == ["Grace Hopper"]
            closed = await client.get(f"{contacts}/v1/follow-ups/{scheduled.json()['id']}", headers=auth)
            assert closed.json()["status"] == "done"


async def _links_in_mail(mailbox: Mailbox, *, expected: int, timeout_s: float = 30) -> dict[str, str]:
    """Each "Label: address" line of the mail received, once ``expected`` messages arrived."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while len(mailbox.messages) < expected:
        assert asyncio.get_running_loop().time() < deadline, f"mail: {mailbox.subjects()}"
        await asyncio.sleep(0.2)
    found = {}
    for body in mailbox.bodies():
        for label, address in re.findall(r"^([A-Z][\w ]+): (http\S+)$", body, flags=re.MULTILINE):
            found[label] = address
    return found


async def test_a_student_opts_in_to_share_with_their_campus_and_out_again(page: Page, system: System) -> None:
    await sign_in(page, system, student())
    await page.get_by_role("link", name="Settings").click()
    share = page.get_by_role("checkbox", name="Share with my campus")
    await expect(share).not_to_be_checked()  # off until the student turns it on
    await share.check()
    await expect(page.get_by_role("status")).to_contain_text("You share with your campus.")
    await page.reload()
    await expect(page.get_by_role("checkbox", name="Share with my campus")).to_be_checked()
    await page.get_by_role("checkbox", name="Share with my campus").uncheck()
    await expect(page.get_by_role("status")).to_contain_text("You no longer share with your campus.")


async def test_a_student_drafts_a_warm_message_prepares_an_interview_and_sets_a_goal(
    page: Page, system: System
) -> None:
    await sign_in(page, system, student())
    await page.get_by_role("link", name="Goals").click()
    goal = page.get_by_role("form", name="New goal")
    await goal.get_by_label("How many").fill("1")
    await goal.get_by_label("The role you want").fill("Staff Engineer")
    await goal.get_by_role("button", name="Set goal").click()
    await expect(
        page.get_by_role("status").filter(has_text="New goal: 1 people who are Staff Engineer.")
    ).to_be_visible()
    await expect(page.get_by_text("0 of 1")).to_be_visible()

    await add_contact(page, "Ada Lovelace", tie="weak", category="mentor")
    await page.get_by_role("button", name="Edit").click()
    edit = page.get_by_role("form", name="Edit contact")
    await edit.get_by_role("textbox", name="Company").fill("Analytical Engines")
    await edit.get_by_role("textbox", name="Role").fill("Staff Engineer")
    await edit.get_by_role("button", name="Save changes").click()

    draft = page.get_by_role("form", name="Draft a message")
    await draft.get_by_label("Subject").fill("Hello")
    await draft.get_by_label("Message").fill("Hi! Are you hiring? I would love a referral.")
    await draft.get_by_role("button", name="Check draft").click()
    found = page.get_by_role("list", name="What the check found")
    await expect(found).to_contain_text("It asks for a job or a referral")
    await expect(found).to_contain_text("“hiring”, “referral”")
    await draft.get_by_label("Subject").fill("Question from a bootcamp student")
    await draft.get_by_label("Message").fill(
        "Hi Ada, your work at Analytical Engines is why I write. Could I ask one question in a "
        "15-minute call, Tuesday at 3pm or Thursday at 10am?"
    )
    await draft.get_by_role("button", name="Check draft").click()
    await expect(page.get_by_role("status").filter(has_text="it passes every check")).to_be_visible()
    await page.get_by_role("button", name="Mark sent").click()
    await expect(page.get_by_role("status").filter(has_text="Marked sent")).to_be_visible()
    await expect(page.locator(".timeline")).to_contain_text("message · you reached out")

    prepare = page.get_by_role("form", name="Prepare an interview")
    await prepare.get_by_role("button", name="Prepare questions").click()
    await expect(page.get_by_role("list", name="Your questions")).to_contain_text("first year in this field")
    await expect(
        page.get_by_text("Send your questions to Ada Lovelace ahead of your conversation")
    ).to_be_visible()
    held = page.get_by_role("form", name="It happened")
    await held.get_by_label("The one takeaway you will follow up on").fill("Read the Bernoulli notes")
    await held.get_by_role("button", name="It happened").click()
    await page.get_by_role("button", name="Accept the thank you").click()
    await expect(page.get_by_text("Thank Ada Lovelace for the conversation")).to_be_visible()
    await page.get_by_role("button", name="Drop the update").click()
    await expect(page.get_by_role("status").filter(has_text="Dropped the update")).to_be_visible()

    await page.get_by_role("link", name="Goals").click()
    await expect(page.get_by_text("1 of 1")).to_be_visible()


async def test_a_student_takes_out_all_their_data_then_erases_everything(page: Page, system: System) -> None:
    await sign_in(page, system, student())
    await add_contact(page, "Ada Lovelace", tie="weak", category="mentor")
    await page.get_by_role("link", name="Settings").click()
    await page.get_by_role("button", name="New feed").click()
    await expect(page.get_by_role("link", name=re.compile("Subscribe to"))).to_be_visible()

    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Download all my data").click()
    download = await downloading.value
    await expect(page.get_by_text("Your archive is ready")).to_be_visible()
    archive = zipfile.ZipFile(await download.path())
    names = archive.namelist()
    parts = {
        service: json.loads(archive.read(f"{service}.json")) for service in ("contacts", "habits", "notifier")
    }
    for service, part in parts.items():
        schema = json.loads(archive.read(f"schemas/{service}.schema.json"))
        assert schema == json.loads((EXPORT_DIR / f"{service}.schema.json").read_text())
        checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert [error.message for error in checker.iter_errors(part)] == [], service
    [feed_file] = [name for name in names if name.startswith("feeds/")]
    calendar = parse(archive.read(feed_file).decode())
    vcard = archive.read("contacts.vcf").decode()

    assert {"README.txt", "contacts.csv", "contacts.vcf"} <= set(names)
    assert [c["name"] for c in parts["contacts"]["tables"]["contacts"]] == ["Ada Lovelace"]
    assert [c["display_name"] for c in parts["notifier"]["tables"]["contacts"]] == ["Ada Lovelace"]
    assert str(calendar["X-WR-CALNAME"]) == "Networking"
    assert "FN:Ada Lovelace" in vcard

    erase = page.get_by_role("button", name="Erase all my data")
    await expect(erase).to_be_disabled()  # not without saying so first
    await page.get_by_role("checkbox", name="I understand: erase all my data").check()
    await erase.click()
    await expect(page.get_by_text("Everything is erased, in every part of KeepWarm.")).to_be_visible(
        timeout=60_000
    )
    await page.get_by_role("link", name="Contacts").click()
    await expect(page.get_by_text("Ada Lovelace")).to_have_count(0)
