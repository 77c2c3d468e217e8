// The microphone check: a few seconds of the room, then one sentence read
// aloud, recorded through the same capture as a session (16 kHz PCM from
// the worklet), sent as a WAV to POST /api/check, and the answer shown:
// the speech level, the noise floor, whether the recognizer heard the
// sentence, and what to change.

import { h, $, replace, announce } from './dom.js';
import { checkMicrophone, APIError } from './api.js';
import { AudioContexts, openMicrophone, peak, SAMPLE_RATE, MicrophoneError } from './capture.js';
import { audioFigures, audioQuality } from './report.js';
import { rememberMicCheck } from './store.js';

// SENTENCE is what the person reads: everyday words that the embedded
// recognizer hears well when they are said clearly.
export const SENTENCE = 'Last year I led a project to make our checkout page much faster.';

const QUIET_SECONDS = 3;
// The sentence takes about four seconds; the recording stops once the
// reader has been quiet this long after speaking, or at the limit.
const END_SILENCE_SECONDS = 1.5;
const MAX_READ_SECONDS = 12;

// rms is a frame's root mean square, 1 being full scale.
function rms(frame) {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
  return frame.length ? Math.sqrt(sum / frame.length) / 32768 : 0;
}

// Recording collects the check's frames: QUIET_SECONDS of the room, then
// the sentence until the reader stops. Speech is a frame 10 dB above the
// room (and above -55 dBFS, for a silent room).
class Recording {
  constructor({ onPhase, onLevel }) {
    this.onPhase = onPhase;
    this.onLevel = onLevel;
    this.frames = [];
    this.samples = 0;
    this.phase = 'quiet';
    this.threshold = 0;
    this.readSamples = 0;
    this.spoken = 0; // frames of speech heard
    this.quietAfter = 0; // samples since the last frame of speech
    this.done = new Promise((resolve) => { this.resolve = resolve; });
  }

  push(frame) {
    if (this.phase === 'over') return;
    this.frames.push(frame);
    this.samples += frame.length;
    this.onLevel(peak(frame));
    if (this.phase === 'quiet') {
      if (this.samples >= QUIET_SECONDS * SAMPLE_RATE) {
        const room = Math.sqrt(this.frames.reduce((t, f) => t + rms(f) ** 2 * f.length, 0) / this.samples);
        this.threshold = Math.max(room * 10 ** (10 / 20), 10 ** (-55 / 20));
        this.phase = 'read';
        this.onPhase('read');
      }
      return;
    }
    this.readSamples += frame.length;
    if (rms(frame) > this.threshold) {
      this.spoken++;
      this.quietAfter = 0;
    } else {
      this.quietAfter += frame.length;
    }
    const finished = this.spoken >= 3 && this.quietAfter >= END_SILENCE_SECONDS * SAMPLE_RATE;
    if (finished || this.readSamples >= MAX_READ_SECONDS * SAMPLE_RATE) this.stop();
  }

  // seconds is how far into the current phase the recording is.
  get seconds() {
    return (this.phase === 'read' ? this.readSamples : this.samples) / SAMPLE_RATE;
  }

  stop() {
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.resolve();
  }

  // wav is the recording as a 16 kHz mono 16-bit WAV file.
  wav() {
    const pcm = new Int16Array(this.samples);
    let at = 0;
    for (const f of this.frames) {
      pcm.set(f, at);
      at += f.length;
    }
    return encodeWAV(pcm);
  }
}

// encodeWAV wraps 16 kHz 16-bit samples in a WAV header. Int16Array is
// little-endian on every platform browsers run on, as WAV wants.
export function encodeWAV(samples, rate = SAMPLE_RATE) {
  const buf = new ArrayBuffer(44 + samples.length * 2);
  const v = new DataView(buf);
  const ascii = (at, text) => { for (let i = 0; i < text.length; i++) v.setUint8(at + i, text.charCodeAt(i)); };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true); // the fmt chunk's size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true); // bytes a second
  v.setUint16(32, 2, true); // bytes a sample
  v.setUint16(34, 16, true); // bits a sample
  ascii(36, 'data');
  v.setUint32(40, samples.length * 2, true);
  new Int16Array(buf, 44).set(samples);
  return new Blob([buf], { type: 'audio/wav' });
}

// explainFailure says what went wrong in words that say what to do.
function explainFailure(err) {
  if (err instanceof MicrophoneError) return err.message;
  if (err instanceof APIError) {
    if (err.status === 503) return 'The server is busy with other sessions right now, so it cannot check the microphone. Try again in a minute, or skip the check.';
    if (err.status === 404 || err.status === 405) return 'This server cannot check the microphone (it is older than this page). Skip the check to start.';
    if (err.status === 0) return err.message;
    return `The check failed: ${err.message}`;
  }
  return `The check failed: ${(err && err.message) || err}`;
}

// MicCheck runs the check view. processing() returns the capture settings
// (echo cancellation and the rest) a session would use, so the check hears
// what the session will.
export class MicCheck {
  constructor({ processing, forceNativeRate = false }) {
    this.processing = processing;
    this.forceNativeRate = forceNativeRate;
    this.recording = null;
    this.mic = null;
    this.result = null;
    this.generation = 0; // cancel() moves it on, so a late answer is dropped
    $('#check-sentence').textContent = SENTENCE;
    $('#check-run').addEventListener('click', () => this.run());
    $('#check-stop').addEventListener('click', () => this.recording && this.recording.stop());
  }

  get running() { return !!this.recording; }

  // reset shows the check as it is before a run.
  reset() {
    this.cancel();
    this.result = null;
    this.setPhase('ready');
    $('#check-error').hidden = true;
    $('#check-result').hidden = true;
    replace($('#check-result'));
    this.setButtons();
  }

  setPhase(phase) {
    $('#check-card').dataset.phase = phase;
    $('#check-now').hidden = !['quiet', 'read', 'sending'].includes(phase);
    $('#check-stop').hidden = phase !== 'read';
    $('#check-run').hidden = ['quiet', 'read', 'sending'].includes(phase);
    $('#check-start').hidden = ['quiet', 'read', 'sending'].includes(phase);
    const prompt = {
      quiet: 'Stay quiet: listening to the room…',
      read: 'Now read the sentence aloud.',
      sending: 'Checking what the recognizer heard…',
    }[phase];
    if (prompt) {
      $('#check-prompt').textContent = prompt;
      announce(prompt);
    }
    $('#check-count').textContent = '';
    if (phase !== 'read' && phase !== 'quiet') $('#check-level').style.width = '0%';
  }

  // setButtons puts the next step first: checking, until a check found the
  // sound fit and the sentence heard; then starting.
  setButtons() {
    const run = $('#check-run');
    const start = $('#check-start');
    const r = this.result;
    const fit = !!r && r.recognized && !(r.audio && r.audio.quality === 'poor');
    run.textContent = r ? 'Check again' : 'Check my microphone';
    start.textContent = r ? 'Start the session' : 'Skip and start';
    run.classList.toggle('primary', !fit);
    start.classList.toggle('primary', fit);
    if (fit) run.before(start);
    else start.before(run);
  }

  // run records and sends the check. It starts in a click: the audio
  // contexts must be made inside one.
  async run() {
    if (this.recording) return;
    const generation = ++this.generation;
    let audio;
    try {
      audio = new AudioContexts({ forceNativeRate: this.forceNativeRate });
    } catch (err) {
      this.fail(err);
      return;
    }
    $('#check-error').hidden = true;
    $('#check-result').hidden = true;
    const recording = new Recording({
      onPhase: (phase) => this.setPhase(phase),
      onLevel: (level) => {
        $('#check-level').style.width = `${Math.min(100, Math.round(Math.sqrt(level) * 100))}%`;
        const left = recording.phase === 'quiet' ? Math.ceil(QUIET_SECONDS - recording.seconds) : 0;
        $('#check-count').textContent = left > 0 ? `${left} s` : '';
      },
    });
    this.recording = recording;
    this.setPhase('quiet');
    $('#check-now').focus();
    try {
      this.mic = await openMicrophone(audio, (frame) => recording.push(frame), { ...this.processing(), again: 'Check my microphone' });
    } catch (err) {
      await audio.close();
      if (generation === this.generation) this.fail(err);
      return;
    }
    this.mic.onerror = () => recording.stop();
    await recording.done;
    await this.mic.stop();
    this.mic = null;
    if (generation !== this.generation) return;
    this.setPhase('sending');
    let result;
    try {
      result = await checkMicrophone(recording.wav(), SENTENCE);
    } catch (err) {
      if (generation === this.generation) this.fail(err);
      return;
    }
    if (generation !== this.generation) return;
    this.recording = null;
    this.show(result);
  }

  // cancel stops a check in progress, for a person who leaves the page.
  cancel() {
    this.generation++;
    if (this.recording) this.recording.stop();
    this.recording = null;
    if (this.mic) this.mic.stop();
    this.mic = null;
  }

  fail(err) {
    if (!(err instanceof MicrophoneError || err instanceof APIError)) console.error(err);
    this.recording = null;
    this.setPhase('ready');
    this.setButtons();
    const el = $('#check-error');
    el.textContent = explainFailure(err);
    el.hidden = false;
    el.focus();
  }

  // show puts the server's answer on the page and remembers that the check
  // was done.
  show(result) {
    this.result = result;
    const audio = result.audio || {};
    rememberMicCheck({ state: 'done', quality: audio.quality, recognized: !!result.recognized });
    this.setPhase('done');
    this.setButtons();
    const share = Math.round((result.match || 0) * 100);
    const heard = result.recognized
      ? `The recognizer heard the sentence (${share} % of its words).`
      : `The recognizer did not catch the sentence (${share} % of its words).`;
    const advice = audio.advice || (result.recognized
      ? 'Nothing to change: start when you are ready.'
      : 'The sound is fine, but the sentence was not heard: read it as it is written, in your usual voice, and check again.');
    const section = $('#check-result');
    replace(section,
      h('h2', { id: 'check-result-title', tabindex: '-1' }, 'Sound quality: ', audioQuality(audio)),
      h('p', { class: 'check-heard', 'data-recognized': String(!!result.recognized) },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, result.recognized ? '✓' : '✗'), ' ', heard),
      h('p', { class: 'hint check-words' }, result.heard ? `It heard: “${result.heard}”` : 'It heard no words.'),
      h('p', { class: 'check-advice' }, advice),
      audio.quality ? audioFigures(audio) : null);
    section.hidden = false;
    $('#check-result-title').focus();
    announce(`${heard} ${advice}`);
  }
}

// describeCheck is the start page's line on the last check, or '' when
// there was none.
export function describeCheck(check) {
  if (!check || check.state !== 'done') return '';
  const at = new Date(check.at);
  const day = Number.isNaN(at.getTime()) ? '' : ` (${at.toLocaleDateString(undefined, { dateStyle: 'medium' })})`;
  return `The last check${day} found ${check.quality || 'measured'} sound, and the sentence ${check.recognized ? 'heard' : 'not heard'}.`;
}
