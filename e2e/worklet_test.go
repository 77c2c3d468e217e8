package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mockinterview/mockinterview/static"
)

// measureTone renders a sine through the pcm-encoder worklet in an offline
// context at the given rate and returns the level of what comes out at
// 16 kHz, relative to the level that went in (1 is unchanged). The first
// 100 ms, where the filter fills up, are left out.
const measureTone = `(async (rate, freq) => {
  const ctx = new OfflineAudioContext(1, rate, rate);
  await ctx.audioWorklet.addModule('/worklet.js');
  const osc = new OscillatorNode(ctx, { frequency: freq });
  const gain = new GainNode(ctx, { gain: 0.5 });
  const node = new AudioWorkletNode(ctx, 'pcm-encoder', {
    numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
    channelCount: 1, channelCountMode: 'explicit', processorOptions: { frameMs: 100 },
  });
  const frames = [];
  node.port.onmessage = (e) => { if (e.data instanceof ArrayBuffer) frames.push(new Int16Array(e.data)); };
  osc.connect(gain).connect(node).connect(ctx.destination);
  osc.start();
  await ctx.startRendering();
  await new Promise((r) => setTimeout(r, 200));
  let sum = 0, n = 0;
  for (const f of frames.slice(1)) for (const s of f) { sum += (s / 32768) ** 2; n++; }
  return { level: Math.sqrt(sum / n) / (0.5 / Math.SQRT2), samples: n + (frames[0] ? frames[0].length : 0) };
})(%d, %g)`

// TestWorkletResampler checks the worklet's own resampler, the path taken
// when a browser will not run audio at 16 kHz: speech frequencies pass at
// their level, and what lies above 8 kHz is filtered out instead of folding
// back into the speech band as dropping samples would.
func TestWorkletResampler(t *testing.T) {
	t.Parallel()
	files := httptest.NewServer(http.FileServerFS(static.Files))
	defer files.Close()
	ctx := startBrowser(t)
	do(t, ctx, "open the client", chromedp.Navigate(files.URL+"/"))

	type tone struct {
		Level   float64 `json:"level"`
		Samples int     `json:"samples"`
	}
	for _, rate := range []int{48000, 44100} {
		for _, c := range []struct {
			freq     float64
			min, max float64
		}{
			{300, 0.97, 1.03},
			{1000, 0.97, 1.03},
			{3400, 0.97, 1.03},
			{9000, 0, 0.01},  // would fold to 7 kHz
			{12000, 0, 0.01}, // would fold to 4 kHz
			{15000, 0, 0.01}, // would fold to 1 kHz
		} {
			got := eval[tone](t, ctx, fmt.Sprintf(measureTone, rate, c.freq))
			if got.Samples < 14400 || got.Samples > 16000 {
				t.Errorf("%d Hz context: one second became %d samples, want 16000 less the frame in progress", rate, got.Samples)
			}
			if got.Level < c.min || got.Level > c.max {
				t.Errorf("%d Hz context, %g Hz tone: level %.4f, want %.2f to %.2f", rate, c.freq, got.Level, c.min, c.max)
			} else {
				t.Logf("%d Hz context, %g Hz tone: level %.4f", rate, c.freq, got.Level)
			}
		}
	}
}

// TestCaptureRate checks which context the microphone goes to: 16 kHz where
// the browser resamples well, the native rate in WebKit (Safari distorts a
// 48 kHz microphone through a 16 kHz context), whose detection is by the
// vendor every WebKit browser reports.
func TestCaptureRate(t *testing.T) {
	t.Parallel()
	files := httptest.NewServer(http.FileServerFS(static.Files))
	defer files.Close()
	ctx := startBrowser(t,
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true))
	do(t, ctx, "open the client", chromedp.Navigate(files.URL+"/"))

	type capture struct {
		Rate  float64 `json:"rate"`
		Track float64 `json:"track"`
	}
	open := func(webkit bool) capture {
		return eval[capture](t, ctx, fmt.Sprintf(`(async () => {
			const { AudioContexts, openMicrophone } = await import('/capture.js');
			const audio = new AudioContexts({ webkit: %t });
			const mic = await openMicrophone(audio, () => {});
			const got = { rate: mic.rate, track: mic.settings.sampleRate || 0 };
			await mic.stop();
			return got;
		})()`, webkit))
	}
	if got := open(false); got.Rate != 16000 {
		t.Errorf("Chromium captured at %g Hz, want 16000", got.Rate)
	}
	if got := open(true); got.Rate == 16000 {
		t.Errorf("as WebKit, captured at %g Hz with a %g Hz microphone, want the native rate", got.Rate, got.Track)
	} else {
		t.Logf("as WebKit: %g Hz context, %g Hz microphone", got.Rate, got.Track)
	}
	for vendor, want := range map[string]bool{"Apple Computer, Inc.": true, "Google Inc.": false, "": false} {
		if got := eval[bool](t, ctx, fmt.Sprintf(`import('/capture.js').then((m) => m.isWebKit({ vendor: %q }))`, vendor)); got != want {
			t.Errorf("isWebKit with vendor %q: %v, want %v", vendor, got, want)
		}
	}
}
