# The two commands a new machine needs: `make run` and `make test`.
# Both install the system packages they use when they are missing.

GO ?= go
BIN := bin/mockinterview
# Go tests of the whole tree; long evaluations and load tests have their own targets.
TEST_TIMEOUT ?= 20m
FUZZTIME ?= 20s

.PHONY: run test build deps-run deps-test vet fuzz bench star-model

build: deps-run
	$(GO) build -o $(BIN) ./cmd/mockinterview

run: build
	./$(BIN) serve

test: deps-test vet
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) fuzz

vet:
	$(GO) vet ./...

fuzz:
	$(GO) test ./transcribe -run '^$$' -fuzz '^FuzzDecodeWAV$$' -fuzztime $(FUZZTIME)

bench: deps-test
	$(GO) test -run '^$$' -bench . -benchtime 3x ./transcribe/
	$(GO) test -run '^$$' -bench . ./interviewer/

# Refit the STAR segmenter's weights on the training split.
star-model:
	$(GO) run ./cmd/mockinterview train-star -o interviewer/star_model.json testdata/star/train

deps-run:
	@scripts/install-deps run

deps-test:
	@scripts/install-deps test
