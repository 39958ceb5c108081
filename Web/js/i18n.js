// Interface texts from Web/i18n/<language>.json, and dates and numbers formatted for the language.
//
// A catalog maps keys to strings with `{name}` placeholders, or to plural forms
// (`{"one": "…", "other": "…"}`) chosen with Intl.PluralRules on the `n` parameter.
// Workshop texts (titles, themes, questions) are not here: they come translated in the workshop.

export const LANGUAGES = ['fr', 'nl', 'en'];
/** Formatting locales: the product serves Belgian venues, so Belgian French and Dutch, British English. */
const LOCALES = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };
const catalogs = new Map();

export class Translator {
  constructor(language, catalog, fallback) {
    this.language = language;
    this.catalog = catalog;
    this.fallback = fallback || {};
    this.locale = LOCALES[language] || language;
    this.plurals = new Intl.PluralRules(this.locale);
    this.numbers = new Intl.NumberFormat(this.locale);
  }

  /** The text for `key`, with `{name}` replaced by `params.name` (numbers formatted). */
  t(key, params = {}) {
    let entry = this.catalog[key] ?? this.fallback[key];
    if (entry == null) return key;
    if (typeof entry === 'object') {
      const form = this.plurals.select(params.n ?? 0);
      entry = entry[form] ?? entry.other;
    }
    return entry.replace(/\{(\w+)\}/g, (whole, name) => {
      const value = params[name];
      if (value == null) return whole;
      return typeof value === 'number' ? this.numbers.format(value) : String(value);
    });
  }

  /** A number formatted for the language (1 234,5 in French). */
  number(value) {
    return this.numbers.format(value);
  }

  /** Hours and minutes of a server timestamp, in the workshop's time zone when given. */
  time(ms, timeZone) {
    try {
      return new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(ms);
    } catch {
      return new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit' }).format(ms);
    }
  }

  /** A calendar date (`YYYY-MM-DD` or a timestamp) written out for the language. */
  date(value) {
    const date = typeof value === 'string' ? new Date(`${value}T12:00:00Z`) : new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  }

  /** A planned `HH:MM` time written the way the language writes times. */
  clock(hhmm) {
    const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm || '');
    if (!match) return hhmm || '';
    const date = Date.UTC(2000, 0, 1, Number(match[1]), Number(match[2]));
    return new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(date);
  }

  /** The name of a language in this language (“néerlandais”). */
  languageName(code) {
    try {
      const name = new Intl.DisplayNames([this.language], { type: 'language' }).of(code);
      return name ? name.charAt(0).toLocaleUpperCase(this.language) + name.slice(1) : code;
    } catch {
      return code;
    }
  }
}

/** Countdown text: `12:05`, `1:02:03`, with a minus sign once overrun. */
export function formatCountdown(ms) {
  const negative = ms < 0;
  let seconds = Math.floor(Math.abs(ms) / 1000);
  if (!negative && ms % 1000 !== 0) seconds = Math.ceil(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (v) => String(v).padStart(2, '0');
  const text = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return negative ? `−${text}` : text;
}

async function loadCatalog(language) {
  if (!catalogs.has(language)) {
    // Beside this module: under the same `/v/<version>/` as the page's scripts, so cached as long.
    const url = new URL(`../i18n/${language}.json`, import.meta.url);
    catalogs.set(language, fetch(url).then((r) => (r.ok ? r.json() : {})).catch(() => ({})));
  }
  return catalogs.get(language);
}

/** A translator for `language` (falling back to English for missing keys). */
export async function translator(language) {
  const code = LANGUAGES.includes(language) ? language : 'en';
  const [catalog, fallback] = await Promise.all([loadCatalog(code), loadCatalog('en')]);
  return new Translator(code, catalog, fallback);
}

/** The first of the browser's preferred languages that has a catalog, among `offered` when given. */
export function preferredLanguage(offered = LANGUAGES) {
  const choices = offered.filter((code) => LANGUAGES.includes(code));
  for (const wanted of navigator.languages || [navigator.language || 'en']) {
    const base = wanted.toLowerCase().split('-')[0];
    if (choices.includes(base)) return base;
  }
  return choices[0] || 'en';
}
