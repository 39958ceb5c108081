// Pieces of the presenter view only: the latest announcement, and the time-up alarm.

import { h, setText, show } from '../dom.js';
import { setModeratorText } from './common.js';

/** Announcements stay this long on the projector: the latest one, then it fades away. */
const ANNOUNCEMENT_SHOWN_MS = 5 * 60 * 1000;

/** The latest announcement to everyone, shown for a few minutes (an 08:45 welcome is not pinned all day). */
export class LatestAnnouncement {
  constructor(ctx) {
    this.ctx = ctx;
    this.text = h('span', { class: 'text' });
    this.when = h('time', { class: 'when' });
    this.el = h('section', { class: 'screen-announcement', role: 'status', hidden: true }, this.text, this.when);
  }

  update() {
    const { model, t, clock } = this.ctx;
    const latest = model.announcements.filter((a) => !a.room).pop();
    const age = latest ? clock.now() - latest.at : Infinity;
    show(this.el, age < ANNOUNCEMENT_SHOWN_MS);
    if (!latest) return;
    this.el.classList.toggle('fading', age > ANNOUNCEMENT_SHOWN_MS - 30 * 1000);
    setModeratorText(this.ctx, this.text, latest.text);
    setText(this.when, t.time(latest.at, model.workshop?.timezone));
  }
}

/**
 * A flash of the screen and a chime when the slot's time or the rooms' closing countdown runs
 * out; off until someone at the projector turns it on (a surprise sound in a hall is worse than none).
 */
export class TimeUpAlarm {
  constructor(ctx) {
    this.ctx = ctx;
    this.on = false;
    this.el = h('button', { type: 'button', class: 'alarm-toggle', 'aria-pressed': 'false' });
    this.el.addEventListener('click', () => {
      this.on = !this.on;
      this.update();
    });
  }

  /** When the running countdowns end (server time): the slot's, and the rooms' closing. */
  dues(now) {
    const { model } = this.ctx;
    const dues = [];
    if (model.currentSlot && model.status === 'running') dues.push(now + model.remaining(now));
    if (model.breakout?.closesAt != null) dues.push(model.breakout.closesAt);
    return dues;
  }

  update() {
    const { t, clock } = this.ctx;
    setText(this.el, t.t(this.on ? 'screen.alarmOn' : 'screen.alarmOff'));
    this.el.setAttribute('aria-pressed', String(this.on));
    // A countdown seen running rings once when its end passes, or when it vanishes at its end
    // (the rooms close as their countdown ends); one extended or cancelled early is forgotten.
    const now = clock.now();
    const current = this.dues(now);
    this.watched ||= new Set();
    let ended = false;
    for (const due of this.watched) {
      const gone = !current.some((d) => Math.abs(d - due) < 1000);
      if (due <= now || (gone && due - now < 2000)) ended = true;
      if (due <= now || gone) this.watched.delete(due);
    }
    for (const due of current) if (due > now && ![...this.watched].some((d) => Math.abs(d - due) < 1000)) this.watched.add(due);
    if (ended && this.on) this.ring();
  }

  ring() {
    document.body.classList.remove('time-up');
    void document.body.offsetWidth;
    document.body.classList.add('time-up');
    setTimeout(() => document.body.classList.remove('time-up'), 3000);
    try {
      const audio = new AudioContext();
      for (const [offset, pitch] of [[0, 880], [0.35, 660], [0.7, 880]]) {
        const tone = audio.createOscillator();
        const volume = audio.createGain();
        tone.frequency.value = pitch;
        volume.gain.setValueAtTime(0.3, audio.currentTime + offset);
        volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.3);
        tone.connect(volume).connect(audio.destination);
        tone.start(audio.currentTime + offset);
        tone.stop(audio.currentTime + offset + 0.3);
      }
      setTimeout(() => audio.close(), 1500);
    } catch {
      // No audio output on this machine: the flash alone tells the room.
    }
  }
}
