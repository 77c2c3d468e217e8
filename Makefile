# The two commands a new machine needs: `make run` and `make test`.
# Both install the system packages they use when they are missing.

GO ?= go
BIN := bin/mockinterview
# Go tests of the whole tree; long evaluations and load tests have their own targets.
TEST_TIMEOUT ?= 20m
# Fuzzing budgets count inputs, not seconds: a -fuzztime in seconds races
# Go's fuzzing coordinator at its deadline on a loaded machine and fails with
# "context deadline exceeded" having found nothing. Each is about 20 s here.
FUZZ_WAV ?= 60000x
FUZZ_MESSAGE ?= 150000x
FUZZ_ANALYZE ?= 5000x
# The official Deepgram JavaScript SDK that e2e/deepgram_test.go drives.
DEEPGRAM_CLIENT := e2e/testdata/deepgram
DEEPGRAM_SDK := $(DEEPGRAM_CLIENT)/node_modules/.package-lock.json

.PHONY: run test test-stores build deps-run deps-test vet fuzz bench star-model

# The commit the binary is built from, for `mockinterview version`.
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)

build: deps-run
	$(GO) build -ldflags "-X main.commit=$(COMMIT)" -o $(BIN) ./cmd/mockinterview

run: build
	./$(BIN) serve

# The tests run through internal/testsummary, which prints what go test
# prints and then every skipped test with its reason. A test skips when a
# tool it needs is missing; with MOCKINTERVIEW_REQUIRE_TOOLS=1 (.ci/run sets
# it) such a test fails instead.
test: deps-test $(DEEPGRAM_SDK) vet
	GO=$(GO) $(GO) run ./internal/testsummary -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) test-stores
	$(MAKE) fuzz

# The server's whole suite again with its rows in PostgreSQL and its
# recordings in an S3 bucket, both started by the tests.
test-stores:
	MOCKINTERVIEW_TEST_POSTGRES=1 MOCKINTERVIEW_TEST_S3=1 $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./server

vet:
	$(GO) vet ./...

fuzz:
	$(GO) test ./transcribe -run '^$$' -fuzz '^FuzzDecodeWAV$$' -fuzztime $(FUZZ_WAV) && \
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzDecodeClientMessage$$' -fuzztime $(FUZZ_MESSAGE) && \
	$(GO) test ./interviewer -run '^$$' -fuzz '^FuzzAnalyze$$' -fuzztime $(FUZZ_ANALYZE)

bench: deps-test
	$(GO) test -run '^$$' -bench . -benchtime 3x ./transcribe/...
	$(GO) test -run '^$$' -bench . ./interviewer/...

# Refit the STAR segmenter's weights on the training split, then the live
# view's tail reading, which reads what the segmenter gives.
star-model: deps-run
	$(GO) run ./cmd/mockinterview train-star -o interviewer/star/model.json testdata/star/train
	$(GO) run ./cmd/mockinterview train-star --tail -o interviewer/star/tail.json testdata/star/train

deps-run:
	@scripts/install-deps run

deps-test:
	@scripts/install-deps test
	@$(MAKE) -s --no-print-directory e2e/axe/node_modules/axe-core/axe.min.js

# axe-core, which the browser tests inject into each screen to check it, at
# the version e2e/axe/package-lock.json pins; npm ci again when that changes.
e2e/axe/node_modules/axe-core/axe.min.js: e2e/axe/package-lock.json
	npm ci --prefix e2e/axe --no-audit --no-fund --loglevel=error
	@touch $@

# npm ci installs the SDK from its lockfile, again only when it changes.
$(DEEPGRAM_SDK): $(DEEPGRAM_CLIENT)/package-lock.json $(DEEPGRAM_CLIENT)/package.json | deps-test
	cd $(DEEPGRAM_CLIENT) && npm ci --no-audit --no-fund

.PHONY: domain-lm eval-asr eval-noise livebench

# Rebuild the interview language model the embedded recognizer mixes with
# the stock one (transcribe/pocketsphinx/lm/, embedded in the binary) from
# testdata/star/train and testdata/lm.
domain-lm: deps-run
	$(GO) run ./cmd/mockinterview build-lm

# Word error rate, real-time factor, start-up time and memory of the stock
# model, the interview mix and the fast profile on the test split read by
# two flite voices and on the LibriVox recordings (about half an hour).
eval-asr: deps-test
	$(GO) run ./cmd/mockinterview eval-asr

# The same in ten rooms (docs/BENCHMARKS.md, "Recognition in noisy rooms"):
# the first two answers of the test split by each voice and the LibriVox
# recordings, clean, with pink noise and a fan's hum at 30, 20 and 10 dB,
# reverberant, quiet and clipped, for the stock set-up, the service's and
# the service's with the denoiser (about an hour on two cores).
eval-noise: deps-test
	$(GO) run ./cmd/mockinterview eval-asr --limit 2 --configs stock,fast,denoise --jobs 2 \
		--conditions clean,pink30,pink20,pink10,hum30,hum20,hum10,reverb,quiet,clipped

# The live view scored against the test split's answers read aloud by two
# flite voices, a sentence at a time (docs/BENCHMARKS.md, "The live view"):
# about half an hour as fast as the server takes them, then final-result
# latency at real time with one and with six streams at once.
livebench: build
	./$(BIN) livebench --streams 2
	./$(BIN) livebench --speed 1 --voices slt --limit 6
	./$(BIN) livebench --speed 1 --voices slt --limit 6 --streams 6
