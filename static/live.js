// A live session: the WebSocket to /v1/listen, the microphone, the
// interviewer's voice and the live view (conversation, STAR timers, pace).
//
// Order matters. The socket opens first, then the microphone (a
// microphone starts hearing the moment it opens), then Start goes out and
// the frames follow it. At the end the microphone stops, the worklet
// posts what it still holds, CloseStream goes out, and the session waits
// for the report: the last words are never cut off.

import { h, $, duration, capitalize, announce, replace, ask } from './dom.js';
import { listenURL } from './api.js';
import { openMicrophone, peak, SAMPLE_RATE, MicrophoneError } from './capture.js';
import { Voice } from './voice.js';
import { LABELS, paceBand, levelName, levelBand, decibels, UNSURE, UNSURE_NOTE } from './report.js';
import { rememberSession } from './store.js';

const KEEPALIVE_MS = 5000;
// After a dropped connection the page tries again every RECONNECT_MS, for
// as long as the server holds the session (Begin's resume_grace), and
// keeps the last HISTORY_SECONDS of audio to send again from where the
// server's audio stopped.
const RECONNECT_MS = 1000;
const HISTORY_SECONDS = 90;
const REPORT_WAIT_MS = 30000;

// WARNINGS are the Warning codes about the audio or the engine, each with
// the title its notice shows and how long the notice stays after the last
// one came. The server repeats an audio warning every 5 s while the
// condition lasts, so 8 s without one means it is over; it tells a
// fallback to the backup recognizer once.
const WARNINGS = {
  noisy: { title: 'Noisy room', ms: 8000 },
  quiet: { title: 'Too quiet', ms: 8000 },
  clipping: { title: 'Too loud', ms: 8000 },
  fallback: { title: 'Backup recognizer', ms: 20000 },
};

// sentence starts a server's message with a capital and ends it with a
// full stop, to sit after a notice's title.
function sentence(text) {
  const t = (text || '').trim();
  if (!t) return '';
  return t[0].toUpperCase() + t.slice(1) + (/[.!?…]$/.test(t) ? '' : '.');
}

// STATUS is what the status pill says in each state.
const STATUS = {
  connecting: 'Connecting…',
  microphone: 'Waiting for the microphone…',
  waiting: 'Waiting for the interviewer…',
  listening: 'Listening',
  speaking: 'Interviewer speaking · microphone paused',
  finishing: 'Finishing — transcribing your last words…',
  reconnecting: 'Connection lost · reconnecting…',
  done: 'Done',
  error: 'Stopped',
};

// RANK orders a part's statuses, to tell when it crosses a threshold.
const RANK = { ok: 0, near: 1, over: 2 };

// partStatus is a row's status: the server's for a part told in one run;
// for one told in several (the speaker came back to it), the protocol's
// rule on their sum: near past 80 % of the target, over past it.
function partStatus(told) {
  if (told.runs.length === 1 && told.runs[0].status in RANK) return told.runs[0].status;
  if (told.elapsed > told.target) return 'over';
  if (told.elapsed > 0.8 * told.target) return 'near';
  return 'ok';
}

export class LiveSession {
  // settings: mode, principle, question, level, echoCancellation,
  // noiseSuppression, autoGainControl, voice, shortcuts (the single-key
  // ones, D, S and E), vocabulary, and the story told: journal,
  // journalSecret and story (its id), or empty. onReport(report, session) is
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
    // history is the audio of the stream since Start, its last
    // HISTORY_SECONDS, as {at, frame}, at being the frame's first sample on
    // the stream clock; streamed counts every sample of the stream, sent or
    // not yet (while reconnecting).
    this.history = [];
    this.streamed = 0;
    this.resumeGrace = 0;
    this.reconnecting = false;
    this.queued = []; // messages asked for while reconnecting
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
    this.level = settings.level;
    this.rows = null; // label -> the elements of its STAR row
    this.announced = new Set(); // "label:status" told to screen readers this answer
    this.voice = new Voice({ enabled: settings.voice, onSpeaking: (on) => this.setMuted(on) });
    this.onKey = (e) => this.key(e);
    this.noticeTimers = {}; // 'audio' and 'engine': when their notice hides
    this.noticeSince = {}; // and when it was first shown
  }

  get active() { return !!this.ws && !this.finished; }

  // start runs the session's opening; audio is the AudioContexts made in
  // the click that started it.
  async start(audio) {
    this.resetView();
    document.addEventListener('keydown', this.onKey);
    this.setState('connecting');
    try {
      await this.connect();
      this.setState('microphone');
      this.mic = await openMicrophone(audio, (frame) => this.onFrame(frame), {
        echoCancellation: this.settings.echoCancellation,
        noiseSuppression: this.settings.noiseSuppression,
        autoGainControl: this.settings.autoGainControl,
      });
    } catch (err) {
      await audio.close();
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
    this.showShortcuts();
    this.send({
      type: 'Start',
      mode: this.settings.mode,
      level: this.settings.level,
      question_id: this.settings.question || undefined,
      principle: this.settings.question ? undefined : this.settings.principle || undefined,
      vocabulary: this.settings.vocabulary && this.settings.vocabulary.length ? this.settings.vocabulary : undefined,
      // The story told, from the journal: the answer becomes its attempt.
      journal: this.settings.story ? this.settings.journal : undefined,
      journal_secret: this.settings.story ? this.settings.journalSecret : undefined,
      story_id: this.settings.story || undefined,
    });
    this.started = true;
    for (const f of this.pending) this.sendFrame(f);
    this.pending = [];
    this.setState('waiting');
    this.enableControls(true);
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = this.socket();
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.keepTalking();
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
        this.closed(e, ws);
      };
    });
  }

  // socket opens a WebSocket to the server, whose messages go to handle
  // (or, while reconnecting, to the Resume's answer).
  socket() {
    const ws = new WebSocket(listenURL({ browserCleaned: Boolean(this.settings.noiseSuppression) }));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string' || ws !== this.ws) return;
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (this.reconnecting) this.resumeAnswer(msg);
      else this.handle(msg);
    };
    return ws;
  }

  // keepTalking sends KeepAlive while no audio flows: the server ends a
  // connection that stays quiet for 30 s, and the microphone prompt can
  // take longer than that.
  keepTalking() {
    clearInterval(this.keepAlive);
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastSent > KEEPALIVE_MS) this.send({ type: 'KeepAlive' });
    }, KEEPALIVE_MS);
  }

  // reconnect tries to get the session back after its connection dropped:
  // a new connection whose first message is Resume, again every
  // RECONNECT_MS until the server's grace period is nearly over. The
  // microphone goes on meanwhile, into the history.
  reconnect() {
    if (this.finished) return;
    if (!this.reconnecting) {
      this.reconnecting = true;
      this.view.dataset.reconnects = String((Number(this.view.dataset.reconnects) || 0) + 1);
      this.reconnectUntil = Date.now() + Math.max(0, this.resumeGrace * 1000 - RECONNECT_MS);
      clearInterval(this.keepAlive);
      this.setState('reconnecting');
      this.warn('The connection to the server dropped. Reconnecting… Keep talking: what you say now is kept and sent when it is back.');
      announce('Connection lost. Reconnecting; keep talking.');
    }
    if (Date.now() > this.reconnectUntil) {
      this.reconnecting = false;
      this.fail('The connection to the server was lost for too long. What arrived before is saved: open Past sessions to review it.');
      return;
    }
    const ws = this.socket();
    ws.onopen = () => ws.send(JSON.stringify({ type: 'Resume', session_id: this.session.id, secret: this.session.secret }));
    ws.onclose = (e) => {
      if (ws !== this.ws) return;
      if (this.reconnecting) setTimeout(() => this.reconnect(), RECONNECT_MS);
      else this.closed(e, ws);
    };
  }

  // resumeAnswer takes the server's answer to Resume.
  resumeAnswer(msg) {
    if (msg.type === 'Error' && msg.code === 'resume_later') {
      this.ws.close(); // and try again, while the server holds the session
      return;
    }
    if (msg.type === 'Error' && msg.code === 'cannot_resume') {
      this.reconnecting = false;
      this.fail('The session could not go on after the connection dropped. What arrived before is saved: open Past sessions to review it.');
      return;
    }
    if (msg.type !== 'Resumed') return;
    this.reconnecting = false;
    // The audio from where the server's stopped: what it missed in the
    // drop, and what the microphone heard while the page reconnected.
    const from = Math.round(msg.received * SAMPLE_RATE);
    for (const { at, frame } of this.history) {
      if (at + frame.length <= from) continue;
      this.ws.send(at >= from ? frame : frame.subarray(from - at));
    }
    this.lastSent = Date.now();
    this.samplesSent = this.streamed;
    for (const queued of this.queued.splice(0)) this.send(queued);
    this.keepTalking();
    $('#live-warning').hidden = true;
    this.setState(this.muted ? 'speaking' : 'listening');
    announce('Reconnected. Your answer goes on.');
    if (msg.answer > this.currentAnswer && msg.asked) {
      // Its Probe was lost with the connection.
      this.interviewerSays(msg.asked.text, msg.asked.kind);
      this.beginAnswer(msg.answer);
    }
  }

  send(msg) {
    // Until the server took the Resume, the new connection carries nothing
    // else: what the person asks meanwhile (I'm done, Skip, End) waits.
    if (this.reconnecting) {
      if (msg.type !== 'KeepAlive') this.queued.push(msg);
      return;
    }
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      this.lastSent = Date.now();
    }
  }

  sendFrame(frame) {
    if (this.closing) return;
    this.remember(frame);
    if (this.reconnecting || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    // Int16Array is in the machine's byte order, little-endian on every
    // platform browsers run on, which is what linear16 means.
    this.ws.send(frame);
    this.lastSent = Date.now();
    this.samplesSent += frame.length;
    $('#live-clock').textContent = duration(this.samplesSent / SAMPLE_RATE);
    if (this.currentAnswer >= 0 && !this.muted) {
      this.answerSamples += frame.length;
      $('#answer-elapsed').textContent = duration(this.answerSamples / SAMPLE_RATE);
    }
    if (this.ws.bufferedAmount > 2 * 1024 * 1024) {
      this.warn('The connection is slow: your audio is queued in the browser and will arrive late. Nothing is lost.');
    }
  }

  // remember keeps a frame of the stream in the history.
  remember(frame) {
    this.history.push({ at: this.streamed, frame });
    this.streamed += frame.length;
    const keep = this.streamed - HISTORY_SECONDS * SAMPLE_RATE;
    while (this.history.length && this.history[0].at + this.history[0].frame.length < keep) this.history.shift();
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
    $('#prompt-speaking').hidden = !on;
  }

  handle(msg) {
    switch (msg.type) {
      case 'Begin':
        this.session = { id: msg.session_id, secret: msg.secret };
        this.budget = 0;
        rememberSession({ id: msg.session_id, secret: msg.secret, created: new Date().toISOString(), mode: msg.mode || this.settings.mode, level: msg.level || this.settings.level });
        this.view.dataset.sessionId = msg.session_id;
        this.level = msg.level || this.level;
        this.endSilence = msg.end_silence || 0;
        this.resumeGrace = msg.resume_grace || 0;
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
        if (msg.code in WARNINGS) {
          this.notify(msg);
          break;
        }
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

  // interviewerSays shows the interviewer's newest line in the prompt at
  // the top of the view, which stays on screen however far the page
  // scrolls; the conversation keeps the earlier ones.
  interviewerSays(text, kind) {
    const label = kind === 'probe' ? 'Interviewer · follow-up' : kind === 'interrupt' ? 'Interviewer · cuts in' : 'Interviewer';
    const turn = h('li', { class: `turn interviewer ${kind} in-prompt` },
      h('div', { class: 'who' }, label),
      h('p', { class: 'said' }, text));
    for (const older of $('#conversation').querySelectorAll('.in-prompt')) older.classList.remove('in-prompt');
    this.follow(() => $('#conversation').append(turn));
    const prompt = $('#live-prompt');
    prompt.dataset.kind = kind;
    $('#prompt-who').textContent = label;
    $('#prompt-said').textContent = text;
    prompt.hidden = false;
    // The page may have been scrolled down: the prompt sticks to the top,
    // but only once the page has scrolled past where it sits.
    if (prompt.getBoundingClientRect().bottom > window.innerHeight) prompt.scrollIntoView({ block: 'start' });
    announce(`${label}: ${text}`);
    this.voice.say(text);
  }

  // follow makes a change to the conversation and, when its newest lines
  // were in view before, keeps them in view after: the transcript follows
  // the speaker unless they scrolled back to read.
  follow(change) {
    const box = $('#view-live .conversation');
    const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
    change();
    if (atEnd && box.scrollHeight > box.clientHeight) box.scrollTop = box.scrollHeight;
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
    this.follow(() => $('#conversation').append(turn));
    this.answers.set(n, { turn, final: $('.final', transcript), partial: $('.partial', transcript), waiting: $('.waiting', transcript) });
    this.currentAnswer = n;
    this.answerSamples = 0;
    if (n > 0) this.freezeStar();
    $('#answer-label').textContent = n === 0 ? 'Answer' : 'Reply';
    $('#answer-elapsed').textContent = duration(0);
    $('#answer-budget').textContent = n === 0 ? (levelBand(this.level) ? `target ${levelBand(this.level)}` : '') : `to follow-up ${n}`;
    if (!this.muted) this.setState('listening');
  }

  results(msg) {
    const alt = msg.channel && msg.channel.alternatives && msg.channel.alternatives[0];
    const words = (alt && alt.words) || [];
    const a = this.answers.get(msg.answer ?? this.currentAnswer) || this.answers.get(this.currentAnswer);
    if (!a) return;
    if (msg.is_final && this.fallingBack && !msg.fallback && words.length) this.endpointBack();
    const written = (w) => w.punctuated_word || w.word || w.text;
    const text = words.map(written).join(' ');
    this.follow(() => {
      if (msg.is_final) {
        if (text) {
          // Words the recognizer was unsure of are dimmed (final results
          // only carry low_confidence).
          const said = words.map((w, i) => [i ? ' ' : '', w.low_confidence
            ? h('span', { class: 'unsure', title: UNSURE, 'aria-describedby': UNSURE_NOTE }, written(w))
            : written(w)]);
          a.final.append(h('span', { class: 'utterance' }, a.final.childNodes.length ? ' ' : '', said));
        }
        a.partial.textContent = '';
      } else {
        a.partial.textContent = text ? (a.final.childNodes.length ? ' ' : '') + text : '';
      }
      if (text) a.waiting.hidden = true;
    });
  }

  // buildRows makes the five part rows, in STAR order, once per session.
  // A Star message only changes their numbers and classes, so the panel
  // keeps its shape as the parts come and go.
  buildRows() {
    this.rows = new Map();
    replace($('#star-parts'), LABELS.map((label) => {
      const row = {
        now: h('span', { class: 'now', hidden: true }, 'now'),
        time: h('span', { class: 'time' }, 'to come'),
        fill: h('span', { class: 'fill' }),
        target: h('span', { class: 'target', hidden: true }),
        state: h('span', { class: 'state' }),
        status: 'ok',
      };
      row.li = h('li', { class: 'part', 'data-label': label, 'data-status': 'ok', 'data-told': 'false' },
        h('div', { class: 'top' }, h('span', { class: 'name' }, capitalize(label), row.now), row.time),
        h('div', { class: 'bar' }, h('span', { class: 'track', 'aria-hidden': 'true' }, row.fill, row.target), row.state));
      this.rows.set(label, row);
      return row.li;
    }));
  }

  // star shows the live STAR timers. Parts come as runs in the order they
  // were told; a row adds the runs of its label up, the strip keeps them.
  // The last message of an answer (final) has the whole answer's parts.
  star(msg) {
    this.lastStar = msg;
    if (!this.rows) this.buildRows();
    const runs = (msg.parts || []).filter((p) => LABELS.includes(p.label));
    this.budget = msg.budget || this.budget;
    const byLabel = new Map();
    for (const p of runs) {
      const told = byLabel.get(p.label) || { label: p.label, elapsed: 0, target: p.target, runs: [] };
      told.elapsed += p.elapsed || 0;
      told.runs.push(p);
      byLabel.set(p.label, told);
    }

    const total = runs.reduce((t, p) => t + (p.elapsed || 0), 0);
    const scale = Math.max(this.budget || 0, total, 1);
    const strip = $('#star-strip');
    const segs = strip.querySelectorAll('.seg');
    if (segs.length !== runs.length) {
      replace(strip, runs.map(() => h('span', { class: 'seg' })), h('span', { class: 'budget' }));
    }
    strip.querySelectorAll('.seg').forEach((seg, i) => {
      seg.dataset.label = runs[i].label;
      seg.style.width = `${(100 * (runs[i].elapsed || 0)) / scale}%`;
    });
    const mark = strip.querySelector('.budget');
    mark.hidden = !this.budget;
    mark.style.left = `calc(${(100 * this.budget) / scale}% - 1px)`;

    const alerts = [];
    for (const label of LABELS) {
      const row = this.rows.get(label);
      const told = byLabel.get(label);
      const current = !msg.final && label === msg.current;
      row.li.classList.toggle('current', current);
      if (current) row.li.setAttribute('aria-current', 'step');
      else row.li.removeAttribute('aria-current');
      row.now.hidden = !current;
      if (!told) {
        row.li.dataset.told = 'false';
        row.li.dataset.status = 'ok';
        row.status = 'ok';
        row.time.textContent = 'to come';
        row.fill.style.width = '0%';
        row.target.hidden = true;
        row.state.textContent = '';
        continue;
      }
      const status = partStatus(told);
      const span = Math.max(told.target * 1.5, told.elapsed, 1);
      row.li.dataset.told = 'true';
      row.li.dataset.status = status;
      row.time.textContent = `${duration(told.elapsed)} / ${duration(told.target)}`;
      row.fill.style.width = `${(100 * told.elapsed) / span}%`;
      row.target.hidden = false;
      row.target.style.left = `calc(${(100 * told.target) / span}% - 1px)`;
      row.state.textContent = status === 'over' ? `${duration(Math.max(1, told.elapsed - told.target))} over` : status === 'near' ? 'near target' : '';
      if (!msg.final && this.currentAnswer <= 0 && RANK[status] > RANK[row.status]) {
        const alert = this.crossed(label, status, told);
        if (alert) alerts.push(alert);
      }
      row.status = status;
    }
    if (alerts.length) $('#star-alerts').textContent = alerts.join(' ');

    // to_come comes from the server; an older one leaves it out, and then
    // the parts not told yet are every one not in the message.
    const toCome = Array.isArray(msg.to_come) ? msg.to_come.filter((l) => LABELS.includes(l)) : LABELS.filter((l) => !byLabel.has(l));
    const ordered = LABELS.filter((l) => toCome.includes(l)).map(capitalize);
    $('#star-next').textContent = !runs.length ? 'Your parts appear here as you tell your story.'
      : ordered.length ? `Still to come: ${ordered.join(' · ')}` : 'Every part told.';
    // The whole answer's parts, sent once as it ends: nothing is still to
    // come and no part is current.
    if (msg.final) this.freezeStar();
  }

  // crossed words a part passing a threshold for screen readers, once per
  // part and threshold in an answer: the timers themselves stay quiet.
  crossed(label, status, told) {
    const key = `${label}:${status}`;
    if (this.announced.has(key)) return '';
    this.announced.add(key);
    if (status === 'over') {
      this.announced.add(`${label}:near`);
      return `${capitalize(label)}: ${duration(Math.max(1, told.elapsed - told.target))} over its ${duration(told.target)} target.`;
    }
    return `${capitalize(label)}: near its ${duration(told.target)} target.`;
  }

  // freezeStar leaves the timers of the main answer as they ended: the
  // follow-ups are not timed by part.
  freezeStar() {
    for (const row of (this.rows || new Map()).values()) {
      row.li.classList.remove('current');
      row.li.removeAttribute('aria-current');
      row.now.hidden = true;
    }
    $('#star-next').textContent = '';
    $('#coach-title').textContent = 'STAR timing of your answer';
  }

  pacing(msg) {
    $('#pace-wpm').textContent = msg.wpm ? Math.round(msg.wpm) : '–';
    $('#pace-band').textContent = msg.wpm ? `wpm · ${paceBand(msg.wpm)}` : '';
    // The pace of the last half minute or so, when the server sends it: a
    // rush or a slow-down shows there before it moves the whole answer's.
    $('#pace-recent').textContent = msg.recent_wpm > 0 && msg.recent_window > 0
      ? `last ${duration(msg.recent_window)}: ${Math.round(msg.recent_wpm)}` : '';
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

  // notify shows a Warning about the audio (noisy, quiet, clipping) or the
  // engine (fallback) in its notice above the controls, where it covers
  // the end of the conversation for a while instead of moving the page.
  // Screen readers hear it when it starts, not at every repeat.
  notify(msg) {
    const kind = WARNINGS[msg.code];
    const slot = msg.code === 'fallback' ? 'engine' : 'audio';
    const el = $(`#${slot}-warning`);
    const audio = msg.audio || null;
    const fresh = el.hidden || el.dataset.code !== msg.code;
    el.dataset.code = msg.code;
    if (fresh) this.noticeSince[slot] = Date.now();
    // A condition that lasts is repeated every 5 s: after the first
    // showing, the notice shrinks to its title and figures, a line that
    // covers less of the conversation.
    el.classList.toggle('compact', Date.now() - this.noticeSince[slot] >= kind.ms);
    const message = sentence(msg.message);
    const advice = audio && audio.advice && audio.advice !== msg.message ? sentence(audio.advice) : '';
    replace(el,
      h('strong', {}, `${kind.title}.`),
      message || advice ? h('span', { class: 'toast-text' }, message ? ` ${message}` : '', advice ? ` ${advice}` : '') : null,
      audio ? [' ', h('small', { class: 'toast-detail' },
        `(speech ${decibels(audio.level_dbfs)}, noise ${decibels(audio.noise_dbfs)})`)] : null);
    el.title = el.classList.contains('compact') ? `${message} ${advice}`.trim() : '';
    el.hidden = false;
    if (fresh) announce(`${kind.title}. ${message} ${advice}`.trim());
    clearTimeout(this.noticeTimers[slot]);
    this.noticeTimers[slot] = setTimeout(() => { el.hidden = true; }, kind.ms);
    if (msg.code === 'fallback') this.fallingBack = true;
  }

  // endpointBack clears the fallback's notice once a final result came
  // from the session's own engine again (the server says nothing else).
  endpointBack() {
    this.fallingBack = false;
    if ($('#engine-warning').hidden) return;
    clearTimeout(this.noticeTimers.engine);
    $('#engine-warning').hidden = true;
    announce('The transcription service hears your words again.');
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

  closed(e, ws) {
    if (ws !== this.ws) return;
    clearInterval(this.keepAlive);
    if (this.report || this.finished) {
      this.finish();
      return;
    }
    // 1006: the connection dropped without a close frame, and the server
    // holds the session for a while.
    if (e.code === 1006 && this.session && this.resumeGrace > 0 && !this.closing) {
      this.reconnect();
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

  // key runs the single-key shortcuts, unless they are turned off in the
  // settings. E asks first: a stray key must not end the session.
  key(e) {
    if (!this.settings.shortcuts) return;
    if (e.altKey || e.ctrlKey || e.metaKey || e.repeat) return;
    const t = e.target;
    if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
    if (this.view.hidden || document.querySelector('dialog[open]')) return;
    const k = e.key.toLowerCase();
    const button = k === 'd' ? '#btn-done' : k === 's' ? '#btn-skip' : k === 'e' ? '#btn-end' : null;
    if (!button || $(button).disabled) return;
    e.preventDefault();
    if (k === 'e') this.confirmEnd();
    else $(button).click();
  }

  async confirmEnd() {
    if ((await ask($('#confirm-end'))) === 'end') this.end();
  }

  // showShortcuts shows the keys on the buttons only while they work.
  showShortcuts() {
    for (const b of this.view.querySelectorAll('.controls button[data-key]')) {
      if (this.settings.shortcuts) b.setAttribute('aria-keyshortcuts', b.dataset.key);
      else b.removeAttribute('aria-keyshortcuts');
      b.querySelector('kbd').hidden = !this.settings.shortcuts;
    }
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
    delete this.view.dataset.reconnects;
    replace($('#conversation'));
    this.buildRows();
    replace($('#star-strip'), h('span', { class: 'budget', hidden: true }));
    this.announced.clear();
    $('#star-alerts').textContent = '';
    $('#star-next').textContent = 'Your parts appear here as you tell your story.';
    $('#live-prompt').hidden = true;
    $('#prompt-speaking').hidden = true;
    $('#live-stopped').hidden = true;
    $('#live-warning').hidden = true;
    $('#audio-warning').hidden = true;
    $('#engine-warning').hidden = true;
    this.fallingBack = false;
    $('#live-clock').textContent = duration(0);
    $('#answer-elapsed').textContent = duration(0);
    $('#answer-label').textContent = 'Answer';
    $('#answer-budget').textContent = '';
    $('#pace-wpm').textContent = '–';
    $('#pace-band').textContent = '';
    $('#pace-recent').textContent = '';
    $('#pace-fillers').textContent = '0';
    $('#pace-fillers-rate').textContent = '';
    $('#capture-info').textContent = '';
    $('#live-title').textContent = this.settings.mode === 'practice' ? 'Pacing practice' : 'Mock interview';
    this.showShortcuts();
    $('#coach-title').textContent = 'STAR timing';
    this.setContext('');
    delete this.view.dataset.sessionId;
    delete this.view.dataset.captureRate;
  }
}
