// The Kemendagri area list, built into the app as static JSON (scripts/areas.mjs), fetched on demand.
const cache = new Map();

function load(path) {
  if (!cache.has(path)) {
    cache.set(path, fetch(path).then((r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status}`);
      return r.json();
    }).catch((error) => { cache.delete(path); throw error; }));
  }
  return cache.get(path);
}

export const regencies = () => load('/areas/regencies.json');
/** {code, name, province_code, province_name, kecamatan: [{code, name}], villages: [{code, name}]} */
export const regency = (code) => load(`/areas/${code}.json`);

/** Case- and accent-insensitive match of every word of `query` in `text`. */
export function matches(text, query) {
  const fold = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const hay = fold(text);
  return fold(query).split(/\s+/).filter(Boolean).every((word) => hay.includes(word));
}
