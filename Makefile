# tpm developer commands. Both targets create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast lint fuzz bench clean docs

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# Open the TUI on the bundled example plan.
run: $(VENV)/.installed-run
	$(BIN)/tpm plans/example.toml

lint: $(STAMP)
	$(BIN)/ruff format --check tpm tests
	$(BIN)/ruff check tpm tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# Lint, type-check and run the whole test suite on every core. Lint runs beside the tests
# (mypy keeps one core busy for about 15 s on a cold cache, as in CI); either failing fails
# the target.
test: $(STAMP)
	$(MAKE) --no-print-directory lint & lint=$$!; \
	$(BIN)/python -m pytest -n auto; tests=$$?; \
	wait $$lint && exit $$tests

# The quick loop: everything but the slow and external tests.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow and not external"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Benchmark (issue 7): whole-process timings, peak RSS, tj3 comparison, TUI; prints the
# Markdown table docs/explanation/performance.md quotes. SIZES=1000,10000 for a shorter run.
SIZES ?= 1000,10000,100000
bench: $(STAMP)
	$(BIN)/python tests/bench/run.py --sizes $(SIZES)

# Regenerate docs/reference/ from the code (plan format, CLI, JSON, diagnostics, status
# rules) and docs/img/dashboard.svg from the TUI's snapshot; tests/docs fails when they drift.
docs: $(VENV)/.installed-run
	$(BIN)/python tests/docs/docgen.py

# Long fuzzing run: many more cases than make test, new ones every run (docs/development.md):
# the command fuzzer with TPM_FUZZ_EXAMPLES cases (the TUI fuzzer with 1 in 100 of that), and
# every other property test under the "fuzz" hypothesis profile.
fuzz: $(STAMP)
	TPM_FUZZ_EXAMPLES=$${TPM_FUZZ_EXAMPLES:-20000} HYPOTHESIS_PROFILE=fuzz \
		$(BIN)/python -m pytest -n auto -p no:cacheprovider tests/robustness/test_fuzz.py \
		tests/tui/test_tui_fuzz.py
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n auto -p no:cacheprovider -m hypothesis
