# The two commands a newcomer types: `make run` and `make test`.
.PHONY: setup run test bench

setup: .venv/.installed

.venv/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch .venv/.installed

run: setup
	.venv/bin/ogi run

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python benchmarks/bench_pdf.py ../shared/corpus/dev
	.venv/bin/python benchmarks/bench_e2e.py ../shared/corpus/dev ../shared/corpus/real
	.venv/bin/python benchmarks/bench_ocr.py ../shared/corpus/dev
	.venv/bin/python benchmarks/bench_publish.py
