// Small helpers to build the page from JavaScript without a framework.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h makes an HTML element: h('p', {class: 'x'}, 'text', child, [more]).
// Attributes named on... with a function become event listeners.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s makes an SVG element the same way.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// $ finds one element by selector.
export function $(selector, root = document) {
  return root.querySelector(selector);
}

// replace empties el and puts the children in.
export function replace(el, ...children) {
  el.replaceChildren();
  return build(el, null, children);
}

// duration writes a length of time the one way every page does: under a
// minute "42 s", from a minute "1 min 55 s", or "3 min" on the minute.
// Seconds are rounded first, so 59.6 s is "1 min". The server's feedback
// and the Markdown export follow the same rule.
export function duration(seconds) {
  const t = Math.max(0, Math.round(Number(seconds) || 0));
  if (t < 60) return `${t} s`;
  const m = Math.floor(t / 60);
  const r = t % 60;
  return r ? `${m} min ${r} s` : `${m} min`;
}

// durationBand writes an answer's length target, always as its band:
// "2 min 30 s to 3 min 15 s".
export function durationBand(min, max) {
  return `${duration(min)} to ${duration(max)}`;
}

// when formats a date for the sessions list.
export function when(date) {
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// capitalize turns "situation" into "Situation".
export function capitalize(word) {
  return word ? word[0].toUpperCase() + word.slice(1) : '';
}

// announce says something to screen readers through the polite live region.
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 30);
}

// ask opens a modal dialog whose form closes it with a button's value and
// resolves with that value ('' for Escape). The answer is taken from the
// form's submit or the dialog's cancel, both fired as the person acts: the
// close event comes later, in a task of its own that input can overtake,
// so the close of an earlier opening can arrive after the next one began.
// A close seen while the dialog is open again is that stale one.
export function ask(dialog) {
  dialog.returnValue = '';
  dialog.showModal();
  const form = dialog.querySelector('form');
  return new Promise((resolve) => {
    const done = (value) => {
      if (form) form.removeEventListener('submit', submitted);
      dialog.removeEventListener('cancel', cancelled);
      dialog.removeEventListener('close', closed);
      resolve(value);
    };
    const submitted = (e) => done(e.submitter && e.submitter.value !== undefined ? e.submitter.value : dialog.returnValue);
    const cancelled = () => done('');
    const closed = () => { if (!dialog.open) done(dialog.returnValue); };
    if (form) form.addEventListener('submit', submitted);
    dialog.addEventListener('cancel', cancelled);
    dialog.addEventListener('close', closed);
  });
}
