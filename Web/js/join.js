// The join form: the session's code, then what the workshop offers (roles, languages) and what is
// recorded (the privacy notice), then `join`. It asks the page (`host`) to change the interface's
// language, to render, and to enter the session once joined.

import { h, markInvalid, replaceChildren, setText } from './dom.js';
import { LANGUAGES, preferredLanguage } from './i18n.js';
import { normaliseCode, storage } from './storage.js';
import { setWorkshopText, wtProps } from './views/common.js';

export class JoinForm {
  /**
   * `host` gives `ctx`, `live`, `main`, `setLanguage(code, options)`, `render()`, `errorText(error)`
   * and `joined()`.
   */
  constructor(host, code) {
    this.host = host;
    this.code = code;
    /** The session's `preview` once the code is known; null while the code is asked. */
    this.preview = null;
    this.error = null;
    this.checking = false;
    this.form = null;
  }

  /** Looks the code up when the form waits for it and has one (a link, the last session). */
  lookupIfNeeded() {
    if (this.code && !this.preview && !this.checking) this.lookup(this.code);
  }

  /** Back to the code: the session was lost (`error` says why when the code itself is unknown). */
  reset(error = null) {
    this.preview = null;
    this.form = null;
    this.error = error;
  }

  async lookup(code) {
    const { live, ctx } = this.host;
    this.checking = true;
    this.error = null;
    this.host.render();
    try {
      this.preview = await live.lookup(code);
      this.code = live.code;
      // The form's language control is the interface's: it starts on a language the workshop offers.
      const offered = this.preview.languages;
      if (offered.some((code) => LANGUAGES.includes(code)) && !offered.includes(ctx.t.language)) {
        await this.host.setLanguage(preferredLanguage(offered), { send: false });
      }
    } catch (error) {
      this.preview = null;
      this.error = error.code?.startsWith('connection.') ? null : error;
    } finally {
      this.checking = false;
      this.host.render();
      this.focus();
    }
  }

  focus() {
    const target = this.host.main.querySelector(this.preview ? '#join-name' : '#join-code');
    if (target && document.activeElement === document.body) target.focus();
  }

  render() {
    const { ctx } = this.host;
    const { t } = ctx;
    if (this.form && this.form.dataset.lang === t.language && this.form.dataset.state === this.state()) {
      return;
    }
    const saved = this.form ? this.read() : storage.profile();
    const form = h('form', { class: 'join card', novalidate: true, dataset: { lang: t.language, state: this.state() } });
    const title = h('h1', { text: t.t('join.title') });
    form.append(title);
    if (!this.preview) {
      form.append(h('p', { class: 'lead', text: t.t('join.intro') }));
      const input = h('input', { id: 'join-code', name: 'code', type: 'text', autocomplete: 'off', autocapitalize: 'characters',
        spellcheck: false, maxlength: 16, required: true, class: 'code-input', value: this.code || '' });
      form.append(field(t.t('join.code'), input, t.t('join.codeHint')));
      if (this.error) form.append(h('p', { class: 'error', role: 'alert', text: this.host.errorText(this.error) }));
      const button = h('button', { type: 'submit', class: 'button primary wide', disabled: this.checking,
        text: this.checking ? t.t('join.checking') : t.t('join.continue') });
      form.append(button);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const code = normaliseCode(input.value);
        if (!code) { markInvalid(input, t.t('join.needCode')); input.focus(); return; }
        this.code = code;
        this.host.live.code = code;
        this.lookup(code);
      });
    } else {
      const { roles, languages, title: workshopTitle, organiser } = this.preview;
      const text = (value) => wtProps(ctx, value, languages);
      setWorkshopText(ctx, title, workshopTitle, languages);
      form.append(h('p', { class: 'lead', text: organiser }));
      if (this.preview.description) form.append(h('p', text(this.preview.description)));
      form.append(h('p', { class: 'code-chip' }, t.t('join.session'), ' ', h('strong', { text: this.code }), ' ',
        h('button', { type: 'button', class: 'link', text: t.t('join.changeCode'), onclick: () => {
          this.preview = null; this.host.render(); this.host.main.querySelector('#join-code')?.focus();
        } })));
      const name = h('input', { id: 'join-name', name: 'name', type: 'text', autocomplete: 'name', maxlength: 80, required: true, value: saved.name || '' });
      const role = h('select', { id: 'join-role', name: 'role', required: true },
        h('option', { value: '', text: t.t('join.rolePick') }),
        roles.map((r) => h('option', { value: r.id, ...text(r.label), selected: saved.role === r.id })));
      const organisation = h('input', { id: 'join-organisation', name: 'organisation', type: 'text', autocomplete: 'organization', maxlength: 120, value: saved.organisation || '' });
      const language = h('select', { id: 'join-language', name: 'language' },
        languages.map((code) => h('option', { value: code, selected: code === (LANGUAGES.includes(t.language) && languages.includes(t.language) ? t.language : languages[0]),
          text: new Intl.DisplayNames([code], { type: 'language' }).of(code) })));
      language.addEventListener('change', () => this.host.setLanguage(language.value, { send: false }));
      form.append(
        field(t.t('join.name'), name),
        field(t.t('join.role'), role),
        field(t.t('join.organisation'), organisation, t.t('join.optional')),
        field(t.t('join.language'), language));
      form.append(this.privacyNotice());
      this.joinError = h('p', { class: 'error', role: 'alert', hidden: true });
      const button = h('button', { type: 'submit', class: 'button primary wide', text: t.t('join.submit') });
      form.append(this.joinError, button);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        this.submit();
      });
    }
    this.form = form;
    replaceChildren(this.host.main, form);
  }

  /** What is recorded, who sees it, how long names are kept and whom to ask: told before anyone gives a name. */
  privacyNotice() {
    const { t } = this.host.ctx;
    const { organiser, contact, retentionDays } = this.preview;
    const page = `/privacy.html?${new URLSearchParams({ code: this.code, lang: t.language })}`;
    return h('section', { class: 'privacy-notice', 'aria-labelledby': 'privacy-title' },
      h('h2', { id: 'privacy-title', text: t.t('privacy.title') }),
      h('ul', {},
        h('li', { text: t.t('privacy.kept') }),
        h('li', { text: t.t('privacy.seen') }),
        h('li', { text: t.t('privacy.retention', { organiser, n: retentionDays }) }),
        h('li', { text: t.t('privacy.contact', { contact }) })),
      h('a', { href: page, class: 'privacy-link', text: t.t('privacy.more') }));
  }

  state() {
    return this.preview ? 'details' : this.checking ? 'checking' : `code:${this.error?.code || ''}`;
  }

  read() {
    const value = (id) => this.form.querySelector(`#${id}`)?.value ?? '';
    return { name: value('join-name'), role: value('join-role'), organisation: value('join-organisation') };
  }

  async submit() {
    const { ctx, live } = this.host;
    const { t } = ctx;
    const details = this.read();
    const language = this.form.querySelector('#join-language')?.value || t.language;
    const problems = [];
    if (!details.name.trim()) problems.push(['join-name', t.t('join.needName')]);
    if (!details.role) problems.push(['join-role', t.t('join.needRole')]);
    if (problems.length) {
      for (const [id, message] of problems) markInvalid(this.form.querySelector(`#${id}`), message);
      this.form.querySelector(`#${problems[0][0]}`).focus();
      return;
    }
    storage.saveProfile(details);
    const button = this.form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await live.join({
        name: details.name.trim(), role: details.role,
        organisation: details.organisation.trim() || null, language,
      });
      live.identity.language = ctx.t.language;
      storage.saveIdentity(live.code, live.identity);
      const url = new URL(location.href);
      url.searchParams.set('code', live.code);
      history.replaceState(null, '', url);
      this.form = null;
      this.host.joined();
    } catch (error) {
      button.disabled = false;
      this.joinError.hidden = false;
      setText(this.joinError, this.host.errorText(error));
    }
  }
}

/** A labelled form field with an optional hint. */
function field(label, control, hint) {
  const hintEl = hint ? h('span', { class: 'hint', id: `${control.id}-hint`, text: hint }) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, text: label }), control, hintEl);
}
