"""Imports and exports: the files students have, read without losing good rows, twice without
duplicates, and written back in formats other tools read."""

import csv
import io
from pathlib import Path

from tests.contacts.conftest import Api

LINKEDIN = (Path(__file__).parent / "files" / "Connections.csv").read_text()

TRACKER = """Name,Email,Company,Role,Category,Tie,Last Contacted,Notes
Katherine Johnson,kj@example.org,NASA,Mathematician,Mentor,Strong,2026-02-01,Orbital mechanics
Dorothy Vaughan,,NASA,Supervisor,wizard,weak,,
Mary Jackson,mj@example.org,NASA,Engineer,alumni,dormant,someday,
Margaret Hamilton,,MIT,,peer/community,,03/15/2025,"Apollo, guidance"
"""

VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\n"
    "EMAIL;TYPE=INTERNET:alan@example.org\r\nORG:Bletchley Park;Hut 8\r\nTITLE:Cryptanalyst\r\n"
    "URL:https://www.linkedin.com/in/alan-turing\r\nCATEGORIES:crypto,computing\r\n"
    "NOTE:Asked about morphogenesis\\, loved it.\\nFollow up in spring.\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Liskov;Barbara;;;\r\nTEL;VALUE=uri:tel:+1-555-0100\r\n"
    "item1.EMAIL:barbara@example.org\r\nNOTE:Substitution principle - a very long note that will be\r\n "
    " folded by careful writers\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:anonymous@example.org\r\nEND:VCARD\r\n"
)


async def test_a_linkedin_export_imports_its_good_rows_and_twice_adds_nothing(api: Api) -> None:
    me = api.as_owner("student-1")
    first = await api.client.post("/v1/imports/linkedin", content=LINKEDIN.encode(), headers=me)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["created"], report["unchanged"], report["failed"]) == (2, 0, 1)
    assert report["errors"] == [{"row": 7, "field": "First Name", "message": "no first or last name"}]

    contacts = {c["name"]: c for c in (await api.client.get("/v1/contacts", headers=me)).json()["items"]}
    assert contacts["Ada Lovelace"]["company"] == "Analytical Engines, Ltd"
    assert contacts["Ada Lovelace"]["emails"] == ["ada@example.org"]
    assert contacts["Ada Lovelace"]["how_met"] == "LinkedIn connection since 2024-03-12"
    assert contacts["Grace Hopper"]["linkedin_url"] == "https://www.linkedin.com/in/gracehopper"
    assert contacts["Grace Hopper"]["category"] == "existing_network"

    second = (await api.client.post("/v1/imports/linkedin", content=LINKEDIN.encode(), headers=me)).json()
    assert (second["created"], second["unchanged"], second["failed"]) == (0, 2, 1)
    assert len((await api.client.get("/v1/contacts", headers=me)).json()["items"]) == 2


async def test_a_tracker_csv_reports_bad_cells_by_row_and_keeps_the_rest(api: Api) -> None:
    me = api.as_owner("student-1")
    report = (await api.client.post("/v1/imports/csv", content=TRACKER.encode(), headers=me)).json()
    assert report["created"] == 2
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(3, "category"), (4, "last contacted")]
    assert "wizard" in report["errors"][0]["message"]
    contacts = {c["name"]: c for c in (await api.client.get("/v1/contacts", headers=me)).json()["items"]}
    assert contacts["Katherine Johnson"]["tie"] == "strong"
    assert contacts["Katherine Johnson"]["category"] == "mentor"
    assert contacts["Katherine Johnson"]["last_interaction_at"] == "2026-02-01T00:00:00Z"
    assert contacts["Margaret Hamilton"]["category"] == "peer"
    assert contacts["Margaret Hamilton"]["notes"] == "Apollo, guidance"


async def test_vcards_3_and_4_import_and_export_round_trip(api: Api) -> None:
    me, other = api.as_owner("student-1"), api.as_owner("student-2")
    report = (await api.client.post("/v1/imports/vcard", content=VCARDS.encode(), headers=me)).json()
    assert (report["created"], report["failed"]) == (2, 1)
    assert report["errors"][0]["field"] == "FN"
    contacts = {c["name"]: c for c in (await api.client.get("/v1/contacts", headers=me)).json()["items"]}
    alan = contacts["Alan Turing"]
    assert (alan["company"], alan["role"], alan["tags"]) == (
        "Bletchley Park",
        "Cryptanalyst",
        ["computing", "crypto"],
    )
    assert alan["notes"] == "Asked about morphogenesis, loved it.\nFollow up in spring."
    assert contacts["Barbara Liskov"]["phones"] == ["+1-555-0100"]
    assert contacts["Barbara Liskov"]["notes"].endswith("will be folded by careful writers")

    for version in ("3.0", "4.0"):
        exported = await api.client.get("/v1/exports/contacts.vcf", params={"version": version}, headers=me)
        assert exported.headers["content-type"].startswith("text/vcard")
        assert f"VERSION:{version}" in exported.text
        assert all(len(line.encode()) <= 75 for line in exported.text.split("\r\n"))
        again = (await api.client.post("/v1/imports/vcard", content=exported.content, headers=other)).json()
        assert again["failed"] == 0
    copied = {c["name"]: c for c in (await api.client.get("/v1/contacts", headers=other)).json()["items"]}
    assert set(copied) == {"Alan Turing", "Barbara Liskov"}
    for name in copied:
        for field in ("emails", "phones", "company", "role", "tags", "notes", "linkedin_url"):
            assert copied[name][field] == contacts[name][field], (name, field)


async def test_the_csv_export_reads_back_as_a_tracker(api: Api) -> None:
    me, other = api.as_owner("student-1"), api.as_owner("student-2")
    await api.client.post("/v1/imports/csv", content=TRACKER.encode(), headers=me)
    full = {
        "name": "Annie Easley",
        "emails": ["annie@example.org", "easley@example.com"],
        "phones": ["+1 555 0100", "+1 555 0199"],
        "linkedin_url": "https://www.linkedin.com/in/annie-easley",
        "company": "NASA, Langley",
        "role": "Mathematician",
        "category": "mentor",
        "tie": "dormant",
        "warmth": "cold",
        "tags": ["orbits", "space"],
        "how_met": 'Her talk at the "Hidden Figures" panel; we spoke after',
        "ask": "15 minutes on how she checks her work?",
        "why_them": "She checked the orbital maths by hand",
        "cadence_days": 45,
        "notes": "Line one\nline two",
    }
    created = await api.client.post("/v1/contacts", json=full, headers=me)
    assert created.status_code == 201, created.text
    logged = await api.client.post(
        f"/v1/contacts/{created.json()['id']}/interactions",
        json={"kind": "coffee_or_call", "direction": "outbound", "occurred_at": "2026-02-03T15:04:05Z"},
        headers=me,
    )
    assert logged.status_code == 201, logged.text
    exported = await api.client.get("/v1/exports/contacts.csv", headers=me)
    assert exported.text.startswith("Name,Emails,Phones,Company,Role,Category,Tie,Warmth,Tags,How Met,Ask")
    report = (await api.client.post("/v1/imports/csv", content=exported.content, headers=other)).json()
    assert (report["created"], report["failed"]) == (3, 0)
    mine = {c["name"]: c for c in (await api.client.get("/v1/contacts", headers=me)).json()["items"]}
    copied = {c["name"]: c for c in (await api.client.get("/v1/contacts", headers=other)).json()["items"]}
    assert set(copied) == set(mine)
    for name, contact in mine.items():
        for field in (*full, "cadence_is_default", "last_interaction_at"):
            assert copied[name][field] == contact[field], (name, field)


async def test_a_file_with_too_many_rows_is_refused_whole(api: Api) -> None:
    me = api.as_owner("student-1")
    rows = "".join(f"Person {n},p{n}@example.org\n" for n in range(5001))
    response = await api.client.post("/v1/imports/csv", content=("name,email\n" + rows).encode(), headers=me)
    assert response.status_code == 422
    assert "more than 5000 rows" in response.json()["detail"][0]["msg"]
    assert (await api.client.get("/v1/contacts", headers=me)).json()["items"] == []


FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+2",
    "+SUM(1)",
    "@cmd",
    "-2+3+cmd|' /C calc'!A0",
    "\t=tab",
    "\r=2",
]


async def test_the_export_never_hands_a_spreadsheet_a_formula_and_reads_back_as_typed(api: Api) -> None:
    me, other = api.as_owner("student-1"), api.as_owner("student-2")
    for n, formula in enumerate(FORMULAS):
        created = await api.client.post("/v1/contacts", json={"name": f"P{n}", "notes": formula}, headers=me)
        assert created.status_code == 201, created.text
    exported = (await api.client.get("/v1/exports/contacts.csv", headers=me)).text
    rows = list(csv.reader(io.StringIO(exported)))
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows[1:] for cell in row)
    assert [row[-2] for row in rows[1:]] == ["'" + formula for formula in FORMULAS]
    report = (await api.client.post("/v1/imports/csv", content=exported.encode(), headers=other)).json()
    assert (report["created"], report["failed"]) == (len(FORMULAS), 0)
    copied = {
        c["name"]: c["notes"] for c in (await api.client.get("/v1/contacts", headers=other)).json()["items"]
    }
    assert copied == {f"P{n}": formula for n, formula in enumerate(FORMULAS)}


async def test_an_import_is_held_to_the_limits_of_the_api(api: Api) -> None:
    me = api.as_owner("student-1")
    rows = "name,notes\n" + f"{'N' * 201},ok\nGrace,{'x' * 10_001}\nAda,fine\n"
    report = (await api.client.post("/v1/imports/csv", content=rows.encode(), headers=me)).json()
    assert report["created"] == 1
    assert [(e["row"], e["field"]) for e in report["errors"]] == [(2, "name"), (3, "notes")]
    huge = "name,notes\nAda," + "y" * 131_073 + "\n"
    refused = await api.client.post("/v1/imports/csv", content=huge.encode(), headers=me)
    assert refused.status_code == 422
    assert "not a CSV file this service can read" in refused.text
