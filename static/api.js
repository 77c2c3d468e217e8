// The server's JSON API and the WebSocket address, in one place.

// APIError is a failed request, with the server's message (and code) when
// it sent one.
export class APIError extends Error {
  constructor(status, message, code = '') {
    super(message);
    this.name = 'APIError';
    this.status = status;
    this.code = code;
  }
}

// errorOf reads an error body: {"error": "what to do"}, with a "code" beside
// it from the routes that name their errors.
function errorOf(body) {
  if (!body) return {};
  return { message: body.message || body.error, code: body.code || '' };
}

async function request(url, options = {}) {
  let res;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, ...options });
  } catch (err) {
    throw new APIError(0, 'The server could not be reached. Check that mockinterview serve is running, then reload.');
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let code = '';
    try {
      const e = errorOf(await res.json());
      if (e.message) message = e.message;
      code = e.code || '';
    } catch {
      // Not JSON: keep the status line.
    }
    throw new APIError(res.status, message, code);
  }
  if (res.status === 204) return null;
  return res.json();
}

function withSecret(path, secret) {
  return `${path}?secret=${encodeURIComponent(secret)}`;
}

// listenURL is the WebSocket address with the one audio format the server
// takes: 16 kHz mono 16-bit little-endian PCM. When the browser suppresses
// the noise itself, the server is asked not to do it a second time.
export function listenURL({ browserCleaned = false } = {}) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const denoise = browserCleaned ? '&denoise=0' : '';
  return `${scheme}//${location.host}/v1/listen?encoding=linear16&sample_rate=16000&channels=1${denoise}`;
}

// questionBank returns {levels: [{id, name}], principles: [{name, slug,
// summary, questions: [{id, text}]}]}, or null when the server does not
// publish its bank.
export async function questionBank() {
  try {
    return await request('/api/questions');
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

// listSessions returns the summaries of the sessions whose secrets are
// given (the server lists only what the caller holds the keys of). The
// secrets go in a header so they stay out of logs and history.
export async function listSessions(secrets) {
  if (!secrets.length) return [];
  const body = await request('/api/sessions', { headers: { Accept: 'application/json', 'X-Session-Secrets': secrets.join(',') } });
  return (body && body.sessions) || [];
}

// getSession returns everything stored about one session.
export function getSession(id, secret) {
  return request(withSecret(`/api/sessions/${encodeURIComponent(id)}`, secret));
}

// deleteSession removes a session, its rows and its recordings.
export function deleteSession(id, secret) {
  return request(withSecret(`/api/sessions/${encodeURIComponent(id)}`, secret), { method: 'DELETE' });
}

// audioURL is the address of one answer's recording (a WAV the browser can
// seek in).
export function audioURL(id, n, secret) {
  return withSecret(`/api/sessions/${encodeURIComponent(id)}/answers/${n}/audio`, secret);
}

// exportURL is the address of a session's export: json, md, vtt or srt.
export function exportURL(id, format, secret) {
  return withSecret(`/api/sessions/${encodeURIComponent(id)}/export.${format}`, secret);
}

// checkMicrophone sends a recording of the microphone check (a WAV) and
// returns {audio, heard, recognized, match}: how the audio measures and
// how much of expect, the sentence read aloud, the recognizer heard.
export function checkMicrophone(wav, expect) {
  return request(`/api/check?expect=${encodeURIComponent(expect)}`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'audio/wav' },
    body: wav,
  });
}

// The story journal (docs/protocol.md, "Story journal"). Its secret goes
// in a header, like the sessions' secrets, so that it stays out of logs;
// only the export links, which the browser follows itself, carry it in the
// query string.

function journalPath(id, rest = '') {
  return `/api/journals/${encodeURIComponent(id)}${rest}`;
}

function journalRequest(journal, rest, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json', 'X-Journal-Secret': journal.secret };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return request(journalPath(journal.id, rest), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// createJournal makes a new, empty journal and returns {id, secret}.
export function createJournal() {
  return request('/api/journals', { method: 'POST' });
}

// getJournal returns the journal view: stories, the 16 principles with how
// well each is served, and the practice plan. journal is {id, secret}.
export function getJournal(journal) {
  return journalRequest(journal, '');
}

// deleteJournal removes the journal and its stories; with sessions, every
// session linked to it as well, recordings included.
export function deleteJournal(journal, { sessions = false } = {}) {
  return journalRequest(journal, sessions ? '?sessions=1' : '', { method: 'DELETE' });
}

// journalExportURL is the address of the journal's export, json or md.
export function journalExportURL(journal, format) {
  return withSecret(journalPath(journal.id, `/export.${format}`), journal.secret);
}

// addStory stores a story {title, principles, notes, vocabulary}.
export function addStory(journal, story) {
  return journalRequest(journal, '/stories', { method: 'POST', body: story });
}

// updateStory changes the fields given.
export function updateStory(journal, sid, fields) {
  return journalRequest(journal, `/stories/${encodeURIComponent(sid)}`, { method: 'PATCH', body: fields });
}

// deleteStory removes a story; its attempts' sessions stay.
export function deleteStory(journal, sid) {
  return journalRequest(journal, `/stories/${encodeURIComponent(sid)}`, { method: 'DELETE' });
}

// getStory returns a story with its attempts, oldest first, and what
// changed across them.
export function getStory(journal, sid) {
  return journalRequest(journal, `/stories/${encodeURIComponent(sid)}`);
}

// linkAttempt makes a session's main answer an attempt of a story.
export function linkAttempt(journal, sid, session) {
  return journalRequest(journal, `/stories/${encodeURIComponent(sid)}/attempts`, {
    method: 'POST', body: { session_id: session.id, session_secret: session.secret, answer: 0 },
  });
}

// unlinkAttempt takes an answer off a story; the session stays.
export function unlinkAttempt(journal, sid, sessionID, answer = 0) {
  return journalRequest(journal, `/stories/${encodeURIComponent(sid)}/attempts/${encodeURIComponent(sessionID)}/${answer}`, { method: 'DELETE' });
}
