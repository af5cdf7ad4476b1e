# The two commands a newcomer types: `make run` and `make test`.
.PHONY: setup run test test-fast lint bench bench-ocr native

setup: .venv/.installed

.venv/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch .venv/.installed

# the PDF path's C helpers (extractors/native/); setup builds them too
native: extractors/native/_pdfium_batch.so

extractors/native/_pdfium_batch.so: extractors/native/pdfium_batch.c scripts/build_native.sh
	bash scripts/build_native.sh

run: setup
	.venv/bin/ogi run

test: setup native lint
	.venv/bin/python -m pytest

# ruff on everything, mypy on the core package (ogi/: the contract every layer builds on)
lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy ogi --ignore-missing-imports

# the edit loop: no servers, no OCR, no notebook, nothing slow (make test runs everything, as CI does)
test-fast: setup native
	.venv/bin/python -m pytest -n auto -m "not slow and not server and not ocr and not notebook"

# every throughput number side by side in one run (rates with and without Prefect, the pypdfium2
# floor, pdfplumber/camelot, CPU per stage, worker RSS, nightly no-op run, publish vs dataset size)
bench: setup native
	.venv/bin/python benchmarks/bench_all.py ../shared/corpus/dev ../shared/corpus/real

bench-ocr: setup
	.venv/bin/python benchmarks/bench_ocr.py ../shared/corpus/dev
	.venv/bin/python benchmarks/bench_publish.py
