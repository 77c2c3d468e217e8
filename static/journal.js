// The story journal page (#/journal): the person's stories, the practice
// plan, the map of the 16 principles, and the ways to take the journal to
// another browser. The journal is made on first use and its key kept in
// this browser (store.js); a private link or a key file opens it
// elsewhere. The page of one story is story.js.

import { h, $, replace, when, announce } from './dom.js';
import {
  APIError, createJournal, getJournal, deleteJournal, journalExportURL, addStory, updateStory, deleteStory, getStory, linkAttempt,
} from './api.js';
import { myJournal, rememberJournal, forgetJournal, forgetSession, validJournalKey } from './store.js';
import { decisionTone } from './report.js';

// The limits of a story (docs/protocol.md, "Story journal").
const MAX_TITLE = 120;
const MAX_NOTES_BYTES = 4000;
const MAX_TERMS = 50;
const MAX_TERM_BYTES = 100;

// STATUS says how well a principle is served, in words; the map colours
// each tile by it too.
export const STATUS = {
  none: 'no story',
  weak: 'weak',
  practised: 'practised',
  strong: 'strong',
};

const bytes = (text) => new TextEncoder().encode(text).length;

// servedBy says whether a story serves a principle, named either way.
export function servedBy(story, principle) {
  return (story.principles || []).some((p) => p === principle.name || p === principle.slug);
}

// verdictBadge shows a hiring verdict, or a dash when there is none yet.
export function verdictBadge(verdict) {
  if (!verdict) return h('span', { class: 'hint' }, '–');
  return h('span', { class: 'badge', 'data-tone': decisionTone(verdict) }, verdict);
}

// journalLink is the private address that opens the journal in another
// browser. The key sits after the #, which a browser never sends, so it
// stays out of every server's logs.
export function journalLink(journal) {
  return `${location.origin}${location.pathname}#/journal/open/${journal.id}/${encodeURIComponent(journal.secret)}`;
}

// loadJournal returns this browser's journal view, or null when it keeps
// none (or the server no longer has it). Errors other than a missing
// journal are thrown.
export async function loadJournal() {
  const key = myJournal();
  if (!key) return null;
  try {
    return await getJournal(key);
  } catch (err) {
    if (err instanceof APIError && err.status === 404) return null;
    throw err;
  }
}

// ask shows a modal question and resolves to {ok, checked}: whether the
// person confirmed, and whether the optional checkbox was ticked.
export function ask({ title, message, confirm, keep = 'Cancel', danger = false, checkbox = '' }) {
  const box = checkbox ? h('input', { type: 'checkbox', id: 'ask-check' }) : null;
  const dialog = h('dialog', { 'aria-labelledby': 'ask-title', class: 'ask' },
    h('form', { method: 'dialog' },
      h('h2', { id: 'ask-title' }, title),
      h('p', {}, message),
      box ? h('label', { class: 'ask-check', for: 'ask-check' }, box, ' ', checkbox) : null,
      h('div', { class: 'actions' },
        h('button', { value: 'cancel', class: 'quiet', autofocus: true }, keep),
        h('button', { value: 'ok', class: danger ? 'danger' : 'primary', id: 'ask-yes' }, confirm))));
  document.body.append(dialog);
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const answer = { ok: dialog.returnValue === 'ok', checked: !!(box && box.checked) };
      dialog.remove();
      resolve(answer);
    }, { once: true });
  });
}

// readTerms splits a vocabulary field into terms.
function readTerms(text) {
  return text.split(/[,;\n]/).map((t) => t.trim()).filter(Boolean);
}

// checkStory says what to change in a story before it is sent, or ''.
function checkStory(story) {
  if (!story.title) return 'Give the story a title: a few words you will recognise it by.';
  if ([...story.title].length > MAX_TITLE) return `Keep the title under ${MAX_TITLE} characters; the notes hold the rest.`;
  if (!story.principles.length) return 'Tick at least one principle the story shows.';
  if (bytes(story.notes) > MAX_NOTES_BYTES) return `The notes are too long (${bytes(story.notes)} bytes); keep them under ${MAX_NOTES_BYTES}.`;
  if (story.vocabulary.length > MAX_TERMS) return `That is ${story.vocabulary.length} names and terms; keep to the ${MAX_TERMS} that matter most.`;
  const long = story.vocabulary.find((t) => bytes(t) > MAX_TERM_BYTES);
  if (long) return `“${long.slice(0, 40)}…” is too long for one term: separate names and numbers with commas.`;
  return '';
}

// storyForm is the form that adds a story or, given one, edits it.
// onSaved(story) runs after the server kept it.
function storyForm(principles, { story = null, ensureJournal, onSaved, onCancel }) {
  const editing = !!story;
  const error = h('p', { class: 'notice error', role: 'alert', tabindex: '-1', hidden: true });
  const title = h('input', { type: 'text', id: 'story-title', name: 'title', maxlength: MAX_TITLE, required: true, autocomplete: 'off', value: editing ? story.title : undefined });
  const notes = h('textarea', { id: 'story-notes', name: 'notes', rows: 3, 'aria-describedby': 'story-notes-hint' }, editing ? story.notes || '' : '');
  const vocabulary = h('textarea', { id: 'story-vocabulary', name: 'vocabulary', rows: 2, 'aria-describedby': 'story-vocabulary-hint' },
    editing ? (story.vocabulary || []).join(', ') : '');
  const boxes = principles.map((p) => h('label', { class: 'principle-choice' },
    h('input', { type: 'checkbox', name: 'principle', value: p.name, 'data-slug': p.slug, checked: editing && servedBy(story, p) }), ' ', p.name));
  const submit = h('button', { type: 'submit', class: 'primary', id: 'story-save' }, editing ? 'Save changes' : 'Add story');
  const form = h('form', { id: 'story-form', class: 'story-form', novalidate: true, 'data-editing': editing ? story.id : undefined },
    h('div', { class: 'field' },
      h('label', { for: 'story-title' }, 'Title'),
      title),
    h('fieldset', { class: 'principle-choices' },
      h('legend', {}, 'Principles it shows'),
      h('div', { class: 'principle-grid' }, boxes)),
    h('div', { class: 'row even' },
      h('div', { class: 'field' },
        h('label', { for: 'story-notes' }, 'Notes ', h('span', { class: 'optional' }, '(optional)')),
        notes,
        h('p', { class: 'hint', id: 'story-notes-hint' }, 'What the story must say: the numbers, the decision, what you would do again.')),
      h('div', { class: 'field' },
        h('label', { for: 'story-vocabulary' }, 'Names and numbers in it ', h('span', { class: 'optional' }, '(optional)')),
        vocabulary,
        h('p', { class: 'hint', id: 'story-vocabulary-hint' }, 'Separate them with commas. Whenever you tell this story, the recognizer listens out for them.'))),
    error,
    h('div', { class: 'actions' }, submit,
      editing ? h('button', { type: 'button', class: 'quiet', onclick: onCancel }, 'Cancel') : null));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const fields = {
      title: title.value.trim(),
      principles: [...form.querySelectorAll('input[name="principle"]:checked')].map((b) => b.value),
      notes: notes.value.trim(),
      vocabulary: readTerms(vocabulary.value),
    };
    const problem = checkStory(fields);
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      error.focus();
      return;
    }
    submit.disabled = true;
    try {
      const journal = await ensureJournal();
      const saved = editing ? await updateStory(journal, story.id, fields) : await addStory(journal, fields);
      announce(editing ? `Story “${fields.title}” saved.` : `Story “${fields.title}” added.`);
      onSaved(saved);
    } catch (err) {
      error.textContent = `The story could not be saved: ${err.message}`;
      error.hidden = false;
      error.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// planBlock lists the next things to practise, each with the way to it.
function planBlock(plan, principles) {
  const slugOf = (name) => (principles.find((p) => p.name === name || p.slug === name) || {}).slug || '';
  return h('section', { class: 'card plan', id: 'journal-plan', 'aria-labelledby': 'journal-plan-title' },
    h('h2', { id: 'journal-plan-title' }, 'What to practise next'),
    plan && plan.length
      ? h('ol', { class: 'plan-list' }, plan.map((p) => h('li', { 'data-kind': p.kind },
        h('span', { class: 'plan-message' }, p.message),
        h('span', { class: 'plan-links' },
          p.story_id
            ? h('a', { href: `#/journal/story/${encodeURIComponent(p.story_id)}` }, 'Open the story')
            : p.kind === 'no_story'
              ? h('a', { href: '#journal-add', 'data-principle': p.principle, class: 'plan-add' }, 'Add a story')
              : null,
          slugOf(p.principle) ? h('a', { href: `#/practise/${slugOf(p.principle)}` }, `Practise ${p.principle}`) : null))))
      : h('p', { class: 'hint' }, 'Nothing stands out: keep telling your stories.'));
}

function storiesBlock(journal, { onEdit, onDelete }) {
  const stories = journal.stories || [];
  return h('section', { class: 'card', id: 'journal-stories', 'aria-labelledby': 'journal-stories-title' },
    h('h2', { id: 'journal-stories-title' }, `Stories (${stories.length})`),
    stories.length
      ? h('table', { class: 'sessions stories' },
        h('caption', { class: 'visually-hidden' }, 'Your stories'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Story'),
          h('th', { scope: 'col' }, 'Principles'),
          h('th', { scope: 'col' }, 'Attempts'),
          h('th', { scope: 'col' }, 'Latest verdict'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, stories.map((st) => h('tr', { 'data-story': st.id },
          h('td', {},
            h('a', { href: `#/journal/story/${encodeURIComponent(st.id)}` }, st.title),
            st.latest ? h('div', { class: 'hint' }, `last told ${when(st.latest)}`) : h('div', { class: 'hint' }, 'not told yet')),
          h('td', { 'data-th': 'Principles' }, h('ul', { class: 'tags' }, (st.principles || []).map((p) => h('li', { class: 'tag' }, p)))),
          h('td', { class: 'num', 'data-th': 'Attempts' }, String(st.attempts || 0)),
          h('td', { 'data-th': 'Latest verdict' }, verdictBadge(st.latest_verdict)),
          h('td', { class: 'row-actions' },
            h('button', { type: 'button', class: 'quiet small', 'data-action': 'edit', 'aria-label': `Edit “${st.title}”`, onclick: () => onEdit(st) }, 'Edit'),
            h('button', { type: 'button', class: 'danger small', 'data-action': 'delete', 'aria-label': `Delete “${st.title}”`, onclick: () => onDelete(st) }, 'Delete'))))))
      : h('p', { class: 'hint' }, 'No stories yet: add your first one below.'));
}

// mapBlock is the principle map: a tile per principle, coloured by how well
// the journal's stories serve it, with the stories and a way to practise it.
export function mapBlock(journal) {
  const stories = journal.stories || [];
  return h('section', { class: 'card', id: 'journal-map', 'aria-labelledby': 'journal-map-title' },
    h('h2', { id: 'journal-map-title' }, 'The 16 principles'),
    h('p', { class: 'hint' }, 'How well your stories cover each principle: no story yet; weak, its stories not told yet or their latest verdicts below Leaning Hire; practised, Leaning Hire or told in pacing practice; strong, Strong Hire.'),
    h('ul', { class: 'legend map-legend', 'aria-label': 'Colours' },
      Object.entries(STATUS).map(([k, v]) => h('li', { 'data-status': k }, h('span', { class: 'swatch' }), v))),
    h('ul', { class: 'principle-map' }, (journal.principles || []).map((p) => {
      const serving = stories.filter((st) => servedBy(st, p));
      const id = `map-${p.slug}`;
      return h('li', { class: 'map-tile', 'data-slug': p.slug, 'data-status': p.status || 'none', 'aria-labelledby': id },
        h('h3', { id }, p.name),
        h('p', { class: 'map-status' }, h('span', { class: 'badge status' }, STATUS[p.status] || p.status || STATUS.none)),
        h('p', { class: 'map-counts' }, `${p.stories} ${p.stories === 1 ? 'story' : 'stories'} · ${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'}`),
        p.latest_verdict ? h('p', { class: 'map-verdict' }, 'Latest: ', verdictBadge(p.latest_verdict)) : null,
        serving.length ? h('ul', { class: 'map-stories' }, serving.map((st) => h('li', {}, h('a', { href: `#/journal/story/${encodeURIComponent(st.id)}` }, st.title)))) : null,
        h('a', { class: 'button small', href: `#/practise/${p.slug}`, 'aria-label': `Practise ${p.name}` }, 'Practise'));
    })));
}

// downloadKey saves {id, secret} as a file the person can open elsewhere.
function downloadKey(journal) {
  const blob = new Blob([JSON.stringify({ id: journal.id, secret: journal.secret }, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: 'mockinterview-journal.json', hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// keyFileInput reads a key file and hands {id, secret} to open, or says
// what is wrong with it.
function keyFileInput(open, status) {
  const input = h('input', { type: 'file', id: 'journal-file', accept: '.json,application/json', 'aria-describedby': 'journal-file-hint' });
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    let key = null;
    try {
      key = JSON.parse(await file.text());
    } catch {
      key = null;
    }
    input.value = '';
    if (!key || !validJournalKey(key.id, key.secret)) {
      status(`${file.name} is not a journal's key file: it should hold {"id", "secret"} as this page downloads it.`);
      return;
    }
    open({ id: key.id, secret: key.secret }, 'file');
  });
  return h('div', { class: 'field' },
    h('label', { for: 'journal-file' }, 'Open a journal from its key file'),
    input,
    h('p', { class: 'hint', id: 'journal-file-hint' }, 'The file “Download the key” saved in another browser.'));
}

// collectSessions lists the sessions linked to the journal's stories.
async function collectSessions(key, journal) {
  const ids = new Set();
  const stories = await Promise.all((journal.stories || []).filter((st) => st.attempts).map((st) => getStory(key, st.id).catch(() => null)));
  for (const st of stories) for (const a of (st && st.attempts) || []) ids.add(a.session_id);
  return [...ids];
}

function elsewhereBlock(key, journal, { rerender, status }) {
  const link = h('input', { type: 'text', id: 'journal-link', readonly: true, value: journalLink(key), 'aria-describedby': 'journal-link-hint', onfocus: (e) => e.target.select() });
  const copied = h('span', { class: 'hint', role: 'status' });
  const attempts = (journal.stories || []).reduce((n, st) => n + (st.attempts || 0), 0);
  return h('section', { class: 'card elsewhere', id: 'journal-elsewhere', 'aria-labelledby': 'journal-elsewhere-title' },
    h('h2', { id: 'journal-elsewhere-title' }, 'Your journal in another browser'),
    h('div', { class: 'field' },
      h('label', { for: 'journal-link' }, 'Private link'),
      h('div', { class: 'inline' }, link,
        h('button', {
          type: 'button', id: 'journal-copy',
          onclick: async () => {
            link.select();
            try {
              await navigator.clipboard.writeText(link.value);
              copied.textContent = 'Copied.';
            } catch {
              copied.textContent = 'Press Ctrl+C (⌘C) to copy the selected link.';
            }
          },
        }, 'Copy'), copied),
      h('p', { class: 'hint', id: 'journal-link-hint' }, 'Anyone with this link can read and change your journal: keep it to yourself. The key comes after the #, which browsers never send, so it stays out of the server’s logs.')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'journal-download', onclick: () => downloadKey(key) }, 'Download the key'),
      h('nav', { class: 'exports', 'aria-label': 'Export the journal' },
        h('a', { href: journalExportURL(key, 'json'), download: '', 'data-format': 'json' }, 'Export as JSON'),
        h('a', { href: journalExportURL(key, 'md'), download: '', 'data-format': 'md' }, 'Export as Markdown'))),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', class: 'quiet', id: 'journal-forget',
        onclick: async () => {
          const a = await ask({
            title: 'Forget the journal in this browser?',
            message: 'It stays on the server. Keep its link or key file: without them it cannot be opened again.',
            confirm: 'Forget it here', keep: 'Keep it',
          });
          if (!a.ok) return;
          forgetJournal();
          announce('The journal is no longer kept in this browser.');
          rerender();
        },
      }, 'Forget it in this browser'),
      h('button', {
        type: 'button', class: 'danger', id: 'journal-delete',
        onclick: async () => {
          const a = await ask({
            title: 'Delete the journal?',
            message: 'Its stories and their attempts are removed from the server. This cannot be undone.',
            confirm: 'Delete the journal', keep: 'Keep it', danger: true,
            checkbox: attempts ? `Also delete the sessions of its ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}, recordings included` : '',
          });
          if (!a.ok) return;
          try {
            const sessions = a.checked ? await collectSessions(key, journal) : [];
            await deleteJournal(key, { sessions: a.checked });
            for (const id of sessions) forgetSession(id);
          } catch (err) {
            status(`The journal could not be deleted: ${err.message}`);
            return;
          }
          forgetJournal();
          announce('Journal deleted.');
          rerender();
        },
      }, 'Delete the journal')));
}

// showJournal fills the journal page. principles are the bank's, for the
// story form.
export async function showJournal(view, principles, { notice = '' } = {}) {
  const rerender = () => showJournal(view, principles);
  const key = myJournal();
  const status = h('p', { class: 'notice error', role: 'alert', tabindex: '-1', hidden: true });
  const fail = (message) => {
    status.textContent = message;
    status.hidden = false;
    status.focus();
  };
  const open = (k, from) => adoptJournal(view, principles, k, from);
  const head = (lede) => h('header', { class: 'report-head' },
    h('p', { class: 'eyebrow' }, 'Story journal'),
    h('h1', { tabindex: '-1' }, 'Your stories'),
    h('p', { class: 'lede' }, lede));

  let journal = null;
  if (key) {
    replace(view, h('p', { class: 'hint', role: 'status' }, 'Loading your journal…'));
    try {
      journal = await getJournal(key);
    } catch (err) {
      const gone = err instanceof APIError && err.status === 404;
      replace(view, h('article', { class: 'report journal', id: 'journal' },
        head('Keep your stories here, tell them again and again, and see each part’s time and each finding change.'),
        h('p', { class: 'notice error', role: 'alert' }, gone
          ? 'This server has no journal for the key kept in this browser: it may have been deleted, or made on another server.'
          : `The journal could not be loaded: ${err.message}`),
        gone ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => { forgetJournal(); rerender(); } }, 'Forget it and start a new one')) : null));
      return;
    }
  }

  if (!journal) {
    // No journal yet: the first story makes one.
    let made = null;
    const ensureJournal = async () => {
      if (!made) {
        made = await createJournal();
        rememberJournal(made);
      }
      return made;
    };
    replace(view, h('article', { class: 'report journal', id: 'journal', 'data-journal': '' },
      head('Keep the stories you tell, two or three for each principle. Tell them again and again: the journal keeps every attempt, so you see each part’s time and each finding change, and which principles still need a story.'),
      notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
      status,
      h('section', { class: 'card', id: 'journal-add', 'aria-labelledby': 'journal-add-title' },
        h('h2', { id: 'journal-add-title' }, 'Add your first story'),
        h('p', { class: 'hint' }, 'Your journal is made on this server when you add it, and its key is kept in this browser only.'),
        storyForm(principles, { ensureJournal, onSaved: () => rerender() })),
      h('section', { class: 'card', 'aria-labelledby': 'journal-open-title' },
        h('h2', { id: 'journal-open-title' }, 'Already have a journal?'),
        h('p', {}, 'Open its private link in this browser, or its key file here.'),
        keyFileInput(open, fail))));
    return;
  }

  let formCard = null;
  const showForm = (story = null) => {
    const fresh = h('section', { class: 'card', id: 'journal-add', 'aria-labelledby': 'journal-add-title' },
      h('h2', { id: 'journal-add-title', tabindex: '-1' }, story ? `Edit “${story.title}”` : 'Add a story'),
      storyForm(principles, {
        story, ensureJournal: async () => key, onSaved: () => rerender(), onCancel: () => showForm(null),
      }));
    formCard.replaceWith(fresh);
    formCard = fresh;
    if (story) {
      fresh.scrollIntoView({ block: 'start' });
      $('#story-title', fresh).focus();
    }
  };
  formCard = h('section', { hidden: true });
  const onDelete = async (st) => {
    const a = await ask({
      title: `Delete “${st.title}”?`,
      message: st.attempts ? `Its ${st.attempts} ${st.attempts === 1 ? 'attempt is' : 'attempts are'} unlinked; the sessions themselves stay.` : 'It has no attempts yet.',
      confirm: 'Delete the story', keep: 'Keep it', danger: true,
    });
    if (!a.ok) return;
    try {
      await deleteStory(key, st.id);
    } catch (err) {
      fail(`The story could not be deleted: ${err.message}`);
      return;
    }
    announce(`Story “${st.title}” deleted.`);
    rerender();
  };

  const plan = planBlock(journal.plan, journal.principles && journal.principles.length ? journal.principles : principles);
  replace(view, h('article', { class: 'report journal', id: 'journal', 'data-journal': journal.id },
    head(`Started ${when(journal.created)}. Tell your stories again and again: every attempt is kept, so you see each part’s time and each finding change.`),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    status,
    plan,
    storiesBlock(journal, { onEdit: (st) => showForm(st), onDelete }),
    mapBlock(journal),
    formCard,
    elsewhereBlock(key, journal, { rerender, status: fail })));
  showForm(null);
  // "Add a story" in the plan ticks its principle in the form.
  for (const a of view.querySelectorAll('.plan-add')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      showForm(null);
      const box = view.querySelector(`#story-form input[name="principle"][value="${CSS.escape(a.dataset.principle)}"]`);
      if (box) box.checked = true;
      formCard.scrollIntoView({ block: 'start' });
      $('#story-title', formCard).focus();
    });
  }
}

// adoptJournal keeps a journal opened from a link or a key file in this
// browser, after checking the server knows it, and shows it. A browser
// that keeps another journal is asked first.
export async function adoptJournal(view, principles, key, from = 'link') {
  const current = myJournal();
  const where = from === 'file' ? 'key file' : 'link';
  if (current && current.id === key.id && current.secret === key.secret) {
    await showJournal(view, principles);
    return;
  }
  if (current) {
    const a = await ask({
      title: 'Replace the journal kept in this browser?',
      message: `This browser already keeps another journal. Open the one from the ${where} instead? The other stays on the server: open it again with its own link or key file.`,
      confirm: `Open the one from the ${where}`, keep: 'Keep mine',
    });
    if (!a.ok) {
      await showJournal(view, principles);
      return;
    }
  }
  replace(view, h('p', { class: 'hint', role: 'status' }, 'Opening the journal…'));
  try {
    await getJournal(key);
  } catch (err) {
    const gone = err instanceof APIError && err.status === 404;
    replace(view, h('article', { class: 'report journal', id: 'journal' },
      h('h1', { tabindex: '-1' }, 'The journal could not be opened'),
      h('p', { class: 'notice error', role: 'alert' }, gone
        ? `No journal on this server answers to this ${where}: it was deleted, it belongs to another server, or the ${where} is incomplete.`
        : err.message),
      h('p', {}, h('a', { href: '#/journal' }, current ? 'Back to your journal' : 'Go to the journal page'))));
    return;
  }
  rememberJournal(key);
  await showJournal(view, principles, { notice: `The journal from the ${where} is now kept in this browser too.` });
}

// openFromLink handles #/journal/open/ID/SECRET: the key leaves the
// address bar and the history at once, then the journal is adopted.
export async function openFromLink(view, principles, id, secret) {
  history.replaceState(null, '', '#/journal');
  if (!validJournalKey(id, secret)) {
    replace(view, h('article', { class: 'report journal', id: 'journal' },
      h('h1', { tabindex: '-1' }, 'The journal could not be opened'),
      h('p', { class: 'notice error', role: 'alert' }, 'This link is not a whole journal link: copy it again from the journal page of the other browser.'),
      h('p', {}, h('a', { href: '#/journal' }, 'Go to the journal page'))));
    return;
  }
  await adoptJournal(view, principles, { id, secret }, 'link');
}

// linkBlock is the session page's offer to count the session's answer as
// an attempt of one of the journal's stories. It is empty when this
// browser keeps no journal, and fills itself once the journal is read.
export function linkBlock(session) {
  const key = myJournal();
  const section = h('section', { class: 'card link-story', id: 'link-story', 'aria-labelledby': 'link-story-title', hidden: true });
  if (!key) return section;
  (async () => {
    let journal;
    try {
      journal = await getJournal(key);
    } catch {
      return; // the page works without it
    }
    const stories = journal.stories || [];
    const title = h('h2', { id: 'link-story-title' }, 'Story journal');
    section.hidden = false;
    if (!stories.length) {
      replace(section, title, h('p', {}, 'Your journal has no stories yet. ', h('a', { href: '#/journal' }, 'Add one'), ', then come back to link this answer to it.'));
      return;
    }
    const fits = stories.filter((st) => (st.principles || []).includes(session.principle));
    const others = stories.filter((st) => !fits.includes(st));
    const option = (st) => h('option', { value: st.id }, st.title);
    const select = h('select', { id: 'link-story-select' },
      fits.length && session.principle ? h('optgroup', { label: `Stories for ${session.principle}` }, fits.map(option)) : null,
      fits.length && session.principle ? (others.length ? h('optgroup', { label: 'Other stories' }, others.map(option)) : null) : stories.map(option));
    const status = h('p', { class: 'link-status', role: 'status' });
    const button = h('button', { type: 'button', id: 'link-story-button' }, 'Link this answer');
    button.addEventListener('click', async () => {
      const st = stories.find((x) => x.id === select.value);
      if (!st) return;
      button.disabled = true;
      status.classList.remove('error');
      try {
        await linkAttempt(key, st.id, { id: session.id, secret: session.secret });
      } catch (err) {
        status.classList.add('error');
        replace(status, `The answer could not be linked: ${err.message}`);
        button.disabled = false;
        return;
      }
      replace(status, `Linked to “${st.title}”. `, h('a', { href: `#/journal/story/${encodeURIComponent(st.id)}`, id: 'link-story-open' }, 'See the story’s progress'));
      button.disabled = false;
    });
    replace(section, title,
      h('p', { class: 'hint' }, 'Was this answer one of your stories? Link it, and it counts as an attempt: its times and findings join the story’s progress.'),
      h('div', { class: 'inline' },
        h('label', { for: 'link-story-select' }, 'Story'), select, button),
      status);
  })();
  return section;
}
