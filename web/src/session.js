// The access key lives only in sessionStorage: gone when the tab closes or the user signs out.
const KEY = 'tpbis.key';

export const getKey = () => sessionStorage.getItem(KEY);
export const setKey = (secret) => sessionStorage.setItem(KEY, secret);
export const forget = () => sessionStorage.removeItem(KEY);

/** What each role may do in the app (the API checks it again on every call). */
export const PAGES = {
  platform_admin: ['national', 'admin'],
  national_viewer: ['national'],
  district_admin: ['villages', 'keys', 'reports', 'indicators', 'commitments'],
  operator: ['villages', 'reports', 'indicators', 'commitments'],
  viewer: ['villages', 'reports', 'indicators', 'commitments'],
};

export const can = {
  manage: (me) => me?.role === 'district_admin',
  correct: (me) => me?.role === 'district_admin' || me?.role === 'operator',
  administer: (me) => me?.role === 'platform_admin',
};

/** Open a page of the app (hash routes: #/name/arg). */
export const go = (name, arg) => { window.location.hash = `#/${name}${arg ? `/${arg}` : ''}`; };
