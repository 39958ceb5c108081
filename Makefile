# atelier — the two commands: `make run` and `make test`.
# Both install what is missing first (Debian packages, Python test tools), so a fresh machine works.

SWIFT        ?= swift
PYTHON       ?= python3
WORKSHOP     ?= Workshops/befus-25-ans.json
RUN_FLAGS    ?=
RELEASE_BIN  := .build/release/atelier
DEBUG_BIN    := .build/debug/atelier

# Debian packages the server links against, and those the end-to-end tests drive.
BUILD_PACKAGES := pkg-config libwebsockets-dev libev-dev libjson-c-dev libsqlite3-dev libssl-dev libqrencode-dev zlib1g-dev libhiredis-dev
# What the whole set on one machine adds (make cluster, docs/SCALING.md); the proxy tests start both.
CLUSTER_PACKAGES := haproxy redis-server
TEST_PACKAGES  := chromium tmux sqlite3 openssl qrencode libreoffice-writer-nogui poppler-utils $(CLUSTER_PACKAGES)
# What `atelier export --format docx` calls; the server never needs it.
EXPORT_PACKAGES := pandoc librsvg2-bin
PYTHON_PACKAGES := pytest playwright jsonschema axe-playwright-python

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SHELL := /bin/bash

# libFuzzer builds (SwiftPM, its own scratch path): the wire decoder and the workshop loader.
FUZZ_SECONDS       ?= 300
FUZZ_SMOKE_SECONDS ?= 15
FUZZ_BUILD := $(SWIFT) build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
              -Xswiftc -parse-as-library
FUZZ_BIN   := .build-fuzz/debug

.PHONY: run cluster test build release deps test-deps export-deps swift-test e2e-test check-workshops transcripts clean fuzz fuzz-smoke fuzz-build bench

# Serves the default workshop (an unfinished session of it if the database has one): the participant
# page on http://<this machine>:8080/ and the websocket for browsers and the moderator console.
run: deps release
	$(RELEASE_BIN) check $(WORKSHOP)
	$(RELEASE_BIN) serve --workshop $(WORKSHOP) $(RUN_FLAGS)

# The owner, RELAYS relays, redis-server and HAProxy in front on one machine (Scripts/cluster.sh, which
# PUBLIC_PORT, OWNER_PORT and others configure): the same workshop on one public address. Ctrl-C stops all.
RELAYS ?= 2
cluster: deps release
	@./.ci/install-debian $(CLUSTER_PACKAGES)
	RELAYS=$(RELAYS) WORKSHOP=$(WORKSHOP) ./Scripts/cluster.sh $(RELEASE_BIN)

test: deps test-deps
	$(SWIFT) build
	$(MAKE) --no-print-directory fuzz-smoke
	$(SWIFT) test
	ATELIER_BIN=$(abspath $(DEBUG_BIN)) $(PYTHON) -m pytest -q Tests/e2e

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The load benchmark (BENCHMARKS.md), with the bare C libwebsockets baseline from BASELINE_DIR run
# beside each scenario when its sources are there (skipped otherwise). SCENARIOS picks some of 1-8 (8 needs redis-server).
BASELINE_DIR ?= ../shared/baseline
SCENARIOS    ?= 1 2 3 4 5 6 7 8
bench: deps release
	@./.ci/install-debian redis-server  # scenario 8's Redis
	./Scripts/bench.sh $(RELEASE_BIN) $(BASELINE_DIR) $(SCENARIOS)

check-workshops: build
	$(DEBUG_BIN) check $(filter-out Workshops/schema.json,$(wildcard Workshops/*.json))

# The sample in Transcripts/: a scripted run of the BeFUS workshop with 20 people (half of its roles too small
# to be shown alone) whose moderator then curates the synthesis,
# in a throwaway database, with a fixed join code and session id so the files only change when the export or
# the workshop does.
transcripts: build
	rm -rf .build/transcripts
	$(DEBUG_BIN) simulate --workshop Workshops/befus-25-ans.json --db .build/transcripts/sample.db --curate --participants 20 \
	  --join-code BEFUS25 --session-id sample-befus-25-ans > /dev/null
	$(DEBUG_BIN) export BEFUS25 --db .build/transcripts/sample.db --out Transcripts

# The fuzzers write new inputs to .build-fuzz/corpus and a crashing input to .build-fuzz/crashes/
# (exit status non-zero); copy it to Tests/Fuzz/regressions/<target>/ so the Swift tests replay it.
FUZZ_WIRE     = $(FUZZ_BIN)/atelier-fuzz-wire -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -print_funcs=0 \
                -artifact_prefix=.build-fuzz/crashes/wire- .build-fuzz/corpus/wire Tests/Fuzz/wire Tests/Fuzz/regressions/wire
FUZZ_WORKSHOP = $(FUZZ_BIN)/atelier-fuzz-workshop -max_total_time=$(FUZZ_SECONDS) -max_len=20000 -print_final_stats=1 \
                -print_funcs=0 -artifact_prefix=.build-fuzz/crashes/workshop- .build-fuzz/corpus/workshop Workshops \
                Tests/Fuzz/regressions/workshop

fuzz: fuzz-build
	mkdir -p .build-fuzz/corpus/wire .build-fuzz/corpus/workshop .build-fuzz/crashes
	$(FUZZ_WIRE)
	$(FUZZ_WORKSHOP)

# A bounded run of each fuzzer, part of `make test`: the log is shown only when one fails.
fuzz-smoke: FUZZ_SECONDS = $(FUZZ_SMOKE_SECONDS)
fuzz-smoke: fuzz-build
	mkdir -p .build-fuzz/corpus/wire .build-fuzz/corpus/workshop .build-fuzz/crashes
	@for run in "wire|$(FUZZ_WIRE)" "workshop|$(FUZZ_WORKSHOP)"; do \
	  name=$${run%%|*}; log=.build-fuzz/$$name.log; \
	  if $${run#*|} > $$log 2>&1; then echo "fuzz $$name: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $$log), no crash"; \
	  else tail -n 40 $$log; echo "fuzz $$name: crashed, input in .build-fuzz/crashes/"; exit 1; fi; done

# gold warns once per sanitizer symbol it cannot export; those lines say nothing about the code.
fuzz-build:
	set -o pipefail; for product in atelier-fuzz-wire atelier-fuzz-workshop; do \
	  $(FUZZ_BUILD) --product $$product 2>&1 | grep -v "Cannot export local symbol" || exit 1; done

# Installs only what is missing, with one apt-get update at most.
deps:
	@./.ci/install-debian $(BUILD_PACKAGES)

export-deps:
	@./.ci/install-debian $(EXPORT_PACKAGES)

test-deps:
	@./.ci/install-debian $(TEST_PACKAGES) $(EXPORT_PACKAGES)
	@$(PYTHON) -c "import pytest, playwright, jsonschema, axe_playwright_python" 2>/dev/null \
	  || $(PYTHON) -m pip install --quiet $(PYTHON_PACKAGES) \
	  || $(PYTHON) -m pip install --quiet --break-system-packages $(PYTHON_PACKAGES)

clean:
	rm -rf .build
