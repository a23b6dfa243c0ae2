# Set-up and everyday commands; every target installs what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install run demo test lint train browser-deps bench eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: the CPU build lies on local disk; a looser pin pulls gigabytes of CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	# [llm]: the language-model backends; [dev] builds llama-cpp-python once (minutes), pip caches the wheel.
	# GGML_NATIVE=OFF: a build tuned to the building CPU crashed in its first answer on a Xeon with AMX; the
	# portable build answers on any x86-64 machine.
	CMAKE_ARGS="$(or $(CMAKE_ARGS),-DGGML_NATIVE=OFF)" $(BIN)/pip install --quiet -e '.[dev,llm]'
	touch $(STAMP)

install: $(STAMP)

## The main job: ingest the bundled sample reports (unchanged files are skipped), then open the web app.
run: $(STAMP)
	$(BIN)/scrutiny ingest samples/reports
	$(BIN)/scrutiny serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),7860)

demo: run

## Everything the tests need (Python packages, a headless browser), then the whole suite.
test: $(STAMP) browser-deps lint
	$(BIN)/python -m pytest -q

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)

## Style and mistakes: ruff, configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .

## Refit the passage reranker, then the sentence ranker and abstention model, on the dev questions
## (writes index/data/rerank.json, assistant/data/scoring.json, docs/reranker.md and docs/training.md).
train: $(STAMP)
	$(BIN)/python -m evals.train_rerank
	$(BIN)/python -m evals.train

eval: $(STAMP)
	$(BIN)/scrutiny eval --report out/

## Query latency; COMPARE=DIR measures another checkout (e.g. the foundation) side by side.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_foundation.py $(if $(COMPARE),--project $(COMPARE))

clean:
	rm -rf $(VENV) build *.egg-info
