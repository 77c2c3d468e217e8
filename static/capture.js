// Microphone capture: getUserMedia, an AudioContext and the pcm-encoder
// worklet, giving 16 kHz 16-bit frames of about 100 ms to a callback.

export const SAMPLE_RATE = 16000;

// MicrophoneError carries a message a person can act on; kind is one of
// refused, absent, busy, insecure, unsupported, suspended or failed.
export class MicrophoneError extends Error {
  constructor(kind, message, cause) {
    super(message);
    this.name = 'MicrophoneError';
    this.kind = kind;
    this.cause = cause;
  }
}

// explain turns getUserMedia's error into a MicrophoneError; again is the
// button to press once the cause is fixed ("Start").
function explain(err, again) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return new MicrophoneError('refused',
        `Microphone access was refused. To answer out loud, allow the microphone for this page (the icon at the left of the address bar, or your browser's site settings), then press ${again} again.`, err);
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('absent',
        `No microphone was found. Plug one in or choose one in your system's sound settings, then press ${again} again.`, err);
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new MicrophoneError('busy',
        `The microphone could not be started: another application may be using it. Close that application and press ${again} again.`, err);
    case 'SecurityError':
      return new MicrophoneError('insecure',
        'This browser only lets secure pages use the microphone. Open the app at http://localhost or over https.', err);
  }
  return new MicrophoneError('failed', `The microphone could not be opened (${err && err.message ? err.message : err}).`, err);
}

// isWebKit tells Safari, and every browser on iOS, which all run WebKit.
// Its 16 kHz AudioContext distorts a 48 kHz microphone, so there the page
// captures at the native rate and resamples in the worklet instead.
export function isWebKit(nav = navigator) {
  return /^Apple/.test(nav.vendor || '');
}

// AudioContexts holds the contexts made inside the click that starts a session:
// browsers only let audio start from a gesture, and Safari only lets a
// context resume within one. context asks for 16 kHz so that the browser
// resamples; fallback, when there is one, runs at the native rate, for a
// browser that cannot connect the microphone to the first (Firefox) or
// should not (WebKit). The one not used is closed.
export class AudioContexts {
  constructor({ forceNativeRate = false, webkit = isWebKit() } = {}) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) {
      throw new MicrophoneError('unsupported', 'This browser cannot process audio (no Web Audio). Try a recent Chrome, Edge, Firefox or Safari.');
    }
    this.webkit = webkit;
    this.context = null;
    this.fallback = null;
    if (!forceNativeRate) {
      try {
        this.context = new Ctx({ sampleRate: SAMPLE_RATE });
      } catch {
        // Some browsers refuse the rate outright; the native one always works.
      }
    }
    if (this.context) this.fallback = new Ctx();
    else this.context = new Ctx();
    // Resuming here, in the gesture, is what lets Safari start at all.
    for (const c of [this.context, this.fallback]) {
      if (c && c.state !== 'running') c.resume().catch(() => {});
    }
  }

  // useFallback switches to the native-rate context, closing the other.
  useFallback() {
    if (!this.fallback) return false;
    this.context.close().catch(() => {});
    this.context = this.fallback;
    this.fallback = null;
    return true;
  }

  // dropFallback closes the context that was not needed.
  dropFallback() {
    if (this.fallback) this.fallback.close().catch(() => {});
    this.fallback = null;
  }

  close() {
    this.dropFallback();
    return this.context.close().catch(() => {});
  }
}

// running waits up to ms for a context to run, resuming it if need be, and
// says whether it does.
async function running(ctx, ms) {
  if (ctx.state === 'running') return true;
  await Promise.race([ctx.resume().catch(() => {}), new Promise((r) => setTimeout(r, ms))]);
  return ctx.state === 'running';
}

// Microphone is an open capture; its frames go to onFrame as Int16Array.
export class Microphone {
  constructor(stream, ctx, node, source, sink, onFrame) {
    this.stream = stream;
    this.ctx = ctx;
    this.node = node;
    this.source = source;
    this.sink = sink;
    this.flushed = null;
    // onerror is called if the worklet fails and the frames stop.
    this.onerror = () => {};
    node.onprocessorerror = () => this.onerror();
    node.port.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) {
        onFrame(new Int16Array(e.data));
      } else if (e.data && e.data.type === 'flushed' && this.flushed) {
        this.flushed();
      }
    };
  }

  // rate is the context's rate; when it is not 16 kHz the worklet resamples.
  get rate() { return this.ctx.sampleRate; }

  // settings are what the browser actually applied (echo cancellation and
  // the rest), which may differ from what was asked.
  get settings() {
    const track = this.stream.getAudioTracks()[0];
    return track && track.getSettings ? track.getSettings() : {};
  }

  get label() {
    const track = this.stream.getAudioTracks()[0];
    return track ? track.label : '';
  }

  // stop ends the capture in the order that keeps the last words: stop the
  // tracks, let the worklet post what it holds, then close the context.
  async stop() {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      for (const t of this.stream.getTracks()) t.stop();
      const done = new Promise((resolve) => { this.flushed = resolve; });
      this.node.port.postMessage({ type: 'flush' });
      const second = () => new Promise((r) => setTimeout(r, 1000));
      await Promise.race([done, second()]);
      this.source.disconnect();
      this.node.disconnect();
      this.sink.disconnect();
      // Closing the context has been seen to hang in a loaded browser; what
      // waits on stop (the last frames, then CloseStream) must not.
      await Promise.race([this.ctx.close().catch(() => {}), second()]);
    })();
    return this.stopping;
  }
}

async function addWorklet(ctx) {
  await ctx.audioWorklet.addModule(new URL('./worklet.js', import.meta.url));
}

// openMicrophone asks for the microphone and connects it to the worklet,
// which sends every frame to onFrame. audio is the AudioContexts made during the
// click. The microphone goes to the native-rate context when the browser
// cannot connect it to a 16 kHz one, or is WebKit and the microphone does
// not run at 16 kHz itself. again names the button that opened it, for the
// messages that say what to do after a failure.
export async function openMicrophone(audio, onFrame, { echoCancellation = true, noiseSuppression = true, autoGainControl = true, again = 'Start' } = {}) {
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new MicrophoneError(window.isSecureContext ? 'unsupported' : 'insecure',
      window.isSecureContext
        ? 'This browser cannot record from a microphone. Try a recent Chrome, Edge, Firefox or Safari.'
        : 'This browser only lets secure pages use the microphone. Open the app at http://localhost or over https.');
  }
  if (!audio.context.audioWorklet) {
    throw new MicrophoneError('unsupported', 'This browser lacks AudioWorklet, which recording needs. Try a recent Chrome, Edge, Firefox or Safari.');
  }
  // The worklet is loaded before the microphone opens: a microphone starts
  // at once, and what it hears before the graph is connected is lost.
  await Promise.all([audio.context, audio.fallback].filter(Boolean).map(addWorklet));
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation, noiseSuppression, autoGainControl },
      video: false,
    });
  } catch (err) {
    throw explain(err, again);
  }
  const stopTracks = () => { for (const t of stream.getTracks()) t.stop(); };
  const track = stream.getAudioTracks()[0];
  const trackRate = track && track.getSettings ? track.getSettings().sampleRate : undefined;
  if (audio.webkit && audio.context.sampleRate === SAMPLE_RATE && trackRate !== SAMPLE_RATE) audio.useFallback();
  let source;
  try {
    source = audio.context.createMediaStreamSource(stream);
  } catch (err) {
    // Firefox: "Connecting AudioNodes from AudioContexts with different
    // sample-rate is currently not supported".
    if (!audio.useFallback()) {
      stopTracks();
      throw explain(err, again);
    }
    source = audio.context.createMediaStreamSource(stream);
  }
  audio.dropFallback();
  const ctx = audio.context;
  const node = new AudioWorkletNode(ctx, 'pcm-encoder', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions: { frameMs: 100 },
  });
  // A silent path to the speakers keeps the graph pulled in every browser.
  const sink = ctx.createGain();
  sink.gain.value = 0;
  // The port's listener is set before any frame can arrive.
  const mic = new Microphone(stream, ctx, node, source, sink, onFrame);
  source.connect(node);
  node.connect(sink);
  sink.connect(ctx.destination);
  if (!(await running(ctx, 3000))) {
    stopTracks();
    throw new MicrophoneError('suspended',
      `The browser kept audio paused, so nothing could be recorded. Press ${again} again. If it happens again, allow this site to play audio (in Safari: Settings for This Website, Auto-Play, Allow All Auto-Play), then reload the page.`);
  }
  return mic;
}

// peak returns the loudest sample of a frame, 0..1, for the level meter.
export function peak(frame) {
  let max = 0;
  for (let i = 0; i < frame.length; i++) {
    const v = frame[i] < 0 ? -frame[i] : frame[i];
    if (v > max) max = v;
  }
  return max / 32768;
}
