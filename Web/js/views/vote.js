// Dot voting: the dots left, place and take back dots, totals hidden until the moderator
// reveals them (in hidden rounds), then the ranked result with bars.

import { h, reconcile, replaceChildren, setText, show } from '../dom.js';
import { itemValue, resultRows, roundTitle, setWorkshopText, wt } from './common.js';

export class VoteView {
  constructor(ctx, roundId) {
    this.ctx = ctx;
    this.roundId = roundId;
    this.title = h('h2', {});
    // Focus lands on the count of dots left when no button of a row can take it.
    this.left = h('p', { class: 'dots-left', 'aria-live': 'polite', tabindex: '-1' });
    this.dotsGauge = h('span', { class: 'dots-gauge', 'aria-hidden': 'true' });
    this.note = h('p', { class: 'hint' });
    this.list = h('ul', { class: 'vote-groups' });
    this.results = h('div', { class: 'results-wrap' });
    this.el = h('section', { class: 'vote card', dataset: { vote: roundId } },
      this.title, h('div', { class: 'dots-row' }, this.dotsGauge, this.left), this.note, this.list, this.results);
  }

  get round() {
    return this.ctx.model.votes.get(this.roundId);
  }

  update() {
    const { model, t } = this.ctx;
    const round = this.round;
    if (!round) return;
    const open = round.status === 'open';
    const revealed = round.status === 'revealed';
    const moderator = !!model.mine?.isModerator;
    this.el.dataset.status = round.status;
    setText(this.title, revealed ? t.t('results.title', { what: roundTitle(this.ctx, round) }) : roundTitle(this.ctx, round));
    const used = model.dotsUsed(round);
    const left = round.dotsPerPerson - used;
    show(this.left.parentElement, open && !moderator);
    setText(this.left, t.t('vote.left', { n: left, total: round.dotsPerPerson }));
    this.left.dataset.left = String(left);
    replaceChildren(this.dotsGauge, Array.from({ length: round.dotsPerPerson }, (_, i) => h('span', { class: ['gauge-dot', i < used && 'used'] })));
    let hint;
    if (open) hint = round.hidden ? t.t('vote.hiddenHint', { max: round.maxDotsPerItem }) : t.t('vote.openHint', { max: round.maxDotsPerItem });
    else if (!revealed) hint = t.t('vote.closedHint');
    else hint = t.t('results.hint', { n: model.results(round).reduce((sum, r) => sum + r.dots, 0) });
    setText(this.note, hint);

    const items = open ? model.itemsOf(round) : [];
    show(this.list, open);
    // Items of one question (or room) under one heading, rather than the question on every row.
    const groups = new Map();
    for (const id of items) {
      const context = this.itemContext(id);
      if (!groups.has(context)) groups.set(context, []);
      groups.get(context).push(id);
    }
    reconcile(this.list, Array.from(groups.keys()), (context) => context, () => h('li', { class: 'vote-group' },
      h('h3', { class: 'vote-question' }), h('ul', { class: 'vote-items' })), (group, context) => {
      setText(group.querySelector('.vote-question'), context);
      show(group.querySelector('.vote-question'), !!context);
      reconcile(group.querySelector('.vote-items'), groups.get(context), (id) => id, (id) => this.itemRow(id), (el, id) => this.updateRow(el, id));
    });
    show(this.results, revealed);
    if (revealed) replaceChildren(this.results, resultRows(this.ctx, round));
    else this.results.replaceChildren();
  }

  updateRow(el, id) {
    const { model, t } = this.ctx;
    const round = this.round;
    const moderator = !!model.mine?.isModerator;
    const online = this.ctx.live.status === 'online';
    const left = round.dotsPerPerson - model.dotsUsed(round);
    const totals = round.hidden ? null : model.visibleTotals(round);
    const mine = model.myDotsOn(round, id);
    setWorkshopText(this.ctx, el.querySelector('.item-text'), itemValue(this.ctx, id));
    replaceChildren(el.querySelector('.my-dots'), Array.from({ length: mine }, () => h('span', { class: 'gauge-dot used' })));
    el.querySelector('.my-dots').setAttribute('aria-label', t.t('vote.mine', { n: mine }));
    const total = el.querySelector('.item-total');
    show(total, totals != null);
    if (totals) setText(total, t.t('vote.dots', { n: totals.get(id) || 0 }));
    const add = el.querySelector('.add-dot');
    const remove = el.querySelector('.remove-dot');
    const label = (model.itemText(id, t.language) || '').slice(0, 60);
    add.setAttribute('aria-label', t.t('vote.placeOn', { text: label }));
    remove.setAttribute('aria-label', t.t('vote.takeBackFrom', { text: label }));
    const focused = [add, remove].find((button) => button === document.activeElement);
    add.disabled = moderator || !online || left <= 0 || mine >= round.maxDotsPerItem;
    remove.disabled = moderator || !online || mine <= 0;
    // A disabled button drops focus to <body> (WCAG 2.4.3): keep it in the row, else on the count.
    if (focused?.disabled) ([add, remove].find((button) => !button.disabled) || this.left).focus();
    el.classList.toggle('voted', mine > 0);
  }

  itemContext(id) {
    const { model, t } = this.ctx;
    const note = model.notes.get(id);
    if (note) {
      const prompt = model.promptsOf(note.board).find((p) => p.id === note.prompt);
      return prompt ? wt(this.ctx, prompt.text) : '';
    }
    const promoted = model.promoted.find((p) => p.id === id);
    if (promoted) {
      const room = model.roomOfBoard(promoted.board);
      return room ? wt(this.ctx, model.room(room)?.theme) : t.t('board.plenary');
    }
    const rec = model.recommendations.get(id);
    if (rec) return model.recommendationRooms(rec).map((r) => wt(this.ctx, model.room(r)?.theme)).join(' · ');
    return '';
  }

  itemRow(id) {
    const { t } = this.ctx;
    const add = h('button', { type: 'button', class: 'dot-button add-dot', text: '+' });
    const remove = h('button', { type: 'button', class: 'dot-button remove-dot', text: '−' });
    add.addEventListener('click', () => this.ctx.act({ placeDot: { vote: this.roundId, item: id } }));
    remove.addEventListener('click', () => this.ctx.act({ removeDot: { vote: this.roundId, item: id } }));
    void t;
    return h('li', { class: 'vote-item', dataset: { item: id } },
      h('div', { class: 'item-body' }, h('span', { class: 'item-text' })),
      h('div', { class: 'item-controls' },
        remove, h('span', { class: 'my-dots', role: 'img' }), add, h('span', { class: 'item-total' })));
  }
}
