"""The pages for people: sign-in errors and sign-out, the API's messages beside their fields, Indonesian
and English with numbers in each locale, a stack that is down, the keyboard alone, a 360 px phone, and
axe-core's accessibility checks."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.advocacy import commitment_payload
from tests.browser.conftest import DESKTOP, PHONE, Pages, Watch, approved_office, axe_violations, screenshot, sign_in
from tests.browser.test_journey import last_complete_month
from tests.e2e.conftest import HttpStack

pytestmark = pytest.mark.slow

BLORA, BLORA_VILLAGE = "33.16", "33.16.01.2001"


@pytest.fixture(scope="module")
def blora(stack: HttpStack) -> Iterator[str]:
    """Kabupaten Blora with one village that reported 2,345 visits last month, rolled up."""
    secret = approved_office(stack, BLORA, (BLORA_VILLAGE,))
    report = {
        "submission_id": str(uuid.uuid4()),
        "village_code": BLORA_VILLAGE,
        "type": "visits",
        "date": last_complete_month().replace(day=3).isoformat(),
        "visitors": 2345,
    }
    assert stack.call("POST", "/v1/reports", report, key=secret)[0] == 201
    assert stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)[0] == 200
    yield secret


def test_an_unknown_key_is_refused_beside_the_field_and_signing_out_forgets_the_key(
    pages: Pages, stack: HttpStack, blora: str
) -> None:
    watch = Watch()
    watch.allow(401)
    page = pages.open("/", watch=watch)
    page.get_by_label("Kunci akses").fill("tpbis_not_a_key")
    page.get_by_role("button", name="Masuk", exact=True).click()
    error = page.locator("#access-key-error")
    error.wait_for()
    assert "tidak dikenal" in error.inner_text()
    assert page.get_by_label("Kunci akses").get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => sessionStorage.getItem('tpbis.key')") is None

    sign_in(page, blora)
    assert page.evaluate("() => sessionStorage.getItem('tpbis.key')") == blora
    page.get_by_role("heading", name=re.compile("^Desa terdaftar")).wait_for()  # its reads are done
    page.get_by_role("button", name="Keluar").click()
    page.get_by_label("Kunci akses").wait_for()
    assert page.evaluate("() => sessionStorage.getItem('tpbis.key')") is None
    assert page.evaluate("() => localStorage.getItem('tpbis.key')") is None
    page.reload()
    page.get_by_label("Kunci akses").wait_for()  # still signed out after a reload


def test_a_key_revoked_while_signed_in_ends_the_session_at_sign_in_saying_why(
    pages: Pages, stack: HttpStack, blora: str
) -> None:
    status, made = stack.call(
        "POST", "/v1/keys", {"label": f"Pembaca {uuid.uuid4().hex[:6]}", "role": "viewer"}, key=blora
    )
    assert status == 201, made
    watch = Watch()
    watch.allow(401)
    page = pages.open("/", watch=watch)
    sign_in(page, made["secret"])
    page.get_by_role("heading", name=re.compile("^Desa terdaftar")).wait_for()
    assert stack.call("DELETE", f"/v1/keys/{made['key_id']}", key=blora)[0] == 204

    page.get_by_role("link", name="Laporan", exact=True).click()
    ended = page.get_by_test_id("key-ended")
    expect(ended).to_have_text(re.compile("^Kunci yang Anda pakai tidak berlaku lagi"))
    expect(page.get_by_label("Kunci akses")).to_be_visible()
    assert page.get_by_role("button", name="Keluar").count() == 0, "signed out, not a page of refusals"
    assert page.evaluate("() => sessionStorage.getItem('tpbis.key')") is None
    sign_in(page, blora)
    assert page.get_by_test_id("key-ended").count() == 0


def test_signing_in_with_no_key_says_so_beside_the_field_and_asks_nothing(pages: Pages) -> None:
    page = pages.open("/")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/v1/me" in r.url else None)
    page.get_by_role("button", name="Masuk", exact=True).focus()  # reachable while the field is empty
    page.keyboard.press("Enter")
    expect(page.locator("#access-key-error")).to_have_text("Wajib diisi.")
    expect(page.get_by_label("Kunci akses")).to_be_focused()
    assert asked == []
    page.get_by_label("Kunci akses").fill("t")
    expect(page.locator("#access-key-error")).to_have_count(0)


def test_a_commitment_cannot_be_made_before_a_stakeholder_and_the_form_says_so(pages: Pages, stack: HttpStack) -> None:
    secret = approved_office(stack, "33.19", ())  # Kabupaten Kudus, for this test alone: no stakeholder yet
    page = _signed_in_on(pages, secret, "Komitmen")
    hint = page.locator("#c-stakeholder-hint")
    expect(hint).to_have_text(
        "Tambahkan pemangku kepentingan terlebih dahulu, di formulir “Tambah pemangku kepentingan”."
    )
    expect(page.get_by_role("button", name="Catat komitmen")).to_be_disabled()
    page.get_by_label("Nama", exact=True).fill("Bupati Kudus")
    page.get_by_role("button", name="Tambah", exact=True).click()
    expect(page.get_by_role("button", name="Catat komitmen")).to_be_enabled()
    expect(hint).to_have_count(0)


def test_sign_up_shows_the_apis_messages_beside_the_fields_they_name(pages: Pages, stack: HttpStack) -> None:
    watch = Watch()
    watch.allow(422)
    page = pages.open("/#/signup", watch=watch)
    page.get_by_label("Nama kantor").fill("Dinas Perpustakaan")
    page.get_by_label("Nama narahubung").fill("Sri")
    page.get_by_label("Email narahubung").fill("not an email")
    with page.expect_response(lambda r: r.url.endswith("/v1/signup")) as answered:
        page.get_by_role("button", name="Kirim pendaftaran").click()
    details = {d["field"]: d for d in answered.value.json()["error"]["details"]}
    assert {"regency_code", "contact_email"} <= set(details)
    assert details["contact_email"]["code"] == "format" and details["contact_email"]["params"] == {"format": "email"}
    # the API's problem, worded in the page's language with the page's names for things
    email = "Harus alamat email, misalnya perpustakaan@grobogankab.go.id."
    assert page.locator("#contact_email-error").inner_text() == email
    assert page.locator("#regency-error").inner_text() == "Wajib diisi.", "no regency picked"
    assert page.get_by_role("alert").filter(has_text="Isian belum benar").count() == 1
    assert page.get_by_label("Email narahubung").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Nama kantor").get_attribute("aria-invalid") is None
    _, tenants = stack.call("GET", "/v1/admin/tenants?status=pending", key=stack.admin)
    assert all(t["office_name"] != "Dinas Perpustakaan" for t in tenants["items"])  # nothing stored

    page.get_by_label("Kabupaten/kota").fill("Kabupaten Grobogan")  # typed, but not chosen from the list
    page.get_by_role("button", name="Kirim pendaftaran").click()
    expected = "Pilih kabupaten/kota dari daftar yang muncul saat Anda mengetik."
    expect(page.locator("#regency-error")).to_have_text(expected)


def test_english_is_remembered_and_numbers_and_dates_follow_the_language(pages: Pages, blora: str) -> None:
    page = pages.open("/")
    sign_in(page, blora)
    page.get_by_role("link", name="Indikator").click()
    visits = page.get_by_test_id("value-visits").first
    visits.get_by_text("2.345", exact=True).wait_for()
    period = last_complete_month()
    expect(page, "the tab names the page").to_have_title("Indikator · TPBIS")

    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_role("button", name="Bahasa Indonesia", exact=True).wait_for()
    assert page.evaluate("() => document.documentElement.lang") == "en"
    visits.get_by_text("2,345", exact=True).wait_for()
    english_month = page.get_by_label("Period", exact=True).locator("option:checked").inner_text()
    assert english_month == period.strftime("%B %Y")
    assert page.get_by_role("heading", name="Indicators", exact=True).is_visible()
    expect(page, "in the page's language").to_have_title("Indicators · TPBIS")

    page.locator("canvas").wait_for()  # the trend's reads are done before the reload
    page.reload()  # the language is remembered (and the key, in this tab's sessionStorage)
    page.get_by_role("button", name="Bahasa Indonesia", exact=True).wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Access key").wait_for()
    assert page.get_by_role("button", name="Sign in", exact=True).is_visible()
    expect(page).to_have_title("Sign in · TPBIS")
    page.get_by_role("button", name="Bahasa Indonesia", exact=True).click()
    page.get_by_label("Kunci akses").wait_for()


def test_when_the_api_cannot_be_reached_the_page_says_so_and_retries(pages: Pages, blora: str) -> None:
    watch = Watch()
    page = pages.open("/", watch=watch)
    sign_in(page, blora)
    watch.offline = True
    page.route("**/v1/**", lambda route: route.abort())
    page.get_by_role("link", name="Laporan").click()
    problem = page.locator(".problem").first
    problem.wait_for()
    assert "tidak dapat dihubungi" in problem.inner_text()
    assert page.locator(".loading").count() == 0  # not left spinning

    page.unroute("**/v1/**")
    watch.offline = False
    problem.get_by_role("button", name="Coba lagi").click()
    page.get_by_role("button", name="Terapkan").wait_for()
    assert page.locator(".problem").count() == 0


def test_the_keyboard_alone_signs_in_and_switches_the_language(pages: Pages, blora: str) -> None:
    page = pages.open("/")
    page.get_by_label("Kunci akses").wait_for()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "access-key":
            break
    assert page.evaluate("() => document.activeElement.id") == "access-key"
    page.keyboard.type(blora)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Keluar").wait_for()
    # Focus moves to the new page's heading (set once the page has rendered, which may be just after the
    # header shows the sign-out button).
    page.wait_for_function("() => document.activeElement.tagName === 'H1'", timeout=5000)
    field = page.locator("main input").first  # the keyboard is in use: a focused field shows its ring
    field.focus()
    assert _focus_ring_contrast(page) >= 3, "the focus ring stands out on the page"
    page.get_by_role("button", name="Keluar").focus()
    assert _focus_ring_contrast(page) >= 3, "and on the dark header (WCAG 2.2, 1.4.11: 3:1)"

    page.get_by_role("button", name="English", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Bahasa Indonesia", exact=True).wait_for()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="English", exact=True).wait_for()


_RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return null;
  let under = el.parentElement;  // the ring is drawn outside the element, on what is behind it
  while (under && getComputedStyle(under).backgroundColor.endsWith(', 0)')) under = under.parentElement;
  return [style.outlineColor, under ? getComputedStyle(under).backgroundColor : 'rgb(255, 255, 255)'];
}"""


def _focus_ring_contrast(page: Any) -> float:
    """The contrast ratio of the focused element's outline against what is behind it (0 without a ring)."""
    colours = page.evaluate(_RING)
    if colours is None:
        return 0.0

    def luminance(css: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(c) for c in colours), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_every_page_has_no_serious_accessibility_violation_and_fits_the_screen(
    pages: Pages, stack: HttpStack, blora: str, viewport: dict[str, int] | None
) -> None:
    phone = viewport is not None
    found: dict[str, list[str]] = {}
    page = pages.open("/", viewport=viewport)
    page.get_by_label("Kunci akses").wait_for()
    found["sign-in"] = axe_violations(page)
    page.goto(f"{stack.base}/#/signup")
    page.get_by_label("Kabupaten/kota").fill("blo")
    page.get_by_role("button", name="Kabupaten Blora").wait_for()
    found["sign-up"] = axe_violations(page)
    if phone:
        screenshot(page, "signup-phone")
    assert _fits(page)

    page.goto(f"{stack.base}/#/signin")
    sign_in(page, blora)
    for name, link, ready in [
        ("villages", "Desa", 'tr[data-code="33.16.01.2001"]'),
        ("keys", "Kunci", "table tbody tr"),
        ("reports", "Laporan", "[data-testid=reports-table] tbody tr"),
        ("indicators", "Indikator", "canvas"),
        ("commitments", "Komitmen", ".board"),
    ]:
        page.get_by_role("link", name=link, exact=True).click()
        page.locator(ready).first.wait_for()
        found[name] = axe_violations(page)
        assert _fits(page), f"{name} is wider than the screen"
        if phone and name == "indicators":
            screenshot(page, "console-indicators-phone")

    page.get_by_role("button", name="Keluar").click()
    sign_in(page, stack.admin)
    page.locator("[data-testid=as-of]").wait_for()
    page.locator("canvas").wait_for()
    found["national"] = axe_violations(page)
    assert _fits(page)
    if phone:
        screenshot(page, "national-phone")
    page.get_by_role("link", name="Administrasi").click()
    page.get_by_role("button", name="Jalankan rekap sekarang").wait_for()
    found["admin"] = axe_violations(page)
    assert _fits(page)
    assert {name: v for name, v in found.items() if v} == {}


def _edge_shadows(page: Any) -> dict[str, str]:
    """The opacity of the keys table's left and right edge shadows, once their fade has settled."""
    page.wait_for_timeout(300)
    return dict(
        page.evaluate(
            "() => { const f = document.querySelector('#keys-list-title ~ .table-frame');"
            " return {left: getComputedStyle(f, '::before').opacity, right: getComputedStyle(f, '::after').opacity}; }"
        )
    )


def test_a_table_wider_than_a_phone_shows_a_shadow_on_the_edge_that_has_more_columns(pages: Pages, blora: str) -> None:
    page = pages.open("/", viewport=PHONE)
    sign_in(page, blora)
    page.get_by_role("link", name="Kunci", exact=True).click()
    page.locator("#keys-list-title ~ .table-frame tbody tr").first.wait_for()
    assert _edge_shadows(page) == {"left": "0", "right": "1"}, "more columns to the right, none to the left"

    wrap = page.locator("#keys-list-title ~ .table-frame .table-wrap")
    wrap.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    assert _edge_shadows(page) == {"left": "1", "right": "0"}, "scrolled to its end: more to the left"
    wrap.evaluate("(el) => { el.scrollLeft = el.scrollWidth / 3; }")
    assert _edge_shadows(page) == {"left": "1", "right": "1"}

    page.set_viewport_size(DESKTOP)  # wide enough for every column: no shadow
    assert _edge_shadows(page) == {"left": "0", "right": "0"}


def test_the_dashboard_warns_when_the_figures_are_older_than_three_rollup_intervals(
    pages: Pages, stack: HttpStack
) -> None:
    page = pages.open("/")
    last_run = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    page.route(
        "**/v1/national/status", lambda route: route.fulfill(json={"last_run_at": last_run, "interval_seconds": 900})
    )
    sign_in(page, stack.admin)
    warning = page.get_by_test_id("as-of")
    warning.get_by_text("45 menit", exact=False).wait_for()
    assert warning.get_attribute("role") == "alert"


def test_the_platform_admin_rejects_an_application_and_the_applicant_reads_why(pages: Pages, stack: HttpStack) -> None:
    body = {
        "regency_code": "34.02",
        "office_name": "Dinas Perpustakaan Bantul (uji)",
        "contact_name": "Budi",
        "contact_email": "budi@example.id",
    }
    status, applied = stack.call("POST", "/v1/signup", body)
    assert status == 202, applied
    application_id = applied["application_id"]

    admin = pages.open("/")
    sign_in(admin, stack.admin)
    admin.get_by_role("link", name="Administrasi").click()
    row = admin.locator(f'tr[data-application="{application_id}"]')
    row.get_by_role("button", name="Tolak Kabupaten Bantul").click()
    assert "Tolak pendaftaran Kabupaten Bantul? Tuliskan alasannya" in row.inner_text()
    reason = row.get_by_label("Alasan penolakan (dibaca pendaftar)")
    expect(reason, "the reason is where the keyboard is").to_be_focused()
    reason.fill("Surat tugas kepala dinas belum dilampirkan")
    row.get_by_role("button", name="Tolak pendaftaran").click()
    row.wait_for(state="detached")
    _, decided = stack.call("GET", f"/v1/signup/{application_id}")
    assert decided["application"]["status"] == "rejected"
    assert decided["application"]["reason"] == "Surat tugas kepala dinas belum dilampirkan"

    applicant = pages.open(f"/#/signup/{application_id}")
    shown = applicant.get_by_test_id("application-status")
    shown.get_by_text("Ditolak", exact=True).wait_for()
    assert "Surat tugas kepala dinas belum dilampirkan" in shown.inner_text()


QR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="21" height="21" viewBox="0 0 21 21">'
    '<script>window.parent.qrScriptRan = true</script><rect width="7" height="7"/></svg>'
)


def test_an_operator_keys_collect_qr_code_is_an_image_from_a_blob_never_markup_in_the_page(
    pages: Pages, stack: HttpStack, blora: str
) -> None:
    page = pages.open("/")
    sign_in(page, blora)

    def with_collect(route: Any) -> None:  # the answer POST /v1/keys gives once ODK Collect settings exist
        answer = route.fetch()
        body = answer.json() | {
            "collect": {"server_url": f"{stack.base}/v1/key/x", "settings": {}, "settings_qr": "", "qr_svg": QR_SVG}
        }
        route.fulfill(response=answer, json=body)

    page.route("**/v1/keys", lambda route: with_collect(route) if route.request.method == "POST" else route.fallback())
    page.get_by_role("link", name="Kunci").click()
    page.get_by_label("Label").fill("Operator Bangkleyan")
    page.get_by_role("checkbox", name=re.compile("Bangkleyan")).check()
    page.get_by_role("button", name="Buat kunci").click()
    qr = page.get_by_test_id("collect-qr")
    qr.wait_for()
    assert qr.evaluate("img => img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0")
    assert page.locator("#main svg").count() == 0  # the SVG is not put into the document
    assert page.evaluate("() => window.qrScriptRan") is None  # an image runs no script
    assert qr.get_attribute("alt") == "Kode QR pengaturan ODK Collect"


def test_the_indicators_show_growth_against_the_baseline_and_timeliness(
    pages: Pages, stack: HttpStack, blora: str
) -> None:
    survey = {"monthly": {"visits": 1000}, "source": "survei awal"}
    assert stack.call("PUT", f"/v1/villages/{BLORA_VILLAGE}/baseline", survey, key=blora)[0] == 200
    assert stack.call("POST", "/v1/admin/jobs/rollup/run", key=stack.admin)[0] == 200
    period = last_complete_month().strftime("%Y-%m")
    status, body = stack.call("GET", f"/v1/indicators?period={period}&level=regency", key=blora)
    assert status == 200
    visits = body["items"][0]["indicators"]["visits"]
    assert (visits["baseline"], visits["vs_baseline_pct"]) == (1000.0, 134.5)  # 2,345 visits against 1,000

    page = pages.open("/")
    sign_in(page, blora)
    page.get_by_role("link", name="Indikator", exact=True).click()
    card = page.locator('.card[data-indicator="visits"]').first
    assert card.get_by_test_id("vs-baseline").inner_text() == "vs data awal (1 desa): +134,5 %"
    assert page.locator('.card[data-indicator="timeliness_pct"]').first.is_visible()
    # a figure without any village's baseline shows no such line
    assert page.locator('.card[data-indicator="media_mentions"] [data-testid=vs-baseline]').count() == 0


REMBANG, REMBANG_VILLAGE = "33.17", "33.17.01.2001"  # Kabupaten Rembang's Ronggo Mulyo


@pytest.fixture(scope="module")
def rembang(stack: HttpStack) -> str:
    """Kabupaten Rembang with one village, nothing reported: its district-admin secret."""
    return approved_office(stack, REMBANG, (REMBANG_VILLAGE,))


def _signed_in_on(pages: Pages, secret: str, link: str, watch: Watch | None = None) -> Any:
    """A page signed in with the secret and opened on the menu's link."""
    page = pages.open("/", watch=watch)
    sign_in(page, secret)
    page.get_by_role("link", name=link, exact=True).click()
    return page


def test_a_report_opened_from_another_s_page_shows_its_own_values_and_no_void_still_asked(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    month = last_complete_month()
    first, second = (
        {
            "submission_id": str(uuid.uuid4()),
            "village_code": REMBANG_VILLAGE,
            "type": "visits",
            "date": month.replace(day=day).isoformat(),
            "visitors": visitors,
        }
        for day, visitors in ((3, 111), (4, 222))
    )
    for posted in (first, second):
        assert stack.call("POST", "/v1/reports", posted, key=rembang)[0] == 201
    page = pages.open("/")
    sign_in(page, rembang)
    page.goto(f"{stack.base}/#/reports/{first['submission_id']}")
    page.locator('[data-field="visitors"]').get_by_text("111").wait_for()
    assert page.get_by_label("Pengunjung").input_value() == "111"
    page.get_by_role("button", name="Batalkan laporan").click()
    page.get_by_role("button", name="Ya, batalkan").wait_for()

    # Straight to the other report (a link or an address typed in), both at version 1.
    page.goto(f"{stack.base}/#/reports/{second['submission_id']}")
    page.locator('[data-field="visitors"]').get_by_text("222").wait_for()
    assert page.get_by_label("Pengunjung").input_value() == "222", "the correction form is the shown report's"
    assert page.get_by_role("button", name="Ya, batalkan").count() == 0, "the void asked on the first is not asked here"
    assert page.get_by_role("button", name="Batalkan laporan").is_visible()
    for shown in (first, second):
        detail = stack.call("GET", f"/v1/reports/{shown['submission_id']}", key=rembang)[1]
        assert (detail["report"]["status"], detail["report"]["visitors"]) == ("active", shown["visitors"])


def test_a_commitment_opened_from_another_s_page_starts_with_empty_forms(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    status, stakeholder = stack.call("POST", "/v1/stakeholders", {"name": "Bupati", "kind": "regent"}, key=rembang)
    assert status == 201, stakeholder
    due = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    made = []
    for description in ("Anggaran buku", "Ruang baca baru"):
        body = {"stakeholder_id": stakeholder["stakeholder_id"], "kind": "budget", "description": description,
                "amount_idr": 10_000_000, "due_date": due}  # fmt: skip
        status, created = stack.call("POST", "/v1/commitments", body, key=rembang)
        assert status == 201, created
        made.append(created["commitment_id"])
    page = pages.open("/")
    sign_in(page, rembang)
    page.goto(f"{stack.base}/#/commitments/{made[0]}")
    page.locator("#c-title").get_by_text("Anggaran buku").wait_for()
    page.locator("#tr-note").fill("catatan untuk anggaran buku")
    page.locator("#ac-note").fill("audiensi soal anggaran buku")

    page.goto(f"{stack.base}/#/commitments/{made[1]}")  # both at version 1
    page.locator("#c-title").get_by_text("Ruang baca baru").wait_for()
    assert (page.locator("#tr-note").input_value(), page.locator("#ac-note").input_value()) == ("", "")


def test_a_commitment_shows_who_made_it_where_and_what_was_realized_and_an_operator_not_what_it_may_not_read(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    def made(path: str, body: dict[str, Any]) -> dict[str, Any]:
        status, answer = stack.call("POST", path, body, key=rembang)
        assert status == 201, answer
        return dict(answer)

    two_heads = (
        {"position": "Kepala Desa Ronggo Mulyo", "village_code": REMBANG_VILLAGE},
        {"position": "Penjabat Kepala Desa"},
    )
    head, _ = (made("/v1/stakeholders", {"name": "Kepala Desa", "kind": "village_head"} | one) for one in two_heads)
    regent = made("/v1/stakeholders", {"name": "Bupati Rembang", "kind": "regent"})  # regency level: no village
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    pledge = made(
        "/v1/commitments",
        {"stakeholder_id": head["stakeholder_id"], "kind": "budget", "description": "Rak buku baru"}
        | {"amount_idr": 5_000_000, "due_date": due},
    )
    moves: tuple[dict[str, Any], ...] = ({"to": "committed"}, {"to": "fulfilled", "realized_amount_idr": 4_500_000})
    for version, move in enumerate(moves, 1):
        made(f"/v1/commitments/{pledge['commitment_id']}/transitions", move | {"expected_version": version})
    visit = made(
        "/v1/commitments",
        {"stakeholder_id": regent["stakeholder_id"], "kind": "program", "description": "Pojok baca", "due_date": due}
        | {"village_code": REMBANG_VILLAGE},
    )

    page = _signed_in_on(pages, rembang, "Komitmen")
    page.get_by_role("cell", name="Penjabat Kepala Desa").wait_for()
    choices = page.get_by_label("Pemangku kepentingan", exact=True).locator("option").all_inner_texts()
    assert {"Kepala Desa — Kepala Desa Ronggo Mulyo", "Kepala Desa — Penjabat Kepala Desa"} <= set(choices), choices
    page.goto(f"{stack.base}/#/commitments/{pledge['commitment_id']}")
    facts = page.get_by_test_id("commitment-facts")
    facts.wait_for()
    shown = {name: facts.locator(f'[data-fact="{name}"]').inner_text().replace("\xa0", " ")
             for name in ("stakeholder", "village", "pledged", "realized_shown")}  # fmt: skip
    assert shown == {
        "stakeholder": "Kepala Desa — Kepala Desa Ronggo Mulyo Kepala desa",
        "village": f"Ronggo Mulyo {REMBANG_VILLAGE}",
        "pledged": "Rp 5.000.000",
        "realized_shown": "Rp 4.500.000",
    }

    operator = made("/v1/keys", {"label": "Operator Ronggo Mulyo", "role": "operator", "villages": [REMBANG_VILLAGE]})
    watch = Watch()
    watch.allow(404)  # the regency-level stakeholder, which an operator does not read
    reader = pages.open("/", watch=watch)
    sign_in(reader, operator["secret"])
    reader.goto(f"{stack.base}/#/commitments/{visit['commitment_id']}")
    facts = reader.get_by_test_id("commitment-facts")
    facts.wait_for()
    assert facts.locator('[data-fact="stakeholder"]').inner_text() == "\u2013"  # a dash: nothing to show
    assert facts.locator('[data-fact="village"]').inner_text() == f"Ronggo Mulyo {REMBANG_VILLAGE}"
    assert reader.locator(".problem").count() == 0, "the commitment itself is shown, not an error"


def _listed(stack: HttpStack, key: str) -> list[str]:
    """Every report id the API lists for the key, newest first, page after page."""
    ids, cursor = [], ""
    while True:
        status, page = stack.call("GET", f"/v1/reports?limit=50{cursor}", key=key)
        assert status == 200, page
        ids += [r["submission_id"] for r in page["items"]]
        if not page.get("next_cursor"):
            return ids
        cursor = f"&cursor={page['next_cursor']}"


def test_more_reports_are_added_below_and_new_filters_start_again_at_the_first_page(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    month = last_complete_month()
    batch = [
        {
            "submission_id": str(uuid.uuid4()),
            "village_code": REMBANG_VILLAGE,
            "type": "media",
            "date": month.replace(day=1 + n % 28).isoformat(),
            "outlet": f"Radio Rembang {n}",
            "headline": "Perpustakaan desa buka kelas menjahit",
            "medium": "radio",
        }
        for n in range(55)
    ]
    status, posted = stack.call("POST", "/v1/reports", {"reports": batch}, key=rembang)
    assert (status, posted.get("accepted")) == (200, 55), posted
    everything = _listed(stack, rembang)
    page = _signed_in_on(pages, rembang, "Laporan")
    rows = page.get_by_test_id("reports-table").locator("tbody tr[data-id]")
    rows.nth(49).wait_for()
    assert rows.count() == 50
    page.get_by_role("button", name="Tampilkan lebih banyak").click()
    rows.nth(len(everything) - 1).wait_for()
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == everything, (
        "the first page stays, the next below"
    )

    page.get_by_label("Jenis", exact=True).select_option("media")
    page.get_by_role("button", name="Terapkan").click()
    page.get_by_test_id("reports-table").wait_for()
    assert page.locator(".problem").count() == 0, "the new filters are not sent with the old filters' cursor"
    assert rows.count() == 50
    assert page.get_by_role("button", name="Tampilkan lebih banyak").is_visible()


def test_a_new_key_s_secret_stays_on_screen_when_the_list_cannot_reload(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    watch = Watch()
    page = _signed_in_on(pages, rembang, "Kunci", watch)
    page.get_by_label("Label", exact=True).fill("Pembaca dinas")
    page.get_by_label("Peran", exact=True).select_option("viewer")
    posted: list[str] = []

    def list_fails_after_the_key_is_made(route: Any) -> None:
        if route.request.method == "GET" and posted:
            route.abort()
            return
        if route.request.method == "POST":
            posted.append(route.request.url)
        route.continue_()

    watch.offline = True  # the list's reload is cut on purpose
    page.route(re.compile(r".*/v1/keys(\?.*)?$"), list_fails_after_the_key_is_made)
    page.get_by_role("button", name="Buat kunci").click()
    page.locator(".problem").first.wait_for()  # the list could not reload
    issued = page.get_by_test_id("issued-key")
    assert issued.is_visible(), "the secret, shown once, is still on screen"
    shown = issued.get_by_test_id("secret").inner_text()
    assert shown.startswith("tpbis_")
    assert stack.call("GET", "/v1/me", key=shown)[0] == 200, "and it is the key that was made"


def test_copy_puts_a_new_key_s_secret_on_the_clipboard_and_where_it_cannot_selects_it_to_copy_by_hand(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    page = _signed_in_on(pages, rembang, "Kunci")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.base)
    page.get_by_label("Label", exact=True).fill("Pembaca salin")
    page.get_by_label("Peran", exact=True).select_option("viewer")
    page.get_by_role("button", name="Buat kunci").click()
    issued = page.get_by_test_id("issued-key")
    secret = issued.get_by_test_id("secret").inner_text().strip()
    copy = issued.get_by_role("button", name="Salin", exact=True)
    assert copy.bounding_box()["width"] < issued.get_by_test_id("secret").bounding_box()["width"] / 2, (
        "the button is as wide as its label, not the notice"
    )
    copy.click()
    expect(issued.get_by_role("button", name="Tersalin", exact=True)).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == secret

    # A browser whose clipboard refuses: the page says so and selects the key, nothing copied half-way.
    page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }")
    page.get_by_label("Label", exact=True).fill("Pembaca salin manual")
    page.get_by_label("Peran", exact=True).select_option("viewer")
    page.get_by_role("button", name="Buat kunci").click()
    issued.get_by_test_id("secret").filter(has_not_text=secret).wait_for()
    second = issued.get_by_test_id("secret").inner_text().strip()
    issued.get_by_role("button", name="Salin", exact=True).click()
    expect(issued.get_by_role("status")).to_have_text(
        "Tidak dapat menyalin otomatis. Kunci sudah dipilih: salin secara manual."
    )
    assert page.evaluate("() => window.getSelection().toString().trim()") == second
    assert issued.get_by_role("button", name="Salin", exact=True).is_visible(), "it does not claim it copied"


def test_a_key_asked_for_with_two_mistakes_names_both_beside_their_fields_in_the_page_s_language(
    pages: Pages, rembang: str
) -> None:
    watch = Watch()
    watch.allow(422)
    page = _signed_in_on(pages, rembang, "Kunci", watch)
    page.get_by_label("Label", exact=True).fill("Operator tanpa desa")  # an operator key, no village ticked
    page.get_by_label("Berlaku sampai (opsional)", exact=True).fill("2020-06-30")
    page.get_by_role("button", name="Buat kunci").click()
    expect(page.locator("#key-villages-error")).to_have_text("Wajib diisi.")
    expect(page.locator("#key-expires-error")).to_have_text("Harus tanggal yang akan datang.")
    assert page.get_by_test_id("issued-key").count() == 0


def test_a_key_made_in_jakarta_to_last_until_a_day_ends_there_and_the_keyboard_keeps_its_place(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    watch = Watch()
    watch.allow(422)
    page = pages.open("/", watch=watch, timezone="Asia/Jakarta")  # WIB, seven hours ahead of UTC
    sign_in(page, rembang)
    page.locator(".who").get_by_text("Kabupaten Rembang").wait_for()  # the office's regency by name, not 33.17
    page.get_by_role("link", name="Kunci", exact=True).click()
    page.get_by_label("Peran", exact=True).select_option("viewer")
    page.get_by_label("Label", exact=True).fill("P" * 101)
    page.get_by_label("Berlaku sampai (opsional)", exact=True).fill("2027-06-30")
    make = page.get_by_role("button", name="Buat kunci")
    make.focus()
    with page.expect_request(lambda r: r.url.endswith("/v1/keys") and r.method == "POST") as sent:
        page.keyboard.press("Enter")
    assert sent.value.post_data_json["expires_at"] == "2027-06-30T16:59:59Z", "the end of 30 June in WIB"
    error = page.locator("#key-label-error")
    error.wait_for()
    assert error.inner_text() == "Terlalu panjang: paling banyak 100 karakter."
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Buat kunci", "focus stayed"

    page.get_by_label("Label", exact=True).fill("Pembaca sampai Juni")
    make.focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("issued-key").wait_for()
    expect(page.get_by_test_id("issued-key"), "the secret shown once is where the keyboard is").to_be_focused()
    row = page.locator("tr", has_text="Pembaca sampai Juni")
    assert "30 Jun 2027" in row.inner_text()


def test_a_report_with_unusual_figures_is_on_the_review_list_and_the_office_marks_it_reviewed(
    pages: Pages, stack: HttpStack
) -> None:
    village = "33.21.01.2001"
    secret = approved_office(stack, "33.21", (village,))  # Kabupaten Demak, for this test alone
    report = {
        "submission_id": str(uuid.uuid4()),
        "village_code": village,
        "type": "visits",
        "date": last_complete_month().replace(day=9).isoformat(),
        "visitors": 5000,  # above the national default's review maximum, 1,000
        "women": 3,  # below the regency's own minimum, 10
    }
    rules = {"rules": [{"type": "visits", "field": "women", "min": 10, "max": 1000}]}
    assert stack.call("PUT", "/v1/review-rules", rules, key=secret)[0] == 200
    assert stack.call("POST", "/v1/reports", report, key=secret)[0] == 201
    page = _signed_in_on(pages, secret, "Laporan")

    waiting = page.get_by_test_id("review-list")
    waiting.get_by_role("heading", name="1 laporan perlu diperiksa").wait_for()
    above = "Pengunjung 5.000 di atas batas pemeriksaan (1.000)"  # the national default
    below = "Perempuan 3 di bawah batas pemeriksaan (10)"  # the regency's own
    assert f"{above}; {below}" in waiting.inner_text()
    row = page.locator(f"tr[data-id='{report['submission_id']}']")
    assert "Perlu diperiksa" in row.inner_text()

    waiting.get_by_role("link").first.click()
    notice = page.get_by_test_id("review")
    expect(notice.get_by_role("listitem")).to_have_text([above, below])
    notice.get_by_role("button", name="Tandai sudah diperiksa").click()
    page.get_by_text("v2 diperiksa").wait_for()
    assert notice.count() == 0
    assert "Perlu diperiksa: ya → tidak" in page.locator(".history").inner_text()
    assert stack.call("GET", "/v1/reviews", key=secret)[1]["items"] == []
    _, detail = stack.call("GET", f"/v1/reports/{report['submission_id']}", key=secret)
    assert detail["report"]["visitors"] == 5000, "its figures stand"


def test_suspending_a_regency_asks_first_and_cancelling_changes_nothing(pages: Pages, stack: HttpStack) -> None:
    approved_office(stack, "33.20", ())  # Kabupaten Jepara, for this test alone
    page = _signed_in_on(pages, stack.admin, "Administrasi")
    row = page.locator('tr[data-tenant="33.20"]')
    row.get_by_role("button", name="Tangguhkan Kabupaten Jepara").click()
    assert "Semua kunci Kabupaten Jepara berhenti bekerja" in row.inner_text()
    row.get_by_role("button", name="Batal").click()
    assert _tenant_status(stack, "33.20") == "active", "not at one click"

    row.get_by_role("button", name="Tangguhkan Kabupaten Jepara").click()
    row.get_by_role("button", name="Ya, tangguhkan Kabupaten Jepara").click()
    row.get_by_text("Ditangguhkan").wait_for()
    assert _tenant_status(stack, "33.20") == "suspended"


def _a_viewer_key_on_the_keys_page(pages: Pages, stack: HttpStack, office: str, label: str) -> tuple[str, Any, Any]:
    """A new viewer key of the office (its label made unique, and the key) and the keys page open."""
    label = f"{label} {uuid.uuid4().hex[:6]}"
    status, made = stack.call("POST", "/v1/keys", {"label": label, "role": "viewer"}, key=office)
    assert status == 201
    return label, made, _signed_in_on(pages, office, "Kunci")


def test_revoking_the_key_just_made_takes_its_secret_off_the_screen_and_says_so_where_the_keyboard_is(
    pages: Pages, rembang: str
) -> None:
    page = _signed_in_on(pages, rembang, "Kunci")
    label = f"Pembaca sekali {uuid.uuid4().hex[:6]}"
    page.get_by_label("Label", exact=True).fill(label)
    page.get_by_label("Peran", exact=True).select_option("viewer")
    page.get_by_role("button", name="Buat kunci").click()
    page.get_by_test_id("issued-key").wait_for()
    page.get_by_role("button", name=f"Cabut kunci {label}").click()
    page.get_by_role("button", name="Ya, cabut").click()
    revoked = page.get_by_test_id("revoked-key")
    expect(revoked).to_have_text(f"Kunci “{label}” dicabut: apa pun yang memakainya kini ditolak.")
    expect(revoked).to_be_focused()
    assert page.get_by_test_id("issued-key").count() == 0, "a dead key's secret is not left to be copied"


def test_revoking_the_key_one_is_signed_in_with_is_asked_as_such_and_signs_out(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    label = f"Admin kedua {uuid.uuid4().hex[:6]}"
    status, made = stack.call("POST", "/v1/keys", {"label": label, "role": "district_admin"}, key=rembang)
    assert status == 201, made
    watch = Watch()
    watch.allow(401)
    page = _signed_in_on(pages, made["secret"], "Kunci", watch)
    row = page.locator(f"tr[data-key='{made['key_id']}']")
    expect(row.locator(".badge", has_text="kunci Anda")).to_be_visible()
    assert page.locator(".badge", has_text="kunci Anda").count() == 1, "only the key this page is signed in with"
    row.get_by_role("button", name=f"Cabut kunci {label}").click()
    expect(page.get_by_role("group", name=re.compile("Ini kunci yang sedang Anda pakai"))).to_be_visible()
    page.get_by_role("button", name="Ya, cabut").click()
    expect(page.get_by_test_id("key-ended")).to_be_visible()  # the list's reload is refused: signed out
    assert stack.call("GET", "/v1/me", key=made["secret"])[0] == 401


def test_the_keys_of_another_status_are_not_shown_while_those_asked_for_load(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    label, _, page = _a_viewer_key_on_the_keys_page(pages, stack, rembang, "Pembaca aktif")
    page.get_by_role("button", name=f"Cabut kunci {label}").wait_for()
    held: list[Any] = []

    def hold_the_revoked_list(route: Any) -> None:
        if "status=revoked" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    pattern = re.compile(r".*/v1/keys\?.*")
    page.route(pattern, hold_the_revoked_list)
    page.get_by_label("Tampilkan kunci", exact=True).select_option("revoked")
    while not held:
        page.wait_for_timeout(50)
    assert page.get_by_role("button", name=re.compile("^Cabut kunci")).count() == 0, "no active keys under Dicabut"
    assert page.locator("tr[data-key]").count() == 0
    for route in held:
        route.continue_()
    page.unroute(pattern, hold_the_revoked_list)
    page.locator("#keys-list-title ~ .table-frame tbody tr").first.wait_for()  # the revoked list, or its empty line
    assert page.locator("tr[data-key]").count() == page.locator("tr[data-key]", has_text="Dicabut").count()


def test_the_keyboard_lands_on_what_changed_opening_correcting_voiding_and_leaving_a_report(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    report = {
        "submission_id": str(uuid.uuid4()),
        "village_code": "33.17.01.2001",
        "type": "visits",
        "date": last_complete_month().replace(day=21).isoformat(),
        "visitors": 61,
    }
    assert stack.call("POST", "/v1/reports", report, key=rembang)[0] == 201
    page = _signed_in_on(pages, rembang, "Laporan")
    title = page.get_by_role("heading", level=1)
    page.locator(f"tr[data-id='{report['submission_id']}'] a").click()
    page.get_by_test_id("report-facts").wait_for()
    expect(title, "the report's page opened: its heading, not the page's top").to_be_focused()

    page.get_by_label("Pengunjung", exact=True).fill("62")
    page.get_by_role("button", name="Simpan perbaikan").click()
    done = page.get_by_test_id("report-done")
    expect(done).to_have_text("Perbaikan disimpan: laporan kini versi 2.")
    expect(done).to_be_focused()

    page.get_by_role("button", name="Batalkan laporan").click()
    page.get_by_role("button", name="Ya, batalkan").click()
    expect(done).to_have_text("Laporan dibatalkan: tidak dihitung lagi di mana pun, tetapi tetap tersimpan.")
    expect(done).to_be_focused()

    page.get_by_role("link", name="← Semua laporan").click()
    page.get_by_test_id("reports-table").wait_for()
    expect(title, "back on the list: its heading").to_be_focused()


def test_a_question_is_answered_from_the_keyboard_and_escape_puts_it_away(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    label, made, page = _a_viewer_key_on_the_keys_page(pages, stack, rembang, "Pembaca papan")
    revoke = page.get_by_role("button", name=f"Cabut kunci {label}")
    revoke.focus()
    page.keyboard.press("Enter")
    question = page.get_by_role("group", name=f"Cabut kunci “{label}”?")
    question.wait_for()
    assert "langsung ditolak" in question.inner_text()
    cancel = question.get_by_role("button", name="Batal")
    expect(cancel, "the harmless answer, so a held Enter revokes nothing").to_be_focused()

    page.keyboard.press("Escape")
    question.wait_for(state="detached")
    expect(revoke, "back on the button that asked").to_be_focused()
    assert stack.call("GET", "/v1/me", key=made["secret"])[0] == 200, "Escape revoked nothing"

    page.keyboard.press("Enter")
    expect(cancel).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(question.get_by_role("button", name="Ya, cabut")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator(f"tr[data-key='{made['key_id']}']").wait_for(state="detached")
    assert stack.call("GET", "/v1/me", key=made["secret"])[0] == 401, "revoked from the keyboard"


def _tenant_status(stack: HttpStack, tenant_id: str) -> str:
    _, listed = stack.call("GET", "/v1/admin/tenants?limit=100", key=stack.admin)
    return str(next(t["status"] for t in listed["items"] if t["tenant_id"] == tenant_id))


def test_a_revoke_prompt_closes_as_soon_as_the_key_is_revoked_while_the_list_reloads(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    label, made, page = _a_viewer_key_on_the_keys_page(pages, stack, rembang, "Pembaca sementara")
    page.get_by_role("button", name=f"Cabut kunci {label}").click()
    held: list[Any] = []

    def hold_the_reload(route: Any) -> None:  # a slow line: the list's reload waits
        if route.request.method == "GET":
            held.append(route)
        else:
            route.continue_()

    pattern = re.compile(r".*/v1/keys(\?.*)?$")
    page.route(pattern, hold_the_reload)
    page.get_by_role("button", name="Ya, cabut").click()
    while not held:  # revoked, and the list asked again
        page.wait_for_timeout(50)
    assert stack.call("GET", "/v1/me", key=made["secret"])[0] == 401, "the key is revoked"
    confirm = page.get_by_role("button", name="Ya, cabut")
    confirm.wait_for(state="hidden", timeout=2000)  # not offered again for a key already revoked
    for route in held:
        route.continue_()
    page.unroute(pattern, hold_the_reload)
    page.locator(f"tr[data-key='{made['key_id']}']").wait_for(state="detached")  # the list holds active keys
    assert page.locator("tr[data-key]").count() >= 1, "the other keys are still listed"

    # The revoked key is on the list of revoked keys, said to be revoked, with nothing to revoke again.
    page.get_by_label("Tampilkan kunci", exact=True).select_option("revoked")
    revoked = page.locator(f"tr[data-key='{made['key_id']}']")
    expect(revoked.locator(".badge")).to_have_text("Dicabut")
    expect(revoked.locator(".badge + br + .muted"), "when it was revoked").to_contain_text(
        str(dt.datetime.now(dt.UTC).year)
    )
    assert revoked.get_by_role("button").count() == 0
    assert page.locator("tr[data-key]").count() == page.locator("tr[data-key]", has_text="Dicabut").count()
    page.get_by_label("Tampilkan kunci", exact=True).select_option("expired")
    expect(page.get_by_role("cell", name="Tidak ada kunci yang kedaluwarsa.")).to_be_visible()
    assert page.locator("tr[data-key]").count() == 0


def test_a_list_that_answers_late_does_not_overwrite_the_newer_one(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    page = _signed_in_on(pages, rembang, "Komitmen")
    page.get_by_role("heading", name="Pemangku kepentingan", exact=True).wait_for()  # the list, not the h1
    held: list[tuple[Any, Any]] = []

    def hold_the_first_reload(route: Any) -> None:
        if route.request.method != "GET" or held:
            route.continue_()
        else:  # answered as the server answers now, handed to the page later
            held.append((route, route.fetch()))

    page.route(re.compile(r".*/v1/stakeholders(\?.*)?$"), hold_the_first_reload)
    for name in ("Camat Sarang", "Camat Kragan"):
        page.get_by_label("Nama", exact=True).fill(name)
        page.get_by_role("button", name="Tambah", exact=True).click()
        while not held:  # the first one's reload has asked, and waits
            page.wait_for_timeout(50)
    page.get_by_role("cell", name="Camat Kragan").wait_for()  # the second reload, with both
    assert len(held) == 1
    route, answer = held[0]
    route.fulfill(response=answer)  # the first reload's list (without Camat Kragan) arrives last
    page.wait_for_timeout(500)
    assert page.get_by_role("cell", name="Camat Kragan").is_visible(), "the older list is dropped"
    assert page.get_by_role("cell", name="Camat Sarang").is_visible()


def test_a_stakeholder_sent_again_after_its_answer_was_lost_is_recorded_once(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    watch = Watch()
    page = _signed_in_on(pages, rembang, "Komitmen", watch)
    page.get_by_role("heading", name="Pemangku kepentingan", exact=True).wait_for()  # the list, not the h1
    lost: list[int] = []

    def lose_the_first_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)  # the server made it; the phone's connection drops
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/v1/stakeholders(\?.*)?$"), lose_the_first_answer)
    watch.offline = True
    page.get_by_label("Nama", exact=True).fill("Kepala Dinas Arsip")
    page.get_by_role("button", name="Tambah", exact=True).click()
    page.locator(".problem").first.wait_for()
    watch.offline = False
    assert lost == [201]
    page.get_by_role("button", name="Tambah", exact=True).click()  # the same form, sent again
    page.get_by_role("cell", name="Kepala Dinas Arsip").wait_for()
    status, listed = stack.call("GET", "/v1/stakeholders?limit=100", key=rembang)
    assert status == 200, listed
    assert [s["name"] for s in listed["items"]].count("Kepala Dinas Arsip") == 1


def test_a_half_filled_commitment_keeps_its_values_when_a_stakeholder_is_added_beside_it(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    chosen = "Ketua DPRD Rembang"
    status, made = stack.call("POST", "/v1/stakeholders", {"name": chosen, "kind": "dprd"}, key=rembang)
    assert status == 201, made
    page = _signed_in_on(pages, rembang, "Komitmen")
    page.get_by_role("cell", name=chosen).wait_for()
    page.locator("#c-stakeholder").select_option(made["stakeholder_id"])
    page.locator("#c-description").fill("Anggaran pengadaan buku desa")
    page.locator("#c-amount").fill("25000000")

    page.get_by_label("Nama", exact=True).fill("Kepala Bappeda Rembang")
    page.get_by_role("button", name="Tambah", exact=True).click()
    page.get_by_role("cell", name="Kepala Bappeda Rembang").wait_for()
    assert page.locator("#c-description").input_value() == "Anggaran pengadaan buku desa"
    assert page.locator("#c-amount").input_value() == "25000000"
    assert page.locator("#c-stakeholder").input_value() == made["stakeholder_id"], "the choice is kept"
    assert page.locator("#c-stakeholder option").filter(has_text="Kepala Bappeda Rembang").count() == 1

    page.locator("#c-due").fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Catat komitmen").click()
    page.locator("[data-state=proposed]").get_by_text("Anggaran pengadaan buku desa").wait_for()
    status, listed = stack.call("GET", "/v1/commitments?limit=100", key=rembang)
    assert status == 200, listed
    recorded = [c for c in listed["items"] if c["description"] == "Anggaran pengadaan buku desa"]
    assert [(c["stakeholder_id"], c["amount_idr"]) for c in recorded] == [(made["stakeholder_id"], 25_000_000)]


def test_a_budget_without_its_amount_and_a_next_step_due_before_its_action_are_named_in_the_page_s_language(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    status, made = stack.call("POST", "/v1/stakeholders", {"name": "Camat Pamotan", "kind": "other"}, key=rembang)
    assert status == 201, made
    watch = Watch()
    watch.allow(422)
    page = _signed_in_on(pages, rembang, "Komitmen", watch)
    page.get_by_role("cell", name="Camat Pamotan").wait_for()
    page.locator("#c-stakeholder").select_option(made["stakeholder_id"])
    page.locator("#c-description").fill("Anggaran tanpa nilai")  # a budget, its amount left empty
    page.locator("#c-due").fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Catat komitmen").click()
    expect(page.locator("#c-amount-error")).to_have_text("Wajib diisi.")

    body = commitment_payload(made["stakeholder_id"], description="Anggaran dengan tindakan")
    status, commitment = stack.call("POST", "/v1/commitments", body, key=rembang)
    assert status == 201, commitment
    page.goto(f"{stack.base}/#/commitments/{commitment['commitment_id']}")
    page.locator("#ac-date").fill("2026-11-10")
    page.locator("#ac-note").fill("Audiensi dengan camat")
    page.locator("#ac-next").fill("Kirim surat")
    page.locator("#ac-next-due").fill("2026-11-01")
    page.get_by_role("button", name="Catat tindakan").click()
    expect(page.locator("#ac-next-due-error")).to_have_text("Tidak boleh sebelum tanggal.")
    assert stack.call("GET", f"/v1/commitments/{commitment['commitment_id']}", key=rembang)[1]["actions"] == []


def test_an_open_commitment_past_its_due_date_is_marked_overdue_before_the_daily_run(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    status, made = stack.call(
        "POST", "/v1/stakeholders", {"name": "Kepala Desa Sendangagung", "kind": "village_head"}, key=rembang
    )
    assert status == 201, made
    ids = {}
    for description in ("Rak buku yang terlambat", "Rak buku yang ditarik"):
        body = commitment_payload(made["stakeholder_id"], description=description, due_date="2026-01-15")
        status, commitment = stack.call("POST", "/v1/commitments", body, key=rembang)
        assert status == 201 and commitment["overdue"] is False, commitment  # the job has not run
        ids[description] = commitment["commitment_id"]
    moved = {"to": "withdrawn", "expected_version": 1}
    assert (
        stack.call("POST", f"/v1/commitments/{ids['Rak buku yang ditarik']}/transitions", moved, key=rembang)[0] == 201
    )
    page = _signed_in_on(pages, rembang, "Komitmen")
    late = page.locator(f"li[data-id='{ids['Rak buku yang terlambat']}']")
    expect(late.locator(".badge", has_text="Lewat tenggat")).to_be_visible()
    withdrawn = page.locator(f"li[data-id='{ids['Rak buku yang ditarik']}']")
    expect(withdrawn).to_be_visible()
    assert withdrawn.locator(".badge", has_text="Lewat tenggat").count() == 0, "a final commitment is never overdue"


def test_the_office_sets_the_next_step_the_reminders_follow_on_the_commitment_s_page(
    pages: Pages, stack: HttpStack, rembang: str
) -> None:
    status, made = stack.call("POST", "/v1/stakeholders", {"name": "Camat Lasem", "kind": "other"}, key=rembang)
    assert status == 201, made
    body = commitment_payload(made["stakeholder_id"], description="Pojok baca kecamatan")
    status, commitment = stack.call("POST", "/v1/commitments", body, key=rembang)
    assert status == 201, commitment
    watch = Watch()
    watch.allow(409, 422)
    page = pages.open("/", viewport=PHONE, watch=watch)
    sign_in(page, rembang)
    page.goto(f"{stack.base}/#/commitments/{commitment['commitment_id']}")
    page.get_by_test_id("commitment-facts").wait_for()
    assert _fits(page), "the facts wrap on a phone"
    page.get_by_role("button", name="Ubah status").click()
    done = page.get_by_test_id("commitment-done")
    expect(done).to_have_text("Status diubah: kini Disepakati.")
    expect(done).to_be_focused()

    edit = {"expected_version": 2, "description": "Pojok baca Kecamatan Lasem"}  # another clerk, meanwhile
    assert stack.call("PATCH", f"/v1/commitments/{commitment['commitment_id']}", edit, key=rembang)[0] == 200
    page.locator("#ns-step").fill("Telepon camat")
    page.get_by_role("button", name="Simpan langkah berikutnya").click()
    problem = page.locator("form[aria-labelledby=ns-title] .problem")
    expect(problem).to_contain_text("sudah diubah di tempat lain")
    assert "expected_version" not in problem.inner_text(), "the page's bookkeeping is not shown as a field"
    page.reload()
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    page.locator("#ns-due").fill(due)
    page.get_by_role("button", name="Simpan langkah berikutnya").click()
    expect(page.locator("#ns-step-error")).to_have_text("Wajib diisi.")  # a due date without the step itself

    page.locator("#ns-step").fill("Kirim surat ke camat")
    page.get_by_role("button", name="Simpan langkah berikutnya").click()
    expect(done).to_have_text("Langkah berikutnya disimpan.")
    expect(done).to_be_focused()
    expect(page.locator("[data-fact=next_step]")).to_contain_text("Kirim surat ke camat")
    stored = stack.call("GET", f"/v1/commitments/{commitment['commitment_id']}", key=rembang)[1]
    assert (stored["next_step"], stored["next_step_due"], stored["version"]) == ("Kirim surat ke camat", due, 4)


def test_the_national_figures_keep_their_period_s_name_while_another_period_loads(
    pages: Pages, stack: HttpStack, blora: str
) -> None:
    page = _signed_in_on(pages, stack.admin, "Dasbor nasional")
    title = page.locator("#nation-title")
    title.wait_for()
    before = title.inner_text()
    picker = page.get_by_label("Periode", exact=True)
    months = [v for v in picker.locator("option").evaluate_all("os => os.map(o => o.value)") if len(v) == 7]
    other = next(m for m in months if m != picker.input_value())
    held: list[Any] = []
    pattern = re.compile(rf".*/v1/national/indicators\?.*period={other}.*")

    def hold(route: Any) -> None:  # the other period's answers wait
        held.append(route)

    page.route(pattern, hold)
    picker.select_option(other)
    while len(held) < 3:  # the nation, its provinces and its regencies asked for
        page.wait_for_timeout(50)
    assert title.inner_text() == before, "the figures on screen are still the last period's, and say so"
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Unduh CSV").click()
    assert downloaded.value.suggested_filename.startswith(f"tpbis-{last_complete_month():%Y-%m}-")
    for route in held:
        route.continue_()
    page.unroute(pattern, hold)
    page.wait_for_function("t => document.querySelector('#nation-title').innerText !== t", arg=before)
    assert title.inner_text() != before
