"""What a phone shows for each report field, in Bahasa Indonesia (the default) and English.

Keyed by the JSON field names of the report models; a test checks that every field and every
choice of every report type has its labels here.
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    """A label and an optional hint, in Indonesian and English."""

    id: str
    en: str
    hint_id: str = ""
    hint_en: str = ""


FORM_TITLES: dict[str, Label] = {
    "visits": Label("Kunjungan perpustakaan", "Library visits"),
    "activity": Label("Kegiatan pelibatan masyarakat", "Community activity"),
    "media": Label("Ekspos media", "Media coverage"),
    "partnership": Label("Kemitraan", "Partnership"),
    "ict": Label("Layanan komputer dan internet", "Computer and internet services"),
}

FIELDS: dict[str, Label] = {
    "village_code": Label("Desa", "Village", "Desa perpustakaan yang melapor", "The village library reporting"),
    "date": Label("Tanggal", "Date", "Hari kejadian", "The day it happened"),
    "recorded_at": Label("Waktu pencatatan", "Recorded at"),
    "visitors": Label("Jumlah pengunjung", "Visitors", "Semua pengunjung hari itu", "All visitors that day"),
    "women": Label("Perempuan", "Women"),
    "men": Label("Laki-laki", "Men"),
    "children": Label("Anak-anak", "Children"),
    "youth": Label("Pemuda", "Youth"),
    "disabled": Label("Penyandang disabilitas", "People with disabilities"),
    "title": Label("Judul kegiatan", "Activity title"),
    "category": Label("Jenis kegiatan", "Kind of activity"),
    "topic": Label("Topik", "Topic"),
    "partner": Label("Mitra penyelenggara", "Partner"),
    "participants": Label("Jumlah peserta", "Participants", "Semua peserta", "All participants"),
    "entrepreneurs": Label("Pelaku usaha", "Entrepreneurs"),
    "outlet": Label("Nama media", "Media outlet"),
    "medium": Label("Jenis media", "Kind of medium"),
    "url": Label("Tautan", "Link", "Alamat web berita (https://...)", "Web address of the story (https://...)"),
    "headline": Label("Judul berita", "Headline"),
    "partner_name": Label("Nama mitra", "Partner name"),
    "partner_kind": Label("Jenis mitra", "Kind of partner"),
    "agreement": Label("Bentuk kesepakatan", "Agreement"),
    "ends_on": Label("Berakhir pada", "Ends on", "Kosongkan bila tanpa batas", "Leave empty when open-ended"),
    "computer_sessions": Label("Sesi penggunaan komputer", "Computer sessions"),
    "internet_users": Label("Pengguna internet", "Internet users"),
    "trainees": Label("Peserta pelatihan TIK", "ICT trainees"),
    "photo": Label("Foto", "Photo", "Foto kegiatan atau liputan (JPEG atau PNG)", "A photo (JPEG or PNG)"),
}

CHOICES: dict[tuple[str, str], Label] = {
    ("category", "training"): Label("Pelatihan", "Training"),
    ("category", "workshop"): Label("Lokakarya", "Workshop"),
    ("category", "seminar"): Label("Seminar", "Seminar"),
    ("category", "class"): Label("Kelas", "Class"),
    ("category", "discussion"): Label("Diskusi", "Discussion"),
    ("category", "other"): Label("Lainnya", "Other"),
    ("medium", "online_news"): Label("Berita daring", "Online news"),
    ("medium", "print"): Label("Media cetak", "Print"),
    ("medium", "radio"): Label("Radio", "Radio"),
    ("medium", "tv"): Label("Televisi", "Television"),
    ("medium", "social_media"): Label("Media sosial", "Social media"),
    ("medium", "other"): Label("Lainnya", "Other"),
    ("partner_kind", "community"): Label("Komunitas", "Community"),
    ("partner_kind", "ngo"): Label("LSM", "NGO"),
    ("partner_kind", "government"): Label("Pemerintah", "Government"),
    ("partner_kind", "private"): Label("Swasta", "Private sector"),
    ("partner_kind", "school"): Label("Sekolah", "School"),
    ("partner_kind", "religious"): Label("Lembaga keagamaan", "Religious institution"),
    ("partner_kind", "university"): Label("Perguruan tinggi", "University"),
    ("partner_kind", "other"): Label("Lainnya", "Other"),
    ("agreement", "mou"): Label("Nota kesepahaman (MoU)", "Memorandum of understanding"),
    ("agreement", "letter"): Label("Surat kesepakatan", "Letter of agreement"),
    ("agreement", "informal"): Label("Tidak tertulis", "Informal"),
}
