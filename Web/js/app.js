// The participant page: join, then follow the session live (slot and countdown, announcements,
// the room's board, dot votes, the plenary synthesis).

import { h, replaceChildren, setText, show } from './dom.js';
import { LANGUAGES, preferredLanguage, translator } from './i18n.js';
import { JoinForm } from './join.js';
import { LiveSession } from './session.js';
import { normaliseCode, storage } from './storage.js';
import { BoardView } from './views/board.js';
import { DraftsView } from './views/drafts.js';
import { Announcements, ConnectionBadge, Programme, SlotClock, setWorkshopText, wt, wtProps } from './views/common.js';
import { PlenaryView } from './views/plenary.js';
import { VoteView } from './views/vote.js';

/** Registers the offline app shell (Web/sw.js) and hands it what this page loaded before it ran. */
async function keepOffline() {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    const loaded = performance.getEntriesByType('resource').map((entry) => entry.name);
    registration.active?.postMessage({ keep: [location.href, ...loaded] });
  } catch {
    // Without a service worker the page works as before, online only.
  }
}

class ParticipantApp {
  constructor(root) {
    this.root = root;
    this.live = new LiveSession({ kind: 'participant' });
    this.ctx = {
      live: this.live,
      model: this.live.model,
      clock: this.live.clock,
      t: null,
      toast: (text) => this.toast(text),
      render: () => this.render(),
      act: (command) => this.act(command),
    };
    this.phase = 'loading';
  }

  /** The session's join code: from the link, else the last session, else as typed on the join form. */
  get code() { return this.join.code; }

  async start() {
    const params = new URLSearchParams(location.search);
    const linked = normaliseCode(params.get('code'));
    this.join = new JoinForm(this, linked || storage.lastCode() || '');
    const stored = this.code ? storage.identity(this.code) : null;
    // The websocket's handshake goes while the interface's texts load: a round trip less on a slow
    // link before the join form (or the session) shows. The session waits for the page to listen.
    let listening;
    this.live.start(this.code, new Promise((resolve) => { listening = resolve; }));
    await this.setLanguage(stored?.language || storage.language() || preferredLanguage(), { send: false });
    this.buildShell();
    this.live.addEventListener('change', () => this.scheduleRender());
    this.live.addEventListener('ready', () => { if (this.phase === 'join') this.join.lookupIfNeeded(); });
    this.live.addEventListener('lost', (event) => this.lost(event.detail));
    this.live.addEventListener('refused', (event) => this.refused(event.detail.error));
    this.live.addEventListener('joined', () => { this.phase = 'session'; this.scheduleRender(); });
    this.phase = stored?.token ? 'session' : 'join';
    listening();
    this.render();
    setInterval(() => this.tick(), 250);
    keepOffline();
  }

  async setLanguage(language, { send = true } = {}) {
    const code = LANGUAGES.includes(language) ? language : 'en';
    this.ctx.t = await translator(code);
    document.documentElement.lang = code;
    storage.saveLanguage(code);
    if (this.live.identity) {
      this.live.identity.language = code;
      storage.saveIdentity(this.live.code, this.live.identity);
    }
    const offered = this.live.model.workshop?.languages || [];
    if (send && this.live.synced && offered.includes(code) && this.live.model.mine?.language !== code) {
      this.live.send({ setLanguage: { language: code } }).catch(() => {});
    }
    this.render();
  }

  // MARK: Shell

  buildShell() {
    this.skip = h('a', { href: '#main', class: 'skip-link' });
    // The workshop's title is the page's heading (WCAG 2.4.6); phones hide it from sight only.
    this.brand = h('h1', { class: 'brand-title' });
    this.clock = new SlotClock(this.ctx);
    this.badge = new ConnectionBadge(this.ctx);
    this.languageSelect = h('select', { id: 'language', class: 'language-select' });
    this.languageLabel = h('label', { for: 'language', class: 'visually-hidden' });
    this.languageSelect.addEventListener('change', () => this.setLanguage(this.languageSelect.value));
    this.header = h('header', { class: 'topbar' },
      h('div', { class: 'topbar-row' }, h('span', { class: 'logo', 'aria-hidden': 'true', text: '◆' }), this.brand,
        h('span', { class: 'spacer' }), this.badge.el, this.languageLabel, this.languageSelect),
      this.clock.el);
    this.announcements = new Announcements(this.ctx);
    this.main = h('main', { id: 'main', tabindex: '-1' });
    this.toasts = h('div', { class: 'toasts', role: 'alert', 'aria-live': 'assertive' });
    this.footer = h('footer', { class: 'footer' });
    replaceChildren(this.root, this.skip, this.header, this.announcements.el, this.main, this.footer, this.toasts);
    this.programme = new Programme(this.ctx);
    this.plenary = new PlenaryView(this.ctx);
    this.drafts = new DraftsView(this.ctx);
    this.stage = h('div', { class: 'stage' });
    this.votes = h('div', { class: 'votes' });
    this.boardView = null;
    this.voteViews = new Map();
  }

  scheduleRender() {
    if (this.renderScheduled) return;
    this.renderScheduled = true;
    requestAnimationFrame(() => {
      this.renderScheduled = false;
      this.render();
    });
  }

  tick() {
    if (this.phase === 'session') this.clock.tick();
  }

  render() {
    if (!this.header) return;
    const { t, model } = this.ctx;
    setText(this.skip, t.t('a11y.skip'));
    setText(this.languageLabel, t.t('join.language'));
    this.renderLanguageOptions();
    setWorkshopText(this.ctx, this.brand, model.workshop ? model.workshop.title : 'atelier');
    document.title = model.workshop ? `${wt(this.ctx, model.workshop.title)} · atelier` : 'atelier';
    this.badge.update();
    document.body.dataset.phase = this.phase;
    document.body.dataset.participant = this.live.identity?.participant || '';
    document.body.dataset.connection = this.live.status;
    // On the join form its own language control (the workshop's languages) is the only one.
    const joinDetails = this.phase === 'join' && !!this.join.preview;
    show(this.languageSelect, !joinDetails);
    if (this.phase === 'join') {
      show(this.clock.el, false);
      show(this.announcements.el, false);
      this.join.render();
      replaceChildren(this.footer, this.statementLink());
      return;
    }
    show(this.clock.el, true);
    this.clock.update();
    this.announcements.update();
    if (!this.live.model.session) {
      this.renderWaiting();
      return;
    }
    this.renderSession();
  }

  /** The link to the accessibility statement, in the reader's language (one element, kept). */
  statementLink() {
    const { t } = this.ctx;
    this.statement ??= h('a', { class: 'link' });
    this.statement.href = `/accessibility?lang=${t.language}`;
    setText(this.statement, t.t('statement.link'));
    return this.statement;
  }

  renderLanguageOptions() {
    const { t, model } = this.ctx;
    const offered = model.workshop?.languages || this.join.preview?.languages || [];
    const codes = Array.from(new Set([...offered.filter((c) => LANGUAGES.includes(c)), ...LANGUAGES]));
    const key = codes.join(',') + t.language;
    if (this.languageSelect.dataset.key === key) return;
    this.languageSelect.dataset.key = key;
    replaceChildren(this.languageSelect, codes.map((code) => {
      const name = new Intl.DisplayNames([code], { type: 'language' }).of(code) || code;
      return h('option', { value: code, selected: code === t.language, text: code.toUpperCase(), 'aria-label': name, title: name });
    }));
    this.languageSelect.value = t.language;
  }

  renderWaiting() {
    const { t } = this.ctx;
    // Offline after a reload the session is not known yet, but what waits in the outbox is.
    const waiting = (this.live.outbox?.entries || []).map((e) => e.command.addNote?.text || e.command.addComment?.text).filter(Boolean);
    replaceChildren(this.main, h('section', { class: 'card center' },
      h('p', { class: 'spinner', 'aria-hidden': 'true' }), h('p', { text: t.t('session.connecting') })),
    waiting.length ? h('section', { class: 'card outbox-waiting' }, h('h2', { text: t.t('offline.waiting', { n: waiting.length }) }),
      h('ul', {}, waiting.map((text) => h('li', { text })))) : []);
  }

  /** Entered the session from the join form. */
  joined() {
    this.phase = 'session';
    this.render();
    this.main.focus();
  }

  lost(error) {
    this.phase = 'join';
    this.join.reset(error.code === 'session.unknownCode' ? error : null);
    this.toast(this.ctx.t.t('join.lost'));
    this.render();
    if (error.code !== 'session.unknownCode') this.join.lookup(this.code);
  }

  // MARK: Session

  renderSession() {
    const { model, t } = this.ctx;
    const me = model.mine;
    this.renderStage();
    this.renderVotes();
    this.plenary.update();
    this.programme.update();
    this.drafts.update();
    // Once the session has ended, the page is its result: the recommendations, no programme.
    const ended = model.status === 'ended';
    const children = [this.drafts.el, this.votes, this.stage, this.plenary.el, ended ? null : this.programme.el].filter(Boolean);
    if (Array.from(this.main.children).some((c, i) => c !== children[i]) || this.main.children.length !== children.length) {
      replaceChildren(this.main, children);
    }
    if (me) {
      const role = model.role(me.role);
      const room = me.room ? model.room(me.room) : null;
      const parts = [me.name, role ? wt(this.ctx, role.label) : null, me.organisation,
        room ? t.t('footer.room', { room: wt(this.ctx, room.theme) }) : null,
        me.facilitates ? t.t('footer.facilitator') : null].filter(Boolean);
      if (!this.footerText) {
        this.footerText = h('span', { class: 'me' });
        this.leaveButton = h('button', { type: 'button', class: 'link', onclick: () => this.leave() });
      }
      setText(this.footerText, parts.join(' · '));
      setText(this.leaveButton, t.t('footer.leave'));
      const footer = ended ? [this.footerText, this.statementLink()] : [this.footerText, this.leaveButton];
      if (Array.from(this.footer.children).some((c, i) => c !== footer[i]) || this.footer.children.length !== footer.length) {
        replaceChildren(this.footer, footer);
      }
    }
  }

  renderStage() {
    const { model, t } = this.ctx;
    const slot = model.currentSlot;
    const me = model.mine;
    let key;
    let build;
    let closed = false;
    if (model.status === 'created') {
      key = 'before';
      build = () => this.infoCard(model.workshop.title, [
        model.workshop.description,
        t.t('session.dateBy', { date: t.date(model.workshop.date), organiser: model.workshop.organiser }),
        t.t('session.startsSoon')]);
    } else if (model.status === 'ended') {
      key = 'ended';
      build = () => this.endedCard();
    } else if (slot?.kind === 'breakout') {
      const open = model.breakout && model.breakout.slot === slot.id;
      const board = model.currentBoard();
      if (board) {
        key = `board:${board}`;
      } else if (!open && model.closedBreakouts.has(slot.id)) {
        const rooms = model.roomsOf(slot);
        if (!rooms.includes(this.browsingRoom)) this.browsingRoom = rooms.includes(me?.lastRoom) ? me.lastRoom : rooms[0];
        key = `board:${slot.id}/${this.browsingRoom}`;
        closed = true;
      } else if (!open) {
        key = `rooms-soon:${slot.id}`;
        build = () => this.roomsList(t.t('rooms.soon'), false);
      } else if (model.breakout.mode === 'self' && !me?.isModerator) {
        key = `pick:${slot.id}`;
        build = () => this.roomsList(t.t('rooms.pick'), true);
      } else {
        key = `wait-room:${slot.id}`;
        build = () => this.infoCard(slot.title, [t.t('rooms.waitAssign')]);
      }
    } else if (slot) {
      const board = model.currentBoard();
      key = board ? `board:${board}` : `slot:${slot.id}`;
      if (!board && !slot.description && slot.kind === 'synthesis') {
        key = `synthesis:${slot.id}`;
        build = () => [];
      } else if (!board) {
        build = () => this.infoCard(slot.title, [slot.description]);
      }
    } else {
      key = 'between';
      build = () => this.infoCard(t.t('session.between'), []);
    }
    key += `:${t.language}`;
    if (key.startsWith('board:')) {
      const board = key.slice(6, key.lastIndexOf(':'));
      if (!this.boardView || this.boardView.board !== board) {
        this.boardView = new BoardView(this.ctx, board);
        this.stageKey = null;
      }
      const stageKey = closed ? `${key}:closed` : key;
      if (this.stageKey !== stageKey) {
        const extra = [];
        if (closed) extra.push(...this.closedRoomsIntro(slot));
        else if (slot?.description) extra.push(h('p', { class: 'slot-description', ...wtProps(this.ctx, slot.description) }));
        if (slot?.kind === 'breakout' && model.breakout?.mode === 'self' && !me?.isModerator) {
          extra.push(h('button', { type: 'button', class: 'link change-room', text: t.t('rooms.change'),
            onclick: () => { this.pickingRoom = true; this.stageKey = null; this.render(); } }));
        }
        this.boardView.setIntro(extra);
        replaceChildren(this.stage, this.boardView.el);
        this.stageKey = stageKey;
      }
      if (this.pickingRoom) {
        replaceChildren(this.stage, this.roomsList(t.t('rooms.pick'), true, true));
        this.stageKey = 'picking';
        return;
      }
      this.boardView.update();
      return;
    }
    this.boardView = null;
    this.pickingRoom = false;
    if (this.stageKey !== key) {
      replaceChildren(this.stage, build());
      this.stageKey = key;
    }
  }

  /** The end: thanks, and the participants' summary to take home (the server's `/summary`, names left out). */
  endedCard() {
    const { t } = this.ctx;
    const card = this.infoCard(t.t('session.endedTitle'), [t.t('session.thanks')]);
    const summary = `/summary?${new URLSearchParams({ code: this.code, format: 'html', lang: t.language })}`;
    card.append(h('p', {}, h('a', { href: summary, download: '', class: 'button primary summary-link', text: t.t('session.summary') })));
    return card;
  }

  /** Once the rooms close: say so, and let people switch between the rooms' boards (read only). */
  closedRoomsIntro(slot) {
    const { model, t } = this.ctx;
    const rooms = model.roomsOf(slot);
    return [h('p', { class: 'rooms-closed', role: 'status', text: t.t('rooms.closed') }),
      h('nav', { class: 'room-tabs', 'aria-label': t.t('rooms.browse') }, rooms.map((id) => h('button', {
        type: 'button', class: 'room-tab', dataset: { browseRoom: id }, 'aria-pressed': String(id === this.browsingRoom),
        ...wtProps(this.ctx, model.room(id)?.theme || id),
        onclick: () => {
          this.browsingRoom = id;
          this.stageKey = null;
          this.render();
          this.stage.querySelector(`[data-browse-room='${id}']`)?.focus();
        },
      })))];
  }

  /** A card of workshop texts or interface strings, each with its `lang` when not the interface's. */
  infoCard(title, lines) {
    return h('section', { class: 'card info' }, h('h2', wtProps(this.ctx, title)),
      lines.filter(Boolean).map((line) => h('p', wtProps(this.ctx, line))));
  }

  roomsList(title, selectable, cancellable = false) {
    const { model, t } = this.ctx;
    const slot = model.currentSlot;
    const rooms = model.breakout?.rooms || model.roomsOf(slot);
    const list = h('ul', { class: 'room-list' }, rooms.map((id) => {
      const room = model.room(id);
      const count = model.peopleIn(id);
      const content = [h('span', { class: 'room-theme', ...wtProps(this.ctx, room?.theme || id) }),
        selectable ? h('span', { class: 'room-count', text: t.t('rooms.people', { n: count }) }) : null];
      if (!selectable) return h('li', { class: 'room' }, content);
      const current = model.mine?.room === id;
      return h('li', { class: 'room' }, h('button', {
        type: 'button', class: ['room-button', current && 'current'], dataset: { room: id },
        'aria-pressed': String(current),
        onclick: () => {
          this.pickingRoom = false;
          this.stageKey = null;
          if (!current) this.act({ chooseRoom: { room: id } });
          this.render();
        },
      }, content));
    }));
    return h('section', { class: 'card rooms' }, h('h2', { text: title }),
      slot?.description ? h('p', { class: 'slot-description', ...wtProps(this.ctx, slot.description) }) : null, list,
      cancellable ? h('button', { type: 'button', class: 'link', text: t.t('action.cancel'),
        onclick: () => { this.pickingRoom = false; this.stageKey = null; this.render(); } }) : null);
  }

  renderVotes() {
    const { model } = this.ctx;
    const slot = model.currentSlot;
    const rounds = model.roundsInOrder().filter((round) => {
      if (round.status === 'open') return model.itemsOf(round).length > 0 || model.mine?.isModerator;
      if (round.scope === 'recommendations' && round.status === 'revealed') return false; // shown as the final ranking
      return slot && round.slot === slot.id;
    }).reverse();
    const ids = rounds.map((r) => r.id);
    for (const id of this.voteViews.keys()) if (!ids.includes(id)) this.voteViews.delete(id);
    const els = rounds.map((round) => {
      if (!this.voteViews.has(round.id)) this.voteViews.set(round.id, new VoteView(this.ctx, round.id));
      const view = this.voteViews.get(round.id);
      view.update();
      return view.el;
    });
    if (Array.from(this.votes.children).some((c, i) => c !== els[i]) || this.votes.children.length !== els.length) {
      replaceChildren(this.votes, els);
    }
  }

  async act(command) {
    try {
      return await this.live.send(command);
    } catch (error) {
      this.refused(error);
      throw error;
    }
  }

  refused(error) {
    this.toast(this.errorText(error));
  }

  errorText(error) {
    const { t } = this.ctx;
    const key = `error.${error.code}`;
    const text = t.t(key);
    return text === key ? (error.message || t.t('error.generic')) : text;
  }

  toast(text) {
    const item = h('p', { class: 'toast', text });
    this.toasts.append(item);
    setTimeout(() => item.remove(), 6000);
  }

  async leave() {
    if (!window.confirm(this.ctx.t.t('footer.confirmLeave'))) return;
    await this.live.leave();
    this.phase = 'join';
    this.join.reset();
    this.footerText = null;
    this.live.model.reset();
    this.live.model.me = null;
    this.live.connection.drop();
    this.render();
  }
}

const app = new ParticipantApp(document.getElementById('app'));
app.start();
window.atelier = app; // for debugging in the console and for the browser tests
