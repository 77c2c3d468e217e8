// The interviewer's voice: the browser's speech synthesis, one line at a
// time. While it speaks, the page keeps the microphone out of the answer.

// Voice speaks lines in order. onSpeaking(true|false) tells when the
// interviewer starts and stops talking, so the page can mute the
// microphone for exactly that time.
export class Voice {
  constructor({ enabled = true, onSpeaking = () => {} } = {}) {
    this.synth = 'speechSynthesis' in window ? window.speechSynthesis : null;
    this.enabled = enabled && !!this.synth;
    this.onSpeaking = onSpeaking;
    this.queue = Promise.resolve();
    this.generation = 0; // stop() moves it on, dropping queued lines
    // The line being spoken: Chrome drops an utterance nobody refers to
    // and then never fires its end event.
    this.line = null;
    // The voice list loads late in Chrome; asking once starts the load.
    if (this.synth) this.synth.getVoices();
  }

  // available is false when the browser has no speech synthesis or the
  // person turned the voice off.
  get available() { return this.enabled; }

  pickVoice() {
    const voices = this.synth.getVoices();
    const lang = (navigator.language || 'en-US').toLowerCase();
    return voices.find((v) => v.lang && v.lang.toLowerCase() === lang && v.lang.toLowerCase().startsWith('en'))
      || voices.find((v) => v.lang && v.lang.toLowerCase() === 'en-us')
      || voices.find((v) => v.lang && v.lang.toLowerCase().startsWith('en'))
      || null;
  }

  // say queues a line; the promise resolves to true once it was spoken, or
  // false if it could not be (no voice, synthesis failed, turned off).
  say(text) {
    const generation = this.generation;
    const line = this.queue.then(() => generation === this.generation && this.speakNow(text));
    this.queue = line.catch(() => false);
    return line;
  }

  speakNow(text) {
    if (!this.enabled || !text) return Promise.resolve(false);
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      const voice = this.pickVoice();
      if (voice) u.voice = voice;
      u.lang = voice ? voice.lang : 'en-US';
      u.rate = 1;
      let started = false;
      let finished = false;
      const words = text.split(/\s+/).length;
      const finish = (spoken) => {
        if (finished) return;
        finished = true;
        clearTimeout(noStart);
        clearTimeout(tooLong);
        this.line = null;
        if (started) this.onSpeaking(false);
        resolve(spoken);
      };
      u.onstart = () => {
        started = true;
        this.onSpeaking(true);
      };
      u.onend = () => finish(started);
      u.onerror = () => finish(false);
      // Some browsers never start (no voices installed) and never say so;
      // others stall mid-line. Neither may keep the microphone muted.
      const noStart = setTimeout(() => {
        if (!started) {
          this.synth.cancel();
          finish(false);
        }
      }, 3000);
      const tooLong = setTimeout(() => {
        this.synth.cancel();
        finish(started);
      }, 4000 + words * 600);
      this.line = u;
      this.synth.speak(u);
    });
  }

  // stop silences the interviewer and drops what is queued.
  stop() {
    this.generation++;
    if (this.synth) this.synth.cancel();
  }
}
