// The page: hash routes (#/ to practise, #/practise/PRINCIPLE to practise
// one, #/practise/PRINCIPLE/STORY to tell that story, #/sessions,
// #/session/ID, #/journal, #/journal/story/ID and
// #/journal/open/ID/SECRET), the start form and the hand-over from a live
// session to its report.
//
// Test and troubleshooting options in the query string:
//   ?processing=0       turn echo cancellation, noise suppression and gain
//                       control off (the tests want the file as recorded)
//   ?forceNativeRate=1  run audio at the device's rate and resample in the
//                       worklet, the path browsers that refuse 16 kHz take
//   ?voice=0            the interviewer does not speak (text only)
//   ?check=0            Start does not offer the microphone check first
//                       (for the tests that are not about it)

import { h, $, replace, announce } from './dom.js';
import { questionBank } from './api.js';
import { AudioContexts, MicrophoneError } from './capture.js';
import { LiveSession } from './live.js';
import { renderReport, levelBand } from './report.js';
import { showSessions, showSession } from './review.js';
import { loadSettings, saveSettings, micCheck, rememberMicCheck, myJournal } from './store.js';
import { showJournal, openFromLink, loadJournal, servedBy } from './journal.js';
import { showStory } from './story.js';
import { MicCheck, describeCheck } from './check.js';

const params = new URLSearchParams(location.search);
const options = {
  processing: params.get('processing') !== '0',
  forceNativeRate: params.get('forceNativeRate') === '1',
  voice: params.get('voice') !== '0',
  check: params.get('check') !== '0',
};

// The principles, for when the server does not publish its bank.
const FALLBACK_PRINCIPLES = [
  ['customer-obsession', 'Customer Obsession'],
  ['ownership', 'Ownership'],
  ['invent-and-simplify', 'Invent and Simplify'],
  ['are-right-a-lot', 'Are Right, A Lot'],
  ['learn-and-be-curious', 'Learn and Be Curious'],
  ['hire-and-develop', 'Hire and Develop the Best'],
  ['highest-standards', 'Insist on the Highest Standards'],
  ['think-big', 'Think Big'],
  ['bias-for-action', 'Bias for Action'],
  ['frugality', 'Frugality'],
  ['earn-trust', 'Earn Trust'],
  ['dive-deep', 'Dive Deep'],
  ['have-backbone', 'Have Backbone; Disagree and Commit'],
  ['deliver-results', 'Deliver Results'],
  ['best-employer', "Strive to be Earth's Best Employer"],
  ['broad-responsibility', 'Success and Scale Bring Broad Responsibility'],
].map(([slug, name]) => ({ slug, name, questions: [] }));

let principles = FALLBACK_PRINCIPLES;
let live = null; // the LiveSession in progress, if any
let lastReport = null; // {report, session} of the session that just ended
let check = null; // the MicCheck of the check view
let journal = null; // the journal view the start form offers stories from
let lastStory = null; // {id, title} of the story the session in progress tells
let pendingStory = ''; // the story to choose once the journal is read

const VIEWS = ['start', 'check', 'live', 'report', 'sessions', 'session', 'journal', 'story'];

// NAV_OF is the navigation link that is current on each view.
const NAV_OF = { live: 'start', check: 'start', session: 'sessions', story: 'journal' };

function show(name) {
  for (const v of VIEWS) $(`#view-${v}`).hidden = v !== name;
  for (const a of document.querySelectorAll('nav a')) {
    const current = a.dataset.nav === (NAV_OF[name] || name);
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.body.dataset.view = name;
}

// focusHeading moves focus to the new view's heading, so a screen reader
// or a keyboard user starts there after a route change.
function focusHeading(view) {
  const heading = $(`#view-${view} h1`);
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function route() {
  const hash = location.hash || '#/';
  if (live && live.active && hash !== '#/live') {
    if (!confirm('Leave the session? It will end now, and what you said so far is saved.')) {
      history.replaceState(null, '', '#/live');
      return;
    }
    await live.end();
  }
  if (hash !== '#/check') check.cancel();
  const open = hash.match(/^#\/journal\/open\/([^/?#]+)\/([^/?#]+)/);
  if (open) {
    show('journal');
    document.title = 'Story journal · Mock interview coach';
    await openFromLink($('#view-journal'), principles, decodeURIComponent(open[1]), decodeURIComponent(open[2]));
    focusHeading('journal');
    return;
  }
  const story = hash.match(/^#\/journal\/story\/([^/?#]+)/);
  if (story) {
    show('story');
    document.title = 'Story · Mock interview coach';
    await showStory($('#view-story'), decodeURIComponent(story[1]), principles);
    focusHeading('story');
    return;
  }
  const practise = hash.match(/^#\/practise\/([^/?#]+)(?:\/([^/?#]+))?/);
  if (practise) {
    // From the journal: the start form with that principle (and story).
    history.replaceState(null, '', '#/');
    pendingStory = practise[2] ? decodeURIComponent(practise[2]) : '';
    choosePrinciple(decodeURIComponent(practise[1]));
    showStart();
    focusHeading('start');
    return;
  }
  const m = hash.match(/^#\/session\/([^/?#]+)/);
  if (m) {
    show('session');
    document.title = 'Session · Mock interview coach';
    await showSession($('#view-session'), decodeURIComponent(m[1]));
    focusHeading('session');
    return;
  }
  switch (hash) {
    case '#/check':
      show('check');
      document.title = 'Microphone check · Mock interview coach';
      check.reset();
      focusHeading('check');
      return;
    case '#/sessions':
      show('sessions');
      document.title = 'Past sessions · Mock interview coach';
      focusHeading('sessions');
      await showSessions($('#sessions-body'));
      return;
    case '#/live':
      if (live && live.active) {
        show('live');
        return;
      }
      location.replace('#/');
      return;
    case '#/report':
      if (lastReport) {
        show('report');
        return;
      }
      location.replace('#/');
      return;
    case '#/journal':
      show('journal');
      document.title = 'Story journal · Mock interview coach';
      await showJournal($('#view-journal'), principles);
      focusHeading('journal');
      return;
    default:
      showStart();
  }
}

function showStart() {
  show('start');
  document.title = 'Mock interview coach';
  $('#check-last').textContent = describeCheck(micCheck());
  refreshJournal();
}

// choosePrinciple sets the start form's principle, as if chosen there.
function choosePrinciple(slug) {
  const select = $('#principle');
  if (!principles.some((p) => p.slug === slug)) return;
  // Kept, so that the bank arriving later does not put the old one back.
  saveSettings({ ...loadSettings(), principle: slug, question: '' });
  select.value = slug;
  fillQuestions('');
  fillStories('');
}

// refreshJournal reads this browser's journal again, for the stories the
// start form offers.
async function refreshJournal() {
  if (!myJournal()) {
    journal = null;
    fillStories('');
    return;
  }
  try {
    journal = await loadJournal();
  } catch {
    journal = null; // the session can start without it
  }
  fillStories();
  pendingStory = '';
}

// fillStories offers the journal's stories of the chosen principle, and
// suggests the principle that needs work most.
function fillStories(selected = $('#story').value) {
  // The journal read before may not hold a story just added: the story
  // waits for the fresh one.
  if (pendingStory && journal && (journal.stories || []).some((st) => st.id === pendingStory)) {
    selected = pendingStory;
    pendingStory = '';
  }
  const pick = $('#story-pick');
  const select = $('#story');
  if (!journal) {
    pick.hidden = true;
    select.value = '';
    return;
  }
  pick.hidden = false;
  const p = principles.find((x) => x.slug === $('#principle').value);
  const next = (journal.plan || [])[0];
  const nextPrinciple = next && principles.find((x) => x.name === next.principle || x.slug === next.principle);
  const suggestion = $('#story-suggestion');
  suggestion.hidden = !next;
  if (next) {
    replace(suggestion, h('strong', {}, 'Needs work most: '), next.message,
      nextPrinciple && (!p || p.slug !== nextPrinciple.slug)
        ? [' ', h('button', { type: 'button', class: 'quiet small', id: 'story-suggest', onclick: () => { choosePrinciple(nextPrinciple.slug); $('#principle').focus(); } }, `Choose ${nextPrinciple.name}`)]
        : null);
  }
  $('#story-field').hidden = !p;
  if (!p) {
    select.value = '';
    return;
  }
  const stories = (journal.stories || []).filter((st) => servedBy(st, p));
  replace(select, h('option', { value: '' }, 'None: just answer'),
    stories.map((st) => h('option', { value: st.id }, `${st.title} · ${st.attempts ? `told ${st.attempts === 1 ? 'once' : `${st.attempts} times`}` : 'not told yet'}`)));
  select.value = stories.some((st) => st.id === selected) ? selected : '';
  select.disabled = !stories.length;
  replace($('#story-hint'), stories.length
    ? 'The answer becomes an attempt of the story in your journal, and the story’s names are added to what the recognizer listens for.'
    : [`No story in your journal shows ${p.name} yet. `, h('a', { href: '#/journal' }, 'Add one in the journal'), '.']);
}

// chosenStory is what the Start message says of the story told, if any.
function chosenStory() {
  const key = myJournal();
  const id = journal && !$('#story-pick').hidden && !$('#story-field').hidden ? $('#story').value : '';
  if (!key || !id) return null;
  const st = (journal.stories || []).find((x) => x.id === id);
  return st ? { journal: key.id, journal_secret: key.secret, story_id: st.id, title: st.title } : null;
}

// fillPrinciples offers the principles and, for the chosen one, its
// questions.
function fillPrinciples(settings) {
  const select = $('#principle');
  replace(select, h('option', { value: '' }, 'Any principle'),
    principles.map((p) => h('option', { value: p.slug }, p.name)));
  select.value = principles.some((p) => p.slug === settings.principle) ? settings.principle : '';
  fillQuestions(settings.question);
  fillStories();
}

function fillQuestions(selected = '') {
  const p = principles.find((x) => x.slug === $('#principle').value);
  const select = $('#question');
  const questions = p ? p.questions : principles.flatMap((x) => x.questions.map((q) => ({ ...q, principle: x.name })));
  replace(select, h('option', { value: '' }, p ? `A question on ${p.name}, picked for you` : 'A question picked for you'),
    p ? questions.map((q) => h('option', { value: q.id }, q.text)) : principles.filter((x) => x.questions.length).map((x) =>
      h('optgroup', { label: x.name }, x.questions.map((q) => h('option', { value: q.id }, q.text)))));
  select.value = questions.some((q) => q.id === selected) ? selected : '';
  select.disabled = !questions.length;
  $('#question-hint').textContent = p && p.summary ? p.summary : '';
}

function readForm() {
  const form = $('#start-form');
  const data = new FormData(form);
  return {
    mode: data.get('mode') || 'interview',
    principle: data.get('principle') || '',
    question: data.get('question') || '',
    level: data.get('level') || '',
    echoCancellation: form.elements.echoCancellation.checked,
    noiseSuppression: form.elements.noiseSuppression.checked,
    autoGainControl: form.elements.autoGainControl.checked,
    voice: form.elements.voice.checked,
    shortcuts: form.elements.shortcuts.checked,
  };
}

// The Start message's limits (docs/protocol.md).
const MAX_TERMS = 200;
const MAX_TERM_BYTES = 100;

// readVocabulary splits the notes into terms, or says what to change.
function readVocabulary() {
  const terms = $('#vocabulary').value.split(/[,;\n]/).map((t) => t.trim()).filter(Boolean);
  if (terms.length > MAX_TERMS) {
    return { error: `That is ${terms.length} names and terms; keep to the ${MAX_TERMS} that matter most.` };
  }
  const long = terms.find((t) => new TextEncoder().encode(t).length > MAX_TERM_BYTES);
  if (long) {
    return { error: `“${long.slice(0, 40)}…” is too long for one term: separate names and numbers with commas.` };
  }
  return { terms };
}

function writeForm(settings) {
  const form = $('#start-form');
  for (const r of form.elements.mode) r.checked = r.value === settings.mode;
  for (const r of form.elements.level) r.checked = r.value === settings.level;
  form.elements.echoCancellation.checked = settings.echoCancellation;
  form.elements.noiseSuppression.checked = settings.noiseSuppression;
  form.elements.autoGainControl.checked = settings.autoGainControl;
  form.elements.voice.checked = settings.voice;
  form.elements.shortcuts.checked = settings.shortcuts;
}

function startError(message) {
  const el = $('#start-error');
  el.textContent = message;
  el.hidden = !message;
}

// processing is the browser's clean-up of the microphone as the form asks
// for it, unless the URL turns it off.
function processing(settings) {
  return {
    echoCancellation: options.processing && settings.echoCancellation,
    noiseSuppression: options.processing && settings.noiseSuppression,
    autoGainControl: options.processing && settings.autoGainControl,
  };
}

function start(e) {
  e.preventDefault();
  begin({ checkFirst: true });
}

// begin starts a session with the start form's settings. With checkFirst,
// a browser that never did or skipped the microphone check goes to it
// first; the check's own button starts the session after it.
function begin({ checkFirst }) {
  if (live && live.active) return;
  startError('');
  const settings = readForm();
  saveSettings(settings);
  // The story's names stay out of the saved settings: they are personal.
  const vocabulary = readVocabulary();
  if (vocabulary.error) {
    if (document.body.dataset.view !== 'start') {
      history.pushState(null, '', '#/');
      show('start');
    }
    startError(vocabulary.error);
    $('#vocabulary').focus();
    return;
  }
  if (checkFirst && options.check && !micCheck()) {
    location.hash = '#/check';
    return;
  }
  // The URL options override the form for this run only.
  const story = chosenStory();
  lastStory = story ? { id: story.story_id, title: story.title } : null;
  const run = {
    ...settings,
    ...processing(settings),
    voice: options.voice && settings.voice,
    vocabulary: vocabulary.terms,
    journal: story ? story.journal : '',
    journalSecret: story ? story.journal_secret : '',
    story: story ? story.story_id : '',
  };
  // The audio contexts are made here, inside the click: browsers only let
  // audio start from a gesture.
  let audio;
  try {
    audio = new AudioContexts({ forceNativeRate: options.forceNativeRate });
  } catch (err) {
    startError(err instanceof MicrophoneError ? err.message : String(err));
    return;
  }
  $('#start-button').disabled = true;
  live = new LiveSession(run, {
    onReport: (report, session) => {
      lastReport = { report, session };
      showReport(report, session);
    },
    onEnd: (message, { began }) => {
      $('#start-button').disabled = false;
      if (began) return; // the live view says what happened
      history.replaceState(null, '', '#/');
      show('start');
      $('#check-last').textContent = describeCheck(micCheck());
      startError(message);
      $('#start-error').focus();
    },
  });
  history.pushState(null, '', '#/live');
  show('live');
  focusHeading('live');
  live.start(audio).finally(() => { $('#start-button').disabled = false; });
}

function showReport(report, session) {
  const actions = h('div', { class: 'actions' },
    session ? h('a', { class: 'button primary', href: `#/session/${encodeURIComponent(session.id)}`, id: 'review-link' }, 'Review with the recording') : null,
    lastStory ? h('a', { class: 'button', href: `#/journal/story/${encodeURIComponent(lastStory.id)}`, id: 'story-link' }, `Progress of “${lastStory.title}”`) : null,
    h('a', { class: 'button', href: '#/' }, 'Practise again'),
    h('a', { class: 'button quiet', href: '#/sessions' }, 'All sessions'));
  replace($('#view-report'), renderReport(report, { title: report.mode === 'practice' ? 'Your pacing report' : 'Your interview report', actions }));
  history.pushState(null, '', '#/report');
  show('report');
  focusHeading('report');
  announce('The session is over. Your report is ready.');
}

async function init() {
  const settings = loadSettings();
  writeForm(settings);
  fillPrinciples(settings);
  $('#principle').addEventListener('change', () => {
    fillQuestions('');
    fillStories('');
  });
  $('#start-form').addEventListener('submit', start);
  check = new MicCheck({ processing: () => processing(readForm()), forceNativeRate: options.forceNativeRate });
  // Starting from the check: a check that was never run counts as skipped.
  $('#check-start').addEventListener('click', () => {
    if (!check.result) rememberMicCheck({ state: 'skipped' });
    check.cancel();
    begin({ checkFirst: false });
  });
  // The shortcuts setting is kept as soon as it changes, and a session in
  // progress follows it.
  $('#shortcuts').addEventListener('change', (e) => {
    saveSettings({ ...loadSettings(), shortcuts: e.target.checked });
    if (live) {
      live.settings.shortcuts = e.target.checked;
      live.showShortcuts();
    }
  });
  for (const small of document.querySelectorAll('small[data-band]')) small.textContent = levelBand(small.dataset.band);
  $('#btn-done').addEventListener('click', () => live && live.done());
  $('#btn-skip').addEventListener('click', () => live && live.skip());
  $('#btn-end').addEventListener('click', () => live && live.end());
  window.addEventListener('hashchange', route);
  window.addEventListener('beforeunload', (e) => {
    if (live && live.active) e.preventDefault();
  });
  route();
  try {
    const bank = await questionBank();
    if (bank && bank.principles && bank.principles.length) {
      principles = bank.principles;
      fillPrinciples(loadSettings());
    }
    const levels = $('#start-form').elements.level;
    if (bank && bank.default_level && ![...levels].some((r) => r.checked)) {
      for (const r of levels) r.checked = r.value === bank.default_level;
    }
  } catch {
    // The fallback list lets a session start; the server picks the question.
  }
  document.body.dataset.ready = 'true';
}

// The session in progress, for the console and the browser tests.
window.mockinterview = { get live() { return live; }, get check() { return check; }, options };

init();
