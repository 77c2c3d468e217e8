// What the browser remembers: the person's own sessions (each with the
// secret the server gave it, which reading or deleting it needs) and
// their settings. Nothing here leaves the browser except with a request
// for that session.

const SESSIONS = 'mockinterview.sessions';
const SETTINGS = 'mockinterview.settings';
const MIC_CHECK = 'mockinterview.micCheck';

function read(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key));
    return v ?? fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private browsing or a full store: the session still runs, it just
    // won't be listed on this device.
  }
}

// mySessions lists {id, secret, created, question, mode, level}, newest first.
export function mySessions() {
  const list = read(SESSIONS, []);
  return Array.isArray(list) ? list.filter((s) => s && s.id && s.secret) : [];
}

// rememberSession adds or updates one session.
export function rememberSession(entry) {
  const list = mySessions().filter((s) => s.id !== entry.id);
  const old = mySessions().find((s) => s.id === entry.id) || {};
  list.unshift({ ...old, ...entry });
  write(SESSIONS, list);
}

// forgetSession drops a session (after it was deleted on the server).
export function forgetSession(id) {
  write(SESSIONS, mySessions().filter((s) => s.id !== id));
}

// secretOf returns the session's secret, or '' if this browser lacks it.
export function secretOf(id) {
  const s = mySessions().find((x) => x.id === id);
  return s ? s.secret : '';
}

export const defaultSettings = {
  mode: 'interview',
  principle: '',
  question: '',
  // No level of its own: the server's (GET /api/questions default_level)
  // until the person picks one.
  level: '',
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  voice: true,
  // The single-key shortcuts of the live page (D, S, E).
  shortcuts: true,
};

export function loadSettings() {
  return { ...defaultSettings, ...read(SETTINGS, {}) };
}

export function saveSettings(settings) {
  write(SETTINGS, settings);
}

// micCheck is what became of the microphone check in this browser:
// {state: 'done' | 'skipped', at, quality, recognized}, or null when it was
// never offered. Once done or skipped, Start no longer asks for it.
export function micCheck() {
  const c = read(MIC_CHECK, null);
  return c && (c.state === 'done' || c.state === 'skipped') ? c : null;
}

// rememberMicCheck keeps a check's outcome. A skip never replaces a check
// that was done: the page keeps telling how the last one went.
export function rememberMicCheck(entry) {
  const old = micCheck();
  if (entry.state === 'skipped' && old && old.state === 'done') return;
  write(MIC_CHECK, { ...entry, at: new Date().toISOString() });
}

const JOURNAL = 'mockinterview.journal';

// validJournalKey says whether an id and a secret have the server's
// form: the id 32 lowercase hexadecimal digits, the secret a token of
// letters, digits, - and _ (32 hex digits today).
export function validJournalKey(id, secret) {
  return typeof id === 'string' && /^[0-9a-f]{32}$/.test(id)
    && typeof secret === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(secret);
}

// myJournal is this browser's story journal, {id, secret}, or null.
export function myJournal() {
  const j = read(JOURNAL, null);
  return j && validJournalKey(j.id, j.secret) ? { id: j.id, secret: j.secret } : null;
}

// rememberJournal keeps a journal's key; it replaces any other.
export function rememberJournal({ id, secret }) {
  write(JOURNAL, { id, secret });
}

// forgetJournal drops the key (after the journal was deleted, or to leave
// it to another browser).
export function forgetJournal() {
  try {
    localStorage.removeItem(JOURNAL);
  } catch {
    // Nothing was kept.
  }
}
