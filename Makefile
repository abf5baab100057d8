# podium — every way the project is set up, run, tested and measured.
#   make run    set up a fresh Debian machine and render ./test_samples into ./results
#   make test   every test (installs what the tests need first)
#   make bench  the benchmark figures

SHELL      := /bin/bash
GO         ?= go
BIN        := bin
SUDO       := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
ORT_CACHE  := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/podium/onnxruntime-1.30.0
ORT_LIB    := $(ORT_CACHE)/libonnxruntime.so.1
SAMPLES    ?= test_samples
RESULTS    ?= results
RENDER_FLAGS ?=

.PHONY: run build setup ffmpeg npm gomod ort test vet bench bench-rss samples models contact-sheet compare-picture eval-real evaluate fuzz clean

run: setup ort build
	./$(BIN)/render -o $(RESULTS) $(RENDER_FLAGS) $(SAMPLES)

build: gomod
	$(GO) build -o $(BIN)/ ./cmd/...

setup: ffmpeg gomod

# Debian's ffmpeg has libx264, AAC and libvorbis (SPEC §6).
ffmpeg:
	@command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg; }

npm:
	@command -v npm >/dev/null || \
	  { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }

gomod:
	@command -v $(GO) >/dev/null || { echo "podium needs Go >= 1.25 (https://go.dev/doc/install); it is not on PATH" >&2; exit 1; }
	$(GO) mod download

# ONNX Runtime 1.30.0 for --model: the one library file from the npm package,
# checked against its sha256, into a cache outside git (SPEC §6).
ort: npm
	ORT_CACHE="$(ORT_CACHE)" bash scripts/fetch-ort.sh

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "gofmt would change: $$out" >&2; exit 1; }
	$(GO) vet ./...

test: setup ort vet
	ONNXRUNTIME_SHARED_LIBRARY_PATH="$(ORT_LIB)" $(GO) test -count=1 -timeout 60m ./...

# -p 1: packages take turns, so no benchmark shares the cores with another.
bench: setup ort
	ONNXRUNTIME_SHARED_LIBRARY_PATH="$(ORT_LIB)" $(GO) test -p 1 -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

# Peak memory rendering a generated 2-hour song (64x64, ultrafast; 10-25 min).
bench-rss: setup
	PODIUM_BENCH_RSS=1 $(GO) test ./render -run '^$$' -bench PeakRSS2h -benchtime 1x -timeout 90m

# Regenerate the committed test pieces and their beat times.
samples:
	$(GO) run ./cmd/samplegen -out $(SAMPLES)

# Regenerate the tiny ONNX models the tests use.
models:
	$(GO) run ./cmd/mkmodels -o testdata/models

# The contact sheet shown in the README: the samples and one real mix from
# ../shared (its audio stays there; only the PNG is committed).
SHEET_REAL ?= ../shared/realmusic/escape_from_chaosland.ogg
contact-sheet: setup
	$(GO) run ./cmd/contactsheet -samples $(SAMPLES) -real $(SHEET_REAL) -out docs/img/contact_sheet.png

# The built-in conductor on real music (issue 12): right-wrist ictus F on every
# annotated piece of REAL and SAMPLES, and movement against M2S-GAN's on the
# real recordings, e.g. make eval-real REAL='../shared/realmusic ~/music'.
REAL          ?= ../shared/realmusic ../shared/realmusic/unannotated
EVALREAL_FLAGS ?=
eval-real: setup ort
	ONNXRUNTIME_SHARED_LIBRARY_PATH="$(ORT_LIB)" $(GO) run ./cmd/evalreal -samples $(SAMPLES) $(EVALREAL_FLAGS) $(REAL)

# The side-by-side frame shown in the README: a frame of the video render makes
# with --compare (the built-in conductor, the still pose and a model: M2S-GAN
# where ../shared has it, else a tiny test model) and --music-strip.
PICTURE_MODEL ?= $(firstword $(wildcard ../shared/models/m2sgan/m2sgan_generator.onnx) testdata/models/tiny_ok.onnx)
PICTURE_SONG  ?= $(SAMPLES)/march_2-4_120bpm.mp3
compare-picture: setup ort build
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	ONNXRUNTIME_SHARED_LIBRARY_PATH="$(ORT_LIB)" ./$(BIN)/render --compare builtin,plain,$(PICTURE_MODEL) \
	  --music-strip --device cpu --crf 10 -o "$$tmp" "$(PICTURE_SONG)" && \
	ffmpeg -v error -y -ss 12 -i "$$(ls "$$tmp"/*.mp4)" -frames:v 1 docs/img/compare_frame.png

# Score an engine on a ConductorMotion100 split, e.g.
#   make evaluate DATASET=/data/ConductorMotion100 EVAL_FLAGS='--engine plain --json results/eval.json'
DATASET    ?=
EVAL_FLAGS ?= --engine builtin
evaluate: build
	ONNXRUNTIME_SHARED_LIBRARY_PATH="$(ORT_LIB)" ./$(BIN)/evaluate --dataset "$(DATASET)" $(EVAL_FLAGS)

# Fuzz the .npy reading paths (not part of make test: it runs until FUZZTIME).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/npyfile
	$(GO) test -run '^$$' -fuzz '^FuzzSamples$$' -fuzztime $(FUZZTIME) ./dataset

clean:
	rm -rf $(BIN)
	find $(RESULTS) -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true
