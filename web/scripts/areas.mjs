// The Kemendagri area list (ODbL, chalicelib/areas/data) as static JSON for the web app:
// <out>/regencies.json (every regency with its province) and <out>/<regency code>.json (its kecamatan
// and villages). Run after `vite build`: node scripts/areas.mjs dist/areas
import { gunzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, '..', '..', 'chalicelib', 'areas', 'data');
const out = process.argv[2] || join(here, '..', 'dist', 'areas');

function rows(file) {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).map((line) => line.split('\t'));
}

const depth = (code) => code.split('.').length;
const names = new Map(rows(join(data, 'regions.tsv.gz')));
const regencies = new Map();
for (const [code, name] of names) {
  if (depth(code) === 2) {
    const province = code.slice(0, 2);
    regencies.set(code, { code, name, province_code: province, province_name: names.get(province), kecamatan: [], villages: [] });
  } else if (depth(code) === 3) {
    regencies.get(code.slice(0, 5))?.kecamatan.push({ code, name });
  }
}
for (const file of readdirSync(join(data, 'villages')).filter((f) => f.endsWith('.tsv.gz'))) {
  for (const [code, name] of rows(join(data, 'villages', file))) regencies.get(code.slice(0, 5))?.villages.push({ code, name });
}

mkdirSync(out, { recursive: true });
const list = [...regencies.values()].map(({ code, name, province_code, province_name }) => ({ code, name, province_code, province_name }));
writeFileSync(join(out, 'regencies.json'), JSON.stringify(list));
for (const regency of regencies.values()) writeFileSync(join(out, `${regency.code}.json`), JSON.stringify(regency));
writeFileSync(join(out, 'LICENSE.md'), readFileSync(join(data, 'LICENSE.md')));
console.log(`areas: ${list.length} regencies in ${out}`);
