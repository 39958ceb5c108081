// Plenary synthesis: what each room brought to the plenary, and the draft recommendations
// with the rooms they come from; once the recommendation vote is revealed, the final ranking.

import { h, reconcile, setText, show } from '../dom.js';
import { PLENARY } from '../model.js';
import { resultRows, setModeratorText, wt } from './common.js';

export class PlenaryView {
  constructor(ctx) {
    this.ctx = ctx;
    this.title = h('h2', {});
    this.promotedTitle = h('h3', {});
    this.rooms = h('div', { class: 'promoted-rooms' });
    this.recsTitle = h('h3', {});
    this.recs = h('ol', { class: 'recommendations' });
    this.finalTitle = h('h3', {});
    this.final = h('div', { class: 'final-ranking' });
    this.el = h('section', { class: 'plenary card' }, this.title,
      h('div', { class: 'promoted-block' }, this.promotedTitle, this.rooms),
      h('div', { class: 'recs-block' }, this.recsTitle, this.recs),
      h('div', { class: 'final-block' }, this.finalTitle, this.final));
  }

  update() {
    const { model, t } = this.ctx;
    const promoted = model.promoted;
    const recs = model.recommendationOrder.map((id) => model.recommendations.get(id)).filter(Boolean);
    const slotKind = model.currentSlot?.kind;
    show(this.el, promoted.length > 0 || recs.length > 0 || slotKind === 'synthesis');
    setText(this.title, t.t('plenary.title'));
    setText(this.promotedTitle, t.t('plenary.promoted'));
    show(this.promotedTitle.parentElement, promoted.length > 0);
    const byRoom = new Map();
    for (const item of promoted) {
      const room = model.roomOfBoard(item.board) || PLENARY;
      if (!byRoom.has(room)) byRoom.set(room, []);
      byRoom.get(room).push(item);
    }
    reconcile(this.rooms, Array.from(byRoom.keys()), (room) => room, () => h('section', { class: 'promoted-room' },
      h('h4', {}), h('ul', { class: 'promoted-list' })), (el, room) => {
      setText(el.querySelector('h4'), room === PLENARY ? t.t('board.plenary') : wt(this.ctx, model.room(room)?.theme));
      reconcile(el.querySelector('ul'), byRoom.get(room), (item) => item.id, () => h('li', { class: 'promoted-item' },
        h('span', { class: 'promoted-text' }), h('ul', { class: 'promoted-notes' })), (li, item) => {
        setText(li.querySelector('.promoted-text'), item.text);
        this.groupNotes(li.querySelector('.promoted-notes'), item);
      });
    });

    setText(this.recsTitle, t.t(model.status === 'ended' ? 'plenary.endRecommendations' : 'plenary.recommendations'));
    show(this.recsTitle.parentElement, recs.length > 0);
    if (!recs.length && slotKind === 'synthesis' && !promoted.length) {
      show(this.recsTitle.parentElement, true);
      setText(this.recsTitle, t.t('plenary.waiting'));
    }
    reconcile(this.recs, recs, (rec) => rec.id, () => h('li', { class: 'recommendation' },
      h('p', { class: 'rec-text' }), h('p', { class: 'rec-sources' })), (el, rec) => {
      setModeratorText(this.ctx, el.querySelector('.rec-text'), rec.text);
      const rooms = model.recommendationRooms(rec).map((r) => wt(this.ctx, model.room(r)?.theme));
      const sources = el.querySelector('.rec-sources');
      show(sources, rooms.length > 0);
      setText(sources, t.t('plenary.from', { rooms: rooms.join(' · ') }));
    });

    const round = model.finalRecommendationVote();
    show(this.finalTitle.parentElement, !!round);
    setText(this.finalTitle, t.t('plenary.final'));
    if (round) this.final.replaceChildren(resultRows(this.ctx, round));
  }

  /** A promoted group brings its notes' texts under its name. */
  groupNotes(list, item) {
    const { model, t } = this.ctx;
    const notes = model.notesOfPromoted(item);
    show(list, notes.length > 0);
    reconcile(list, notes, (note) => note.id, () => h('li', { class: 'promoted-note' }),
      (li, note) => setText(li, model.noteText(note, t.language)));
  }
}
