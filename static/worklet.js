// The audio worklet that turns the microphone into what the server takes:
// 16 kHz mono 16-bit PCM, posted to the page in frames of about 100 ms.
//
// It runs on the audio thread at the context's rate. When the page could
// open its context at 16 kHz the samples are only converted; otherwise
// (Firefox refuses to connect a microphone to a 16 kHz context) they are
// resampled here with a windowed-sinc low-pass, because dropping samples
// would fold everything above 8 kHz back into the speech band.

const TARGET_RATE = 16000;

// Resampler converts a stream of float samples from one rate to another.
// Each output sample is the input convolved with a low-pass kernel (a sinc
// cut off below the lower Nyquist frequency, shaped by a Blackman window)
// centred on the output's exact position in the input, so it works for any
// ratio, 48000/16000 as well as 44100/16000.
class Resampler {
  constructor(inRate, outRate, zeroCrossings = 16) {
    this.step = inRate / outRate;
    // Cut off a little below Nyquist so the window's transition band ends
    // before the frequencies that would alias.
    const cutoff = (0.9 * Math.min(inRate, outRate)) / 2;
    const fc = cutoff / inRate; // cycles per input sample
    this.half = Math.ceil(zeroCrossings / (2 * fc));
    // The kernel is tabulated at 1/resolution of a sample and read with
    // linear interpolation: exact enough, and no Math.sin per tap.
    this.resolution = 64;
    const n = this.half * this.resolution + 2;
    this.table = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = i / this.resolution;
      const y = 2 * fc * x;
      const sinc = y === 0 ? 1 : Math.sin(Math.PI * y) / (Math.PI * y);
      const r = Math.min(1, x / this.half); // 0 at the centre, 1 at the edge
      const w = 0.42 + 0.5 * Math.cos(Math.PI * r) + 0.08 * Math.cos(2 * Math.PI * r);
      this.table[i] = 2 * fc * sinc * w;
    }
    // Input history; it starts with half a kernel of silence so the first
    // output sample lines up with the first input sample.
    this.buf = new Float32Array(8192);
    this.len = this.half;
    this.pos = this.half;
  }

  // push appends input samples and writes every output sample they
  // complete into out, returning how many it wrote.
  push(input, out) {
    if (this.len + input.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, this.len + input.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(input, this.len);
    this.len += input.length;

    const { buf, table, half, resolution } = this;
    const last = table.length - 1;
    let k = 0;
    while (this.pos + half < this.len) {
      const centre = Math.floor(this.pos);
      let acc = 0;
      let gain = 0;
      for (let j = centre - half + 1; j <= centre + half; j++) {
        const d = Math.abs(j - this.pos) * resolution;
        const i = d | 0;
        if (i >= last) continue;
        const h = table[i] + (table[i + 1] - table[i]) * (d - i);
        acc += buf[j] * h;
        gain += h;
      }
      // Dividing by the taps' sum keeps a steady signal at its level
      // whatever the fractional position.
      out[k++] = gain > 0 ? acc / gain : 0;
      this.pos += this.step;
    }
    const drop = Math.floor(this.pos) - half;
    if (drop > 0) {
      buf.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.pos -= drop;
    }
    return k;
  }

  // tail returns the input's last samples by pushing half a kernel of
  // silence through the filter.
  tail(out) {
    return this.push(new Float32Array(this.half + 1), out);
  }
}

class PCMEncoder extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    const frameMs = opts.frameMs || 100;
    this.frameLength = Math.round((TARGET_RATE * frameMs) / 1000);
    this.frame = new Int16Array(this.frameLength);
    this.filled = 0;
    this.resampler = sampleRate === TARGET_RATE ? null : new Resampler(sampleRate, TARGET_RATE);
    this.scratch = new Float32Array(4096);
    this.stopped = false;
    this.port.onmessage = (e) => {
      if (e.data && e.data.type === 'flush') this.flush();
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    // With no input connected (yet), a quantum has no channels.
    if (input && input.length > 0) {
      const samples = input[0];
      if (this.resampler) {
        const n = this.resampler.push(samples, this.scratch);
        this.write(this.scratch, n);
      } else {
        this.write(samples, samples.length);
      }
    }
    return true;
  }

  // write converts floats to 16-bit integers into the frame in progress and
  // posts each frame as it fills. The buffer is transferred, not copied.
  write(samples, n) {
    for (let i = 0; i < n; i++) {
      const s = samples[i] < -1 ? -1 : samples[i] > 1 ? 1 : samples[i];
      this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.frameLength) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(this.frameLength);
        this.filled = 0;
      }
    }
  }

  // flush posts what is left, a short last frame, and says so: the page
  // waits for this before it tells the server the stream has ended, so the
  // last words are not lost.
  flush() {
    if (this.resampler) {
      const n = this.resampler.tail(this.scratch);
      this.write(this.scratch, n);
    }
    if (this.filled > 0) {
      const rest = this.frame.slice(0, this.filled);
      this.port.postMessage(rest.buffer, [rest.buffer]);
      this.filled = 0;
    }
    this.stopped = true;
    this.port.postMessage({ type: 'flushed' });
  }
}

registerProcessor('pcm-encoder', PCMEncoder);
