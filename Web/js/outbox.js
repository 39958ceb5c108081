// Changes made while the connection is down, sent once when it returns, never twice.
//
// How duplicates are avoided:
//
// 1. Every change (add, edit or delete a note, add a comment) becomes an outbox entry, saved in
//    localStorage before anything is sent, with `baseSeq`: the highest seq the page had applied
//    when the person made the change, and the board it was meant for (sent explicitly, so a note
//    typed in room A never lands elsewhere).
// 2. An entry is marked `sent` (and saved) just before its frame goes out. An ack removes it;
//    a refusal removes it and tells the person. Only a drop between the two leaves a `sent`
//    entry without an answer: the server may or may not have applied it.
// 3. After every (re)join the page first catches up (the server sends every event after `after`,
//    or the whole visible log), and only after `synced` does it look at the outbox:
//    - an entry that was never sent is sent now;
//    - a `sent` entry is sent again only if its effect is absent from the log: for a note, no
//      `noteAdded` by me with the same board, prompt and (trimmed) text and a seq above
//      `baseSeq`; for a comment, likewise; an edit whose text and colour are already there, or a
//      delete of a note that is gone, is dropped. Each event can account for one entry only, so
//      two identical notes typed on purpose are both kept.
//    The server writes events before it acknowledges, and a rejoin replays everything after
//    `after`, so an applied command's event is always in what the page has when it looks.
// 4. Entries go out one at a time, in order, so a delete never overtakes the note it deletes.
// 5. Each entry goes out under its `cid` as the message's `once` key: the server does a command
//    at most once per key and answers a repeat as it answered the first. So an entry told
//    `server.unavailable` (a relay whose server did not answer in time: it may still do it) stays
//    `sent` and goes again later, and two tabs flushing the same entry do it once.
//    The server remembers keys while it runs; after its restart, step 3's look at the log is
//    what keeps a resend from doing a change twice.

import { storage } from './storage.js';

/** Commands that may wait in the outbox. Votes are not queued: dots only make sense live. */
export const QUEUEABLE = new Set(['addNote', 'editNote', 'deleteNote', 'addComment']);

export class Outbox extends EventTarget {
  constructor(code) {
    super();
    this.code = code;
    this.entries = storage.outbox(code);
    this.flushing = false;
  }

  save() {
    storage.saveOutbox(this.code, this.entries);
    this.dispatchEvent(new CustomEvent('change'));
  }

  get size() {
    return this.entries.length;
  }

  /** Queues a command; returns the entry. */
  add(command, baseSeq, extra = {}) {
    const entry = {
      cid: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      command, baseSeq, sent: false, ...extra,
    };
    this.entries.push(entry);
    this.save();
    return entry;
  }

  remove(entry) {
    this.entries = this.entries.filter((e) => e.cid !== entry.cid);
    this.save();
  }

  /** Pending notes to show as placeholders on `board`. */
  pendingNotes(board) {
    return this.entries.filter((e) => e.command.addNote && e.command.addNote.board === board);
  }

  /**
   * Sends what is waiting, one entry at a time. `send(command, once)` resolves on ack and rejects
   * with a RequestError; `model` is caught up. `onRefused(entry, error)` reports refusals.
   * Resolves true when it stopped on `server.unavailable`: what waits is to be sent again later.
   */
  async flush(send, model, onRefused) {
    if (this.flushing) return false;
    this.flushing = true;
    try {
      const claimed = new Set();
      for (const entry of this.entries.slice()) {
        if (entry.sent && this.alreadyApplied(entry, model, claimed)) {
          this.remove(entry);
          continue;
        }
        if (!entry.sent && this.isMoot(entry, model)) {
          this.remove(entry);
          continue;
        }
        entry.sent = true;
        this.save();
        try {
          await send(entry.command, entry.cid);
          this.remove(entry);
        } catch (error) {
          if (error.code === 'connection.lost' || error.code === 'connection.closed') return false;
          if (error.code === 'server.unavailable') return true;
          if (error.code === 'rate.limited' || error.code === 'server.storeFailed') {
            // Nothing was applied: try again on the next flush.
            entry.sent = false;
            this.save();
            return false;
          }
          this.remove(entry);
          if (!this.isMoot(entry, model)) onRefused?.(entry, error);
        }
      }
    } finally {
      this.flushing = false;
    }
    return false;
  }

  /** Whether the model already shows the entry's effect (for entries whose ack never came). */
  alreadyApplied(entry, model, claimed) {
    const me = model.me;
    const [name] = Object.keys(entry.command);
    const args = entry.command[name];
    const same = (a, b) => String(a).trim() === String(b).trim();
    if (name === 'addNote' || name === 'addComment') {
      const kind = name === 'addNote' ? 'note' : 'comment';
      const match = model.journal.find((line) => line.kind === kind && line.author === me
        && line.seq > entry.baseSeq && !claimed.has(line.id) && same(line.text, args.text)
        && (kind === 'note' ? line.board === args.board && line.prompt === args.prompt : line.note === args.note));
      if (match) claimed.add(match.id);
      return !!match;
    }
    return this.isMoot(entry, model);
  }

  /** Edits already in place and deletes of notes that are gone need not be sent. */
  isMoot(entry, model) {
    const [name] = Object.keys(entry.command);
    const args = entry.command[name];
    if (name === 'deleteNote') return !model.notes.has(args.note);
    if (name === 'editNote') {
      const note = model.notes.get(args.note);
      if (!note) return true;
      return note.text === String(args.text ?? note.text).trim() && note.colour === (args.colour ?? note.colour);
    }
    return false;
  }
}
