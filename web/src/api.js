// The API client: one origin, the key from the session, one error shape (README "Errors").
import { getKey } from './session.js';

const TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The API's problem with a field (its name or a dotted path ending in it), if it named one. */
  detailFor(name) {
    return this.details.find((d) => d.field === name || d.field?.endsWith(`.${name}`)) || null;
  }
}

/** What the app hears when the key it is signed in with stops working (revoked, expired) mid-session. */
export const KEY_ENDED = 'tpbis:key-ended';

export async function request(method, path, { body, key, query, idempotencyKey } = {}) {
  const signedIn = key === undefined; // the session's key, not one being tried (sign-in)
  if (signedIn) key = getKey();
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers.Authorization = `Bearer ${key}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: abort.signal, cache: 'no-store' });
  } catch (error) {
    throw new ApiError(0, abort.signal.aborted ? 'timeout' : 'network', String(error));
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  const data = text && type.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const error = (data && data.error) || {};
    const failure = new ApiError(response.status, error.code || `http_${response.status}`, error.message || response.statusText, error.details || []);
    if (signedIn && key && response.status === 401) window.dispatchEvent(new CustomEvent(KEY_ENDED, { detail: failure }));
    throw failure;
  }
  return data;
}

export const api = {
  get: (path, query, options) => request('GET', path, { ...options, query }),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body) => request('PUT', path, { body }),
  patch: (path, body) => request('PATCH', path, { body }),
  del: (path) => request('DELETE', path),
};

/** Every page of a list route (`{items, next_cursor}`), at most `pages` pages. */
export async function all(path, query = {}, pages = 20) {
  const items = [];
  let cursor;
  for (let i = 0; i < pages; i += 1) {
    const page = await api.get(path, { limit: 100, ...query, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}
