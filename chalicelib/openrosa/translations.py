"""A refusal of the report services as the text a phone shows: Bahasa Indonesia, then English."""

from __future__ import annotations

from chalicelib.errors import DomainError
from chalicelib.openrosa.labels import FIELDS

_INDONESIAN = {
    "validation_error": "Isian laporan tidak sesuai aturan",
    "invalid_attachment": "Lampiran tidak diterima (hanya foto JPEG atau PNG yang diminta formulir)",
    "forbidden": "Kunci ini tidak boleh melapor untuk desa ini",
    "not_a_reporting_key": "Kunci ini bukan untuk mengirim laporan; mintalah kunci operator desa kepada dinas",
    "tenant_suspended": "Dinas ini sedang ditangguhkan",
    "conflict": "instanceID ini sudah dipakai untuk laporan lain",
    "not_current_instance": "Laporan ini sudah diubah dari versi lain; ubah versi yang terakhir dikirim",
    "unknown_instance": (
        "Laporan yang hendak diubah tidak ada di server untuk desa kunci ini; isi dan kirim formulir baru"
    ),
    "type_changed": (
        "Jenis laporan tidak dapat diubah; batalkan laporan ini lalu kirim laporan baru dengan formulir jenis lain"
    ),
    "village_not_registered": "Desa belum didaftarkan oleh dinas",
    "village_deactivated": (
        "Perpustakaan desa ini sudah dinonaktifkan oleh dinas; laporan bertanggal sesudahnya tidak diterima"
    ),
    "period_locked": (
        "Data bulan ini sudah disahkan: laporan bertanggal bulan itu tidak dapat ditambah, dikoreksi, atau "
        "dibatalkan. Mintalah dinas perpustakaan kabupaten membuka kembali bulan tersebut"
    ),
    "unknown_form": "Formulir tidak dikenal; unduh ulang formulir kosong",
    "report_void": "Laporan ini sudah dibatalkan dan tidak bisa diubah",
    "version_conflict": "Laporan sedang diubah dari tempat lain; kirim ulang",
    "not_found": "Tidak ditemukan",
    "no_villages": "Dinas belum mendaftarkan desa; daftarkan desa dahulu",
}


# Fields a refusal may name that are no question of a form.
_NOT_ASKED = {"type": "Jenis laporan", "meta/instanceID": "ID kiriman", "meta/deprecatedID": "Kiriman yang diubah"}


def _field(name: str) -> str:
    label = FIELDS.get(name.split(".")[-1])
    if label is None and name in _NOT_ASKED:
        return f"{_NOT_ASKED[name]} ({name})"
    return f"{label.id} ({name})" if label else name


def explain(error: DomainError) -> str:
    """`<Indonesian>: <fields> / <English>: <fields and their problems>`."""
    indonesian = _INDONESIAN.get(error.code, "Kiriman ditolak")
    fields_id = ", ".join(_field(d.field) for d in error.details if d.field)
    fields_en = "; ".join(f"{d.field}: {d.message}" if d.field else d.message for d in error.details)
    first = f"{indonesian}: {fields_id}" if fields_id else indonesian
    second = f"{error.message}: {fields_en}" if fields_en else error.message
    return f"{first} / {second}"
