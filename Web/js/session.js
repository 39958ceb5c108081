// The live link between a page and one session: a Connection, the SessionModel it feeds,
// the identity kept for silent rejoin, and the outbox. Shared by the participant page and
// the presenter view.

import { CATCH_UP_COMPRESSION, Connection, RequestError, socketURL } from './connection.js';
import { SessionModel } from './model.js';
import { Outbox, QUEUEABLE } from './outbox.js';
import { normaliseCode, storage } from './storage.js';

/** How long what waits in the outbox waits before it is sent again after `server.unavailable`. */
const OUTBOX_RETRY = 3000;

/**
 * Events: `change` (the model or the link changed: render), `status` (connection state),
 * `joined`, `lost` (the stored identity is no longer valid: detail is the RequestError),
 * `refused` (detail: {error, command}).
 */
export class LiveSession extends EventTarget {
  constructor({ kind = 'participant' } = {}) {
    super();
    this.kind = kind;
    this.model = new SessionModel();
    this.connection = new Connection(socketURL());
    this.code = null;
    this.identity = null;
    this.outbox = null;
    /** True between a welcome and its `synced`. */
    this.catchingUp = false;
    /** True once the model holds the session and live events flow. */
    this.synced = false;
    this.pendingJoin = null;
    this.connection.addEventListener('open', () => this.opened());
    this.connection.addEventListener('close', () => { this.synced = false; this.changed(); });
    this.connection.addEventListener('message', (event) => this.received(event.detail));
    this.connection.addEventListener('status', () => this.changed('status'));
  }

  get clock() { return this.connection.clock; }
  get status() {
    const joined = !!this.identity?.token;
    return this.connection.status === 'online' && joined && !this.synced ? 'reconnecting' : this.connection.status;
  }

  /**
   * Starts talking to the server for join code `code`, rejoining when an identity is stored. The
   * websocket opens at once; nothing is asked on it, nor any event dispatched, before `ready`
   * resolves (the page is built to hear them): its handshake overlaps the page's own loading.
   */
  start(code, ready = Promise.resolve()) {
    this.gate = ready;
    this.code = normaliseCode(code);
    this.identity = this.code ? storage.identity(this.code, this.kind) : null;
    if (this.kind === 'participant' && this.code) {
      this.outbox = new Outbox(this.code);
      this.outbox.addEventListener('change', () => this.changed());
    }
    this.connection.start();
  }

  changed(what = 'change') {
    this.dispatchEvent(new CustomEvent(what === 'status' ? 'status' : 'change'));
    if (what === 'status') this.dispatchEvent(new CustomEvent('change'));
  }

  async opened() {
    this.synced = false;
    await this.gate;
    if (this.identity?.token) {
      try {
        const after = this.model.session ? this.model.maxSeq : 0;
        const ack = await this.connection.request('rejoin', {
          code: this.code, token: this.identity.token, after, compress: CATCH_UP_COMPRESSION,
        });
        this.welcomed(ack);
      } catch (error) {
        if (['auth.unknownToken', 'session.unknownCode'].includes(error.code)) {
          storage.forgetIdentity(this.code, this.kind);
          this.identity = null;
          this.model.reset();
          this.model.me = null;
          this.dispatchEvent(new CustomEvent('lost', { detail: error }));
        } else if (!error.code?.startsWith('connection.')) {
          this.connection.drop();
        }
      }
      return;
    }
    this.connection.markOnline();
    this.dispatchEvent(new CustomEvent('ready'));
  }

  welcomed(ack) {
    const welcome = ack.welcome || {};
    if (welcome.reset !== false) {
      this.model.reset();
    }
    this.model.me = welcome.participant;
    this.identity = {
      ...(this.identity || {}),
      token: welcome.token || this.identity?.token,
      participant: welcome.participant,
      moderator: !!welcome.moderator,
    };
    if (welcome.code) this.code = normaliseCode(welcome.code);
    storage.saveIdentity(this.code, this.identity, this.kind);
    if (this.kind === 'participant') storage.saveLastCode(this.code);
    this.catchingUp = true;
    this.dispatchEvent(new CustomEvent('joined'));
  }

  received(message) {
    // Ignored: `transcriptPart` answers a `transcript` message, which the page never sends: its
    // moderators download the transcript over HTTP (`/export`). Acks and errors answer requests
    // in connection.js.
    if (Array.isArray(message.events)) {
      // Catch-up, widening and live events that waited on a slow link come grouped: apply one by
      // one, as if they came alone.
      let changed = false;
      for (const one of message.events) if (one && one.event && this.model.applyMessage(one)) changed = true;
      if (changed) this.scheduleChange();
      return;
    }
    if ('seq' in message && message.event) {
      if (this.model.applyMessage(message)) this.scheduleChange();
      return;
    }
    if ('synced' in message) {
      this.catchingUp = false;
      this.synced = true;
      if (this.identity) {
        this.identity.seq = this.model.maxSeq;
        storage.saveIdentity(this.code, this.identity, this.kind);
      }
      this.connection.markOnline();
      this.changed();
      this.flush();
    }
  }

  scheduleChange() {
    if (this.changeScheduled) return;
    this.changeScheduled = true;
    queueMicrotask(() => {
      this.changeScheduled = false;
      if (this.identity && this.synced && this.model.maxSeq > (this.identity.seq || 0)) {
        this.identity.seq = this.model.maxSeq;
        storage.saveIdentity(this.code, this.identity, this.kind);
      }
      this.changed();
    });
  }

  /** Joins as a participant; resolves with the ack, rejects with a RequestError. */
  async join(details) {
    const ack = await this.connection.request('join', { code: this.code, ...details, compress: CATCH_UP_COMPRESSION });
    this.welcomed(ack);
    return ack;
  }

  /** Joins as a moderator with the session's key (the presenter view); without `language`, the workshop's own. */
  async moderate(key, name, language) {
    const ack = await this.connection.request('moderate', {
      code: this.code, key, name, language, compress: CATCH_UP_COMPRESSION,
    });
    this.welcomed(ack);
    return ack;
  }

  /**
   * What the join form needs, read before joining (`preview`): the workshop's title,
   * organiser, description, languages and roles. Nothing is recorded. Rejects with the
   * refusal when the code is unknown.
   */
  async lookup(code) {
    this.code = normaliseCode(code);
    const ack = await this.connection.request('preview', { code: this.code });
    return ack.preview;
  }

  /** Sends a command now (under the key `once` when given); rejects when offline or refused. */
  send(command, once) {
    return this.connection.command(command, once);
  }

  /**
   * Sends a change through the outbox (notes and comments): it waits while offline and is
   * sent exactly once. Other commands are sent directly.
   */
  submit(command) {
    const [name] = Object.keys(command);
    if (!this.outbox || !QUEUEABLE.has(name)) return this.send(command);
    this.outbox.add(command, this.model.maxSeq);
    this.flush();
    return Promise.resolve();
  }

  flush() {
    if (!this.outbox || !this.synced || !this.connection.isOpen) return;
    clearTimeout(this.flushRetry);
    this.outbox.flush((command, once) => this.send(command, once), this.model, (entry, error) => {
      this.dispatchEvent(new CustomEvent('refused', { detail: { error, command: entry.command } }));
    }).then((unanswered) => {
      // The server running the session was away (behind a relay): what waits goes again later.
      if (unanswered) this.flushRetry = setTimeout(() => this.flush(), OUTBOX_RETRY);
    });
  }

  /**
   * Notes being typed, kept per board and question so that closing rooms, a change of board or a
   * reload never loses them: `{key: {board, prompt, text}}`.
   */
  drafts() {
    return this.code ? storage.drafts(this.code) : {};
  }

  draft(board, prompt) {
    return this.drafts()[`${board}|${prompt}`]?.text || '';
  }

  /** Keeps (or, with empty text, forgets) the note being typed for a board's question. */
  saveDraft(board, prompt, text) {
    if (!this.code) return;
    const drafts = this.drafts();
    const key = `${board}|${prompt}`;
    if (text.trim()) drafts[key] = { board, prompt, text }; else delete drafts[key];
    storage.saveDrafts(this.code, drafts);
  }

  /** Leaves the session for good and forgets the identity. */
  async leave() {
    try { await this.send({ leave: {} }); } catch { /* leaving anyway */ }
    storage.forgetIdentity(this.code, this.kind);
    storage.saveOutbox(this.code, []);
    storage.saveDrafts(this.code, {});
    if (this.kind === 'participant') storage.saveLastCode(null);
    this.identity = null;
  }
}
