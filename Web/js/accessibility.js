// The accessibility statement (/accessibility), after the EU model statement (Commission
// Implementing Decision (EU) 2018/1523): compliance status, what is not accessible, how the
// statement was prepared (what was tested and how), feedback and contact, enforcement.
// Its texts are catalog keys `statement.*`, in the language of `?lang=`, else the reader's.

import { h, replaceChildren } from './dom.js';
import { LANGUAGES, preferredLanguage, translator } from './i18n.js';
import { storage } from './storage.js';

const SECTIONS = [
  ['status', ['text']],
  ['gaps', ['1', '2', '3', '4']],
  ['tested', ['1', '2', '3', '4', '5']],
  ['preparation', ['text']],
  ['feedback', ['text']],
  ['enforcement', ['text']],
];

async function show() {
  const asked = new URLSearchParams(location.search).get('lang');
  const language = LANGUAGES.includes(asked) ? asked : storage.language() || preferredLanguage();
  const t = await translator(language);
  document.documentElement.lang = language;
  document.title = `${t.t('statement.title')} · atelier`;
  const languages = h('nav', { class: 'statement-languages', 'aria-label': t.t('join.language') },
    LANGUAGES.map((code) => h('a', { href: `?lang=${code}`, lang: code, class: 'link', 'aria-current': code === language ? 'page' : null,
      text: new Intl.DisplayNames([code], { type: 'language' }).of(code) })));
  const sections = SECTIONS.map(([name, parts]) => {
    const texts = parts.map((part) => t.t(`statement.${name}.${part}`));
    return h('section', {}, h('h2', { text: t.t(`statement.${name}.title`) }),
      parts.length > 1 ? h('ul', {}, texts.map((text) => h('li', { text }))) : h('p', { text: texts[0] }));
  });
  replaceChildren(document.getElementById('main'), languages, h('h1', { text: t.t('statement.title') }),
    h('p', { class: 'lead', text: t.t('statement.intro') }), sections,
    h('p', {}, h('a', { href: '/', class: 'link', text: t.t('statement.back') })));
}

show();
