// Notes someone was typing on a board that is no longer theirs to write on (the rooms closed,
// the moderator moved on): the text is offered back rather than lost, until they discard it.

import { h, reconcile, setText, show } from '../dom.js';
import { wt } from './common.js';

let uid = 0;

export class DraftsView {
  constructor(ctx) {
    this.ctx = ctx;
    this.title = h('h2', {});
    this.hint = h('p', { class: 'hint' });
    this.list = h('ul', { class: 'draft-list' });
    this.el = h('section', { class: 'drafts card', hidden: true }, this.title, this.hint, this.list);
  }

  /** Drafts of boards the page does not show a composer for now. */
  stranded() {
    const { model, live } = this.ctx;
    const writable = model.currentBoard();
    return Object.entries(live.drafts())
      .filter(([, draft]) => !(draft.board === writable && model.isOpen(draft.board)))
      .map(([key, draft]) => ({ key, ...draft }));
  }

  update() {
    const { t } = this.ctx;
    const drafts = this.stranded();
    show(this.el, drafts.length > 0);
    setText(this.title, t.t('draft.title'));
    setText(this.hint, t.t('draft.hint'));
    reconcile(this.list, drafts, (d) => d.key, (draft) => this.row(draft), (el, draft) => {
      const prompt = this.promptText(draft);
      setText(el.querySelector('.draft-prompt'), t.t('draft.for', { prompt }));
      setText(el.querySelector('label'), t.t('draft.label', { prompt }));
      setText(el.querySelector('.copy'), t.t('draft.copy'));
      setText(el.querySelector('.discard'), t.t('draft.discard'));
      el.querySelector('textarea').value = draft.text;
    });
  }

  promptText(draft) {
    const prompt = this.ctx.model.promptsOf(draft.board).find((p) => p.id === draft.prompt);
    return prompt ? wt(this.ctx, prompt.text) : '';
  }

  row(draft) {
    const { t, live } = this.ctx;
    const id = `draft-${++uid}`;
    const area = h('textarea', { id, class: 'draft-text', rows: 3, readonly: true });
    const copy = h('button', { type: 'button', class: 'button secondary copy' });
    copy.addEventListener('click', () => {
      area.select();
      navigator.clipboard?.writeText(area.value).then(() => this.ctx.toast(t.t('draft.copied')), () => {});
    });
    const discard = h('button', { type: 'button', class: 'button secondary discard' });
    discard.addEventListener('click', () => {
      live.saveDraft(draft.board, draft.prompt, '');
      this.ctx.render();
    });
    return h('li', { class: 'draft', dataset: { board: draft.board, prompt: draft.prompt } },
      h('p', { class: 'draft-prompt' }), h('label', { for: id, class: 'visually-hidden' }), area,
      h('div', { class: 'draft-actions' }, copy, discard));
  }
}
