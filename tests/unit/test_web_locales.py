"""The web app's two languages name the same strings: nothing falls back to Indonesian in English."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

LOCALES = Path(__file__).resolve().parents[2] / "web" / "src" / "locales"
KEYS = """
const flat = (o, p = '') => Object.entries(o).flatMap(([k, v]) =>
  typeof v === 'object' ? flat(v, `${p}${k}.`) : [`${p}${k}`.replace(/_(one|other)$/, '')]);
const [id, en] = await Promise.all(['id', 'en'].map((n) => import(`${process.argv[1]}/${n}.js`)));
console.log(JSON.stringify({ id: [...new Set(flat(id.default))], en: [...new Set(flat(en.default))] }));
"""


def test_english_and_indonesian_have_the_same_strings() -> None:
    out = subprocess.run(
        ["node", "--input-type=module", "-e", KEYS, str(LOCALES)], capture_output=True, text=True, check=True
    ).stdout
    keys = json.loads(out)

    assert len(keys["id"]) > 300
    assert sorted(set(keys["id"]) - set(keys["en"])) == []
    assert sorted(set(keys["en"]) - set(keys["id"])) == []
