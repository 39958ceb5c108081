// Pieces both pages show: the slot and its countdown, the connection state, announcements,
// the programme, vote results as bars.

import { h, reconcile, setText, show } from '../dom.js';
import { formatCountdown } from '../i18n.js';
import { localized, localizedEntry, PLENARY } from '../model.js';

/** The workshop text of `value` in the reader's language. */
export function wt(ctx, value) {
  return localized(value, ctx.t.language, ctx.model.workshop?.languages || []);
}

/**
 * Props for `h()` showing a workshop text: its text, and its `lang` when it is written in another
 * language than the interface's (a translation the workshop lacks), so it is read out in its own.
 */
export function wtProps(ctx, value, languages = ctx.model.workshop?.languages || []) {
  const { text, lang } = localizedEntry(value, ctx.t.language, languages);
  return { text, lang: lang && lang !== ctx.t.language ? lang : null };
}

/** Sets `el` to a workshop text (or an interface string), with its `lang` as `wtProps` gives it. */
export function setWorkshopText(ctx, el, value, languages) {
  const { text, lang } = wtProps(ctx, value, languages);
  setText(el, text);
  if (lang) el.setAttribute('lang', lang); else el.removeAttribute('lang');
}

/**
 * A moderator's text (an announcement, a recommendation) as workshop texts are taken: given once,
 * it is the original, written in the workshop's first language, as its empty key is when given
 * per language.
 */
function moderatorValue(value) {
  return typeof value === 'string' ? { '': value } : value;
}

/** Sets `el` to a moderator's text, in the reader's language else the original with its `lang`. */
export function setModeratorText(ctx, el, value) {
  setWorkshopText(ctx, el, moderatorValue(value));
}

/**
 * A vote item's text as `wtProps` and `setWorkshopText` take it: a recommendation's translations
 * (so its `lang` follows), else the note's or plenary item's text, else its id.
 */
export function itemValue(ctx, id) {
  const rec = ctx.model.recommendations.get(id);
  return rec ? moderatorValue(rec.text) : ctx.model.itemText(id, ctx.t.language) ?? id;
}

/** Current slot title and a countdown that follows the server clock. */
export class SlotClock {
  constructor(ctx, { big = false } = {}) {
    this.ctx = ctx;
    this.title = h('span', { class: 'slot-title' });
    this.countdown = h('span', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
    this.closing = h('span', { class: 'rooms-closing', hidden: true });
    this.el = h('div', { class: ['slot-clock', big && 'big'] }, this.title, this.countdown, this.closing);
  }

  update() {
    const { model, t } = this.ctx;
    const slot = model.currentSlot;
    if (model.status === 'ended') setWorkshopText(this.ctx, this.title, t.t('session.ended'));
    else if (!slot) setWorkshopText(this.ctx, this.title, model.status === 'created' ? t.t('session.notStarted') : t.t('session.between'));
    else setWorkshopText(this.ctx, this.title, slot.title);
    this.tick();
  }

  tick() {
    const { model, t, clock } = this.ctx;
    const now = clock.now();
    const remaining = model.currentSlot && model.status !== 'ended' ? model.remaining(now) : null;
    show(this.countdown, remaining != null);
    if (remaining != null) {
      const paused = model.status === 'paused';
      setText(this.countdown, formatCountdown(remaining));
      this.countdown.classList.toggle('overrun', remaining < 0);
      this.countdown.classList.toggle('soon', remaining >= 0 && remaining < 60000);
      this.countdown.classList.toggle('paused', paused);
      const label = paused ? t.t('clock.paused', { time: formatCountdown(remaining) })
        : remaining < 0 ? t.t('clock.overrun', { time: formatCountdown(-remaining) })
          : t.t('clock.left', { time: formatCountdown(remaining) });
      this.countdown.setAttribute('aria-label', label);
      this.countdown.title = label;
    }
    const closingIn = model.roomsClosingIn(now);
    show(this.closing, closingIn != null);
    if (closingIn != null) {
      const key = model.breakout.closingWhenPaused != null ? 'rooms.closingPaused' : 'rooms.closingIn';
      setText(this.closing, t.t(key, { time: formatCountdown(closingIn) }));
    }
  }
}

/** Online / reconnecting / offline, with the number of changes waiting to be sent. */
export class ConnectionBadge {
  constructor(ctx) {
    this.ctx = ctx;
    this.label = h('span', { class: 'label' });
    this.el = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), this.label);
  }

  update() {
    const { live, t } = this.ctx;
    const status = live.status;
    const waiting = live.outbox?.size || 0;
    this.el.dataset.state = status;
    let text = t.t(`connection.${status}`);
    if (waiting && status !== 'online') text += ` · ${t.t('connection.waiting', { n: waiting })}`;
    setText(this.label, text);
  }
}

/** Messages from the moderators, newest first; the newest is highlighted. */
export class Announcements {
  constructor(ctx) {
    this.ctx = ctx;
    this.list = h('ul', { class: 'announcement-list' });
    this.el = h('section', { class: 'announcements', 'aria-label': '', role: 'log', 'aria-live': 'polite' }, this.list);
  }

  update() {
    const { model, t } = this.ctx;
    this.el.setAttribute('aria-label', t.t('announcements.title'));
    const items = model.announcements.slice().reverse().slice(0, 3);
    show(this.el, items.length > 0);
    const timeZone = model.workshop?.timezone;
    reconcile(this.list, items, (a) => a.id, () => h('li', {},
      h('span', { class: 'text' }), h('time', { class: 'when' })), (el, a) => {
      setModeratorText(this.ctx, el.querySelector('.text'), a.text);
      setText(el.querySelector('.when'), t.time(a.at, timeZone));
      el.classList.toggle('latest', a === items[0]);
    });
  }
}

/** The programme with planned times; the running slot is marked. */
export class Programme {
  constructor(ctx) {
    this.ctx = ctx;
    this.summary = h('summary', {});
    this.list = h('ol', { class: 'programme-list' });
    this.el = h('details', { class: 'programme card' }, this.summary, this.list);
  }

  update() {
    const { model, t } = this.ctx;
    const workshop = model.workshop;
    show(this.el, !!workshop);
    if (!workshop) return;
    setText(this.summary, t.t('programme.title'));
    const current = model.currentSlot?.id;
    reconcile(this.list, workshop.agenda, (s) => s.id, () => h('li', {},
      h('span', { class: 'start' }), h('span', { class: 'name' }), h('span', { class: 'minutes' })), (el, slot) => {
      setText(el.querySelector('.start'), slot.start ? t.clock(slot.start) : '');
      setText(el.querySelector('.name'), wt(this.ctx, slot.title));
      setText(el.querySelector('.minutes'), t.t('programme.minutes', { n: slot.minutes }));
      el.classList.toggle('current', slot.id === current);
      if (slot.id === current) el.setAttribute('aria-current', 'step'); else el.removeAttribute('aria-current');
    });
  }
}

/**
 * A ranked result: one row per item with a bar proportional to its dots; a board vote is ranked
 * room by room, each under the room's name.
 */
export function resultRows(ctx, round, { limit } = {}) {
  const { model } = ctx;
  const rooms = model.resultsByRoom(round);
  if (!rooms) return rankedList(ctx, model.results(round), limit);
  return h('div', { class: 'room-results' }, rooms.map(({ room, lines }) => h('section', { class: 'room-result', dataset: { room } },
    room === PLENARY ? null : h('h3', { class: 'room-result-title', text: wt(ctx, model.room(room)?.theme) || room }),
    rankedList(ctx, lines, limit))));
}

function rankedList(ctx, lines, limit) {
  const { t } = ctx;
  const ranked = limit ? lines.slice(0, limit) : lines;
  const top = Math.max(1, ...ranked.map((r) => r.dots));
  return h('ol', { class: 'results' }, ranked.map((line) => {
    const bar = h('span', { class: 'fill' });
    bar.style.width = `${Math.round((line.dots / top) * 100)}%`;
    return h('li', { class: ['result', line.rank === 1 && line.dots > 0 && 'winner'], dataset: { item: line.item } },
      h('span', { class: 'rank', text: t.t('results.rank', { n: line.rank }) }),
      h('span', { class: 'result-text', ...wtProps(ctx, itemValue(ctx, line.item)) }),
      h('span', { class: 'bar', 'aria-hidden': 'true' }, bar),
      h('span', { class: 'result-dots', text: t.t('vote.dots', { n: line.dots }) }));
  }));
}

/** What a round is about, in words. */
export function roundTitle(ctx, round) {
  return ctx.t.t(`vote.scope.${round.scope}`);
}
