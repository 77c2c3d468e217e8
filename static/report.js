// The report of a session: the verdict, a bar per STAR part against its
// target, pacing, feedback and the follow-up probes. The live page shows it
// when a session ends; the session page shows it again beside the
// recordings.

import { h, s, duration, durationBand, capitalize } from './dom.js';

export const LABELS = ['situation', 'task', 'action', 'result', 'reflection'];

// LEVELS are the levels a session can be held at, with the band the whole
// answer should last, in seconds: the server's interviewer.Profiles(), which
// a browser test keeps this in step with.
export const LEVELS = {
  sde1: { name: 'SDE1', budgetMin: 90, budgetMax: 130 },
  sde2: { name: 'SDE2', budgetMin: 150, budgetMax: 195 },
  senior: { name: 'Senior', budgetMin: 150, budgetMax: 185 },
};

// levelName turns a level id into its display name.
export function levelName(id) {
  const level = LEVELS[(id || '').toLowerCase()];
  return level ? level.name : id || '';
}

// levelBand is the answer's length target at a level, as every page
// writes it ("2 min 30 s to 3 min 15 s"), or '' for an unknown level.
export function levelBand(id) {
  const level = LEVELS[(id || '').toLowerCase()];
  return level ? durationBand(level.budgetMin, level.budgetMax) : '';
}

// paceBand names a pace the way the analysis does.
export function paceBand(wpm) {
  if (!wpm) return '';
  if (wpm < 110) return 'slow';
  if (wpm <= 160) return 'comfortable';
  if (wpm <= 190) return 'brisk';
  return 'fast';
}

// A word the recognizer was unsure of (low_confidence) is dimmed, and says
// so in its tooltip and, through the page's hidden #unsure-word note, to a
// screen reader.
export const UNSURE = 'the recognizer was unsure of this word';
export const UNSURE_NOTE = 'unsure-word';

const STATUS_WORDS = { ok: 'on target', over: 'over target', under: 'short', missing: 'missing', near: 'near target' };

// decisionTone says how a hiring decision reads: good, mixed or bad.
export function decisionTone(decision) {
  const d = (decision || '').toLowerCase();
  if (!d) return '';
  if (d.includes('no hire')) return d.startsWith('leaning') ? 'mixed' : 'bad';
  if (d.startsWith('leaning')) return 'mixed';
  return 'good';
}

// responsive renders draw(width) into a container now and again whenever
// its width changes, so an SVG's text stays readable on a phone.
export function responsive(className, draw) {
  const box = h('div', { class: className });
  let last = 0;
  const render = () => {
    const width = Math.round(box.clientWidth || 640);
    if (Math.abs(width - last) < 4) return;
    last = width;
    box.replaceChildren(draw(width));
  };
  box.replaceChildren(draw(640));
  if ('ResizeObserver' in window) new ResizeObserver(render).observe(box);
  requestAnimationFrame(render);
  return box;
}

// timingChart draws a bar per part: its time up to the target in the
// part's colour, the time past it in red, and the target as a line.
export function timingChart(timing) {
  const rows = (timing || []).filter((t) => t && t.label);
  const summary = rows.map((t) => `${capitalize(t.label)} ${duration(t.duration)} of ${duration(t.target)} target, ${STATUS_WORDS[t.status] || t.status}`).join('; ');
  return responsive('chart timing-chart', (width) => {
    const narrow = width < 520;
    const labelW = narrow ? 0 : 110;
    const valueW = narrow ? 0 : 190;
    const rowH = narrow ? 58 : 42;
    const barH = 16;
    const barX = labelW;
    const barW = Math.max(60, width - labelW - valueW - 8);
    const max = Math.max(1, ...rows.map((t) => Math.max(t.duration || 0, t.target || 0))) * 1.08;
    const x = (v) => barX + (Math.min(v, max) / max) * barW;
    const height = rows.length * rowH + 6;
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `Time per part against target: ${summary}` });
    rows.forEach((t, i) => {
      const top = i * rowH;
      const barY = narrow ? top + 28 : top + (rowH - barH) / 2;
      const textY = narrow ? top + 18 : top + rowH / 2 + 5;
      const color = `var(--${t.label})`;
      const g = s('g', { 'data-label': t.label, 'data-status': t.status });
      g.append(s('text', { x: 0, y: textY, 'font-weight': 600 }, capitalize(t.label)));
      g.append(s('rect', { x: barX, y: barY, width: barW, height: barH, rx: 4, style: 'fill: var(--surface-2)' }));
      const d = t.duration || 0;
      const within = Math.min(d, t.target || d);
      if (within > 0) g.append(s('rect', { x: barX, y: barY, width: x(within) - barX, height: barH, rx: 4, style: `fill: ${color}` }));
      // Time past the target: amber while the analysis still calls the
      // part on target, red once it is over.
      if (t.target && d > t.target) {
        const excess = t.status === 'over' ? 'var(--over)' : 'var(--near-fill)';
        g.append(s('rect', { x: x(t.target), y: barY, width: x(d) - x(t.target), height: barH, style: `fill: ${excess}` }));
      }
      if (t.target) {
        g.append(s('line', { class: 'target-line', x1: x(t.target), x2: x(t.target), y1: barY - 5, y2: barY + barH + 5 }));
      }
      const value = `${duration(d)} / ${duration(t.target)}`;
      const state = STATUS_WORDS[t.status] || t.status || '';
      const cls = t.status === 'over' ? 'over-text' : (t.status === 'under' || t.status === 'missing') ? 'under-text' : 'muted';
      g.append(s('text', { x: width, y: textY, 'text-anchor': 'end', class: cls }, `${value} · ${state}`));
      svg.append(g);
    });
    return svg;
  });
}

// The blocks below are shown both on the report after a session and on the
// session page, which are in the document at once: scope ('report' or
// 'session') keeps their ids apart.

export function verdictBlock(verdict, scope = 'report') {
  if (!verdict || !verdict.decision) return null;
  return h('section', { class: 'card verdict', 'data-tone': decisionTone(verdict.decision), 'aria-labelledby': `${scope}-verdict-title` },
    h('h2', { id: `${scope}-verdict-title`, class: 'visually-hidden' }, 'Verdict'),
    h('span', { class: 'decision' }, verdict.decision),
    h('div', {},
      h('p', { class: 'summary' }, verdict.summary || ''),
      verdict.reasons && verdict.reasons.length ? h('ul', {}, verdict.reasons.map((r) => h('li', {}, r))) : null));
}

function tile(label, value, note) {
  return h('div', { class: 'tile' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'note' }, note) : null);
}

export function deliveryBlock(report, scope = 'report') {
  const p = report.pacing || {};
  const f = p.fillers || {};
  const pauses = p.pauses || {};
  const own = report.ownership || {};
  const top = (f.top || []).slice(0, 3).map((x) => `“${x.text}” ×${x.count}`).join(', ');
  const budget = report.budget || {};
  const budgetNote = budget.max ? `target ${durationBand(budget.min, budget.max)}${budget.status && budget.status !== 'ok' ? ` · ${STATUS_WORDS[budget.status] || budget.status}` : ''}` : '';
  return h('section', { class: 'card', 'aria-labelledby': `${scope}-delivery-title` },
    h('h2', { id: `${scope}-delivery-title` }, 'Delivery'),
    h('div', { class: 'tiles' },
      tile('Length', duration(report.duration), budgetNote),
      tile('Pace', p.wpm ? `${Math.round(p.wpm)} wpm` : '–', [p.band, p.wpm_speaking ? `${Math.round(p.wpm_speaking)} while speaking` : ''].filter(Boolean).join(' · ')),
      tile('Fillers', String(f.count || 0), [f.per_minute ? `${f.per_minute.toFixed(1)} a minute` : '', top].filter(Boolean).join(' · ')),
      report.estimated_timing ? null : tile('Pauses', String(pauses.count || 0), pauses.long && pauses.long.length ? `${pauses.long.length} longer than 2 s` : 'none longer than 2 s'),
      tile('“I” vs “we”', `${own.action_i || 0} / ${own.action_we || 0}`, 'in the action')));
}

export function feedbackBlock(feedback, scope = 'report') {
  if (!feedback || !feedback.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': `${scope}-feedback-title` },
    h('h2', { id: `${scope}-feedback-title` }, 'Feedback'),
    h('ul', { class: 'findings' }, feedback.map((f) => h('li', { class: 'finding' },
      h('span', { class: `badge ${f.severity}` }, f.severity === 'high' ? 'important' : f.severity === 'warn' ? 'improve' : 'note'),
      h('span', {}, f.part ? h('span', { class: 'badge part', 'data-label': f.part }, capitalize(f.part)) : null, ' ', f.message),
      f.evidence ? h('span', { class: 'evidence' }, `Heard: “${f.evidence}”`) : null))));
}

export function improvementsBlock(list, scope = 'report') {
  if (!list || !list.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': `${scope}-improve-title` },
    h('h2', { id: `${scope}-improve-title` }, 'Three things to work on'),
    h('ol', { class: 'improve' }, list.map((x) => h('li', {}, x))));
}

// probesBlock lists the follow-ups with the replies and their verdicts.
export function probesBlock(probes, scope = 'report') {
  if (!probes || !probes.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': `${scope}-probes-title` },
    h('h2', { id: `${scope}-probes-title` }, 'Follow-up questions'),
    h('ol', { class: 'probes' }, probes.map((p) => h('li', { class: 'probe' },
      h('p', { class: 'asked' }, p.asked),
      h('p', { class: 'reply' }, p.skipped && !p.answer ? 'Skipped.' : p.answer ? `You said: “${p.answer}”` : 'Nothing was heard.'),
      p.verdict ? h('p', {}, h('span', { class: `badge ${p.verdict.rating}` }, p.verdict.rating), ' ', p.verdict.reason) : null))));
}

// QUALITY words the audio object's quality and the badge tone it takes.
const QUALITY = {
  good: { word: 'good', tone: 'ok' },
  fair: { word: 'fair', tone: 'near' },
  poor: { word: 'poor', tone: 'over' },
};

// decibels writes a level the way the page does: whole decibels, with a
// true minus sign. A half goes to the even number, as the server's own
// sentences round it (Go's %.0f), so that the two never disagree.
export function decibels(v, unit = 'dBFS') {
  const x = Number(v) || 0;
  let n = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) n = 2 * Math.round(x / 2);
  return `${n < 0 ? '−' : ''}${Math.abs(n)} ${unit}`;
}

// audioQuality is the badge naming the audio's quality.
export function audioQuality(audio) {
  const q = QUALITY[audio && audio.quality] || { word: (audio && audio.quality) || 'unknown', tone: '' };
  return h('span', { class: `badge ${q.tone}`, 'data-quality': audio && audio.quality }, q.word);
}

// audioFigures are the tiles of an audio object (docs/protocol.md, "The
// audio object"): the speech level, the noise floor between the words,
// how far the one stands above the other, and the clipped share when
// there is any.
export function audioFigures(audio) {
  const silent = audio.noise_dbfs <= -99.5;
  return h('div', { class: 'tiles audio-figures' },
    tile('Speech level', decibels(audio.level_dbfs), 'your voice; 0 is the loudest a recording holds'),
    tile('Noise floor', decibels(audio.noise_dbfs), silent ? 'silence between the words' : 'the room between the words'),
    tile('Speech over noise', decibels(audio.snr_db, 'dB'), 'the higher, the clearer'),
    audio.clipped > 0 ? tile('Clipped', `${(audio.clipped * 100).toFixed(audio.clipped < 0.01 ? 2 : 1)} %`, 'of the samples at full scale') : null);
}

// audioBlock is the card on how the answer sounded, with the advice when
// the sound could be better.
export function audioBlock(audio, scope = 'report') {
  if (!audio || !audio.quality) return null;
  return h('section', { class: 'card audio', 'data-quality': audio.quality, 'aria-labelledby': `${scope}-audio-title` },
    h('h2', { id: `${scope}-audio-title` }, 'Audio quality'),
    h('p', { class: 'audio-verdict' }, audioQuality(audio), ' ',
      audio.advice || 'Clear enough for the recognizer to hear every word it can.'),
    audioFigures(audio));
}

// audioCaveat is the warning at the top of a report whose audio was poor:
// the findings that rest on exact words may be wrong.
export function audioCaveat(report) {
  if (!report || !report.audio_caveat) return null;
  return h('p', { class: 'notice warn audio-caveat' }, report.audio_caveat);
}

// timingBlock is the card with the chart of each part against its target.
export function timingBlock(timing, scope = 'report') {
  if (!timing || !timing.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': `${scope}-timing-title` },
    h('h2', { id: `${scope}-timing-title` }, 'Time per part'),
    timingChart(timing),
    h('p', { class: 'hint' }, 'The line marks each part’s target for this level. Amber is time past it, red is too far past it.'));
}

// reportContext is the line above a report's title.
export function reportContext(r) {
  return [r.principle, levelName(r.level), r.mode === 'practice' ? 'Pacing practice' : 'Mock interview'].filter(Boolean).join(' · ');
}

// renderReport builds the whole report as the live page shows it at the
// end; actions are the buttons and links under the title.
export function renderReport(report, { title = 'Your report', actions = null } = {}) {
  const r = report || {};
  return h('article', { class: 'report', id: 'report' },
    h('header', { class: 'report-head' },
      h('p', { class: 'eyebrow' }, reportContext(r)),
      h('h1', { tabindex: '-1' }, title),
      r.question ? h('p', { class: 'lede' }, r.question) : null,
      r.skipped ? h('p', { class: 'notice' }, 'The question was skipped, so there is no answer to time.') : null,
      audioCaveat(r),
      actions),
    verdictBlock(r.verdict),
    timingBlock(r.timing),
    deliveryBlock(r),
    audioBlock(r.audio),
    improvementsBlock(r.improvements),
    feedbackBlock(r.feedback),
    probesBlock(r.probes));
}
