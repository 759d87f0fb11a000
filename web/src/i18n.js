// Indonesian first, English on request; the choice is remembered in localStorage.
import i18next from 'i18next';
import id from './locales/id.json';
import en from './locales/en.json';

const STORE = 'tpbis.lang';

export function startI18n() {
  const stored = localStorage.getItem(STORE);
  i18next.init({ lng: stored === 'en' ? 'en' : 'id', fallbackLng: 'id', resources: { id: { translation: id }, en: { translation: en } }, initAsync: false, interpolation: { escapeValue: false } });
  document.documentElement.lang = i18next.language;
  return i18next;
}

export function switchLanguage() {
  const next = i18next.language === 'en' ? 'id' : 'en';
  localStorage.setItem(STORE, next);
  i18next.changeLanguage(next);
  document.documentElement.lang = next;
  return next;
}
