# Two set-up commands: `make run` and `make test`. Everything installs into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE=1
export HF_HUB_DISABLE_TELEMETRY=1
export TRANSFORMERS_OFFLINE=1
export GRADIO_ANALYTICS_ENABLED=False
export ORT_DISABLE_TELEMETRY=1
export ANONYMIZED_TELEMETRY=False

.PHONY: install run ingest-sample test test-fast bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, from the local CPU wheel: never let a dependency pull a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

ingest-sample: install
	$(BIN)/gongkai ingest data/corpus

run: ingest-sample
	$(BIN)/gongkai ui --host 127.0.0.1 --port 7860

test: install
	$(BIN)/python -m pytest -q tests

# Full sizes (about an hour on 2 cores); `make bench BENCH_ARGS=--quick` for a few-minute smoke run.
bench: install
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .gongkai
