// The full privacy notice (`/privacy.html?code=K7M2QX&lang=fr`): what is recorded, why, who sees
// what, how long names are kept and whom to ask, with the workshop's organiser, contact and
// retention read from the server's preview, so a link cannot make the page name someone else.

import { Connection, socketURL } from './connection.js';
import { h, replaceChildren } from './dom.js';
import { LANGUAGES, preferredLanguage, translator } from './i18n.js';
import { localized } from './model.js';
import { normaliseCode, storage } from './storage.js';

const params = new URLSearchParams(location.search);
const code = normaliseCode(params.get('code'));
const asked = params.get('lang');
const language = LANGUAGES.includes(asked) ? asked : storage.language() || preferredLanguage();

/** The workshop's preview, or null without a code or when the server does not know it. */
function preview() {
  if (!code) return Promise.resolve(null);
  const connection = new Connection(socketURL());
  return new Promise((resolve) => {
    connection.addEventListener('open', () => {
      connection.request('preview', { code }).then((ack) => resolve(ack.preview), () => resolve(null))
        .finally(() => connection.stop());
    });
    connection.start();
  });
}

const [t, workshop] = await Promise.all([translator(language), preview()]);
document.documentElement.lang = t.language;
document.title = `${t.t('privacy.pageTitle')} · atelier`;
const section = (title, text) => h('section', {}, h('h2', { text: title }), h('p', { text }));
const other = LANGUAGES.filter((l) => l !== t.language);
const languages = h('nav', { class: 'notice-languages', 'aria-label': t.t('join.language') }, other.map((l) => h('a', {
  href: `?${new URLSearchParams(code ? { code, lang: l } : { lang: l })}`, lang: l, hreflang: l,
  text: new Intl.DisplayNames([l], { type: 'language' }).of(l),
})));
const main = document.getElementById('main');
if (!workshop) {
  replaceChildren(main, languages, h('h1', { text: t.t('privacy.pageTitle') }), h('p', { text: t.t('privacy.noWorkshop') }),
    section(t.t('privacy.recordedTitle'), t.t('privacy.recorded')),
    section(t.t('privacy.seenTitle'), t.t('privacy.seenFull')));
} else {
  const { organiser, contact, retentionDays: n } = workshop;
  const title = localized(workshop.title, t.language, workshop.languages);
  replaceChildren(main, languages, h('h1', { text: t.t('privacy.pageTitle') }),
    h('p', { class: 'lead', text: t.t('privacy.for', { title, date: t.date(workshop.date) }) }),
    section(t.t('privacy.controllerTitle'), t.t('privacy.controller', { organiser, contact })),
    section(t.t('privacy.recordedTitle'), t.t('privacy.recorded')),
    section(t.t('privacy.purposeTitle'), t.t('privacy.purpose')),
    section(t.t('privacy.seenTitle'), t.t('privacy.seenFull')),
    section(t.t('privacy.keptTitle'), t.t('privacy.keptFull', { organiser, n })),
    section(t.t('privacy.rightsTitle'), t.t('privacy.rights', { contact })),
    h('p', {}, h('a', { href: `/?${new URLSearchParams({ code })}`, text: t.t('privacy.back') })));
}
