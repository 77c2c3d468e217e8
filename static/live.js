// A live session: the WebSocket to /v1/listen, the microphone, the
// interviewer's voice and the live view (conversation, STAR timers, pace).
//
// Order matters. The socket opens first, then the microphone (a
// microphone starts hearing the moment it opens), then Start goes out and
// the frames follow it. At the end the microphone stops, the worklet
// posts what it still holds, CloseStream goes out, and the session waits
// for the report: the last words are never cut off.

import { h, $, clock, secs, capitalize, announce, replace } from './dom.js';
import { listenURL } from './api.js';
import { openMicrophone, peak, SAMPLE_RATE, MicrophoneError } from './capture.js';
import { Voice } from './voice.js';
import { LABELS, paceBand, levelName } from './report.js';
import { rememberSession } from './store.js';

const KEEPALIVE_MS = 5000;
const REPORT_WAIT_MS = 30000;

// STATUS is what the status pill says in each state.
const STATUS = {
  connecting: 'Connecting…',
  microphone: 'Waiting for the microphone…',
  waiting: 'Waiting for the interviewer…',
  listening: 'Listening',
  speaking: 'Interviewer speaking — your microphone is paused',
  finishing: 'Finishing — transcribing your last words…',
  done: 'Done',
  error: 'Stopped',
};

export class LiveSession {
  // settings: mode, principle, question, level, echoCancellation,
  // noiseSuppression, autoGainControl, voice. onReport(report, session) is
  // called once with the final report; onEnd(message, {began}) when the
  // session stops without one, began saying whether the server had opened
  // a session.
  constructor(settings, { onReport, onEnd }) {
    this.settings = settings;
    this.onReport = onReport;
    this.onEnd = onEnd;
    this.view = $('#view-live');
    this.ws = null;
    this.mic = null;
    this.started = false; // Start sent
    this.pending = []; // frames heard before Start went out
    this.ending = false; // the person (or the report) ended the session
    this.closing = false; // CloseStream sent: no more frames
    this.finished = false;
    this.report = null;
    this.session = null; // {id, secret}
    this.samplesSent = 0;
    // stats count the frames sent, and those replaced by silence while the
    // interviewer spoke (shown in tests and handy when debugging).
    this.stats = { frames: 0, mutedFrames: 0 };
    this.muted = false;
    this.lastSent = 0;
    this.answers = new Map(); // answer number -> {turn, final, partial}
    this.currentAnswer = -1;
    this.answerSamples = 0; // of the current answer, not counting the interviewer's lines
    this.endSilence = 0;
    this.budget = 0;
    this.voice = new Voice({ enabled: settings.voice, onSpeaking: (on) => this.setMuted(on) });
    this.onKey = (e) => this.key(e);
  }

  get active() { return !!this.ws && !this.finished; }

  // start runs the session's opening; ctx is the AudioContext made in the
  // click that started it.
  async start(ctx) {
    this.resetView();
    document.addEventListener('keydown', this.onKey);
    this.setState('connecting');
    try {
      await this.connect();
      this.setState('microphone');
      this.mic = await openMicrophone(ctx, (frame) => this.onFrame(frame), {
        echoCancellation: this.settings.echoCancellation,
        noiseSuppression: this.settings.noiseSuppression,
        autoGainControl: this.settings.autoGainControl,
      });
    } catch (err) {
      await ctx.close().catch(() => {});
      this.fail(err instanceof MicrophoneError ? err.message : (err && err.message) || String(err), err);
      return;
    }
    if (this.finished) {
      // The connection ended while the browser asked for the microphone.
      this.mic.stop();
      return;
    }
    this.mic.onerror = () => this.fail('Recording stopped: the browser’s audio processing failed. What arrived before is saved; reload the page to start again.');
    this.showCaptureInfo();
    this.send({
      type: 'Start',
      mode: this.settings.mode,
      level: this.settings.level,
      question_id: this.settings.question || undefined,
      principle: this.settings.question ? undefined : this.settings.principle || undefined,
      vocabulary: this.settings.vocabulary && this.settings.vocabulary.length ? this.settings.vocabulary : undefined,
    });
    this.started = true;
    for (const f of this.pending) this.sendFrame(f);
    this.pending = [];
    this.setState('waiting');
    this.enableControls(true);
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(listenURL());
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        // The server ends a connection that stays quiet for 30 s, and the
        // microphone prompt can take longer than that.
        this.keepAlive = setInterval(() => {
          if (Date.now() - this.lastSent > KEEPALIVE_MS) this.send({ type: 'KeepAlive' });
        }, KEEPALIVE_MS);
        resolve();
      };
      ws.onerror = () => {
        if (!opened) reject(new Error('The server could not be reached. Check that mockinterview serve is running, then press Start again.'));
      };
      ws.onclose = (e) => {
        if (!opened) {
          reject(new Error(e.reason || 'The server refused the connection. Reload the page and try again.'));
          return;
        }
        this.closed(e);
      };
      ws.onmessage = (e) => {
        if (typeof e.data !== 'string') return;
        let msg;
        try { msg = JSON.parse(e.data); } catch { return; }
        this.handle(msg);
      };
    });
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      this.lastSent = Date.now();
    }
  }

  sendFrame(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.closing) return;
    // Int16Array is in the machine's byte order, little-endian on every
    // platform browsers run on, which is what linear16 means.
    this.ws.send(frame);
    this.lastSent = Date.now();
    this.samplesSent += frame.length;
    $('#live-clock').textContent = clock(this.samplesSent / SAMPLE_RATE);
    if (this.currentAnswer >= 0 && !this.muted) {
      this.answerSamples += frame.length;
      $('#answer-elapsed').textContent = clock(this.answerSamples / SAMPLE_RATE);
    }
    if (this.ws.bufferedAmount > 2 * 1024 * 1024) {
      this.warn('The connection is slow: your audio is queued in the browser and will arrive late. Nothing is lost.');
    }
  }

  onFrame(frame) {
    const level = this.muted ? 0 : peak(frame);
    $('#mic-level').style.width = `${Math.min(100, Math.round(Math.sqrt(level) * 100))}%`;
    // While the interviewer speaks, silence stands in for the microphone:
    // the stream clock keeps time, and its voice never counts as the answer.
    const out = this.muted ? new Int16Array(frame.length) : frame;
    this.stats.frames++;
    if (this.muted) this.stats.mutedFrames++;
    if (!this.started) {
      this.pending.push(out);
      return;
    }
    this.sendFrame(out);
  }

  setMuted(on) {
    this.muted = on;
    if (this.finished || this.ending) return;
    this.setState(on ? 'speaking' : this.started ? 'listening' : 'waiting');
    const notes = this.view.querySelectorAll('.turn.interviewer .speaking-note');
    notes.forEach((note, i) => { note.hidden = !(on && i === notes.length - 1); });
  }

  handle(msg) {
    switch (msg.type) {
      case 'Begin':
        this.session = { id: msg.session_id, secret: msg.secret };
        this.budget = 0;
        rememberSession({ id: msg.session_id, secret: msg.secret, created: new Date().toISOString(), mode: msg.mode || this.settings.mode, level: msg.level || this.settings.level });
        this.view.dataset.sessionId = msg.session_id;
        this.endSilence = msg.end_silence || 0;
        break;
      case 'Question':
        this.setContext(msg.principle);
        if (this.session) rememberSession({ id: this.session.id, secret: this.session.secret, question: msg.text, principle: msg.principle });
        this.interviewerSays(msg.text, 'question');
        this.beginAnswer(0);
        break;
      case 'Probe':
        this.interviewerSays(msg.text, 'probe');
        this.beginAnswer(msg.answer ?? this.currentAnswer + 1);
        break;
      case 'Interrupt':
        this.interviewerSays(msg.text, 'interrupt');
        break;
      case 'Results':
        this.results(msg);
        break;
      case 'Star':
        this.star(msg);
        break;
      case 'Pacing':
        this.pacing(msg);
        break;
      case 'Warning':
        this.warn(msg.code === 'behind'
          ? `Transcription is ${msg.backlog ? `${msg.backlog.toFixed(1)} s ` : ''}behind your voice. Keep going: nothing is lost, the words will catch up.`
          : msg.message || 'The server reported a problem; nothing was lost.');
        break;
      case 'Error':
        this.error(msg);
        break;
      case 'Report':
        this.gotReport(msg.report || msg);
        break;
      case 'Metadata':
        this.metadata = msg;
        break;
      default:
        break;
    }
  }

  setContext(principle) {
    const s = this.settings;
    $('#live-context').textContent = [principle, levelName(s.level), s.mode === 'practice' ? 'Pacing practice' : 'Mock interview'].filter(Boolean).join(' · ');
  }

  interviewerSays(text, kind) {
    const label = kind === 'probe' ? 'Interviewer · follow-up' : kind === 'interrupt' ? 'Interviewer · cuts in' : 'Interviewer';
    const turn = h('li', { class: `turn interviewer ${kind}` },
      h('div', { class: 'who' }, label),
      h('p', { class: 'said' }, text),
      h('p', { class: 'speaking-note', hidden: true }, 'Speaking… your microphone is paused until it finishes.'));
    $('#conversation').append(turn);
    if (kind === 'question') $('#live-title').textContent = text;
    turn.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    announce(`${label}: ${text}`);
    this.voice.say(text);
  }

  beginAnswer(n) {
    const prev = this.answers.get(this.currentAnswer);
    if (prev) prev.turn.classList.remove('current');
    const transcript = h('p', { class: 'transcript' },
      h('span', { class: 'final' }),
      h('span', { class: 'partial' }),
      h('span', { class: 'waiting' }, this.endSilence
        ? `Answer when you’re ready. When you stop for ${Math.round(this.endSilence)} seconds, or press I’m done, the interviewer moves on.`
        : 'Answer when you’re ready — I’m listening.'));
    const turn = h('li', { class: 'turn you current', 'data-answer': n },
      h('div', { class: 'who' }, n === 0 ? 'You' : 'You · reply'),
      transcript);
    $('#conversation').append(turn);
    this.answers.set(n, { turn, final: $('.final', transcript), partial: $('.partial', transcript), waiting: $('.waiting', transcript) });
    this.currentAnswer = n;
    this.answerSamples = 0;
    if (n > 0) this.freezeStar();
    $('#answer-label').textContent = n === 0 ? 'Answer' : 'Reply';
    $('#answer-elapsed').textContent = '0:00';
    $('#answer-budget').textContent = n === 0 && this.budget ? `of about ${clock(this.budget)}` : n === 0 ? '' : `to follow-up ${n}`;
    if (!this.muted) this.setState('listening');
  }

  results(msg) {
    const alt = msg.channel && msg.channel.alternatives && msg.channel.alternatives[0];
    const words = (alt && alt.words) || [];
    const a = this.answers.get(msg.answer ?? this.currentAnswer) || this.answers.get(this.currentAnswer);
    if (!a) return;
    const text = words.map((w) => w.punctuated_word || w.word || w.text).join(' ');
    if (msg.is_final) {
      if (text) {
        a.final.append(h('span', { class: 'utterance' }, (a.final.childNodes.length ? ' ' : '') + text));
      }
      a.partial.textContent = '';
    } else {
      a.partial.textContent = text ? (a.final.childNodes.length ? ' ' : '') + text : '';
    }
    if (text) a.waiting.hidden = true;
  }

  // star draws the live STAR timers. Parts come as runs in the order they
  // were told; the rows add the runs of one label up, the strip keeps them.
  // The last message of an answer (final) has the whole answer's parts.
  star(msg) {
    this.lastStar = msg;
    const runs = msg.parts || [];
    this.budget = msg.budget || this.budget;
    const byLabel = new Map();
    for (const p of runs) {
      const row = byLabel.get(p.label) || { label: p.label, elapsed: 0, target: p.target };
      row.elapsed += p.elapsed || 0;
      byLabel.set(p.label, row);
    }
    $('#star-empty').hidden = runs.length > 0;

    const total = runs.reduce((t, p) => t + (p.elapsed || 0), 0);
    const scale = Math.max(this.budget || 0, total, 1);
    const strip = $('#star-strip');
    replace(strip, runs.map((p) => h('span', { class: 'seg', 'data-label': p.label, style: `width:${(100 * (p.elapsed || 0)) / scale}%; background: var(--part)` })));
    if (this.budget) strip.append(h('span', { class: 'budget', style: `left: calc(${(100 * this.budget) / scale}% - 1px)` }));

    const list = $('#star-parts');
    replace(list, [...byLabel.values()].map((row) => {
      const status = row.elapsed > row.target ? 'over' : row.elapsed > 0.8 * row.target ? 'near' : 'ok';
      const current = row.label === msg.current;
      const span = Math.max(row.target * 1.5, row.elapsed);
      const stateWord = status === 'over' ? `${secs(row.elapsed - row.target)} over` : status === 'near' ? 'near target' : '';
      return h('li', {
        class: `part${current ? ' current' : ''}`, 'data-label': row.label, 'data-status': status,
        'aria-current': current ? 'step' : undefined,
      },
      h('div', { class: 'top' },
        h('span', { class: 'name' }, capitalize(row.label), current ? h('span', { class: 'now' }, 'now') : null),
        h('span', { class: 'time' }, `${secs(row.elapsed)} / ${secs(row.target)}`)),
      h('div', { class: 'track', role: 'img', 'aria-label': `${capitalize(row.label)}: ${secs(row.elapsed)} of ${secs(row.target)}${stateWord ? `, ${stateWord}` : ''}` },
        h('span', { class: 'fill', style: `width:${(100 * row.elapsed) / span}%` }),
        h('span', { class: 'target', style: `left:calc(${(100 * row.target) / span}% - 1px)` })),
      stateWord ? h('div', { class: 'state' }, stateWord) : null);
    }));
    const idx = Math.max(...[...byLabel.keys()].map((l) => LABELS.indexOf(l)), -1);
    const next = LABELS.slice(idx + 1).map(capitalize);
    $('#star-next').textContent = next.length && runs.length ? `Still to come: ${next.join(' · ')}` : '';
    if (this.budget && this.currentAnswer === 0) $('#answer-budget').textContent = `of about ${clock(this.budget)}`;
    // The whole answer's parts, sent once as it ends: nothing is still to
    // come and no part is current.
    if (msg.final) this.freezeStar();
  }

  // freezeStar leaves the timers of the main answer as they ended: the
  // follow-ups are not timed by part.
  freezeStar() {
    for (const li of $('#star-parts').querySelectorAll('.part.current')) {
      li.classList.remove('current');
      li.removeAttribute('aria-current');
      const now = li.querySelector('.now');
      if (now) now.remove();
    }
    $('#star-next').textContent = '';
    $('#coach-title').textContent = 'STAR timing of your answer';
  }

  pacing(msg) {
    $('#pace-wpm').textContent = msg.wpm ? Math.round(msg.wpm) : '–';
    $('#pace-band').textContent = msg.wpm ? `wpm · ${paceBand(msg.wpm)}` : '';
    $('#pace-fillers').textContent = String(msg.fillers || 0);
    $('#pace-fillers-rate').textContent = msg.fillers_per_minute ? `${msg.fillers_per_minute.toFixed(1)} a minute` : '';
  }

  warn(text) {
    const el = $('#live-warning');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(this.warnTimer);
    this.warnTimer = setTimeout(() => { el.hidden = true; }, 8000);
  }

  // error shows what the server reported; the session goes on unless the
  // server closes it.
  error(msg) {
    if (msg.code === 'busy') {
      this.fail('The server is busy with other sessions right now. Wait a minute and press Start again.');
      return;
    }
    if (msg.code === 'bad_start') {
      this.fail(`The server could not start this session: ${msg.message}`);
      return;
    }
    this.warn(msg.message || 'The server reported an error.');
  }

  // done tells the server the answer is over (it would notice the silence
  // too, but the person knows first).
  done() {
    if (!this.started || this.ending) return;
    this.voice.stop();
    // Naming the answer keeps a late press from ending the next one.
    this.send({ type: 'AnswerDone', answer: this.currentAnswer });
  }

  skip() {
    if (!this.started || this.ending) return;
    this.voice.stop();
    this.send({ type: 'Skip', answer: this.currentAnswer });
  }

  // end finishes the session: the microphone's last frames, then
  // CloseStream, then the report.
  async end() {
    if (this.ending || this.finished) return;
    this.ending = true;
    this.enableControls(false);
    this.voice.stop();
    this.setState('finishing');
    // The frames the worklet posts while it flushes still go out.
    if (this.mic) await this.mic.stop();
    this.closing = true;
    this.send({ type: 'CloseStream' });
    this.reportTimer = setTimeout(() => {
      if (!this.report) this.fail('The server did not send a report in time. Your recording is saved: open Past sessions to review it.');
    }, REPORT_WAIT_MS);
  }

  gotReport(report) {
    if (this.report) return;
    this.report = report;
    clearTimeout(this.reportTimer);
    // The interview is over on the server's side; close our side cleanly.
    if (!this.ending) this.end();
    this.finish();
    this.setState('done');
    this.onReport(report, this.session);
  }

  closed(e) {
    clearInterval(this.keepAlive);
    if (this.report || this.finished) {
      this.finish();
      return;
    }
    const why = e.code === 1001
      ? 'The server is shutting down. What you said so far is saved: open Past sessions to review it.'
      : e.code === 1013
        ? 'The server is busy with other sessions right now. Wait a minute and press Start again.'
        : `The connection to the server was lost${e.reason ? ` (${e.reason})` : ''}. What arrived before is saved: open Past sessions to review it.`;
    this.fail(why);
  }

  // fail stops the session with a message. Before the server began a
  // session the page goes back to the start form with it; after, the live
  // view stays, with a way to what was saved.
  fail(message, err) {
    if (this.failed) return;
    this.failed = true;
    if (err) console.error(err);
    $('#live-error').textContent = message;
    $('#live-saved').href = this.session ? `#/session/${encodeURIComponent(this.session.id)}` : '#/sessions';
    $('#live-stopped').hidden = false;
    this.setState('error');
    this.finish();
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    this.onEnd(message, { began: !!this.session });
  }

  // finish releases everything the session holds; it can run twice.
  finish() {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.keepAlive);
    this.voice.stop();
    document.removeEventListener('keydown', this.onKey);
    this.enableControls(false);
    if (this.mic) this.mic.stop();
  }

  key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.repeat) return;
    const t = e.target;
    if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
    if (this.view.hidden) return;
    const k = e.key.toLowerCase();
    const button = k === 'd' ? '#btn-done' : k === 's' ? '#btn-skip' : k === 'e' ? '#btn-end' : null;
    if (!button || $(button).disabled) return;
    e.preventDefault();
    $(button).click();
  }

  enableControls(on) {
    for (const id of ['#btn-done', '#btn-skip', '#btn-end']) $(id).disabled = !on;
  }

  setState(state) {
    const el = $('#live-status');
    el.dataset.state = state;
    $('#live-status-text').textContent = STATUS[state] || state;
    this.view.dataset.state = state;
  }

  showCaptureInfo() {
    const m = this.mic;
    const set = m.settings;
    const onOff = (v) => (v === undefined ? 'default' : v ? 'on' : 'off');
    const rate = Math.round(m.rate / 100) / 10;
    this.view.dataset.captureRate = String(m.rate);
    $('#capture-info').textContent = `Microphone${m.label ? ` “${m.label}”` : ''}: ${m.rate === SAMPLE_RATE ? '16 kHz' : `${rate} kHz, resampled to 16 kHz in the page`}; echo cancellation ${onOff(set.echoCancellation)}, noise suppression ${onOff(set.noiseSuppression)}, gain control ${onOff(set.autoGainControl)}.`;
  }

  resetView() {
    replace($('#conversation'));
    replace($('#star-parts'));
    replace($('#star-strip'));
    $('#star-empty').hidden = false;
    $('#star-next').textContent = '';
    $('#live-stopped').hidden = true;
    $('#live-warning').hidden = true;
    $('#live-clock').textContent = '0:00';
    $('#answer-elapsed').textContent = '0:00';
    $('#answer-label').textContent = 'Answer';
    $('#answer-budget').textContent = '';
    $('#pace-wpm').textContent = '–';
    $('#pace-band').textContent = '';
    $('#pace-fillers').textContent = '0';
    $('#pace-fillers-rate').textContent = '';
    $('#capture-info').textContent = '';
    $('#live-title').textContent = this.settings.mode === 'practice' ? 'Pacing practice' : 'Mock interview';
    $('#coach-title').textContent = 'STAR timing';
    this.setContext('');
    delete this.view.dataset.sessionId;
    delete this.view.dataset.captureRate;
  }
}
