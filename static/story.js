// One story of the journal (#/journal/story/ID): every attempt at it, a
// chart of each STAR part's time across the attempts against its target
// band, the findings that went away or came back, and two attempts side by
// side with their timelines and transcripts.

import { h, s, replace, duration, durationBand, when, capitalize, announce } from './dom.js';
import { APIError, getStory, getSession, unlinkAttempt } from './api.js';
import { myJournal, secretOf } from './store.js';
import { LABELS, levelName, responsive } from './report.js';
import { verdictBadge, ask } from './journal.js';

// A part is on target from 40 % to 125 % of its target: the band the
// server judges it by (interviewer.PartStatus).
const BAND_LOW = 0.4;
const BAND_HIGH = 1.25;

const STATUS_WORDS = { ok: 'on target', over: 'over target', under: 'short', missing: 'missing', near: 'near target' };

// FINDINGS names the report's finding codes for a person.
const FINDINGS = {
  situation_long: 'Situation too long',
  task_assigned: 'Task handed to you, not taken',
  task_no_scope: 'Task without a scope',
  action_we: '“We” where the action needs “I”',
  hand_off: 'The work handed off',
  result_no_number: 'Result without a number',
  result_no_business_impact: 'Result without business impact',
  result_no_second_order: 'Result without what followed',
  result_negative: 'A result that went wrong',
  reflection_generic: 'Generic reflection',
  answer_long: 'Answer too long',
  answer_short: 'Answer too short',
  pace_fast: 'Too fast',
  pace_brisk: 'Brisk pace',
  pace_slow: 'Slow pace',
  fillers: 'Fillers',
  long_pause: 'Long pauses',
  off_topic: 'Off the question',
  no_answer: 'Nothing heard',
};

// findingName names a finding code, the missing parts included.
export function findingName(code) {
  if (FINDINGS[code]) return FINDINGS[code];
  const missing = /^([a-z]+)_missing$/.exec(code || '');
  if (missing) return `${capitalize(missing[1])} missing`;
  return capitalize((code || '').replace(/_/g, ' '));
}

// GAPS says what a follow-up probed for.
const GAPS = {
  quantify: 'a number', personal: 'your own part', scope: 'the scope', reflection: 'the lesson', outcome: 'the outcome',
  depth: 'depth', influence: 'influence', standards: 'the bar you set', tradeoff: 'the trade-off',
};

function partOf(attempt, label) {
  return (attempt.parts || []).find((p) => p.label === label) || null;
}

// attemptName is how the page calls an attempt: by its number, oldest 1.
function attemptName(i) {
  return `Attempt ${i + 1}`;
}

function marks(attempt) {
  return [
    attempt.first ? h('span', { class: 'badge mark', 'data-mark': 'first' }, 'first') : null,
    attempt.best ? h('span', { class: 'badge mark', 'data-mark': 'best' }, 'best') : null,
  ];
}

// progressChart draws each part's time across the attempts: a row per
// part, its target band shaded, the target dashed, and the times joined by
// a line, a point outside the band in the colour of its status.
function progressChart(attempts) {
  const n = attempts.length;
  const summary = LABELS.map((l) => {
    const times = attempts.map((a) => {
      const p = partOf(a, l);
      return p ? `${duration(p.duration)}${p.status && p.status !== 'ok' ? ` (${STATUS_WORDS[p.status] || p.status})` : ''}` : 'none';
    });
    const last = partOf(attempts[n - 1], l);
    return `${capitalize(l)}: ${times.join(', ')}${last && last.target ? `; target ${duration(last.target)}` : ''}`;
  }).join('. ');
  return responsive('chart progress-chart', (width) => {
    const narrow = width < 560;
    const labelW = narrow ? 0 : 110;
    const valueW = narrow ? 0 : 130;
    const rowH = narrow ? 96 : 92;
    const plotTop = narrow ? 22 : 8;
    const plotH = rowH - plotTop - 14;
    const axisH = 26;
    const left = labelW + 14;
    const right = width - valueW - 14;
    const height = LABELS.length * rowH + axisH;
    const x = (i) => (n === 1 ? (left + right) / 2 : left + ((right - left) * i) / (n - 1));
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `Time per part across ${n} attempts. ${summary}` });
    LABELS.forEach((label, row) => {
      const top = row * rowH;
      const parts = attempts.map((a) => partOf(a, label));
      const max = Math.max(1, ...parts.map((p) => (p ? Math.max(p.duration || 0, (p.target || 0) * BAND_HIGH) : 0))) * 1.1;
      const y = (v) => top + plotTop + plotH - (Math.min(v, max) / max) * plotH;
      const g = s('g', { 'data-label': label, class: 'progress-row' });
      g.append(s('rect', { x: left - 10, y: top + plotTop, width: right - left + 20, height: plotH, rx: 4, style: 'fill: var(--surface-2)' }));
      // The band and the target follow each attempt's own target (its
      // level may differ).
      const band = parts.map((p, i) => ({ i, p })).filter(({ p }) => p && p.target);
      if (band.length) {
        const pad = n === 1 ? 40 : 0;
        const xs = (k) => x(band[k].i);
        const upper = band.map(({ p }, k) => `${k === 0 ? xs(k) - pad : xs(k)},${y(p.target * BAND_HIGH)}`);
        const lower = band.map(({ p }, k) => `${k === 0 ? xs(k) - pad : xs(k)},${y(p.target * BAND_LOW)}`).reverse();
        if (n === 1) {
          upper.push(`${xs(0) + pad},${y(band[0].p.target * BAND_HIGH)}`);
          lower.unshift(`${xs(0) + pad},${y(band[0].p.target * BAND_LOW)}`);
        }
        g.append(s('polygon', { class: 'band', points: [...upper, ...lower].join(' '), style: 'fill: var(--part-bg); stroke: var(--part); stroke-opacity: .35' }));
        const target = band.map(({ p, i }, k) => `${k === 0 ? 'M' : 'L'}${n === 1 ? x(i) - pad : x(i)},${y(p.target)}${n === 1 ? ` L${x(i) + pad},${y(p.target)}` : ''}`).join(' ');
        g.append(s('path', { class: 'target', d: target, style: 'fill: none; stroke: var(--ink-2); stroke-width: 1.5; stroke-dasharray: 5 4' }));
      }
      const told = parts.map((p, i) => ({ p, i })).filter(({ p }) => p && p.status !== 'missing');
      if (told.length > 1) {
        g.append(s('path', { class: 'line', d: told.map(({ p, i }, k) => `${k === 0 ? 'M' : 'L'}${x(i)},${y(p.duration || 0)}`).join(' '), style: 'fill: none; stroke: var(--part); stroke-width: 2.5' }));
      }
      parts.forEach((p, i) => {
        const title = s('title', {}, `${attemptName(i)}: ${capitalize(label)} ${p ? `${duration(p.duration)} of ${duration(p.target)}, ${STATUS_WORDS[p.status] || p.status}` : 'not told'}`);
        if (!p || p.status === 'missing') {
          const cx = x(i);
          const cy = y(0) - 4;
          g.append(s('path', { class: 'point missing', 'data-attempt': i, d: `M${cx - 5},${cy - 5} L${cx + 5},${cy + 5} M${cx + 5},${cy - 5} L${cx - 5},${cy + 5}`, style: 'stroke: var(--over); stroke-width: 2.5' }, title));
          return;
        }
        const fill = p.status === 'over' ? 'var(--over)' : p.status === 'under' ? 'var(--surface)' : 'var(--part)';
        const stroke = p.status === 'over' ? 'var(--over)' : p.status === 'under' ? 'var(--near-fill)' : 'var(--surface)';
        g.append(s('circle', { class: 'point', 'data-attempt': i, 'data-status': p.status, cx: x(i), cy: y(p.duration || 0), r: 6, style: `fill: ${fill}; stroke: ${stroke}; stroke-width: 2.5` }, title));
      });
      if (narrow) {
        g.append(s('text', { x: 0, y: top + 15, style: 'fill: var(--part-ink); font-weight: 650' }, capitalize(label)));
      } else {
        g.append(s('text', { x: 0, y: top + plotTop + plotH / 2 + 5, style: 'fill: var(--part-ink); font-weight: 650' }, capitalize(label)));
        const last = parts[n - 1];
        const cls = last && last.status === 'over' ? 'over-text' : last && (last.status === 'under' || last.status === 'missing') ? 'under-text' : 'muted';
        g.append(s('text', { x: width, y: top + plotTop + plotH / 2 + 5, 'text-anchor': 'end', class: cls },
          last ? `${duration(last.duration)} / ${duration(last.target)}` : 'not told'));
      }
      svg.append(g);
    });
    const axisY = LABELS.length * rowH + 16;
    attempts.forEach((a, i) => {
      const tag = a.first && a.best ? ' · first, best' : a.first ? ' · first' : a.best ? ' · best' : '';
      svg.append(s('text', { x: x(i), y: axisY, 'text-anchor': 'middle', class: a.best ? '' : 'muted', 'font-weight': a.best ? 700 : 400 }, `${narrow ? '' : '#'}${i + 1}${narrow ? '' : tag}`));
    });
    return svg;
  });
}

function progressBlock(story) {
  const p = story.progress || {};
  const list = (codes, kind) => h('ul', { class: 'tags', 'data-progress': kind }, (codes || []).map((c) => h('li', { class: `tag ${kind}`, 'data-code': c }, findingName(c))));
  const n = (story.attempts || []).length;
  if (n < 2) return h('p', { class: 'hint' }, 'After a second attempt, this shows the findings that went away and those that came back.');
  return h('div', { class: 'progress-lists' },
    h('div', {}, h('h3', {}, 'Gone since earlier attempts'),
      p.gone && p.gone.length ? list(p.gone, 'gone') : h('p', { class: 'hint' }, 'Nothing yet.')),
    h('div', {}, h('h3', {}, 'Came back in the latest'),
      p.back && p.back.length ? list(p.back, 'back') : h('p', { class: 'hint' }, 'Nothing came back.')),
    h('div', {}, h('h3', {}, 'In every attempt so far'),
      p.kept && p.kept.length ? list(p.kept, 'kept') : h('p', { class: 'hint' }, 'None: each finding was fixed at least once.')));
}

function attemptCard(key, story, attempt, i, onUnlinked) {
  const failed = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const budget = attempt.budget || {};
  const secret = secretOf(attempt.session_id);
  const budgetNote = budget.max ? `target ${durationBand(budget.min, budget.max)}${budget.status && budget.status !== 'ok' ? ` · ${STATUS_WORDS[budget.status] || budget.status}` : ''}` : '';
  const titleID = `attempt-${i}-title`;
  return h('li', { class: 'card attempt', 'data-session': attempt.session_id, 'data-first': attempt.first ? 'true' : undefined, 'data-best': attempt.best ? 'true' : undefined, 'aria-labelledby': titleID },
    h('div', { class: 'attempt-head' },
      h('h3', { id: titleID }, attemptName(i), ' ', marks(attempt)),
      h('span', { class: 'hint' }, [when(attempt.created), levelName(attempt.level), attempt.mode === 'practice' ? 'pacing practice' : 'mock interview'].filter(Boolean).join(' · ')),
      h('span', { class: 'attempt-verdict' }, attempt.verdict ? verdictBadge(attempt.verdict) : attempt.reported === false ? h('span', { class: 'badge' }, 'no report') : null)),
    h('div', { class: 'tiles' },
      h('div', { class: 'tile' }, h('div', { class: 'label' }, 'Length'), h('div', { class: 'value', 'data-figure': 'duration' }, duration(attempt.duration)), budgetNote ? h('div', { class: 'note' }, budgetNote) : null),
      h('div', { class: 'tile' }, h('div', { class: 'label' }, 'Pace'), h('div', { class: 'value', 'data-figure': 'wpm' }, attempt.wpm ? `${Math.round(attempt.wpm)} wpm` : '–')),
      h('div', { class: 'tile' }, h('div', { class: 'label' }, 'Fillers'), h('div', { class: 'value', 'data-figure': 'fillers' }, `${(attempt.fillers_per_minute || 0).toFixed(1)}`), h('div', { class: 'note' }, 'a minute'))),
    h('ol', { class: 'attempt-parts', 'aria-label': 'Time per part' }, LABELS.map((l) => {
      const p = partOf(attempt, l);
      return h('li', { 'data-label': l, 'data-status': p ? p.status : 'missing' },
        h('span', { class: 'name' }, capitalize(l)),
        h('span', { class: 'time' }, p && p.status !== 'missing' ? `${duration(p.duration)} / ${duration(p.target)}` : '–'),
        h('span', { class: 'state' }, p ? STATUS_WORDS[p.status] || p.status : 'missing'));
    })),
    attempt.findings && attempt.findings.length
      ? h('div', { class: 'attempt-findings' }, h('span', { class: 'hint' }, 'Findings: '),
        h('ul', { class: 'tags' }, attempt.findings.map((c) => h('li', { class: 'tag', 'data-code': c }, findingName(c)))))
      : h('p', { class: 'hint' }, 'No findings.'),
    attempt.probes && attempt.probes.length
      ? h('div', { class: 'attempt-probes' }, h('span', { class: 'hint' }, 'Follow-ups: '),
        h('ul', { class: 'tags' }, attempt.probes.map((p) => h('li', { class: 'tag' }, `on ${GAPS[p.gap] || p.gap}: `, h('span', { class: `badge ${p.verdict}` }, p.verdict || 'not judged')))))
      : null,
    h('div', { class: 'actions' },
      secret ? h('a', { href: `#/session/${encodeURIComponent(attempt.session_id)}` }, 'Open the session') : h('span', { class: 'hint' }, 'Recorded in another browser: its session opens only there.'),
      h('button', {
        type: 'button', class: 'quiet small', 'aria-label': `Unlink ${attemptName(i).toLowerCase()} from the story`,
        onclick: async () => {
          const a = await ask({ title: `Unlink ${attemptName(i).toLowerCase()}?`, message: 'It no longer counts for this story. The session itself stays.', confirm: 'Unlink', keep: 'Keep it' });
          if (!a.ok) return;
          try {
            await unlinkAttempt(key, story.id, attempt.session_id, attempt.answer || 0);
          } catch (err) {
            failed.textContent = `The attempt could not be unlinked: ${err.message}`;
            failed.hidden = false;
            return;
          }
          onUnlinked();
        },
      }, 'Unlink')),
    failed);
}

// compareTimeline draws one attempt's answer as coloured bars on a scale of
// length seconds, shared by both sides. runs are [{label, start, end}] in
// seconds from the answer's start.
function compareTimeline(runs, length, caption) {
  return responsive('chart compare-timeline', (width) => {
    const barH = 26;
    const height = barH + 24;
    const x = (t) => (Math.min(t, length) / length) * width;
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': caption });
    svg.append(s('rect', { x: 0, y: 0, width, height: barH, rx: 6, style: 'fill: var(--surface-2)' }));
    for (const r of runs) {
      svg.append(s('rect', { x: x(r.start), y: 0, width: Math.max(1, x(r.end) - x(r.start)), height: barH, 'data-label': r.label, style: 'fill: var(--part)' },
        s('title', {}, `${capitalize(r.label)}: ${duration(r.start)} to ${duration(r.end)}`)));
    }
    const ticks = Math.max(2, Math.min(6, Math.floor(width / 90)));
    for (let i = 0; i <= ticks; i++) {
      const t = (length * i) / ticks;
      svg.append(s('text', { x: x(t), y: height - 4, class: 'muted', 'font-size': 12, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' }, duration(t)));
    }
    return svg;
  });
}

// runsFromWords joins the main answer's words into runs of one part.
function runsFromWords(words, from) {
  const runs = [];
  for (const w of words) {
    if (!w.part) continue;
    const last = runs[runs.length - 1];
    if (last && last.label === w.part) last.end = w.end - from;
    else runs.push({ label: w.part, start: w.start - from, end: w.end - from });
  }
  return runs;
}

// runsFromParts lays the parts' times end to end in STAR order, for an
// attempt whose words this browser cannot read.
function runsFromParts(attempt) {
  let t = 0;
  const runs = [];
  for (const l of LABELS) {
    const p = partOf(attempt, l);
    if (!p || !p.duration) continue;
    runs.push({ label: l, start: t, end: t + p.duration });
    t += p.duration;
  }
  return runs;
}

// sideOf loads what one side of the comparison shows: the session's words
// of the answer when this browser holds its key.
async function sideOf(attempt, cache) {
  if (cache.has(attempt.session_id)) return cache.get(attempt.session_id);
  const secret = secretOf(attempt.session_id);
  let side = { words: null, from: 0, error: '' };
  if (secret) {
    try {
      const d = await getSession(attempt.session_id, secret);
      const answer = (d.answers || []).find((a) => a.n === (attempt.answer || 0));
      side = { words: (d.words || []).filter((w) => w.answer === (attempt.answer || 0)), from: answer ? answer.start : 0, error: '' };
    } catch (err) {
      side = { words: null, from: 0, error: err instanceof APIError && err.status === 404 ? 'The server no longer has this session.' : `The session could not be loaded: ${err.message}` };
    }
  }
  cache.set(attempt.session_id, side);
  return side;
}

function transcriptOf(words) {
  const p = h('p', { class: 'review-transcript compare-transcript' });
  let label = '';
  words.forEach((w, i) => {
    if (w.part && w.part !== label) {
      label = w.part;
      p.append(' ', h('span', { class: 'part-tag', 'data-label': w.part }, w.part));
    }
    p.append(i > 0 ? ' ' : '', h('span', { class: `w${w.filler ? ' filler' : ''}`, 'data-label': w.part || undefined }, w.punctuated || w.text));
  });
  if (!words.length) p.append(h('span', { class: 'hint' }, 'Nothing was heard in this answer.'));
  return p;
}

function compareBlock(story) {
  const attempts = story.attempts || [];
  const section = h('section', { class: 'card', id: 'story-compare', 'aria-labelledby': 'story-compare-title' },
    h('h2', { id: 'story-compare-title' }, 'Two attempts side by side'));
  if (attempts.length < 2) {
    section.append(h('p', { class: 'hint' }, 'Tell the story again to compare two attempts here.'));
    return section;
  }
  const cache = new Map();
  const option = (a, i) => h('option', { value: String(i) }, `${attemptName(i)} · ${when(a.created)}${a.first ? ' · first' : ''}${a.best ? ' · best' : ''}`);
  const pick = (id, label, selected) => {
    const select = h('select', { id }, attempts.map(option));
    select.value = String(selected);
    return { select, field: h('div', { class: 'field' }, h('label', { for: id }, label), select) };
  };
  const best = attempts.findIndex((a) => a.best);
  const left = pick('compare-a', 'Left', best >= 0 && best !== attempts.length - 1 ? best : 0);
  const right = pick('compare-b', 'Right', attempts.length - 1);
  const grid = h('div', { class: 'compare-grid' });
  let run = 0;
  const render = async () => {
    const mine = ++run;
    const chosen = [Number(left.select.value), Number(right.select.value)];
    replace(grid, h('p', { class: 'hint', role: 'status' }, 'Loading the transcripts…'));
    const sides = await Promise.all(chosen.map((i) => sideOf(attempts[i], cache)));
    if (mine !== run) return;
    const runsOf = (k) => (sides[k].words ? runsFromWords(sides[k].words, sides[k].from) : runsFromParts(attempts[chosen[k]]));
    const runs = [runsOf(0), runsOf(1)];
    const length = Math.max(1, ...runs.flat().map((r) => r.end), ...chosen.map((i) => attempts[i].duration || 0));
    replace(grid, chosen.map((i, k) => {
      const a = attempts[i];
      const side = sides[k];
      const caption = `${attemptName(i)}: ${runs[k].map((r) => `${r.label} ${duration(r.end - r.start)}`).join(', ') || 'no parts'}`;
      return h('div', { class: 'compare-side', 'data-attempt': i, 'data-session': a.session_id },
        h('h3', {}, attemptName(i), ' ', marks(a), ' ', h('span', { class: 'hint' }, `${duration(a.duration)} · ${when(a.created)}`)),
        compareTimeline(runs[k], length, caption),
        side.words
          ? transcriptOf(side.words)
          : h('p', { class: 'notice no-transcript' }, side.error || 'This session was recorded in another browser, which keeps its key: its transcript can be read only there. The bars above are laid out from the part times.'));
    }));
  };
  const changed = () => render().then(() => announce(`Showing ${attemptName(Number(left.select.value))} beside ${attemptName(Number(right.select.value))}.`));
  left.select.addEventListener('change', changed);
  right.select.addEventListener('change', changed);
  section.append(h('div', { class: 'compare-pick' }, left.field, right.field), grid);
  render();
  return section;
}

// tellAgain is the link to the start form with the story chosen, on its
// first principle.
function tellAgain(story, principles, label) {
  const first = (story.principles || [])[0];
  const p = principles.find((x) => x.name === first || x.slug === first);
  if (!p) return null;
  return h('a', { class: 'button primary', id: 'story-tell', href: `#/practise/${p.slug}/${encodeURIComponent(story.id)}` }, label);
}

// showStory fills the story page. principles are the bank's.
export async function showStory(view, sid, principles) {
  const key = myJournal();
  if (!key) {
    replace(view, h('h1', { tabindex: '-1' }, 'Story not found'),
      h('p', { class: 'notice' }, 'This browser keeps no journal, so it cannot open the story. Open your journal’s private link or key file first.'),
      h('a', { href: '#/journal' }, 'Go to the journal'));
    return;
  }
  replace(view, h('p', { class: 'hint', role: 'status' }, 'Loading the story…'));
  let story;
  try {
    story = await getStory(key, sid);
  } catch (err) {
    const gone = err instanceof APIError && err.status === 404;
    replace(view, h('h1', { tabindex: '-1' }, gone ? 'Story not found' : 'Could not load the story'),
      h('p', { class: 'notice error', role: 'alert' }, gone ? 'Your journal has no such story: it may have been deleted.' : err.message),
      h('p', {}, h('a', { href: '#/journal' }, 'Back to your journal')));
    return;
  }
  const attempts = story.attempts || [];
  const latest = attempts[attempts.length - 1];
  replace(view, h('article', { class: 'report story', id: 'story', 'data-story': story.id },
    h('header', { class: 'report-head' },
      h('p', { class: 'eyebrow' }, h('a', { href: '#/journal' }, 'Story journal'), ' · ', (story.principles || []).join(' · ')),
      h('h1', { tabindex: '-1' }, story.title),
      story.notes ? h('p', { class: 'lede story-notes' }, story.notes) : null,
      story.vocabulary && story.vocabulary.length ? h('p', { class: 'hint' }, `Names the recognizer listens for: ${story.vocabulary.join(', ')}`) : null,
      h('p', { class: 'hint' }, attempts.length
        ? `${attempts.length} ${attempts.length === 1 ? 'attempt' : 'attempts'}, the latest ${when(latest.created)}.`
        : 'Not told yet. Tell it in a mock interview, or link a past session to it from the session’s page.'),
      h('div', { class: 'actions' },
        tellAgain(story, principles, attempts.length ? 'Tell it again' : 'Tell it now'))),
    attempts.length ? h('section', { class: 'card', id: 'story-chart', 'aria-labelledby': 'story-chart-title' },
      h('h2', { id: 'story-chart-title' }, 'Time per part across attempts'),
      progressChart(attempts),
      h('p', { class: 'hint' }, 'Each row is one part of the story. The shaded band is where its time counts as on target (40 % to 125 % of the dashed target); a red point is over it, a hollow one short of it, a cross a part not told.')) : null,
    attempts.length ? h('section', { class: 'card', id: 'story-progress', 'aria-labelledby': 'story-progress-title' },
      h('h2', { id: 'story-progress-title' }, 'What changed'),
      progressBlock(story)) : null,
    attempts.length ? h('section', { id: 'story-attempts', 'aria-labelledby': 'story-attempts-title' },
      h('h2', { id: 'story-attempts-title' }, 'Every attempt'),
      h('ol', { class: 'attempts' }, attempts.map((a, i) => attemptCard(key, story, a, i, () => showStory(view, sid, principles))))) : null,
    attempts.length ? compareBlock(story) : null));
}
