// Reviewing: the list of this browser's sessions, and one session with
// its recordings played in step with the transcript.

import { h, s, $, replace, duration, when, capitalize, announce, ask } from './dom.js';
import { listSessions, getSession, deleteSession, exportURL, audioURL, APIError } from './api.js';
import { mySessions, secretOf, forgetSession, rememberSession } from './store.js';
import {
  LABELS, levelName, decisionTone, responsive, reportContext,
  verdictBlock, timingBlock, deliveryBlock, improvementsBlock, feedbackBlock, probesBlock,
  audioBlock, audioCaveat, UNSURE, UNSURE_NOTE,
} from './report.js';
import { linkBlock } from './journal.js';

const LONG_PAUSE = 2; // seconds, as the analysis counts a long pause

function verdictCell(session) {
  if (session.state === 'live') return h('span', { class: 'badge' }, 'in progress');
  if (session.decision) return h('span', { class: 'badge', 'data-tone': decisionTone(session.decision) }, session.decision);
  if (session.mode === 'practice') return h('span', { class: 'badge' }, 'practice');
  if (session.state === 'interrupted') return h('span', { class: 'badge warn' }, 'interrupted');
  return '–';
}

// showSessions fills the sessions page.
export async function showSessions(body) {
  const mine = mySessions();
  if (!mine.length) {
    replace(body, h('div', { class: 'card empty' },
      h('p', {}, 'No sessions in this browser yet.'),
      h('a', { class: 'button primary', href: '#/' }, 'Start your first session')));
    return;
  }
  replace(body, h('p', { class: 'hint', role: 'status' }, 'Loading your sessions…'));
  let list;
  try {
    list = await listSessions(mine.map((m) => m.secret));
  } catch (err) {
    replace(body, h('p', { class: 'notice error', role: 'alert' }, `The sessions could not be loaded: ${err.message}`));
    return;
  }
  if (!list.length) {
    replace(body, h('div', { class: 'card empty' },
      h('p', {}, 'This server holds none of the sessions recorded in this browser. They may have been deleted, or recorded with another server.'),
      h('a', { class: 'button primary', href: '#/' }, 'Start a session')));
    return;
  }
  replace(body, h('table', { class: 'sessions' },
    h('caption', { class: 'visually-hidden' }, 'Your sessions, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'),
      h('th', { scope: 'col' }, 'Question'),
      h('th', { scope: 'col' }, 'Level'),
      h('th', { scope: 'col' }, 'Total time'),
      h('th', { scope: 'col' }, 'Verdict'))),
    h('tbody', {}, list.map((x) => h('tr', { 'data-session': x.id },
      h('td', { class: 'num', 'data-th': 'Date' }, when(x.created_at)),
      h('td', {},
        h('a', { href: `#/session/${encodeURIComponent(x.id)}` }, x.question || 'Untitled session'),
        h('div', { class: 'hint' }, [x.principle, x.mode === 'practice' ? 'pacing practice' : null].filter(Boolean).join(' · '))),
      h('td', { 'data-th': 'Level' }, levelName(x.level)),
      h('td', { class: 'num', 'data-th': 'Total time' }, duration(x.duration)),
      h('td', { 'data-th': 'Verdict' }, verdictCell(x)))))));
  const missing = mine.length - list.length;
  if (missing > 0) {
    body.append(h('p', { class: 'hint' }, `${missing} session${missing > 1 ? 's' : ''} remembered here ${missing > 1 ? 'are' : 'is'} no longer on this server.`));
  }
}

// wordIndexAt finds the word being said at stream time t: the last word
// starting at or before t, if t is still inside it (or just after it).
function wordIndexAt(words, t) {
  let lo = 0;
  let hi = words.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].start <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found >= 0 && t <= words[found].end + 0.15) return found;
  return -1;
}

// answerTimeline draws the main answer along time: the parts as coloured
// bands, long pauses hatched, fillers as ticks, and the playhead. It is a
// slider: clicking it seeks, and so do the arrow keys (5 s), Page Up and
// Page Down (15 s), Home and End.
function answerTimeline(answer, words, pauses, seek) {
  const from = answer.start;
  const to = answer.end ?? (answer.start + (answer.audio_seconds || 0));
  const length = Math.max(to - from, words.length ? words[words.length - 1].end - from : 0, 1);
  const runs = [];
  for (const w of words) {
    if (!w.part) continue;
    const last = runs[runs.length - 1];
    if (last && last.label === w.part) last.end = w.end;
    else runs.push({ label: w.part, start: w.start, end: w.end });
  }
  const fillers = words.filter((w) => w.filler);
  let playhead = null;
  let now = 0;
  let spoken = -1; // the second the slider's value last said
  let width = 640;
  let box = null;
  box = responsive('chart timeline', (wd) => {
    width = wd;
    const top = 22;
    const bandH = 30;
    const height = top + bandH + 26;
    const x = (t) => ((t - from) / length) * width;
    // The slider around it carries the name and the summary.
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, 'aria-hidden': 'true' });
    const defs = s('defs', {}, s('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 6, height: 6, style: 'fill: var(--surface-2)' }),
      s('line', { x1: 0, y1: 0, x2: 0, y2: 6, style: 'stroke: var(--ink-3); stroke-width: 2' })));
    svg.append(defs);
    svg.append(s('rect', { x: 0, y: top, width, height: bandH, rx: 6, style: 'fill: var(--surface-2)' }));
    for (const r of runs) {
      svg.append(s('rect', { x: x(r.start), y: top, width: Math.max(1, x(r.end) - x(r.start)), height: bandH, 'data-label': r.label, style: 'fill: var(--part); opacity: .85' },
        s('title', {}, `${capitalize(r.label)}: ${duration(r.start - from)} to ${duration(r.end - from)}`)));
    }
    for (const p of pauses) {
      svg.append(s('rect', { class: 'pause-mark', x: x(p.start), y: top, width: Math.max(2, x(p.end) - x(p.start)), height: bandH, style: 'fill: url(#hatch)' },
        s('title', {}, `Pause of ${duration(p.end - p.start)} at ${duration(p.start - from)}`)));
    }
    for (const f of fillers) {
      const fx = x(f.start);
      svg.append(s('path', { class: 'filler-mark', d: `M${fx - 5},${top - 12} L${fx + 5},${top - 12} L${fx},${top - 3} Z`, style: 'fill: var(--near-fill)' },
        s('title', {}, `Filler “${f.text}” at ${duration(f.start - from)}`)));
    }
    const ticks = Math.max(2, Math.min(8, Math.floor(width / 90)));
    for (let i = 0; i <= ticks; i++) {
      const t = (length * i) / ticks;
      const tx = (t / length) * width;
      svg.append(s('text', { x: tx, y: height - 4, class: 'muted', 'font-size': 12, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' }, duration(t)));
    }
    playhead = s('line', { class: 'playhead', x1: 0, x2: 0, y1: top - 4, y2: top + bandH + 4, style: 'stroke: var(--ink); stroke-width: 2' });
    svg.append(playhead);
    place(now);
    return svg;
  });
  const summaryID = `answer-${answer.n}-timeline-summary`;
  const summary = h('p', { id: summaryID, class: 'visually-hidden' },
    `${runs.map((r) => `${capitalize(r.label)} from ${duration(r.start - from)} to ${duration(r.end - from)}`).join(', ')}; ${fillers.length} fillers; ${pauses.length} long pauses.`);
  Object.assign(box, { tabIndex: 0 });
  for (const [k, v] of Object.entries({
    role: 'slider', 'aria-label': `Timeline of the answer, ${duration(length)}`, 'aria-describedby': summaryID,
    'aria-valuemin': '0', 'aria-valuemax': String(Math.round(length)),
  })) box.setAttribute(k, v);
  function place(t) {
    now = t;
    // The slider's value moves a second at a time, not every frame.
    const second = Math.round(t);
    if (box && second !== spoken) {
      spoken = second;
      const i = wordIndexAt(words, t + from);
      const part = i >= 0 ? words[i].part : '';
      box.setAttribute('aria-valuenow', String(second));
      box.setAttribute('aria-valuetext', `${duration(t)} of ${duration(length)}${part ? `, in the ${part}` : ''}`);
    }
    if (!playhead) return;
    const px = Math.max(1, Math.min(width - 1, (t / length) * width));
    playhead.setAttribute('x1', px);
    playhead.setAttribute('x2', px);
  }
  place(now);
  box.addEventListener('click', (e) => {
    const rect = box.getBoundingClientRect();
    seek(((e.clientX - rect.left) / rect.width) * length);
  });
  const steps = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5, PageUp: 15, PageDown: -15 };
  box.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    let t;
    if (e.key in steps) t = now + steps[e.key];
    else if (e.key === 'Home') t = 0;
    else if (e.key === 'End') t = length - 1;
    else if (e.key === 'Enter' || e.key === ' ') t = now;
    else return;
    e.preventDefault();
    t = Math.max(0, Math.min(length, t));
    place(t);
    seek(t);
  });
  return { element: h('div', { class: 'timeline-box' }, box, summary), place };
}

function legend(words, pauses) {
  const labels = LABELS.filter((l) => words.some((w) => w.part === l));
  const hasFillers = words.some((w) => w.filler);
  const hasUnsure = words.some((w) => w.low_confidence);
  if (!labels.length && !hasFillers && !hasUnsure && !pauses.length) return null;
  return h('ul', { class: 'legend', 'aria-label': 'Colours' },
    labels.map((l) => h('li', { 'data-label': l }, h('span', { class: 'swatch' }), capitalize(l))),
    hasFillers ? h('li', {}, h('span', { class: 'swatch filler-swatch' }), 'filler') : null,
    hasUnsure ? h('li', {}, h('span', { class: 'unsure' }, 'dimmed'), 'word: the recognizer was unsure') : null,
    pauses.length ? h('li', {}, h('span', { class: 'swatch pause-swatch' }), `pause over ${LONG_PAUSE} s`) : null);
}

// answerCard shows one answer: what was asked, the recording, and the
// transcript that follows the playback.
function answerCard(session, answer, words, secret) {
  const n = answer.n;
  const audio = h('audio', { controls: true, preload: 'metadata', src: audioURL(session.id, n, secret), 'aria-label': `Recording of ${n === 0 ? 'your answer' : `your reply to follow-up ${n}`}` });
  const offset = answer.start || 0;
  const seek = (t) => {
    audio.currentTime = Math.max(0, t);
    if (audio.paused) audio.play().catch(() => {});
  };

  const hintID = `answer-${n}-words-hint`;
  const transcript = h('p', { class: 'review-transcript', 'data-answer': n, 'aria-describedby': words.length ? hintID : undefined });
  const spans = [];
  let label = '';
  words.forEach((w, i) => {
    if (i > 0 && w.start - words[i - 1].end >= LONG_PAUSE) {
      transcript.append(' ', h('span', { class: 'pause' }, `pause ${duration(w.start - words[i - 1].end)}`));
    }
    if (w.part && w.part !== label) {
      label = w.part;
      transcript.append(' ', h('button', {
        type: 'button', class: 'part-start', 'data-label': w.part,
        'aria-label': `Play the ${w.part} from ${duration(w.start - offset)}`,
        onclick: () => seek(w.start - offset),
      }, w.part));
    }
    // One word at a time is in the tab order (the one last focused); the
    // arrow keys move between them.
    const span = h('span', {
      class: `w${w.filler ? ' filler' : ''}${w.low_confidence ? ' unsure' : ''}`, 'data-i': i, 'data-label': w.part || undefined,
      'data-start': (w.start - offset).toFixed(2), tabindex: i === 0 ? '0' : '-1',
      title: `${duration(w.start - offset)}${w.filler ? ' · filler' : ''}${w.low_confidence ? ` · ${UNSURE}` : ''}`,
      'aria-describedby': w.low_confidence ? UNSURE_NOTE : undefined,
    }, w.punctuated || w.text);
    spans.push(span);
    transcript.append(i > 0 ? ' ' : '', span);
  });
  transcript.addEventListener('click', (e) => {
    const span = e.target.closest('.w');
    if (span) seek(words[Number(span.dataset.i)].start - offset);
  });
  let roving = 0;
  const focusWord = (i) => {
    const next = Math.max(0, Math.min(spans.length - 1, i));
    spans[roving].tabIndex = -1;
    spans[next].tabIndex = 0;
    roving = next;
    spans[next].focus();
  };
  transcript.addEventListener('focusin', (e) => {
    const span = e.target.closest('.w');
    if (!span || Number(span.dataset.i) === roving) return;
    spans[roving].tabIndex = -1;
    roving = Number(span.dataset.i);
    span.tabIndex = 0;
  });
  transcript.addEventListener('keydown', (e) => {
    const span = e.target.closest('.w');
    if (!span || e.altKey || e.ctrlKey || e.metaKey) return;
    const i = Number(span.dataset.i);
    const moves = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: spans.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusWord(moves[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      seek(words[i].start - offset);
    }
  });
  // An answer that ended without a second of sound (a probe skipped or
  // ended at once) has no recording to play; an answer still open or cut
  // off by a crash has no end yet and may well have one.
  const recorded = answer.end == null || answer.audio_seconds > 0;
  if (!words.length) {
    transcript.append(h('span', { class: 'hint' }, recorded ? 'Nothing was heard in this answer.' : 'Nothing was recorded for this answer.'));
  }

  const pauses = [];
  for (let i = 1; i < words.length; i++) {
    if (words[i].start - words[i - 1].end >= LONG_PAUSE) pauses.push({ start: words[i - 1].end, end: words[i].start });
  }
  const timeline = n === 0 && words.length ? answerTimeline(answer, words, pauses, seek) : null;

  // The highlight follows the audio: every frame while it plays, and on
  // every seek while paused.
  let playing = -1;
  let frame = 0;
  const follow = () => {
    const t = audio.currentTime + offset;
    const i = wordIndexAt(words, t);
    if (i !== playing) {
      if (playing >= 0) spans[playing].classList.remove('playing');
      if (i >= 0) {
        spans[i].classList.add('playing');
        if (!audio.paused) {
          const r = spans[i].getBoundingClientRect();
          if (r.top < 60 || r.bottom > window.innerHeight - 20) spans[i].scrollIntoView({ block: 'center', behavior: 'smooth' });
        }
      }
      playing = i;
    }
    if (timeline) timeline.place(audio.currentTime);
    if (!audio.paused) frame = requestAnimationFrame(follow);
  };
  audio.addEventListener('play', () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(follow); });
  audio.addEventListener('seeked', follow);
  audio.addEventListener('timeupdate', () => { if (audio.paused) follow(); });
  audio.addEventListener('error', () => {
    audio.replaceWith(h('p', { class: 'notice error' }, 'The recording could not be loaded.'));
  });

  const asked = n === 0 ? session.question : answer.asked;
  return h('section', { class: 'card answer', 'data-answer': n, 'aria-labelledby': `answer-${n}-title` },
    h('h2', { id: `answer-${n}-title` }, n === 0 ? 'Your answer' : `Follow-up ${n}${answer.gap ? ` · ${answer.gap}` : ''}`),
    asked ? h('p', { class: 'asked' }, h('span', { class: 'hint' }, 'Interviewer: '), asked) : null,
    recorded ? audio : null,
    timeline ? timeline.element : null,
    legend(words, pauses),
    transcript,
    words.length ? h('p', { class: 'hint', id: hintID }, 'Click a word, or press Enter on it, to play from there; the arrow keys move from word to word.') : null);
}

function exportLinks(id, secret) {
  const formats = [['json', 'JSON'], ['md', 'Markdown report'], ['vtt', 'WebVTT subtitles'], ['srt', 'SRT subtitles']];
  return h('nav', { class: 'exports', 'aria-label': 'Export' },
    formats.map(([f, name]) => h('a', { href: exportURL(id, f, secret), download: '', 'data-format': f }, name)));
}

async function confirmDelete() {
  return (await ask($('#confirm-delete'))) === 'delete';
}

// showSession fills the session page.
export async function showSession(view, id) {
  const secret = secretOf(id);
  if (!secret) {
    replace(view, h('h1', {}, 'Session not found'),
      h('p', { class: 'notice' }, 'This browser does not hold the key to that session, so it cannot be opened here.'),
      h('a', { href: '#/sessions' }, 'Back to your sessions'));
    return;
  }
  replace(view, h('p', { class: 'hint', role: 'status' }, 'Loading the session…'));
  let d;
  try {
    d = await getSession(id, secret);
  } catch (err) {
    const gone = err instanceof APIError && err.status === 404;
    replace(view, h('h1', {}, gone ? 'Session not found' : 'Could not load the session'),
      h('p', { class: 'notice error', role: 'alert' }, gone ? 'The server no longer has this session: it may have been deleted.' : err.message),
      gone ? h('button', { type: 'button', onclick: () => { forgetSession(id); location.hash = '#/sessions'; } }, 'Forget it in this browser') : null,
      h('p', {}, h('a', { href: '#/sessions' }, 'Back to your sessions')));
    return;
  }
  rememberSession({ id, secret, question: d.question, principle: d.principle, mode: d.mode, level: d.level });
  const r = d.report || {};
  const status = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const del = h('button', {
    type: 'button', class: 'danger', id: 'delete-session',
    onclick: async () => {
      if (!(await confirmDelete())) return;
      try {
        await deleteSession(id, secret);
      } catch (err) {
        status.textContent = `The session could not be deleted: ${err.message}`;
        status.hidden = false;
        return;
      }
      forgetSession(id);
      announce('Session deleted.');
      location.hash = '#/sessions';
    },
  }, 'Delete session');

  const header = h('header', { class: 'report-head' },
    h('p', { class: 'eyebrow' }, [reportContext({ ...r, principle: d.principle, level: d.level, mode: d.mode }), when(d.created_at)].filter(Boolean).join(' · ')),
    h('h1', { tabindex: '-1' }, d.question || 'Session'),
    h('p', { class: 'hint' }, `${duration(d.duration)} recorded${d.state === 'interrupted' ? ' · the session was interrupted before it ended' : ''}${d.state === 'live' ? ' · still in progress' : ''}`),
    audioCaveat(r),
    h('div', { class: 'session-head' }, exportLinks(id, secret), del),
    status);

  const byAnswer = new Map(d.answers.map((a) => [a.n, []]));
  for (const w of d.words) {
    if (!byAnswer.has(w.answer)) byAnswer.set(w.answer, []);
    byAnswer.get(w.answer).push(w);
  }
  replace(view, h('article', { class: 'report', id: 'session', 'data-session': id },
    header,
    linkBlock({ id, secret, principle: d.principle }),
    verdictBlock(r.verdict, 'session'),
    d.answers.map((a) => answerCard(d, a, byAnswer.get(a.n) || [], secret)),
    timingBlock(r.timing, 'session'),
    d.report ? deliveryBlock(r, 'session') : null,
    audioBlock(r.audio, 'session'),
    improvementsBlock(r.improvements, 'session'),
    feedbackBlock(r.feedback, 'session'),
    probesBlock(r.probes && r.probes.length ? r.probes : d.probes, 'session'),
    d.report ? null : h('p', { class: 'notice' }, 'This session has no report: it ended before the interviewer could write one.')));
}
