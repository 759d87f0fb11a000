"""Kemendagri area reference (ODbL data, see data/README.md): lookup, hierarchy and local time zones.

Codes are hierarchical: province `33`, regency `33.15`, kecamatan `33.15.01`, village
`33.15.01.2001`; a parent's code is the prefix up to the last dot. The data is loaded lazily:
regions on the first lookup, villages one province file at a time.
"""

from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from enum import StrEnum
from importlib import resources


class Level(StrEnum):
    """Administrative level of an area code."""

    PROVINCE = "province"
    REGENCY = "regency"
    KECAMATAN = "kecamatan"
    VILLAGE = "village"


_SHAPES = {
    Level.PROVINCE: re.compile(r"\d{2}"),
    Level.REGENCY: re.compile(r"\d{2}\.\d{2}"),
    Level.KECAMATAN: re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    Level.VILLAGE: re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
}
_DEPTH = {Level.PROVINCE: 1, Level.REGENCY: 2, Level.KECAMATAN: 3, Level.VILLAGE: 4}

VILLAGE_CODE_PATTERN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
REGENCY_CODE_PATTERN = r"^\d{2}\.\d{2}$"


@dataclass(frozen=True)
class Area:
    """One administrative area."""

    code: str
    name: str
    level: Level

    @property
    def parent_code(self) -> str | None:
        """Code of the enclosing area (None for a province)."""
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def level_of(code: str) -> Level | None:
    """The level a code has by its shape, or None when it has no valid shape."""
    for level, shape in _SHAPES.items():
        if shape.fullmatch(code):
            return level
    return None


def ancestor(code: str, level: Level) -> str:
    """The code of the area at `level` containing `code` (the code itself at its own level)."""
    return ".".join(code.split(".")[: _DEPTH[level]])


def contains(outer: str, inner: str) -> bool:
    """Whether area `inner` lies inside (or is) area `outer`, judged by the codes."""
    return inner == outer or inner.startswith(outer + ".")


_lock = threading.Lock()
_regions: dict[str, str] | None = None
_villages: dict[str, dict[str, str]] = {}


def _read(name: str) -> dict[str, str]:
    data = resources.files(__package__).joinpath("data", name).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line)


def _region_names() -> dict[str, str]:
    global _regions
    if _regions is None:
        with _lock:
            if _regions is None:
                _regions = _read("regions.tsv.gz")
    return _regions


def _village_names(province: str) -> dict[str, str]:
    names = _villages.get(province)
    if names is None:
        with _lock:
            names = _villages.get(province)
            if names is None:
                try:
                    names = _read(f"villages/{province}.tsv.gz")
                except FileNotFoundError:
                    names = {}
                _villages[province] = names
    return names


def lookup(code: str) -> Area | None:
    """The area with this code, or None when the code is not in the reference list."""
    level = level_of(code)
    if level is None:
        return None
    names = _village_names(code[:2]) if level is Level.VILLAGE else _region_names()
    name = names.get(code)
    return Area(code, name, level) if name is not None else None


def exists(code: str, level: Level) -> bool:
    """Whether `code` is a known area of exactly this level."""
    area = lookup(code)
    return area is not None and area.level is level


def name_of(code: str) -> str | None:
    """The area's name, or None for an unknown code."""
    area = lookup(code)
    return area.name if area else None


def all_of_level(level: Level) -> list[Area]:
    """Every area of a level above village, in code order."""
    if level is Level.VILLAGE:
        raise ValueError("villages are listed per province: use villages_of_province")
    return [Area(c, n, level) for c, n in sorted(_region_names().items()) if level_of(c) is level]


def villages_of_province(province: str) -> list[Area]:
    """Every village of a province, in code order."""
    return [Area(c, n, Level.VILLAGE) for c, n in sorted(_village_names(province).items())]


# Indonesia's three time zones, by province (WIT: Maluku and Papua; WITA: Bali, Nusa Tenggara,
# eastern and northern Kalimantan, Sulawesi; WIB: the rest).
_WIB, _WITA, _WIT = (timezone(timedelta(hours=h), name) for h, name in ((7, "WIB"), (8, "WITA"), (9, "WIT")))
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}


def timezone_of(code: str) -> tzinfo:
    """The local time zone of the province containing `code`."""
    province = code[:2]
    if province[0] in "89":
        return _WIT
    return _WITA if province in _WITA_PROVINCES else _WIB


_children: dict[str, tuple[str, ...]] = {}
_indexed: set[str] = set()  # "regions", and the provinces whose villages are indexed by kecamatan


def _index_children(names: dict[str, str], key: str) -> None:
    grouped: dict[str, list[str]] = {}
    for code in names:
        if "." in code:
            grouped.setdefault(code.rsplit(".", 1)[0], []).append(code)
    with _lock:
        for parent, codes in grouped.items():
            _children[parent] = tuple(sorted(codes))
        _indexed.add(key)


def children(code: str) -> tuple[str, ...]:
    """Codes of the areas one level below `code` (regencies of a province, kecamatan of a regency,
    villages of a kecamatan), in code order; empty for a village or an unknown code."""
    level = level_of(code)
    if level is None or level is Level.VILLAGE:
        return ()
    key = code[:2] if level is Level.KECAMATAN else "regions"
    if key not in _indexed:
        _index_children(_village_names(key) if level is Level.KECAMATAN else _region_names(), key)
    return _children.get(code, ())
