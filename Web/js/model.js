// The page's picture of a session: the events the server sent, folded in order.
//
// A port of `SessionState.apply` (Sources/AtelierCore/Session/SessionState+Apply.swift) limited
// to what this client may see. Events are applied at most once, by `seq`: the server may send
// older sequence numbers when a participant's view widens (rooms closed, moved into a room),
// so the model remembers every seq it applied rather than only the highest.

export const PLENARY = 'plenary';
export const COLOURS = ['yellow', 'pink', 'blue', 'green', 'orange', 'purple'];

/** `"slot/room"` → `{slot, room}`. */
export function parseBoard(board) {
  const at = board.indexOf('/');
  return { slot: board.slice(0, at), room: board.slice(at + 1) };
}

/** The text of a workshop `LocalizedText` (a string, or an object keyed by language) in `language`. */
export function localized(text, language, fallbacks = []) {
  return localizedEntry(text, language, fallbacks).text;
}

/**
 * A `LocalizedText` in `language` with the language it is written in (`lang`): the reader's,
 * else the original (the empty key, written in the first of `fallbacks`, the workshop's first
 * language), else the first fallback that has it, else any (alphabetically first). A plain string
 * (an interface string, a workshop text given once) carries no `lang`.
 */
export function localizedEntry(text, language, fallbacks = []) {
  const original = fallbacks[0] || null;
  if (text == null) return { text: '', lang: null };
  if (typeof text === 'string') return { text, lang: null };
  if (text[language] != null) return { text: text[language], lang: language };
  if (text[''] != null) return { text: text[''], lang: original };
  for (const other of fallbacks) if (text[other] != null) return { text: text[other], lang: other };
  const keys = Object.keys(text).sort();
  return keys.length ? { text: text[keys[0]], lang: keys[0] || original } : { text: '', lang: null };
}

/** Lines sorted by dots, most first, with ranks (1, 2, 2, 4: equal dots share a rank). */
function ranked(lines) {
  const out = [];
  lines.forEach((line, position) => {
    const last = out[out.length - 1];
    out.push({ item: line.item, dots: line.dots, rank: last && last.dots === line.dots ? last.rank : position + 1 });
  });
  return out;
}

export class SessionModel {
  constructor() {
    this.reset();
  }

  /** Forgets everything (a welcome with `reset: true`). */
  reset() {
    this.session = null;
    this.joinCode = null;
    this.workshop = null;
    this.status = 'created';
    this.participants = new Map();
    /** Who is in which room of the open breakout, known for everyone: a participant is not sent the others' joins. */
    this.placements = new Map();
    this.agenda = { current: null, endsAt: null, remainingWhenPaused: null, timeUp: false, startedAt: null };
    this.breakout = null;
    /** Breakout slots whose rooms have closed: their boards stay readable by everyone. */
    this.closedBreakouts = new Set();
    this.notes = new Map();
    this.comments = new Map();
    this.clusters = new Map();
    this.votes = new Map();
    this.promoted = [];
    this.recommendations = new Map();
    this.recommendationOrder = [];
    this.announcements = [];
    this.applied = new Set();
    this.maxSeq = 0;
    /** Every note and comment added, even if deleted since: what the outbox looks for. */
    this.journal = [];
    this.me = this.me ?? null;
  }

  /**
   * Applies one event message (`{seq, at, event, results}`); false when that seq was already
   * applied, which leaves the model unchanged.
   */
  applyMessage(message) {
    const seq = message.seq;
    if (this.applied.has(seq)) return false;
    this.applied.add(seq);
    if (seq > this.maxSeq) this.maxSeq = seq;
    const name = Object.keys(message.event)[0];
    this.apply(name, message.event[name] || {}, message);
    return true;
  }

  apply(name, e, message) {
    const seq = message.seq;
    switch (name) {
      case 'sessionCreated':
        this.session = e.id;
        this.joinCode = e.joinCode;
        this.workshop = e.workshop;
        break;
      case 'sessionStarted':
        this.status = 'running';
        break;
      case 'sessionPaused':
        this.status = 'paused';
        this.agenda.remainingWhenPaused = e.remaining ?? null;
        this.agenda.endsAt = null;
        // A pause holds the rooms' countdown as it holds the slot's.
        if (this.breakout?.closesAt != null) {
          this.breakout.closingWhenPaused = Math.max(this.breakout.closesAt - e.at, 0);
          this.breakout.closesAt = null;
        }
        break;
      case 'sessionResumed':
        this.status = 'running';
        this.agenda.remainingWhenPaused = null;
        this.agenda.endsAt = e.endsAt ?? null;
        if (this.breakout?.closingWhenPaused != null) {
          this.breakout.closesAt = e.at + this.breakout.closingWhenPaused;
          this.breakout.closingWhenPaused = null;
        }
        break;
      case 'sessionEnded':
        this.status = 'ended';
        this.agenda.current = null;
        this.agenda.endsAt = null;
        this.agenda.remainingWhenPaused = null;
        break;

      case 'participantJoined':
        this.participants.set(e.id, {
          id: e.id, name: e.name, role: e.role ?? null, organisation: e.organisation ?? null,
          language: e.language, isModerator: !!e.isModerator, active: true, room: null,
          facilitates: null, lastRoom: null, seq,
        });
        break;
      case 'participantLeft': {
        const p = this.participants.get(e.id);
        if (p) { p.active = false; p.room = null; }
        this.placements.delete(e.id);
        break;
      }
      case 'participantRejoined': {
        const p = this.participants.get(e.id);
        if (p) p.active = true;
        break;
      }
      case 'languageChanged': {
        const p = this.participants.get(e.participant);
        if (p) p.language = e.language;
        break;
      }
      case 'facilitatorAppointed': {
        const p = this.participants.get(e.participant);
        if (p) p.facilitates = e.room ?? null;
        break;
      }

      case 'slotStarted': {
        const index = this.workshop ? this.workshop.agenda.findIndex((s) => s.id === e.slot) : -1;
        this.agenda.current = index >= 0 ? index : null;
        this.agenda.startedAt = e.at;
        if (this.status === 'paused') {
          this.agenda.endsAt = null;
          this.agenda.remainingWhenPaused = e.endsAt - e.at;
        } else {
          this.agenda.endsAt = e.endsAt;
          this.agenda.remainingWhenPaused = null;
        }
        this.agenda.timeUp = false;
        break;
      }
      case 'slotEnded':
        this.agenda.current = null;
        this.agenda.endsAt = null;
        this.agenda.remainingWhenPaused = null;
        break;
      case 'slotExtended':
        if (this.status === 'paused') {
          this.agenda.remainingWhenPaused = Math.max(this.agenda.remainingWhenPaused ?? 0, 0) + e.minutes * 60000;
        } else {
          this.agenda.endsAt = e.endsAt;
        }
        this.agenda.timeUp = false;
        break;
      case 'slotTimeUp':
        this.agenda.timeUp = true;
        break;

      case 'roomsOpened':
        this.breakout = { slot: e.slot, rooms: e.rooms || [], mode: e.mode, closesAt: null, closingWhenPaused: null };
        for (const p of this.participants.values()) p.room = null;
        this.placements.clear();
        break;
      case 'participantAssigned': {
        const p = this.participants.get(e.participant);
        if (p) p.room = e.room;
        this.placements.set(e.participant, e.room);
        break;
      }
      case 'roomsClosing':
        if (this.breakout) this.breakout.closesAt = e.closesAt;
        break;
      case 'roomsClosed':
        // Rounds revealed while the rooms were open showed each room its own part: now the whole.
        for (const { vote, results } of message.revealed || []) {
          const round = this.votes.get(vote);
          if (round) round.results = results;
        }
        this.breakout = null;
        this.closedBreakouts.add(e.slot);
        for (const p of this.participants.values()) {
          if (p.room) p.lastRoom = p.room;
          p.room = null;
        }
        this.placements.clear();
        break;

      case 'noteAdded':
        this.notes.set(e.id, {
          id: e.id, board: e.board, prompt: e.prompt, author: e.author ?? null, text: e.text,
          colour: e.colour || 'yellow', anonymous: !!e.anonymous, createdAt: e.at, editedAt: null,
          cluster: null, authorName: message.authorName ?? null, seq,
        });
        this.journal.push({ kind: 'note', seq, id: e.id, author: e.author ?? null, board: e.board, prompt: e.prompt, text: e.text });
        break;
      case 'noteEdited': {
        const note = this.notes.get(e.id);
        if (note) { note.text = e.text; note.colour = e.colour; note.editedAt = e.at; }
        break;
      }
      case 'noteDeleted': {
        const note = this.notes.get(e.id);
        if (note?.cluster) this.removeFromCluster(note.cluster, e.id);
        this.notes.delete(e.id);
        for (const [id, comment] of this.comments) if (comment.note === e.id) this.comments.delete(id);
        this.returnDots(e.id);
        break;
      }
      case 'commentAdded':
        this.comments.set(e.id, { id: e.id, note: e.note, author: e.author, authorName: message.authorName ?? null, text: e.text, at: e.at, seq });
        this.journal.push({ kind: 'comment', seq, id: e.id, author: e.author, note: e.note, text: e.text });
        break;
      case 'commentDeleted':
        this.comments.delete(e.id);
        break;
      case 'clusterCreated':
        this.clusters.set(e.id, { id: e.id, board: e.board, name: e.name ?? null, notes: [], seq });
        break;
      case 'notesGrouped':
        for (const id of e.notes || []) {
          const note = this.notes.get(id);
          if (note?.cluster) this.removeFromCluster(note.cluster, id);
          if (note) note.cluster = e.cluster;
          this.clusters.get(e.cluster)?.notes.push(id);
        }
        break;
      case 'notesUngrouped':
        for (const id of e.notes || []) {
          const note = this.notes.get(id);
          if (note?.cluster) this.removeFromCluster(note.cluster, id);
          if (note) note.cluster = null;
        }
        break;
      case 'clusterNamed': {
        const cluster = this.clusters.get(e.id);
        if (cluster) cluster.name = e.name;
        break;
      }
      case 'clusterDissolved':
        for (const id of this.clusters.get(e.id)?.notes || []) {
          const note = this.notes.get(id);
          if (note) note.cluster = null;
        }
        this.clusters.delete(e.id);
        break;

      case 'voteOpened':
        this.votes.set(e.id, {
          id: e.id, scope: e.scope, slot: e.slot, boards: e.boards || [], dotsPerPerson: e.dotsPerPerson,
          maxDotsPerItem: e.maxDotsPerItem, hidden: !!e.hidden, status: 'open', openedAt: e.at,
          dots: new Map(), results: null, seq,
        });
        break;
      case 'dotPlaced': {
        const round = this.votes.get(e.vote);
        if (!round) break;
        const mine = round.dots.get(e.participant) || new Map();
        mine.set(e.item, (mine.get(e.item) || 0) + 1);
        round.dots.set(e.participant, mine);
        break;
      }
      case 'dotRemoved': {
        const mine = this.votes.get(e.vote)?.dots.get(e.participant);
        if (!mine) break;
        const left = (mine.get(e.item) || 0) - 1;
        if (left > 0) mine.set(e.item, left); else mine.delete(e.item);
        break;
      }
      case 'voteClosed': {
        const round = this.votes.get(e.id);
        if (round) round.status = 'closed';
        break;
      }
      case 'voteRevealed': {
        const round = this.votes.get(e.id);
        if (round) {
          round.status = 'revealed';
          round.results = Array.isArray(message.results) ? message.results : null;
        }
        break;
      }

      case 'itemPromoted':
        this.promoted.push({ id: e.id, source: e.source, board: e.board, text: e.text, at: e.at, seq });
        this.promoted.sort((a, b) => a.seq - b.seq);
        break;
      case 'itemDemoted':
        this.promoted = this.promoted.filter((item) => item.id !== e.id);
        this.returnDots(e.id);
        break;
      case 'recommendationDrafted':
        this.recommendations.set(e.id, {
          id: e.id, text: e.text, sources: e.sources || [], room: e.room ?? null, author: e.by, at: e.at, seq,
        });
        this.recommendationOrder.push(e.id);
        break;
      case 'recommendationEdited': {
        const rec = this.recommendations.get(e.id);
        if (rec) { rec.text = e.text; rec.sources = e.sources || []; rec.room = e.room ?? null; }
        break;
      }
      case 'recommendationClassified': {
        const rec = this.recommendations.get(e.id);
        if (rec) { rec.room = e.theme ?? null; rec.addressee = e.addressee ?? null; }
        break;
      }
      case 'recommendationWithdrawn':
        this.recommendations.delete(e.id);
        this.recommendationOrder = this.recommendationOrder.filter((id) => id !== e.id);
        this.returnDots(e.id);
        break;
      case 'recommendationsOrdered':
        this.recommendationOrder = (e.order || []).slice();
        break;

      case 'announced':
        this.announcements.push({ id: e.id, text: e.text, room: e.room ?? null, by: e.by, at: e.at, seq });
        this.announcements.sort((a, b) => a.seq - b.seq);
        break;
      default:
        // Unknown events (a newer server) are ignored: the protocol only adds within a version.
        break;
    }
  }

  removeFromCluster(clusterId, noteId) {
    const cluster = this.clusters.get(clusterId);
    if (cluster) cluster.notes = cluster.notes.filter((id) => id !== noteId);
  }

  /** Dots on an item that no longer exists go back to their voters in open rounds. */
  returnDots(item) {
    for (const round of this.votes.values()) {
      if (round.status !== 'open') continue;
      for (const mine of round.dots.values()) mine.delete(item);
    }
  }

  // MARK: Queries (mirror SessionState+Queries.swift)

  get mine() { return this.participants.get(this.me) || null; }

  /** The name signing a note or comment: sent beside it, since a participant is not sent the others' joins. */
  authorName(item) {
    return item.authorName ?? this.participants.get(item.author)?.name ?? null;
  }

  /** People placed in a room of the open breakout, organisers left out. */
  peopleIn(room) {
    let count = 0;
    for (const [id, placed] of this.placements) if (placed === room && !this.participants.get(id)?.isModerator) count += 1;
    return count;
  }

  get currentSlot() {
    return this.agenda.current != null && this.workshop ? this.workshop.agenda[this.agenda.current] : null;
  }

  room(id) { return this.workshop?.rooms.find((r) => r.id === id) || null; }
  slot(id) { return this.workshop?.agenda.find((s) => s.id === id) || null; }
  role(id) { return this.workshop?.roles.find((r) => r.id === id) || null; }

  roomsOf(slot) {
    if (!slot || slot.kind !== 'breakout') return [];
    return slot.rooms || this.workshop.rooms.map((r) => r.id);
  }

  /** A board's columns: the room's prompts, else the slot's, else the workshop's. */
  promptsOf(board) {
    const { slot: slotId, room } = parseBoard(board);
    const slot = this.slot(slotId);
    if (!slot) return [];
    if (room === PLENARY) return slot.kind === 'breakout' ? [] : slot.prompts || [];
    if (!this.roomsOf(slot).includes(room)) return [];
    return this.room(room)?.prompts || slot.prompts || this.workshop.prompts || [];
  }

  /** The board this participant writes on now, or null. */
  currentBoard(participant = this.me) {
    const slot = this.currentSlot;
    if (!slot) return null;
    if (slot.kind === 'breakout') {
      const room = this.participants.get(participant)?.room;
      return room && this.breakout?.slot === slot.id ? `${slot.id}/${room}` : null;
    }
    const plenary = `${slot.id}/${PLENARY}`;
    return this.promptsOf(plenary).length ? plenary : null;
  }

  /** Whether notes may be written on `board` now. */
  isOpen(board) {
    const slot = this.currentSlot;
    const { slot: slotId, room } = parseBoard(board);
    if (!(this.status === 'running' || this.status === 'paused') || !slot || slot.id !== slotId) return false;
    if (!this.promptsOf(board).length) return false;
    if (room === PLENARY) return true;
    return !!this.breakout && this.breakout.slot === slot.id && this.breakout.rooms.includes(room);
  }

  canRead(board, participant = this.me) {
    const person = this.participants.get(participant);
    if (!person) return false;
    const { slot, room } = parseBoard(board);
    if (person.isModerator || room === PLENARY) return true;
    if (this.breakout && this.breakout.slot === slot) return person.room === room;
    return true;
  }

  canFacilitate(board, participant = this.me) {
    const person = this.participants.get(participant);
    if (!person) return false;
    const { room } = parseBoard(board);
    return person.isModerator || (room !== PLENARY && person.facilitates === room);
  }

  notesOf(board) {
    return Array.from(this.notes.values()).filter((n) => n.board === board).sort((a, b) => a.seq - b.seq);
  }

  commentsOf(note) {
    return Array.from(this.comments.values()).filter((c) => c.note === note).sort((a, b) => a.seq - b.seq);
  }

  clustersOf(board) {
    return Array.from(this.clusters.values()).filter((c) => c.board === board).sort((a, b) => a.seq - b.seq);
  }

  roundsInOrder() {
    return Array.from(this.votes.values()).sort((a, b) => a.seq - b.seq);
  }

  /** The ids a participant may put dots on in a round, in creation order. */
  itemsOf(round, participant = this.me) {
    switch (round.scope) {
      case 'boards':
        return Array.from(this.notes.values())
          .filter((n) => round.boards.includes(n.board) && (participant == null || this.canRead(n.board, participant)))
          .sort((a, b) => a.seq - b.seq)
          .map((n) => n.id);
      case 'promoted':
        return this.promoted.map((item) => item.id);
      case 'recommendations':
        return this.recommendationOrder.slice();
      default:
        return [];
    }
  }

  dotsUsed(round, participant = this.me) {
    let used = 0;
    for (const count of (round.dots.get(participant) || new Map()).values()) used += count;
    return used;
  }

  myDotsOn(round, item) {
    return round.dots.get(this.me)?.get(item) || 0;
  }

  /** Totals per item from the dots this client saw (complete only in open, visible rounds). */
  visibleTotals(round) {
    const totals = new Map();
    for (const mine of round.dots.values()) {
      for (const [item, count] of mine) if (item !== '') totals.set(item, (totals.get(item) || 0) + count);
    }
    return totals;
  }

  /** How many dots were placed in a round, including hidden ones (`item: ""`). */
  dotsPlaced(round) {
    let total = 0;
    for (const mine of round.dots.values()) for (const count of mine.values()) total += count;
    return total;
  }

  /** Ranked lines: the server's at reveal, else computed from the visible dots (1, 2, 2, 4). */
  results(round) {
    if (round.results) return round.results;
    const totals = this.visibleTotals(round);
    const ordered = this.itemsOf(round, null).map((item, index) => ({ item, index, dots: totals.get(item) || 0 }));
    ordered.sort((a, b) => (b.dots - a.dots) || (a.index - b.index));
    return ranked(ordered);
  }

  /**
   * A board vote's ranking room by room, among the notes this reader knows (`[{room, lines}]`,
   * `room` is PLENARY for plenary boards); null for other rounds. A vote held during breakouts
   * ranks each room's notes apart: a participant knows only their room's notes, so ranks and texts
   * must come from those, never ids of notes they cannot read.
   */
  resultsByRoom(round) {
    if (round.scope !== 'boards') return null;
    const byRoom = new Map();
    for (const line of this.results(round)) {
      const note = this.notes.get(line.item);
      if (!note) continue;
      const room = this.roomOfBoard(note.board) || PLENARY;
      if (!byRoom.has(room)) byRoom.set(room, []);
      byRoom.get(room).push(line);
    }
    return Array.from(byRoom, ([room, lines]) => ({ room, lines: ranked(lines) }));
  }

  /**
   * The notes of a promoted group as they now stand (none for a promoted note), once the reader
   * may read its board: the room's members and moderators at once, everyone when the rooms close.
   */
  notesOfPromoted(item) {
    const cluster = item.source.cluster ? this.clusters.get(item.source.cluster) : null;
    return (cluster?.notes || []).map((id) => this.notes.get(id)).filter(Boolean);
  }

  /** The text of a vote item: a note, a plenary item or a recommendation. */
  itemText(id, language) {
    const note = this.notes.get(id);
    if (note) return this.noteText(note, language);
    const promoted = this.promoted.find((item) => item.id === id);
    if (promoted) return promoted.text;
    const rec = this.recommendations.get(id);
    if (rec) return localized(rec.text, language, this.workshop?.languages || []);
    return null;
  }

  /**
   * A note's text to show. Notes the organiser placed in the workshop file are stored in the
   * workshop's own language; they are shown in the reader's language when the file has it.
   */
  noteText(note, language) {
    if (note.author != null || !this.workshop) return note.text;
    const prompt = this.promptsOf(note.board).find((p) => p.id === note.prompt);
    const primary = this.workshop.languages?.[0] || 'en';
    for (const item of prompt?.items || []) {
      if (localized(item, primary) === note.text) return localized(item, language, this.workshop.languages);
    }
    return note.text;
  }

  /** The room an item comes from (a promoted item's or a recommendation's source), or null. */
  roomOfBoard(board) {
    const room = parseBoard(board).room;
    return room === PLENARY ? null : room;
  }

  recommendationRooms(rec) {
    if (rec.room) return [rec.room];
    const rooms = new Set();
    for (const source of rec.sources) {
      if (source.note) {
        const note = this.notes.get(source.note);
        if (note) { const r = this.roomOfBoard(note.board); if (r) rooms.add(r); }
      } else if (source.promoted) {
        const item = this.promoted.find((p) => p.id === source.promoted);
        if (item) { const r = this.roomOfBoard(item.board); if (r) rooms.add(r); }
      }
    }
    return Array.from(rooms);
  }

  /** Recommendations ranked by the last revealed recommendation vote, else in the moderators' order. */
  finalRecommendationVote() {
    return this.roundsInOrder().reverse().find((r) => r.scope === 'recommendations' && r.status === 'revealed') || null;
  }

  /** Milliseconds left before the rooms close at server time `now` (held while paused), or null. */
  roomsClosingIn(now) {
    if (this.breakout?.closingWhenPaused != null) return this.breakout.closingWhenPaused;
    return this.breakout?.closesAt != null ? Math.max(0, this.breakout.closesAt - now) : null;
  }

  /** Milliseconds left on the slot at server time `now` (negative once overrun), or null. */
  remaining(now) {
    if (this.agenda.remainingWhenPaused != null) return this.agenda.remainingWhenPaused;
    return this.agenda.endsAt != null ? this.agenda.endsAt - now : null;
  }
}
