// Shared pieces: labelled fields with the API's messages beside them, busy buttons, loading and error states.
import { html } from 'htm/preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import i18next from 'i18next';
import { api } from './api.js';
import { regencies } from './areas.js';
import { date, num } from './format.js';

const t = (...args) => i18next.t(...args);

function FieldShell({ id, label, error, hint, children }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`} role="alert">${error}</p>`}
  </div>`;
}

const described = (id, error, hint) => [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

export function Input({ id, label, error, hint, ...props }) {
  return html`<${FieldShell} id=${id} label=${label} error=${error} hint=${hint}>
    <input id=${id} name=${id} aria-invalid=${error ? 'true' : undefined} aria-describedby=${described(id, error, hint)} ...${props} />
  </${FieldShell}>`;
}

export function Textarea({ id, label, error, hint, ...props }) {
  return html`<${FieldShell} id=${id} label=${label} error=${error} hint=${hint}>
    <textarea id=${id} name=${id} aria-invalid=${error ? 'true' : undefined} aria-describedby=${described(id, error, hint)} ...${props} />
  </${FieldShell}>`;
}

export function Select({ id, label, error, hint, options, ...props }) {
  return html`<${FieldShell} id=${id} label=${label} error=${error} hint=${hint}>
    <select id=${id} name=${id} aria-invalid=${error ? 'true' : undefined} aria-describedby=${described(id, error, hint)} ...${props}>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select>
  </${FieldShell}>`;
}

/** A button that shows it is working while `busy`: it stays focusable then (a disabled button would drop
 * the keyboard's focus to the page's top) and ignores clicks and Enter until the work is done. */
export function Button({ busy, children, kind = 'primary', onClick, ...props }) {
  const guarded = (event) => {
    if (busy) { event.preventDefault(); return; }
    onClick?.(event);
  };
  return html`<button class=${`btn ${kind}`} ...${props} onClick=${guarded} aria-disabled=${busy ? 'true' : undefined} aria-busy=${busy ? 'true' : undefined}>
    ${busy ? html`<span class="spinner" aria-hidden="true"></span>${t('working')}` : children}
  </button>`;
}

/** An action asked before it is done, in place of the button that asks it (`label`, named `named` for a
 * screen reader): once pressed, the question, any fields (`children`), the confirming button (`confirm`)
 * and Cancel. Cancel or Escape puts the question away and the focus back on the button; the first field,
 * else Cancel, takes the focus when it opens (the least harmful thing: a held Enter does not confirm).
 * Confirming runs `call` as `action` (useAction: busy meanwhile, its error for the page to show): done,
 * the question closes and `onDone` follows (the page puts the keyboard on what says it is done); failed, it
 * stays, beside its error. */
export function Ask({ label, named, kind = 'secondary', question, confirm, confirmNamed, action, call, onDone, children }) {
  const { busy } = action;
  const [open, setOpen] = useState(false);
  const trigger = useRef(null);
  const group = useRef(null);
  const back = useRef(false);
  const id = useId();
  useEffect(() => {
    if (open) group.current?.querySelector('input, select, textarea, [data-cancel]')?.focus();
    else if (back.current) trigger.current?.focus();
    back.current = false;
  }, [open]);
  const close = () => { back.current = true; setOpen(false); };
  if (!open) return html`<button type="button" class=${`btn ${kind}`} ref=${trigger} aria-label=${named} onClick=${() => setOpen(true)}>${label}</button>`;
  const submit = async (event) => {
    event.preventDefault();
    if (busy || !(await action.run(() => call().then(() => true)))) return;
    setOpen(false); // done: the page says so where it wants the keyboard (the trigger is usually gone)
    onDone?.();
  };
  const escape = (event) => {
    if (event.key === 'Escape' && !busy) { event.preventDefault(); close(); }
  };
  return html`<div class="ask" role="group" aria-labelledby=${id} ref=${group} onKeyDown=${escape}>
    <p id=${id}>${question}</p>
    <form onSubmit=${submit} novalidate>${children}
      <div class="row"><${Button} kind="danger" type="submit" busy=${busy} aria-label=${confirmNamed}>${confirm}</${Button}>
        <button type="button" class="btn secondary" data-cancel onClick=${close}>${t('cancel')}</button></div>
    </form>
  </div>`;
}

export const Loading = ({ label }) => html`<p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>${label || t('loading')}</p>`;

/** The message to show for a failed call: what its code means in the page's language (the API's own
 * English message for a code the app does not know), or what happened to the connection. */
export function messageOf(error) {
  if (!error) return '';
  if (error.code === 'network') return t('errors.network');
  if (error.code === 'timeout') return t('errors.timeout');
  if (error.status === 401) return t('errors.unauthorized');
  if (error.code && i18next.exists(`codes.${error.code}`)) return t(`codes.${error.code}`);
  return error.message || String(error);
}

const DATE_PARAMS = ['first', 'latest'];

/** One field problem in the page's language, from its code and params (README "Errors"); the API's
 * message when the app does not know the code. */
export function problemText(detail) {
  if (!detail) return null;
  const { code, params = {} } = detail;
  if (!code || !i18next.exists(`problems.${code}`)) return detail.message;
  const shown = { ...params };
  if (code === 'format') {
    if (!i18next.exists(`formats.${params.format}`)) return detail.message;
    shown.format = t(`formats.${params.format}`);
  }
  if (code === 'parts_exceed_total') shown.total_field = t(`fields.${params.total_field}`, { defaultValue: params.total_field });
  if (code === 'before') shown.other = fieldName(params.other ?? '').toLowerCase();
  if (code === 'one_of') shown.expected = String(params.expected ?? '').replaceAll("'", '');
  for (const name of DATE_PARAMS) if (typeof params[name] === 'string') shown[name] = date(params[name]);
  for (const [name, value] of Object.entries(params)) if (typeof value === 'number') shown[name] = num(value, 2);
  return t(`problems.${code}`, shown);
}

/** A field's name as the page calls it (the report forms' labels), else as the API named it. */
const fieldName = (field) => {
  const leaf = field.split('.').pop();
  return t(`fields.${leaf}`, { defaultValue: field });
};

/** A failed call: its message, the field problems not shown beside a field (`shown`), and a retry. */
export function Problem({ error, onRetry, shown = [] }) {
  if (!error) return null;
  // expected_version is the page's bookkeeping, not a field the user filled: the code's message says it
  const rest = (error.details || []).filter((d) => d.field !== 'expected_version' && !shown.some((name) => d.field === name || d.field?.endsWith(`.${name}`)));
  return html`<div class="problem" role="alert">
    <p>${messageOf(error)}${error.code && error.status ? html` <span class="muted error-code">(${error.code})</span>` : ''}</p>
    ${rest.length ? html`<ul>${rest.map((d) => html`<li>${d.field ? html`<strong>${fieldName(d.field)}</strong>: ` : ''}${problemText(d)}</li>`)}</ul>` : ''}
    ${onRetry && html`<button class="btn secondary" onClick=${onRetry}>${t('retry')}</button>`}
  </div>`;
}

/** Load something on mount and when `deps` change: {loading, error, data, reload}. Only the latest load
 * (by deps or by reload) may answer: an older one that arrives later is dropped. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true, error: null, data: undefined });
  const latest = useRef(0);
  const run = useCallback(() => {
    const mine = ++latest.current;
    const live = () => latest.current === mine;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live() && setState({ loading: false, error: null, data }),
      (error) => live() && setState({ loading: false, error, data: undefined }),
    );
    return () => { if (live()) latest.current += 1; };
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

function randomKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A form's POST with an Idempotency-Key: the same key while the same body is sent again (a resend after
 * a timeout is answered with what the first made, not made twice), a new one once the body changed or
 * the record was made. */
export function useIdempotentPost() {
  const last = useRef({ body: null, key: null });
  return async (path, body) => {
    const text = JSON.stringify(body);
    if (last.current.body !== text) last.current = { body: text, key: randomKey() };
    const answer = await api.post(path, body, { idempotencyKey: last.current.key });
    last.current = { body: null, key: null };
    return answer;
  };
}

/** A form action: {busy, error, run}; the error keeps the API's field messages for the fields. */
export function useAction() {
  const [state, setState] = useState({ busy: false, error: null });
  const run = useCallback(async (action) => {
    setState({ busy: true, error: null });
    try {
      const result = await action();
      setState({ busy: false, error: null });
      return result;
    } catch (error) {
      setState({ busy: false, error });
      return undefined;
    }
  }, []);
  return { ...state, run, field: (name) => problemText(state.error?.detailFor?.(name)) || null };
}

/** The secret of a new key: shown once, with a copy button. Where the clipboard refuses (a browser that
 * does not allow it, a page not served over HTTPS), the key is selected and the user is told to copy it. */
export function Secret({ value }) {
  const [copied, setCopied] = useState(null);
  const code = useRef(null);
  const failed = () => {
    const selection = window.getSelection();
    selection?.selectAllChildren(code.current);
    setCopied(false);
  };
  const copy = () => {
    if (!navigator.clipboard) return failed();
    return navigator.clipboard.writeText(value).then(() => setCopied(true), failed);
  };
  return html`<div class="secret">
    <p><strong>${t('keys.secret_once')}</strong></p>
    <code class="secret-value" data-testid="secret" ref=${code}>${value}</code>
    <button class="btn secondary" onClick=${copy}>${copied ? t('keys.copied') : t('keys.copy')}</button>
    <p role="status">${copied === false ? t('keys.copy_failed') : ''}</p>
  </div>`;
}

/** A ref to put on what takes the focus when it appears. */
function useFocusedOnMount() {
  const ref = useRef(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** A page heading that takes the focus when the page opens, and again when its address changes (a report
 * opened from the list, back to the list: keyboard and screen-reader users land on it), and names the tab,
 * in the page's language (a tab, a bookmark and the history say which page it is). */
export function PageTitle({ children }) {
  const ref = useRef(null);
  const address = window.location.hash;
  useEffect(() => ref.current?.focus(), [address]);
  useEffect(() => {
    const text = ref.current?.textContent.trim();
    if (text) document.title = `${text} · TPBIS`;
  });
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

/** What a user must act on now, such as a secret shown once: it takes the focus when it appears, so the
 * keyboard and a screen reader are where it is, not still on the button that made it. Give it a `key` of
 * what it shows, so a second one takes the focus again. */
export function Shown({ children, ...props }) {
  return html`<div class="notice" tabindex="-1" ref=${useFocusedOnMount()} ...${props}>${children}</div>`;
}

/** Which sides of a scrolled box have more beyond its edges: 'left', 'right', both or ''. */
function hiddenSides(box) {
  const left = box.scrollLeft > 1;
  const right = box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
  return [left && 'left', right && 'right'].filter(Boolean).join(' ');
}

/** A table that scrolls sideways where the screen is narrower than it (a phone), with a shadow on each
 * edge that has more columns beyond it: a table cut at a column's edge would look whole. Focusable, so
 * the keyboard scrolls it too. */
export function TableWrap({ children }) {
  const box = useRef(null);
  const [more, setMore] = useState('');
  useEffect(() => {
    const el = box.current;
    const measure = () => setMore(hiddenSides(el));
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => { el.removeEventListener('scroll', measure); observer.disconnect(); };
  }, []);
  return html`<div class="table-frame" data-more=${more || undefined}>
    <div class="table-wrap" tabindex="0" ref=${box}>${children}</div>
  </div>`;
}

/** What was just done on a page that reloads after it (`after(what)` as an action's onDone): `done`
 * names it while the reloaded page is shown, for a `Shown` notice saying so where the keyboard now is. */
export function useDone(state) {
  const [done, setDone] = useState(null);
  const after = (what) => () => { setDone(what); state.reload(); };
  return [state.loading ? null : done, after];
}

export const Badge = ({ kind, children, ...props }) => html`<span class=${`badge ${kind || ''}`} ...${props}>${children}</span>`;

/** A regency by its name from the area list (its code until the list has loaded, or if it cannot). */
export function RegencyName({ code }) {
  const [name, setName] = useState(null);
  useEffect(() => {
    let live = true;
    regencies().then((all) => { if (live) setName(all.find((r) => r.code === code)?.name || null); }, () => {});
    return () => { live = false; };
  }, [code]);
  return name ? html`<span title=${code}>${name}</span>` : code;
}
