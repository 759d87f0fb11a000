// Numbers, dates and periods in the chosen locale (Intl), and period arithmetic.
import i18next from 'i18next';

const locale = () => (i18next.language === 'en' ? 'en-GB' : 'id-ID');

export const num = (value, digits = 0) =>
  value === null || value === undefined ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);

export const pct = (value) =>
  value === null || value === undefined ? '–' : `${value > 0 ? '+' : ''}${new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value)} %`;

export const idr = (value) =>
  value === null || value === undefined ? '–' : new Intl.NumberFormat(locale(), { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(value);

export const date = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)) : '–');

export const dateTime = (iso) => (iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '–');

/** "2026-11" as "November 2026" / "November 2026", "2026-Q4" and "2026" as they are. */
export function period(value) {
  if (/^\d{4}-\d{2}$/.test(value)) {
    const [y, m] = value.split('-').map(Number);
    return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));
  }
  if (/^\d{4}-Q\d$/.test(value)) return `${i18next.t('quarter')} ${value.slice(-1)} ${value.slice(0, 4)}`;
  return value;
}

export const periodShort = (value) => {
  if (!/^\d{4}-\d{2}$/.test(value)) return value;
  const [y, m] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 1));
};

const pad = (n) => String(n).padStart(2, '0');

/** The day of `when` on the user's clock (YYYY-MM-DD): a village's today is its own, not UTC's. */
export const localDay = (when = new Date()) => `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;

/** The month of `today` on the user's clock (YYYY-MM). */
export const thisMonth = (today = new Date()) => localDay(today).slice(0, 7);

/** The last complete month before `today`, on the user's clock (YYYY-MM). */
export function lastCompleteMonth(today = new Date()) {
  const d = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  return localDay(d).slice(0, 7);
}

/** The end of a day on the user's clock, as an instant (a key that lasts "until 30 June" ends then). */
export function endOfLocalDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59).toISOString().replace('.000Z', 'Z');
}

/** The period and the `count - 1` periods of the same kind before it, oldest first. */
export function periodsBefore(value, count) {
  const out = [];
  if (/^\d{4}-\d{2}$/.test(value)) {
    const [y, m] = value.split('-').map(Number);
    for (let i = count - 1; i >= 0; i -= 1) out.push(new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
  } else if (/^\d{4}-Q\d$/.test(value)) {
    const index = Number(value.slice(0, 4)) * 4 + Number(value.slice(-1)) - 1;
    for (let i = count - 1; i >= 0; i -= 1) out.push(`${Math.floor((index - i) / 4)}-Q${((index - i) % 4) + 1}`);
  } else {
    for (let i = count - 1; i >= 0; i -= 1) out.push(String(Number(value) - i));
  }
  return out;
}

/** Periods to choose from: the last 24 months, 8 quarters and 4 years before `today`. */
export function periodChoices(today = new Date()) {
  const month = thisMonth(today);
  const quarter = `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5)) - 1) / 3) + 1}`;
  return [...periodsBefore(month, 24).reverse(), ...periodsBefore(quarter, 8).reverse(), ...periodsBefore(month.slice(0, 4), 4).reverse()];
}
