# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pyannote.audio needs torchaudio, whose builds only load beside their own torch (not the CPU
# torch 2.13 of .venv): it gets its own environment, where its adapter's tests run.
PYANNOTE_VENV := .venv-pyannote
PYANNOTE_BIN := $(PYANNOTE_VENV)/bin
PYANNOTE_STAMP := $(PYANNOTE_VENV)/.installed

.PHONY: install pyannote-env ffmpeg demo test lint clean

$(STAMP): pyproject.toml
	command -v ffmpeg >/dev/null 2>&1 || $(MAKE) --no-print-directory ffmpeg
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

$(PYANNOTE_STAMP): pyproject.toml
	test -x $(PYANNOTE_BIN)/python || $(PYTHON) -m venv $(PYANNOTE_VENV)
	$(PYANNOTE_BIN)/python -m pip install --quiet --upgrade pip
	$(PYANNOTE_BIN)/python -m pip install --quiet torch==2.11.0 torchaudio==2.11.0 pyannote.audio==4.0.7
	$(PYANNOTE_BIN)/python -m pip install --quiet -e . pytest
	touch $(PYANNOTE_STAMP)

install: $(STAMP)

pyannote-env: $(PYANNOTE_STAMP)

# Recordings are decoded by the system's FFmpeg; installed from Debian's packages when missing.
ffmpeg:
	@if [ "$$(id -u)" -eq 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null; \
	else \
	  echo "FFmpeg is missing and this is not root: install it (apt-get install ffmpeg) to analyze recordings" >&2; \
	fi

demo: $(STAMP)
	$(BIN)/voiceshare analyze sample_transcripts/ -o reports/ --format json,md,html
	@echo "Reports written to reports/"

test: $(STAMP) $(PYANNOTE_STAMP)
	$(BIN)/python -m pytest
	$(PYANNOTE_BIN)/python -m pytest tests/test_pyannote_backend.py
	$(BIN)/ruff check src tests bench models
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check src tests bench models
	$(BIN)/ruff format --check src tests bench models
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(PYANNOTE_VENV) reports build *.egg-info
