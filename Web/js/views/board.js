// A board: the room's theme and one column per question, with sticky notes that appear live.
// People add, edit and delete their own notes and comment on any; facilitators group notes,
// name the groups and bring notes or groups to the plenary.

import { h, markInvalid, reconcile, replaceChildren, setText, show } from '../dom.js';
import { COLOURS, parseBoard, PLENARY } from '../model.js';
import { setWorkshopText, wt } from './common.js';

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** A radio group of note colours. */
function colourPicker(ctx, name, selected, onChange) {
  const group = h('div', { class: 'colours', role: 'radiogroup', 'aria-label': ctx.t.t('a11y.noteColour') });
  for (const colour of COLOURS) {
    const id = nextId('colour');
    const input = h('input', { type: 'radio', name, value: colour, id, checked: colour === selected, class: 'colour-input' });
    input.addEventListener('change', () => onChange?.(colour));
    const label = h('label', { for: id, class: ['swatch', `colour-${colour}`], title: ctx.t.t(`colour.${colour}`) },
      h('span', { class: 'visually-hidden', text: ctx.t.t(`colour.${colour}`) }));
    group.append(input, label);
  }
  return group;
}

function checkedColour(group) {
  return group.querySelector('input:checked')?.value || 'yellow';
}

export class BoardView {
  constructor(ctx, board) {
    this.ctx = ctx;
    this.board = board;
    this.ui = { editing: new Map(), openComments: new Set(), selected: new Set() };
    const { room } = parseBoard(board);
    this.isPlenary = room === PLENARY;
    this.heading = h('h2', { class: 'board-theme', id: nextId('board') });
    this.subheading = h('p', { class: 'board-slot' });
    this.intro = h('div', { class: 'board-intro' });
    this.facilitation = h('div', { class: 'facilitation', hidden: true });
    this.columns = h('div', { class: 'columns' });
    this.el = h('section', { class: 'board', 'aria-labelledby': this.heading.id, dataset: { board } },
      h('header', { class: 'board-header' }, this.heading, this.subheading, this.intro), this.facilitation, this.columns);
    this.columnViews = new Map();
    this.buildFacilitation();
  }

  update() {
    const { model, t } = this.ctx;
    const { room } = parseBoard(this.board);
    const roomDef = model.room(room);
    setWorkshopText(this.ctx, this.heading, this.isPlenary ? model.currentSlot?.title : roomDef?.theme);
    setText(this.subheading, this.isPlenary ? t.t('board.plenary') : t.t('board.room'));
    const prompts = model.promptsOf(this.board);
    reconcile(this.columns, prompts, (p) => p.id, (p) => {
      const view = new ColumnView(this.ctx, this, p);
      this.columnViews.set(p.id, view);
      return view.el;
    }, (el, p) => this.columnViews.get(p.id)?.update());
    this.updateFacilitation();
  }

  /** Nodes shown under the heading (the slot's instructions, a room switch). */
  setIntro(nodes) {
    replaceChildren(this.intro, nodes);
  }

  get canFacilitate() {
    return this.ctx.model.canFacilitate(this.board);
  }

  buildFacilitation() {
    const { t } = this.ctx;
    const nameId = nextId('group-name');
    this.groupName = h('input', { id: nameId, type: 'text', maxlength: 80, autocomplete: 'off' });
    this.groupLabel = h('label', { for: nameId });
    this.groupButton = h('button', { type: 'submit', class: 'button' });
    this.selectedCount = h('span', { class: 'selected-count' });
    this.groupForm = h('form', { class: 'group-form' }, this.groupLabel, this.groupName, this.groupButton, this.selectedCount);
    this.groupForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const notes = Array.from(this.ui.selected).filter((id) => this.ctx.model.notes.has(id));
      if (!notes.length) { this.ctx.toast(t.t('group.selectFirst')); return; }
      const name = this.groupName.value.trim() || null;
      this.ctx.act({ groupNotes: { notes, cluster: null, name } }).then(() => {
        this.ui.selected.clear();
        this.groupName.value = '';
        this.ctx.render();
      });
    });
    this.clusterList = h('ul', { class: 'clusters' });
    this.facilitationTitle = h('h3', {});
    this.facilitationHelp = h('p', { class: 'hint' });
    replaceChildren(this.facilitation, this.facilitationTitle, this.facilitationHelp, this.groupForm, this.clusterList);
  }

  updateFacilitation() {
    const { model, t } = this.ctx;
    const clusters = model.clustersOf(this.board);
    const facilitating = this.canFacilitate;
    show(this.facilitation, facilitating || clusters.length > 0);
    show(this.groupForm, facilitating);
    show(this.facilitationHelp, facilitating);
    setText(this.facilitationTitle, t.t('group.title'));
    setText(this.facilitationHelp, t.t('group.help'));
    setText(this.groupLabel, t.t('group.name'));
    setText(this.groupButton, t.t('group.create'));
    setText(this.selectedCount, t.t('group.selected', { n: Array.from(this.ui.selected).filter((id) => model.notes.has(id)).length }));
    reconcile(this.clusterList, clusters, (c) => c.id, (cluster) => {
      const nameId = nextId('cluster');
      const input = h('input', { id: nameId, type: 'text', maxlength: 80, class: 'cluster-name-input' });
      const form = h('form', { class: 'cluster-rename' },
        h('label', { for: nameId, class: 'visually-hidden', text: t.t('group.rename') }), input,
        h('button', { type: 'submit', class: 'button secondary', text: t.t('group.rename') }));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const name = input.value.trim();
        if (name) this.ctx.act({ nameCluster: { cluster: cluster.id, name } });
      });
      const promote = h('button', { type: 'button', class: 'button secondary promote', text: t.t('promote.group') });
      promote.addEventListener('click', () => this.ctx.act({ promote: { source: { cluster: cluster.id }, text: null } }));
      return h('li', { class: 'cluster' },
        h('span', { class: 'cluster-name' }), h('span', { class: 'cluster-count' }), form, promote);
    }, (el, cluster) => {
      setText(el.querySelector('.cluster-name'), cluster.name || t.t('group.unnamed'));
      setText(el.querySelector('.cluster-count'), t.t('group.notes', { n: cluster.notes.length }));
      const input = el.querySelector('.cluster-name-input');
      if (document.activeElement !== input && !input.dataset.touched) input.value = cluster.name || '';
      input.oninput = () => { input.dataset.touched = '1'; };
      show(el.querySelector('.cluster-rename'), facilitating);
      const promote = el.querySelector('.promote');
      const promoted = model.promoted.some((p) => p.source?.cluster === cluster.id);
      show(promote, facilitating && !!cluster.name && !promoted);
    });
  }
}

class ColumnView {
  constructor(ctx, boardView, prompt) {
    this.ctx = ctx;
    this.boardView = boardView;
    this.prompt = prompt;
    const { t } = ctx;
    this.title = h('h3', { class: 'prompt', id: nextId('prompt') });
    const textId = nextId('note-text');
    this.text = h('textarea', { id: textId, rows: 2, maxlength: 500, required: true, class: 'note-input' });
    this.textLabel = h('label', { for: textId, class: 'visually-hidden' });
    this.colours = colourPicker(ctx, nextId('new-colour'), 'yellow');
    this.anonymous = h('input', { type: 'checkbox', id: nextId('anon') });
    this.anonLabel = h('label', { for: this.anonymous.id, class: 'check' });
    this.addButton = h('button', { type: 'submit', class: 'button primary add-note' });
    this.form = h('form', { class: 'composer', novalidate: true }, this.textLabel, this.text,
      h('div', { class: 'composer-row' }, this.colours, h('span', { class: 'check-wrap' }, this.anonymous, this.anonLabel), this.addButton));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.text.value = ctx.live.draft(boardView.board, prompt.id);
    this.text.addEventListener('input', () => ctx.live.saveDraft(boardView.board, prompt.id, this.text.value));
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); this.submit(); }
    });
    this.list = h('ul', { class: 'notes', 'aria-labelledby': this.title.id });
    this.el = h('section', { class: 'column', dataset: { prompt: prompt.id } }, this.title, this.form, this.list);
    void t;
  }

  submit() {
    const text = this.text.value.trim();
    if (!text) { markInvalid(this.text, this.ctx.t.t('note.needText')); this.text.focus(); return; }
    this.ctx.live.submit({
      addNote: {
        board: this.boardView.board, prompt: this.prompt.id, text,
        colour: checkedColour(this.colours), anonymous: this.anonymous.checked,
      },
    });
    this.text.value = '';
    this.ctx.live.saveDraft(this.boardView.board, this.prompt.id, '');
    this.text.focus({ preventScroll: true });
    this.ctx.render();
    // On a phone the new note lands at the end of a long column: show it where it landed.
    this.list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }

  update() {
    const { model, t, live } = this.ctx;
    const board = this.boardView.board;
    setWorkshopText(this.ctx, this.title, this.prompt.text);
    setText(this.textLabel, t.t('note.newLabel', { prompt: wt(this.ctx, this.prompt.text) }));
    this.text.placeholder = t.t('note.placeholder');
    setText(this.anonLabel, t.t('note.anonymous'));
    setText(this.addButton, t.t('note.add'));
    for (const label of this.colours.querySelectorAll('label')) {
      const colour = label.className.match(/colour-(\w+)/)?.[1];
      label.title = t.t(`colour.${colour}`);
      setText(label.firstChild, t.t(`colour.${colour}`));
    }
    const writable = model.isOpen(board) && !model.mine?.isModerator;
    show(this.form, writable || (model.mine?.isModerator && model.isOpen(board)));
    const notes = model.notesOf(board).filter((n) => n.prompt === this.prompt.id);
    // Placeholders for notes waiting in the outbox, unless their note already arrived.
    const claimed = new Set();
    const pending = (live.outbox?.pendingNotes(board) || [])
      .filter((e) => e.command.addNote.prompt === this.prompt.id)
      .filter((e) => !(e.sent && live.outbox.alreadyApplied(e, model, claimed)));
    const items = [...notes.map((note) => ({ note })), ...pending.map((entry) => ({ entry }))];
    reconcile(this.list, items, (item) => (item.note ? item.note.id : `pending-${item.entry.cid}`),
      (item) => (item.note ? new NoteView(this.ctx, this.boardView, item.note.id).el : pendingNote(this.ctx, item.entry)),
      (el, item) => { if (item.note) el.noteView.update(); });
  }
}

function pendingNote(ctx, entry) {
  const args = entry.command.addNote;
  return h('li', { class: ['note', 'pending', `colour-${args.colour || 'yellow'}`] },
    h('p', { class: 'note-text', text: args.text }),
    h('p', { class: 'note-meta' }, h('span', { class: 'pending-label', text: ctx.t.t('note.pending') })));
}

class NoteView {
  constructor(ctx, boardView, id) {
    this.ctx = ctx;
    this.boardView = boardView;
    this.id = id;
    const { t } = ctx;
    this.text = h('p', { class: 'note-text' });
    this.author = h('span', { class: 'note-author' });
    this.group = h('span', { class: 'note-group', hidden: true });
    this.promotedTag = h('span', { class: 'note-promoted', hidden: true });
    this.select = h('input', { type: 'checkbox', id: nextId('select'), class: 'select-note' });
    this.selectLabel = h('label', { for: this.select.id, class: 'check' });
    this.selectWrap = h('span', { class: 'check-wrap select-wrap', hidden: true }, this.select, this.selectLabel);
    this.select.addEventListener('change', () => {
      if (this.select.checked) boardView.ui.selected.add(id); else boardView.ui.selected.delete(id);
      boardView.updateFacilitation();
    });
    this.editButton = h('button', { type: 'button', class: 'link edit' });
    this.deleteButton = h('button', { type: 'button', class: 'link delete' });
    this.promoteButton = h('button', { type: 'button', class: 'link promote' });
    this.commentsButton = h('button', { type: 'button', class: 'link comments-toggle', 'aria-expanded': 'false' });
    this.actions = h('div', { class: 'note-actions' }, this.commentsButton, this.editButton, this.deleteButton, this.promoteButton, this.selectWrap);
    this.editor = h('form', { class: 'note-editor', hidden: true });
    this.comments = h('div', { class: 'comments', hidden: true });
    this.commentList = h('ul', { class: 'comment-list' });
    const commentId = nextId('comment');
    this.commentInput = h('input', { type: 'text', id: commentId, maxlength: 500, autocomplete: 'off' });
    this.commentLabel = h('label', { for: commentId, class: 'visually-hidden' });
    this.commentButton = h('button', { type: 'submit', class: 'button secondary' });
    this.commentForm = h('form', { class: 'comment-form' }, this.commentLabel, this.commentInput, this.commentButton);
    this.comments.append(this.commentList, this.commentForm);
    this.el = h('li', { class: 'note', dataset: { note: id } },
      this.text, h('p', { class: 'note-meta' }, this.author, this.group, this.promotedTag), this.actions, this.editor, this.comments);
    this.el.noteView = this;

    this.commentsButton.addEventListener('click', () => {
      const open = !boardView.ui.openComments.has(id);
      if (open) boardView.ui.openComments.add(id); else boardView.ui.openComments.delete(id);
      this.update();
      if (open) this.commentInput.focus();
    });
    this.commentForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.commentInput.value.trim();
      if (!text) return;
      ctx.live.submit({ addComment: { note: id, text } });
      this.commentInput.value = '';
    });
    this.editButton.addEventListener('click', () => this.startEditing());
    this.deleteButton.addEventListener('click', () => {
      if (window.confirm(t.t('note.confirmDelete'))) {
        ctx.live.submit({ deleteNote: { note: id } });
        ctx.render();
      }
    });
    this.promoteButton.addEventListener('click', () => ctx.act({ promote: { source: { note: id }, text: null } }));
  }

  startEditing() {
    const { t, model } = this.ctx;
    const note = model.notes.get(this.id);
    if (!note) return;
    const textId = nextId('edit');
    const area = h('textarea', { id: textId, rows: 3, maxlength: 500, class: 'note-input' });
    area.value = note.text;
    const colours = colourPicker(this.ctx, nextId('edit-colour'), note.colour);
    const cancel = h('button', { type: 'button', class: 'button secondary', text: t.t('action.cancel') });
    replaceChildren(this.editor,
      h('label', { for: textId, class: 'visually-hidden', text: t.t('note.editLabel') }), area,
      h('div', { class: 'composer-row' }, colours,
        h('button', { type: 'submit', class: 'button primary', text: t.t('action.save') }), cancel));
    this.editor.onsubmit = (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) return;
      this.ctx.live.submit({ editNote: { note: this.id, text, colour: checkedColour(colours) } });
      this.boardView.ui.editing.delete(this.id);
      this.update();
      this.editButton.focus();
    };
    cancel.addEventListener('click', () => {
      this.boardView.ui.editing.delete(this.id);
      this.update();
      this.editButton.focus();
    });
    area.addEventListener('keydown', (event) => { if (event.key === 'Escape') cancel.click(); });
    this.boardView.ui.editing.set(this.id, true);
    this.update();
    area.focus();
  }

  update() {
    const { model, t } = this.ctx;
    const note = model.notes.get(this.id);
    if (!note) return;
    const me = model.me;
    const mine = note.author != null && note.author === me;
    const moderator = !!model.mine?.isModerator;
    const open = model.isOpen(note.board);
    for (const colour of ['yellow', 'pink', 'blue', 'green', 'orange', 'purple']) {
      this.el.classList.toggle(`colour-${colour}`, note.colour === colour);
    }
    this.el.classList.toggle('mine', mine);
    setText(this.text, model.noteText(note, t.language));
    let author;
    if (note.author == null) author = note.anonymous ? t.t('note.byAnonymous') : t.t('note.byOrganiser');
    else if (mine) author = note.anonymous ? t.t('note.byYouAnonymous') : t.t('note.byYou');
    else author = model.authorName(note) || t.t('note.byAnonymous');
    setText(this.author, author);
    const cluster = note.cluster ? model.clusters.get(note.cluster) : null;
    show(this.group, !!cluster);
    if (cluster) setText(this.group, cluster.name || t.t('group.unnamed'));
    const promoted = model.promoted.some((p) => p.source?.note === note.id);
    show(this.promotedTag, promoted);
    setText(this.promotedTag, t.t('promote.done'));

    const comments = model.commentsOf(note.id);
    const expanded = this.boardView.ui.openComments.has(this.id);
    setText(this.commentsButton, comments.length ? t.t('comment.count', { n: comments.length }) : t.t('comment.add'));
    this.commentsButton.setAttribute('aria-expanded', String(expanded));
    show(this.comments, expanded);
    setText(this.commentLabel, t.t('comment.label'));
    this.commentInput.placeholder = t.t('comment.placeholder');
    setText(this.commentButton, t.t('comment.send'));
    reconcile(this.commentList, comments, (c) => c.id, () => h('li', { class: 'comment' },
      h('span', { class: 'comment-author' }), h('span', { class: 'comment-text' })), (el, comment) => {
      const who = comment.author === me ? t.t('note.byYou') : model.authorName(comment) || '';
      setText(el.querySelector('.comment-author'), who);
      setText(el.querySelector('.comment-text'), comment.text);
    });

    const editable = (mine || moderator) && open;
    show(this.editButton, editable);
    show(this.deleteButton, editable);
    setText(this.editButton, t.t('action.edit'));
    setText(this.deleteButton, t.t('action.delete'));
    this.editButton.setAttribute('aria-label', t.t('note.editNamed', { text: note.text.slice(0, 40) }));
    this.deleteButton.setAttribute('aria-label', t.t('note.deleteNamed', { text: note.text.slice(0, 40) }));
    const facilitating = this.boardView.canFacilitate;
    show(this.promoteButton, facilitating && !promoted);
    setText(this.promoteButton, t.t('promote.note'));
    show(this.selectWrap, facilitating);
    setText(this.selectLabel, t.t('group.select'));
    this.select.checked = this.boardView.ui.selected.has(this.id);
    const editing = this.boardView.ui.editing.has(this.id);
    show(this.editor, editing);
    show(this.text, !editing);
  }
}
