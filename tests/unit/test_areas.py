"""The bundled Kemendagri reference list."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import areas
from chalicelib.areas import Level


def test_the_bundle_holds_every_area_of_the_source_list() -> None:
    assert len(areas.all_of_level(Level.PROVINCE)) == 38
    assert len(areas.all_of_level(Level.REGENCY)) == 514
    assert len(areas.all_of_level(Level.KECAMATAN)) == 7285
    provinces = [p.code for p in areas.all_of_level(Level.PROVINCE)]
    assert sum(len(areas.villages_of_province(p)) for p in provinces) == 83762


def test_lookup_names_areas_of_every_level() -> None:
    assert areas.lookup("33.15") == areas.Area("33.15", "Kabupaten Grobogan", Level.REGENCY)
    assert areas.name_of("13.07.03.2002") == "Taeh Bukik"
    assert areas.lookup("33").name == "Jawa Tengah"  # type: ignore[union-attr]
    assert areas.lookup("33.15.01").level is Level.KECAMATAN  # type: ignore[union-attr]


def test_unknown_or_malformed_codes_are_not_found() -> None:
    for code in ["33.99", "33.15.01.9999", "3315", "33.15.1", "", "../etc", "33.15.01.2001x", "99"]:
        assert areas.lookup(code) is None, code


def test_exists_checks_the_level_too() -> None:
    assert areas.exists("33.15", Level.REGENCY)
    assert not areas.exists("33.15", Level.VILLAGE)
    assert not areas.exists("33.15.01", Level.REGENCY)


def test_contains_and_ancestor_follow_the_code_prefixes() -> None:
    assert areas.contains("33.15", "33.15.01.2001")
    assert areas.contains("33.15", "33.15")
    assert not areas.contains("33.1", "33.15.01.2001")
    assert not areas.contains("33.15", "33.18.01.2001")
    assert areas.ancestor("33.15.01.2001", Level.KECAMATAN) == "33.15.01"
    assert areas.ancestor("33.15.01.2001", Level.PROVINCE) == "33"


def test_each_province_has_its_local_time_zone() -> None:
    assert areas.timezone_of("33.15").utcoffset(None) == timedelta(hours=7)  # Jawa Tengah: WIB
    assert areas.timezone_of("51.71").utcoffset(None) == timedelta(hours=8)  # Bali: WITA
    assert areas.timezone_of("94.01").utcoffset(None) == timedelta(hours=9)  # Papua Tengah: WIT


def test_children_are_the_areas_one_level_below() -> None:
    assert "33.15" in areas.children("33") and "33.15.01" in areas.children("33.15")
    assert areas.children("33.15.01")[:2] == ("33.15.01.2001", "33.15.01.2002")
    assert areas.children("33.15.01.2001") == () and areas.children("99.99") == () and areas.children("x") == ()
    regencies = [r for p in areas.all_of_level(Level.PROVINCE) for r in areas.children(p.code)]
    assert len(regencies) == 514
    kecamatan = [k for r in regencies for k in areas.children(r)]
    assert len(kecamatan) == 7285 and sum(len(areas.children(k)) for k in kecamatan) == 83762
