// The presenter view (`/screen?code=…`), projected in the room: a big timer, the join link, its
// QR code and the code, live vote results as bars, and the recommendations with their final
// ranking. Each stage has its own layout that fits the screen without scrolling: while a vote or
// results are shown, the timer and join box shrink to a header band (body[data-stage]).
//
// It connects with the moderator key (so it sees every room's progress and every vote):
// from `#key=…` in the address (the fragment never reaches the server or a referrer), else
// typed once; after that the reconnect token kept in localStorage rejoins silently.

import { h, reconcile, replaceChildren, setText, show } from './dom.js';
import { preferredLanguage, translator } from './i18n.js';
import { LiveSession } from './session.js';
import { normaliseCode, storage } from './storage.js';
import { ConnectionBadge, itemValue, resultRows, roundTitle, setModeratorText, setWorkshopText, SlotClock, wt, wtProps } from './views/common.js';
import { LatestAnnouncement, TimeUpAlarm } from './views/screen-parts.js';

class ScreenApp {
  constructor(root) {
    this.root = root;
    this.live = new LiveSession({ kind: 'screen' });
    this.ctx = { live: this.live, model: this.live.model, clock: this.live.clock, t: null, toast: () => {}, render: () => this.render() };
  }

  async start() {
    const params = new URLSearchParams(location.search);
    this.code = normaliseCode(params.get('code')) || storage.lastCode() || '';
    const fragment = new URLSearchParams(location.hash.slice(1));
    this.key = fragment.get('key') || '';
    if (this.key) history.replaceState(null, '', location.pathname + location.search);
    const language = params.get('lang') || storage.language() || preferredLanguage();
    this.ctx.t = await translator(language);
    document.documentElement.lang = this.ctx.t.language;
    this.build();
    this.live.addEventListener('change', () => this.scheduleRender());
    this.live.addEventListener('ready', () => this.ready());
    this.live.addEventListener('lost', () => { this.needKey = true; this.render(); });
    this.live.start(this.code);
    this.needKey = !this.live.identity && !this.key;
    this.render();
    setInterval(() => {
      if (!this.live.model.session) return;
      this.clock.tick();
      this.alarm.update();
      this.announcements.update();
    }, 250);
  }

  ready() {
    if (this.key && this.code) this.authenticate(this.key);
    else { this.needKey = true; this.render(); }
  }

  async authenticate(key) {
    try {
      await this.live.moderate(key.trim(), this.ctx.t.t('screen.name'));
      this.needKey = false;
      this.keyError = null;
    } catch (error) {
      this.needKey = true;
      this.keyError = error.code === 'session.unknownCode' ? this.ctx.t.t('error.session.unknownCode') : this.ctx.t.t('screen.badKey');
    }
    this.key = '';
    this.render();
  }

  build() {
    this.clock = new SlotClock(this.ctx, { big: true });
    this.badge = new ConnectionBadge(this.ctx);
    this.title = h('h1', { class: 'screen-title' });
    this.joinUrl = h('p', { class: 'join-url' });
    this.joinCode = h('p', { class: 'join-code' });
    this.joinLabel = h('p', { class: 'join-label' });
    this.codeLabel = h('p', { class: 'join-label' });
    // The server's QR code and link carry the address participants reach, not this browser's.
    this.qr = h('img', { class: 'join-qr', alt: '', hidden: true });
    this.joinBox = h('aside', { class: 'join-box' }, this.qr,
      h('div', { class: 'join-text' }, this.joinLabel, this.joinUrl, this.codeLabel, this.joinCode));
    this.pausedBanner = h('p', { class: 'paused-banner', role: 'status', hidden: true });
    this.announcements = new LatestAnnouncement(this.ctx);
    this.alarm = new TimeUpAlarm(this.ctx);
    this.panel = h('section', { class: 'screen-panel', 'aria-live': 'polite' });
    this.description = h('p', { class: 'screen-description' });
    // One main landmark holds everything, so assistive technologies reach all of it (WCAG 1.3.1).
    this.layout = h('main', { class: 'screen-layout' },
      h('header', { class: 'screen-header' }, this.title, h('div', { class: 'screen-tools' }, this.alarm.el, this.badge.el)),
      h('div', { class: 'screen-top' }, h('div', { class: 'screen-clock' }, this.clock.el, this.description), this.joinBox),
      this.pausedBanner, this.announcements.el, h('section', { class: 'screen-main' }, this.panel));
  }

  /** The participants' link and its QR code, from the server, once a session is known. */
  async loadJoinLink(code) {
    this.linkFor = code;
    try {
      const answer = await fetch(`/join-link?code=${encodeURIComponent(code)}`);
      if (!answer.ok) return;
      this.joinLink = (await answer.json()).link;
      this.qr.src = `/qr.svg?code=${encodeURIComponent(code)}`;
      show(this.qr, true);
      this.render();
    } catch {
      this.linkFor = null;
    }
  }

  scheduleRender() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(); });
  }

  render() {
    const { t, model } = this.ctx;
    document.body.dataset.phase = model.session ? 'session' : this.needKey ? 'key' : 'loading';
    if (!model.session) {
      if (this.needKey) this.renderKeyForm();
      else replaceChildren(this.root, h('main', { class: 'card center' }, h('p', { class: 'spinner', 'aria-hidden': 'true' }), h('p', { text: t.t('session.connecting') })));
      return;
    }
    if (this.root.firstChild !== this.layout) replaceChildren(this.root, this.layout);
    setText(this.title, wt(this.ctx, model.workshop.title));
    document.title = `${wt(this.ctx, model.workshop.title)} · atelier`;
    this.badge.update();
    this.clock.update();
    const slot = model.currentSlot;
    setText(this.description, slot?.description ? wt(this.ctx, slot.description) : '');
    if (this.linkFor !== model.joinCode) this.loadJoinLink(model.joinCode);
    setText(this.joinLabel, t.t('screen.joinAt'));
    setText(this.joinUrl, (this.joinLink || '').replace(/^https?:\/\//, ''));
    this.qr.alt = t.t('screen.qr');
    setText(this.codeLabel, t.t('screen.code'));
    setText(this.joinCode, model.joinCode);
    setText(this.pausedBanner, t.t('screen.paused'));
    show(this.pausedBanner, model.status === 'paused');
    this.announcements.update();
    this.alarm.update();
    this.renderPanel();
  }

  renderKeyForm() {
    const { t } = this.ctx;
    if (this.root.querySelector('.key-form')) {
      const error = this.root.querySelector('.error');
      setText(error, this.keyError || '');
      show(error, !!this.keyError);
      return;
    }
    const code = h('input', { id: 'screen-code', type: 'text', value: this.code, autocomplete: 'off', required: true });
    const key = h('input', { id: 'screen-key', type: 'password', autocomplete: 'off', required: true });
    const error = h('p', { class: 'error', role: 'alert', hidden: !this.keyError, text: this.keyError || '' });
    const form = h('form', { class: 'card key-form' }, h('h1', { text: t.t('screen.title') }), h('p', { text: t.t('screen.keyIntro') }),
      h('div', { class: 'field' }, h('label', { for: 'screen-code', text: t.t('join.code') }), code),
      h('div', { class: 'field' }, h('label', { for: 'screen-key', text: t.t('screen.key') }), key),
      error, h('button', { type: 'submit', class: 'button primary wide', text: t.t('screen.show') }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const wanted = normaliseCode(code.value);
      if (wanted !== this.live.code) { this.live.code = wanted; this.code = wanted; }
      this.authenticate(key.value);
    });
    replaceChildren(this.root, h('main', { id: 'main' }, form));
  }

  /** What the room looks at: a vote in progress, results, the recommendations, or the rooms. */
  renderPanel() {
    const { model, t } = this.ctx;
    const slot = model.currentSlot;
    const rounds = model.roundsInOrder();
    const open = rounds.filter((r) => r.status === 'open').pop();
    const revealed = rounds.filter((r) => r.status === 'revealed' && r.slot === slot?.id && r.scope !== 'recommendations').pop();
    const recs = model.recommendationOrder.map((id) => model.recommendations.get(id)).filter(Boolean);
    const finalRound = model.finalRecommendationVote();
    let key;
    let build;
    let stage;
    if (open) {
      stage = 'vote';
      key = `open:${open.id}:${model.dotsPlaced(open)}:${this.voters(open)}:${this.electorate()}:${model.itemsOf(open, null).join(',')}`;
      build = () => this.liveVote(open);
    } else if (revealed && !(slot?.kind === 'synthesis' && recs.length)) {
      stage = 'results';
      key = `revealed:${revealed.id}`;
      build = () => h('div', {}, h('h2', { text: t.t('results.title', { what: roundTitle(this.ctx, revealed) }) }), this.ranked(revealed));
    } else if (recs.length) {
      stage = 'recommendations';
      key = `recs:${finalRound?.id || ''}:${recs.map((r) => r.id + JSON.stringify(r.text)).join('|')}:${t.language}`;
      build = () => (finalRound
        ? h('div', {}, h('h2', { text: t.t('plenary.final') }), this.ranked(finalRound))
        : h('div', {}, h('h2', { text: t.t('plenary.recommendations') }), h('ol', { class: 'screen-recs' },
          recs.map((rec) => h('li', {}, this.recText(rec),
            h('span', { class: 'rec-sources', text: model.recommendationRooms(rec).map((r) => wt(this.ctx, model.room(r)?.theme)).join(' · ') }))))));
    } else if (model.breakout) {
      stage = 'rooms';
      key = `rooms:${this.roomStats().map((s) => `${s.id}:${s.people}:${s.notes}`).join('|')}`;
      build = () => h('div', {}, h('h2', { text: t.t('screen.rooms') }), h('ul', { class: 'screen-rooms' },
        this.roomStats().map((s) => h('li', {}, h('span', { class: 'room-theme', text: wt(this.ctx, model.room(s.id)?.theme) }),
          h('span', { class: 'room-count', text: `${t.t('rooms.people', { n: s.people })} · ${t.t('screen.notes', { n: s.notes })}` })))));
    } else if (model.promoted.length) {
      stage = 'promoted';
      const groups = model.promoted.map((item) => ({ item, notes: model.notesOfPromoted(item) }));
      key = `promoted:${t.language}:${JSON.stringify(groups.map(({ item, notes }) => [item.id, notes.map((n) => [n.id, n.text])]))}`;
      build = () => this.promotedList(groups);
    } else {
      stage = 'programme';
      key = `programme:${slot?.id}`;
      build = () => h('div', {}, h('h2', { text: t.t('programme.title') }), h('ol', { class: 'screen-programme' },
        model.workshop.agenda.map((s) => h('li', { class: s.id === slot?.id ? 'current' : null },
          h('span', { class: 'start', text: s.start ? t.clock(s.start) : '' }), h('span', { text: wt(this.ctx, s.title) })))));
    }
    document.body.dataset.stage = stage;
    if (this.panelKey !== key) {
      replaceChildren(this.panel, build());
      this.panelKey = key;
    }
  }

  /** Every ranked row; past six in all (a board vote is ranked room by room) they go in two
   * columns so all of them fit the screen. */
  ranked(round) {
    const rows = resultRows(this.ctx, round);
    const lists = rows.matches('ol') ? [rows] : Array.from(rows.querySelectorAll('ol.results'));
    const count = lists.reduce((total, list) => total + list.children.length, 0);
    for (const list of lists) list.classList.toggle('many', count > 6);
    return rows;
  }

  /** What went up to the plenary, a promoted group with its notes' texts under its name; past
   * eight lines in all they go in two columns so all of them fit the screen. */
  promotedList(groups) {
    const { model, t } = this.ctx;
    const lines = groups.reduce((total, group) => total + 1 + group.notes.length, 0);
    return h('div', {}, h('h2', { text: t.t('plenary.promoted') }), h('ul', { class: ['screen-promoted', lines > 8 && 'many'] },
      groups.map(({ item, notes }) => h('li', {}, h('span', { class: 'rec-text', text: item.text }),
        notes.length > 0 && h('ul', { class: 'promoted-notes' },
          notes.map((note) => h('li', { class: 'promoted-note', text: model.noteText(note, t.language) }))),
        h('span', { class: 'rec-sources', text: wt(this.ctx, model.room(model.roomOfBoard(item.board))?.theme) || t.t('board.plenary') })))));
  }

  /** Participants (not moderators nor this screen) connected now: those who may vote. */
  electorate() {
    return Array.from(this.ctx.model.participants.values()).filter((p) => p.active && !p.isModerator).length;
  }

  /** People who have at least one dot in the round (hidden rounds too: the dot's item is blank). */
  /** A recommendation's text in the screen's language, else the original with its `lang`. */
  recText(rec) {
    const el = h('span', { class: 'rec-text' });
    setModeratorText(this.ctx, el, rec.text);
    return el;
  }

  voters(round) {
    return Array.from(round.dots.values()).filter((m) => Array.from(m.values()).some((c) => c > 0)).length;
  }

  roomStats() {
    const { model } = this.ctx;
    const breakout = model.breakout;
    if (!breakout) return [];
    return breakout.rooms.map((id) => ({
      id,
      people: model.peopleIn(id),
      notes: model.notesOf(`${breakout.slot}/${id}`).length,
    }));
  }

  /** A vote in progress: who has voted, and the options (with live totals unless hidden). */
  liveVote(round) {
    const { model, t } = this.ctx;
    const voted = t.t('screen.voted', { n: this.voters(round), total: this.electorate() });
    const parts = [h('h2', { text: roundTitle(this.ctx, round) }),
      h('p', { class: 'vote-progress' }, h('span', { text: voted }), h('span', { class: 'dots-placed', text: t.t('screen.dotsPlaced', { n: model.dotsPlaced(round) }) }))];
    if (!round.hidden) {
      parts.push(this.ranked(round));
    } else {
      const items = model.itemsOf(round, null);
      parts.push(h('p', { class: 'hint big-hint', text: t.t('screen.hidden') }),
        h('ol', { class: ['vote-options', items.length > 6 && 'many'] },
          items.map((id) => h('li', { dataset: { item: id }, ...wtProps(this.ctx, itemValue(this.ctx, id)) }))));
    }
    return h('div', {}, parts);
  }
}

const app = new ScreenApp(document.getElementById('app'));
app.start();
window.atelier = app;
