# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install ffmpeg demo test lint clean

$(STAMP): pyproject.toml
	command -v ffmpeg >/dev/null 2>&1 || $(MAKE) --no-print-directory ffmpeg
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

install: $(STAMP)

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
