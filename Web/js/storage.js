// What the page keeps in localStorage, per join code: the identity (reconnect token,
// participant id, highest seq applied, form answers), the outbox of unsent changes and the notes
// being typed (drafts, by board and question).
// Storage may be unavailable (private mode, quota): then the page simply forgets on reload.

const PREFIX = 'atelier';

function read(key) {
  try {
    const text = localStorage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: keep going in memory.
  }
}

/** Normalised join code (codes are matched without regard to case). */
export function normaliseCode(code) {
  return String(code || '').trim().toUpperCase().replace(/\s+/g, '');
}

export const storage = {
  identity(code, kind = 'participant') { return read(`${PREFIX}:${kind}:${normaliseCode(code)}`); },
  saveIdentity(code, identity, kind = 'participant') { write(`${PREFIX}:${kind}:${normaliseCode(code)}`, identity); },
  forgetIdentity(code, kind = 'participant') { write(`${PREFIX}:${kind}:${normaliseCode(code)}`, null); },
  outbox(code) { return read(`${PREFIX}:outbox:${normaliseCode(code)}`) || []; },
  saveOutbox(code, entries) { write(`${PREFIX}:outbox:${normaliseCode(code)}`, entries.length ? entries : null); },
  drafts(code) { return read(`${PREFIX}:drafts:${normaliseCode(code)}`) || {}; },
  saveDrafts(code, drafts) { write(`${PREFIX}:drafts:${normaliseCode(code)}`, Object.keys(drafts).length ? drafts : null); },
  lastCode() { return read(`${PREFIX}:last`); },
  saveLastCode(code) { write(`${PREFIX}:last`, code ? normaliseCode(code) : null); },
  profile() { return read(`${PREFIX}:profile`) || {}; },
  saveProfile(profile) { write(`${PREFIX}:profile`, profile); },
  language() { return read(`${PREFIX}:language`); },
  saveLanguage(language) { write(`${PREFIX}:language`, language); },
};
