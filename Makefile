# Lodestar's onboarding contract: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
LODESTAR := .venv/bin/lodestar
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv

# system-packages is phony too: the script itself returns at once when all is present.
.PHONY: run test test-fast install system-packages check lint format typecheck imports migrations-check \
	browser ci bench clean

## run: install, migrate an SQLite database under var/, load the demo and serve it
run: install var/secret_key
	@DEBUG=true SECRET_KEY_FILE=var/secret_key $(LODESTAR) migrate --no-input -v0
	@DEBUG=true SECRET_KEY_FILE=var/secret_key $(LODESTAR) demo
	@DEBUG=true SECRET_KEY_FILE=var/secret_key $(LODESTAR) serve 127.0.0.1:8000

## test: install what the tests need (Chromium included) and run the whole suite
# One worker per CPU (pytest-xdist); each test class stays on one worker, so its shared
# test data is made once. Set TEST_WORKERS=0 to run in one process.
TEST_WORKERS ?= auto
PYTEST := .venv/bin/pytest -n $(TEST_WORKERS) --dist loadscope
# Extra pytest arguments, like TEST_ARGS='-k baf'; CI's second database run uses them.
TEST_ARGS ?=

test: install browser
	$(PYTEST) $(TEST_ARGS)

## test-fast: the suite without the browser tests
test-fast: install
	$(PYTEST) -m "not browser"

## check: linters, types, import contracts and the migrations check
check: lint typecheck imports migrations-check

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

typecheck: install
	.venv/bin/mypy

imports: install
	.venv/bin/lint-imports

migrations-check: install
	SECRET_KEY=migrations-check-only-not-a-real-secret-key DJANGO_SETTINGS_MODULE=tests.settings \
		.venv/bin/python manage.py makemigrations --check --dry-run

## bench: benchmarks that print figures (SQLite unless DATABASE_URL says otherwise; SPC engine)
bench: install
	.venv/bin/python scripts/bench.py
	.venv/bin/python scripts/bench_spc.py
	.venv/bin/python scripts/bench_ipr.py

## ci: everything CI runs, on the database named by DATABASE_URL
ci: check test

install: .venv/.installed lodestar/static/vendor/nhsuk-frontend/.version system-packages

## system-packages: Pango for WeasyPrint's PDFs (and poppler's pdftotext for their tests)
system-packages:
	@scripts/ensure-system-packages.sh

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	@touch $@

lodestar/static/vendor/nhsuk-frontend/.version: scripts/fetch-frontend.sh
	scripts/fetch-frontend.sh

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

browser:
	@scripts/ensure-chromium.sh

clean:
	rm -rf .venv .tools var lodestar/static/vendor
