"""Pack the Kemendagri area list (idn-area-data 4.0.1, ODbL) into chalicelib/areas/data.

Run: python scripts/build_areas.py [SOURCE_DIR]   (default ../shared/data/idn-area)
Writes regions.tsv.gz (provinces, regencies, kecamatan) and villages/<province>.tsv.gz,
one `code<TAB>name` line each; the parent of a code is its prefix up to the last dot.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chalicelib" / "areas" / "data"


def _rows(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(row["code"], row["name"].strip()) for row in csv.DictReader(handle)]


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    text = "".join(f"{code}\t{name}\n" for code, name in sorted(rows))
    # mtime=0 keeps the files byte-identical between builds.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "idn-area"
    (OUT / "villages").mkdir(parents=True, exist_ok=True)
    regions = _rows(source / "provinces.csv") + _rows(source / "regencies.csv") + _rows(source / "districts.csv")
    _write(OUT / "regions.tsv.gz", regions)
    by_province: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, name in _rows(source / "villages.csv"):
        by_province[code[:2]].append((code, name))
    for province, rows in by_province.items():
        _write(OUT / "villages" / f"{province}.tsv.gz", rows)
    shutil.copyfile(source / "LICENSE.md", OUT / "LICENSE.md")
    (OUT / "README.md").write_text(
        "# Kemendagri area codes\n\n"
        "Derived from the npm package `idn-area-data` 4.0.1 (Kemendagri area codes), repacked by\n"
        "`scripts/build_areas.py`. Data licence: Open Database License (ODbL), see LICENSE.md beside\n"
        "this file; code licence of the source package: MIT. This attribution travels with the data.\n",
        encoding="utf-8",
    )
    print(f"{len(regions)} regions, {sum(map(len, by_province.values()))} villages in {len(by_province)} files")


if __name__ == "__main__":
    main()
