# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/voiceshare analyze sample_transcripts/ -o reports/ --format json,md,html
	@echo "Reports written to reports/"

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check src tests bench models
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check src tests bench models
	$(BIN)/ruff format --check src tests bench models
	$(BIN)/mypy

clean:
	rm -rf $(VENV) reports build *.egg-info
