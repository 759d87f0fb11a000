"""The issue's whole journey in headless Chromium, each step checked against the API's own answers: a new
office signs up, is approved, signs in with its key, registers two villages, makes an operator key; a
report from the phone appears, is corrected (with the version check) and another voided; after a
rollup the national dashboard shows the figures of GET /v1/national/indicators, drills into the
province and downloads them; the office moves a commitment."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Pages, screenshot, sign_in
from tests.e2e.conftest import HttpStack

pytestmark = pytest.mark.slow

GROBOGAN = "33.15"
KARANGLANGU, PANIMBO = "33.15.01.2001", "33.15.01.2002"


def last_complete_month(today: dt.date | None = None) -> dt.date:
    """The first day of the month before this one: the dashboard opens on it."""
    first = (today or dt.date.today()).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def id_number(value: int) -> str:
    """An integer as the app shows it in Indonesian (1.234.567)."""
    return f"{value:,}".replace(",", ".")


def get(stack: HttpStack, path: str, key: str) -> Any:
    """The API's answer to a GET (which must succeed)."""
    status, body = stack.call("GET", path, key=key)
    assert status == 200, body
    return body


def values(stack: HttpStack, path: str, key: str) -> dict[str, dict[str, Any]]:
    """Indicators by scope code, as the API answers them."""
    body = get(stack, path, key)
    return {item["scope"]["code"]: item["indicators"] for item in body["items"]}


def test_an_office_signs_up_and_the_national_dashboard_shows_its_figures_after_a_rollup(
    pages: Pages, stack: HttpStack
) -> None:
    month = last_complete_month()
    period = month.strftime("%Y-%m")

    # A new office signs up, choosing its regency by typing its name.
    office = pages.open("/#/signup")
    office.get_by_label("Kabupaten/kota").fill("grobogan")
    office.get_by_role("button", name=re.compile("^Kabupaten Grobogan")).click()
    assert "33.15" in office.get_by_test_id("chosen-regency").inner_text()
    expect(
        office.get_by_label("Kabupaten/kota"), "the keyboard goes on from the field, not the page's top"
    ).to_be_focused()
    office.get_by_label("Nama kantor").fill("Dinas Perpustakaan Kabupaten Grobogan")
    office.get_by_label("Nama narahubung").fill("Sri Wahyuni")
    office.get_by_label("Email narahubung").fill("sri@example.id")
    office.get_by_role("button", name="Kirim pendaftaran").click()
    status = office.get_by_test_id("application-status")
    status.get_by_text("Menunggu persetujuan", exact=True).wait_for()
    application_id = office.url.rsplit("/", 1)[1]
    pending = get(stack, "/v1/admin/signups?status=pending", stack.admin)["items"]
    assert [(a["tenant_id"], a["contact_email"]) for a in pending if a["application_id"] == application_id] == [
        (GROBOGAN, "sri@example.id")
    ]

    # The platform admin sees it waiting and approves it; the first district-admin key is shown once.
    admin = pages.open("/")
    sign_in(admin, stack.admin)
    admin.get_by_role("link", name="Administrasi").click()
    row = admin.locator(f'tr[data-application="{application_id}"]')
    assert "Dinas Perpustakaan Kabupaten Grobogan" in row.inner_text()
    row.get_by_role("button", name="Setujui Kabupaten Grobogan").click()
    district_secret = admin.get_by_test_id("approved-key").get_by_test_id("secret").inner_text().strip()
    tenants = {t["tenant_id"]: t["status"] for t in get(stack, "/v1/admin/tenants", stack.admin)["items"]}
    assert tenants[GROBOGAN] == "active"

    # The office sees its application approved, signs in with its key and is told what its role may do.
    office.get_by_role("button", name="Muat ulang").click()
    status.get_by_text("Disetujui", exact=True).wait_for()
    assert get(stack, f"/v1/signup/{application_id}", "")["application"]["status"] == "approved"
    office.get_by_role("link", name="Ke halaman masuk").click()
    sign_in(office, district_secret)
    office.get_by_text("Anda masuk sebagai Admin kabupaten/kota").wait_for()
    assert office.evaluate("() => sessionStorage.getItem('tpbis.key')") == district_secret

    # It registers two villages from the area list, chosen within their kecamatan.
    office.get_by_label("Kecamatan", exact=True).select_option("33.15.01")
    office.get_by_role("checkbox", name=re.compile("Karanglangu")).check()
    office.get_by_role("checkbox", name=re.compile("Panimbo")).check()
    office.get_by_role("button", name="Daftarkan 2 desa").click()
    office.locator(f'tr[data-code="{PANIMBO}"]').wait_for()
    shown = office.locator("tr[data-code]").evaluate_all("rows => rows.map(r => r.dataset.code)")
    villages = get(stack, "/v1/villages", district_secret)
    assert sorted(shown) == [v["village_code"] for v in villages["items"]] == [KARANGLANGU, PANIMBO]
    screenshot(office, "console-villages")

    # It makes an operator key for one village: the secret is shown once, and the key is what was asked.
    office.get_by_role("link", name="Kunci").click()
    office.get_by_label("Label").fill("Operator Karanglangu")
    office.get_by_role("checkbox", name=re.compile("Karanglangu")).check()
    with office.expect_response(lambda r: r.url.endswith("/v1/keys") and r.request.method == "POST") as made:
        office.get_by_role("button", name="Buat kunci").click()
    operator_secret = office.get_by_test_id("issued-key").get_by_test_id("secret").inner_text().strip()
    me = get(stack, "/v1/me", operator_secret)
    assert (me["role"], me["tenant_id"], me["villages"]) == ("operator", GROBOGAN, [KARANGLANGU])
    # The ODK Collect QR code the API made for the operator key is shown once, as an image.
    collect = made.value.json()["collect"]
    assert collect["server_url"].startswith(stack.base + "/v1/key/")
    qr = office.get_by_test_id("collect-qr")
    assert qr.evaluate("img => img.src.startsWith('blob:') && img.naturalWidth > 0")
    office.locator('tr:has-text("Operator Karanglangu")').wait_for()  # the list reloaded with the new key
    screenshot(office, "console-keys-collect-qr")

    # The phone posts reports; they appear in the console, filtered by village and type.
    visits = {
        "submission_id": str(uuid.uuid4()),
        "village_code": KARANGLANGU,
        "type": "visits",
        "date": month.replace(day=5).isoformat(),
        "visitors": 1234,
        "women": 700,
    }
    activity = {
        "submission_id": str(uuid.uuid4()),
        "village_code": KARANGLANGU,
        "type": "activity",
        "date": month.replace(day=6).isoformat(),
        "title": "Pelatihan pemasaran daring",
        "category": "training",
        "participants": 20,
    }
    _, posted = stack.call("POST", "/v1/reports", {"reports": [visits, activity]}, key=operator_secret)
    assert posted["accepted"] == 2, posted
    office.get_by_role("link", name="Laporan").click()
    office.get_by_test_id("reports-table").wait_for()  # the page's first listing is in before filters change
    office.get_by_label("Desa", exact=True).select_option(KARANGLANGU)
    office.get_by_label("Jenis", exact=True).select_option("visits")
    with office.expect_response(lambda r: "/v1/reports?" in r.url and "type=visits" in r.url, timeout=30_000):
        office.get_by_role("button", name="Terapkan").click()
    listed = office.get_by_test_id("reports-table").locator("tbody tr[data-id]")
    listed.first.wait_for()
    assert listed.evaluate_all("rows => rows.map(r => r.dataset.id)") == [visits["submission_id"]]
    assert "1.234" in listed.first.inner_text()

    # It opens the report and corrects it; the history records the change.
    listed.first.get_by_role("link").click()
    office.get_by_label("Pengunjung").fill("1300")
    office.get_by_role("button", name="Simpan perbaikan").click()
    office.get_by_test_id("report-version").get_by_text("2", exact=True).wait_for()
    office.get_by_text("v2 diperbaiki").wait_for()
    detail = get(stack, f"/v1/reports/{visits['submission_id']}", district_secret)
    assert (detail["report"]["visitors"], detail["report"]["version"]) == (1300, 2)
    assert detail["history"][-1]["changes"] == [{"field": "visitors", "old": 1234, "new": 1300}]

    # A stale correction (someone else corrected it meanwhile) is refused, saying so in Indonesian.
    newer = {k: v for k, v in visits.items() if k != "submission_id"} | {"visitors": 1310, "expected_version": 2}
    assert stack.call("PUT", f"/v1/reports/{visits['submission_id']}", newer, key=district_secret)[0] == 200
    office.watch.allow(409)
    office.get_by_label("Pengunjung").fill("1400")
    office.get_by_role("button", name="Simpan perbaikan").click()
    refused = office.locator(".problem", has_text="sudah diubah di tempat lain sejak Anda membukanya")
    refused.wait_for()
    assert "(version_conflict)" in refused.inner_text()
    detail = get(stack, f"/v1/reports/{visits['submission_id']}", district_secret)
    assert (detail["report"]["visitors"], detail["report"]["version"]) == (1310, 3)

    # It voids the activity report.
    office.goto(f"{stack.base}/#/reports/{activity['submission_id']}")
    # the same page, another hash: the visits report stays on screen until the activity report is drawn
    office.locator("#report-title").get_by_text("Pelibatan masyarakat").wait_for()
    office.get_by_role("button", name="Batalkan laporan").click()
    office.get_by_role("button", name="Ya, batalkan").click()
    office.locator("#report-title").get_by_text("Dibatalkan").wait_for()
    voided = get(stack, f"/v1/reports/{activity['submission_id']}", district_secret)
    assert voided["report"]["status"] == "void"

    # The platform admin runs the rollup; the dashboard opens on the last complete month with the API's figures.
    admin.get_by_role("button", name="Jalankan rekap sekarang").click()
    admin.get_by_test_id("rollup-summary").wait_for()
    admin.get_by_role("link", name="Dasbor nasional").click()
    assert admin.get_by_label("Periode", exact=True).input_value() == period
    body = get(stack, f"/v1/national/indicators?period={period}&level=national", stack.admin)
    national = body["items"][0]["indicators"]
    assert national["visits"]["value"] >= 1310
    for name in ("visits", "participants", "media_mentions", "partnerships_active", "commitments_made"):
        card = admin.get_by_test_id(f"value-{name}").first
        assert card.inner_text() == id_number(national[name]["value"]), name
    assert "Data per" in admin.get_by_test_id("as-of").inner_text()
    screenshot(admin, "national-dashboard")

    # Drill into Jawa Tengah: Grobogan's row equals the API's regency figures; the CSV holds what is shown.
    regencies = values(stack, f"/v1/national/indicators?period={period}&level=regency", stack.admin)
    admin.get_by_role("button", name="Jawa Tengah").click()
    expect(admin.get_by_role("heading", name="Kabupaten/kota di Jawa Tengah"), "where the table was").to_be_focused()
    grobogan_row = admin.locator('tr[data-code="33.15"]')
    assert grobogan_row.locator('td[data-indicator="visits"] .cell-value').inner_text() == id_number(
        regencies[GROBOGAN]["visits"]["value"]
    )
    with admin.expect_download() as downloaded:
        admin.get_by_role("button", name="Unduh CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(downloaded.value.path()).read_text(encoding="utf-8"))))
    assert {r["code"] for r in rows} == {c for c in regencies if c.startswith("33.")}
    grobogan_csv = next(r for r in rows if r["code"] == GROBOGAN)
    assert int(grobogan_csv["visits"]) == regencies[GROBOGAN]["visits"]["value"] == 1310
    assert int(grobogan_csv["villages_registered"]) == regencies[GROBOGAN]["villages_registered"]["value"] == 2

    # The office's indicators page shows the same figures for the regency.
    office.get_by_role("link", name="Indikator").click()
    tenant = values(stack, f"/v1/indicators?period={period}&level=regency", district_secret)[GROBOGAN]
    office.get_by_test_id("value-visits").first.get_by_text(id_number(tenant["visits"]["value"])).wait_for()
    assert office.get_by_test_id("value-villages_registered").first.inner_text() == "2"

    # It records a stakeholder and a commitment, moves it to committed and logs an action.
    office.get_by_role("link", name="Komitmen").click()
    office.get_by_label("Nama", exact=True).fill("Kepala Desa Karanglangu")
    office.get_by_role("button", name="Tambah", exact=True).click()
    office.get_by_role("cell", name="Kepala Desa Karanglangu").wait_for()
    office.get_by_label("Uraian").fill("Anggaran buku perpustakaan desa")
    office.get_by_label("Nilai (Rp, untuk anggaran)").fill("5000000")
    office.get_by_label("Tenggat", exact=True).fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    office.get_by_role("button", name="Catat komitmen").click()
    card = office.locator('section[data-state="proposed"] li', has_text="Anggaran buku perpustakaan desa")
    card.get_by_role("link").click()
    office.get_by_label("Status baru").select_option("committed")
    office.get_by_role("button", name="Ubah status").click()
    office.get_by_test_id("commitment-state").get_by_text("Disepakati").wait_for()
    office.get_by_label("Catatan").nth(1).fill("Audiensi dengan kepala desa")
    office.get_by_role("button", name="Catat tindakan").click()
    office.get_by_text("Audiensi dengan kepala desa").wait_for()
    commitment_id = office.url.rsplit("/", 1)[1]
    commitment = get(stack, f"/v1/commitments/{commitment_id}", district_secret)
    assert commitment["status"] == "committed" and commitment["version"] == 2
    assert [a["note"] for a in commitment["actions"]] == ["Audiensi dengan kepala desa"]
    office.get_by_role("link", name="Papan komitmen").click()
    office.locator('section[data-state="committed"] li', has_text="Anggaran buku").wait_for()
    screenshot(office, "console-commitments")
