# The commands a person types. Everything installs itself from the committed uv.lock.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run demo token verify lint format test test-unit test-fast clean bench bench-smoke

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced ## Install Kaohe and its tools, pinned by uv.lock

run: install ## Run Kaohe: PostgreSQL (embedded unless DATABASE_URL), services, gateway
	$(BIN)/kaohe run

demo: install ## Load the demo unit into the running system (safe to repeat)
	$(BIN)/kaohe demo

token: install ## Print a bearer token: make token LOGIN=liuming
	@$(BIN)/kaohe token $(LOGIN)

verify: install ## Verify every service log's hash chain
	$(BIN)/kaohe audit verify

lint: install ## ruff (lint and format), mypy and the import boundaries (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy kernel/migrations  # scripts Alembic loads by path, outside the packages
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint ## The whole suite: lint, unit, integration, end to end
	$(BIN)/pytest -q

.PHONY: security
security: install ## The security suite alone: schemathesis, the role matrix, hostile input (minutes)
	$(BIN)/pytest -q tests/security

.PHONY: browser-check
browser-check: install ## GraphiQL in headless Chromium, offline (needs Debian's chromium and npm)
	cd tests/e2e/browser && npm ci --silent --no-audit --no-fund
	KAOHE_BROWSER_CHECK=1 $(BIN)/pytest -q tests/e2e/browser

test-unit: install ## The domain tests alone (no I/O, seconds)
	$(BIN)/pytest -q tests/unit

.PHONY: deploy-check
deploy-check: install ## Check deploy/ offline: hadolint, the Compose and Kubernetes schemas, our rules
	$(BIN)/hadolint deploy/Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec deploy/compose.yaml
	$(BIN)/kubernetes-validate --strict --quiet $(filter-out %/kustomization.yaml,$(wildcard deploy/k8s/*/*.yaml deploy/k8s/*/*/*.yaml))
	$(BIN)/pytest -q tests/deploy

bench: install ## Measure Kaohe against its baselines (minutes); writes bench-results/results.json
	$(BIN)/python -m bench

bench-smoke: install ## The benchmark at tiny sizes (seconds), as CI runs it
	$(BIN)/pytest -q tests/e2e/test_bench_smoke.py

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
