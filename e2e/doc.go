// Package e2e holds the end-to-end tests of the server's clients: the
// browser client, with the real server on a loopback port, Debian's
// Chromium driven headless through chromedp, and Chromium's fake
// microphone playing an answer synthesized with flite; and the official
// Deepgram JavaScript SDK, run by Node.js from testdata/deepgram (which
// `make test` installs with npm ci), streaming such an answer as any
// Deepgram client would. It has no code of its own outside the tests.
//
// Screenshots of each screen go to the folder named by
// $MOCKINTERVIEW_ARTIFACTS (default e2e/artifacts/).
package e2e
