// live.js streams a WAV file to a mockinterview server through the official
// Deepgram JavaScript SDK, as any Deepgram client would: no Start, the
// options in the query string, audio at once, CloseStream at the end. It
// prints one JSON line per event for e2e/deepgram_test.go to check.
//
//   node live.js ws://127.0.0.1:PORT FILE.wav '{"model":"nova-3",...}' [SPEED] [TRANSPORT]
//
// FILE.wav is 16 kHz mono 16-bit PCM, sent in 100 ms chunks at SPEED times
// real time (0: as fast as possible; default 1). TRANSPORT is "node" (the
// SDK's Node.js way: the ws package with an Authorization header) or
// "browser" (a browser's WebSocket, the key sent as the "token"
// subprotocol; Node's own WebSocket where it has one, else ws).
"use strict";

const fs = require("node:fs");

const [url, wavPath, optionsJSON, speedArg = "1", transport = "node"] = process.argv.slice(2);
if (!url || !wavPath || !optionsJSON) {
  console.error("usage: node live.js ws://HOST:PORT FILE.wav OPTIONS_JSON [SPEED] [node|browser]");
  process.exit(2);
}

// The SDK picks its transport when it loads, from whether a global
// WebSocket exists.
if (transport === "browser") {
  globalThis.WebSocket ??= require("ws");
} else {
  delete globalThis.WebSocket;
}
const { createClient, LiveTranscriptionEvents } = require("@deepgram/sdk");

const print = (event, data) => console.log(JSON.stringify({ event, data }));

// pcm returns the data chunk of a WAV file.
function pcm(path) {
  const wav = fs.readFileSync(path);
  if (wav.toString("ascii", 0, 4) !== "RIFF" || wav.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${path} is not a WAV file`);
  }
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString("ascii", at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === "data") {
      return wav.subarray(at + 8, Math.min(at + 8 + size, wav.length));
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

const audio = pcm(wavPath);
const chunk = 3200; // 100 ms at 16 kHz
const speed = Number(speedArg);

// Nothing here should take long; a hung connection fails the test.
const deadline = setTimeout(() => {
  console.error("live.js: no close from the server within 60 s");
  process.exit(1);
}, 60_000);

const deepgram = createClient("not-a-real-key", { global: { websocket: { options: { url } } } });
const live = deepgram.listen.live(JSON.parse(optionsJSON));

live.on(LiveTranscriptionEvents.Open, () => {
  print("Open", null);
  let at = 0;
  const sendNext = () => {
    if (at >= audio.length) {
      live.requestClose();
      return;
    }
    live.send(audio.subarray(at, at + chunk));
    at += chunk;
    if (speed > 0) {
      setTimeout(sendNext, 100 / speed);
    } else {
      setImmediate(sendNext);
    }
  };
  sendNext();
});
for (const event of ["Transcript", "UtteranceEnd", "SpeechStarted", "Metadata", "Unhandled"]) {
  live.on(LiveTranscriptionEvents[event], (data) => print(event, data));
}
live.on(LiveTranscriptionEvents.Error, (err) => {
  print("Error", { message: String(err && (err.message || err.error || err)) });
});
live.on(LiveTranscriptionEvents.Close, (ev) => {
  print("Close", { code: ev && ev.code, reason: ev && String(ev.reason) });
  clearTimeout(deadline);
  process.exit(0);
});
