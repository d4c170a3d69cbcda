# Everyday tasks. `make` alone lists them; each target's `## ` comment is its line in that list.
# Needs only python3 (3.11 or newer), make and git: everything else goes into $(VENV).

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
DEV_SETTINGS ?= pompidou_site.settings.dev
TEST_SETTINGS ?= pompidou_site.settings.test
PRODUCTION_SETTINGS ?= pompidou_site.settings.production
# pytest-django creates and drops test_pompidou beside it; the pompidou database itself need not exist.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/pompidou
PYTEST_ARGS ?=
# Browser test tools from the npm registry, kept out of the repository (Chromium and Java come from apt).
NODE_TOOLS ?= .cache/node
VNU_JAR_VERSION := 26.9.27
LIGHTHOUSE_VERSION := 12.2.3
OBSERVATORY_VERSION := 1.4.8
OBSERVATORY := $(NODE_TOOLS)/node_modules/@mdn/mdn-http-observatory
BASE_URL ?= http://127.0.0.1:$(PORT)

BIN := $(VENV)/bin
# Recorded after a successful install: requirements are installed again only when a file is newer.
REQUIREMENTS_STAMP := $(VENV)/.requirements-installed
RUNTIME_STAMP := $(VENV)/.runtime-installed
# PORT goes to the development settings too, which build WAGTAILADMIN_BASE_URL (the site's links) from it.
MANAGE_DEV := PORT=$(PORT) DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python manage.py

.DEFAULT_GOAL := help
# Targets share one SQLite file and one virtualenv: running them side by side under -j would race.
.NOTPARALLEL:

.PHONY: help
help: ## List the targets
	@echo "Usage: make TARGET [PORT=8000] [PYTHON=python3]"
	@echo
	@awk '/^## ---- / {title = $$0; sub(/^## ---- /, "", title); sub(/ *-+$$/, "", title); printf "\n%s\n", title; next} \
		/^[a-zA-Z0-9_-]+:.*## / {target = $$0; sub(/:.*/, "", target); text = $$0; sub(/^[^#]*## /, "", text); \
		printf "  %-15s %s\n", target, text}' $(MAKEFILE_LIST)

## ---- Environment ---------------------------------------------------------------------------

.PHONY: venv
venv: $(REQUIREMENTS_STAMP) ## Create .venv and install requirements-dev.lock with hash checking (again only when a lock changes)

.PHONY: venv-runtime
venv-runtime: $(RUNTIME_STAMP) ## Create .venv with only what running the site needs (requirements.lock): what `make run` installs first

# What is installed is the lock, every package pinned with its hashes: pip refuses any file whose
# hash differs. requirements*.txt say what we chose; `make lock` derives the locks from them.
# Two steps: the runtime lock first (all that `make run` needs, so a newcomer's first page comes
# quickly), the test and lint tools on top when a target needs them.
$(RUNTIME_STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed: run make with PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --require-hashes --requirement requirements.lock
	@touch $@

$(REQUIREMENTS_STAMP): $(RUNTIME_STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --require-hashes --requirement requirements-dev.lock
	@touch $@

# uv resolves for every platform (--universal), so a lock made on Linux installs on a Mac too, and
# keeps the versions already locked unless requirements*.txt ask for others.
LOCK_COMPILE = $(abspath $(BIN))/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock"
define compile_locks
	cd $(1) && $(LOCK_COMPILE) requirements.txt --output-file requirements.lock \
		&& $(LOCK_COMPILE) requirements-dev.txt --constraint requirements.lock --output-file requirements-dev.lock
endef

.PHONY: lock
lock: venv ## Re-compile requirements.lock and requirements-dev.lock (with hashes) after changing requirements*.txt
	$(call compile_locks,.)

.PHONY: lock-check
lock-check: venv ## Fail if the locks do not match requirements*.txt (run make lock)
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT \
		&& cp requirements.txt requirements-dev.txt requirements.lock requirements-dev.lock "$$scratch" \
		&& $(call compile_locks,"$$scratch") \
		&& diff -u requirements.lock "$$scratch/requirements.lock" \
		&& diff -u requirements-dev.lock "$$scratch/requirements-dev.lock" \
		|| { echo "requirements*.lock do not match requirements*.txt: run make lock and commit." >&2; exit 1; }
	@echo "The locks match requirements*.txt."

## ---- Running locally ------------------------------------------------------------------------

.PHONY: migrate
migrate: venv-runtime ## Apply database migrations (development settings, db.sqlite3 unless DATABASE_URL is set)
	$(MANAGE_DEV) migrate --noinput

.PHONY: seed
seed: migrate ## Load the seed content from fixtures/: creates what is missing, never changes what exists
	LOG_LEVEL=WARNING $(MANAGE_DEV) load_seed_content

.PHONY: admin
admin: migrate ## Create the development superuser admin if there is no superuser yet
	$(MANAGE_DEV) ensure_dev_admin

# The worker (scheduled publishing, background tasks) runs beside the server. When the server
# stops, for Ctrl-C or any other reason, the EXIT trap stops the worker too: never one without the other.
.PHONY: run
run: seed admin ## Set everything up (venv, migrate, seed, admin), then serve http://127.0.0.1:PORT/ (PORT=8000) with the worker
	$(MANAGE_DEV) ensure_dev_site
	@echo "Site: http://127.0.0.1:$(PORT)/  Admin: http://127.0.0.1:$(PORT)/admin/ (development only)"
	@echo "Worker: scheduled publishing and background tasks run beside the server. Ctrl-C stops both."
	@$(MANAGE_DEV) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE_DEV) runserver 127.0.0.1:$(PORT)

## ---- Performance ---------------------------------------------------------------------------
BENCH_DURATION ?= 10s

.PHONY: bench
bench: venv ## Benchmark: gunicorn + production settings on PostgreSQL (or SQLite), wrk per page type, cached and not; table and .cache/bench/latest.json (BENCH_DURATION=10s)
	BENCH_DURATION=$(BENCH_DURATION) $(BIN)/python .ci/bench.py

## ---- Backups ----------------------------------------------------------------------------------
# The settings module and DATABASE_URL, MEDIA_ROOT and BACKUP_DIR come from the environment, so that
# the same targets back up the development site or, with production settings, the real one.
BACKUP_SETTINGS ?= $(DEV_SETTINGS)
MANAGE_BACKUP := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-$(BACKUP_SETTINGS)} $(BIN)/python manage.py

.PHONY: backup
backup: venv-runtime ## Back up the database and media together into BACKUP_DIR (default backups/)
	$(MANAGE_BACKUP) backup_site

.PHONY: restore
restore: venv-runtime ## Restore the newest backup (or STAMP=...) over the database and media: asks first unless CI
	$(MANAGE_BACKUP) restore_site $(if $(STAMP),--stamp $(STAMP)) $(if $(CI),--noinput)

.PHONY: worker
worker: migrate ## Run only the background worker (what `make run` starts beside the server)
	$(MANAGE_DEV) db_worker

## ---- Quality --------------------------------------------------------------------------------

# pytest exits 5 when it collected no test: make treats that as a failure, as it should.
.PHONY: test
test: venv ## Run the test suite on SQLite
	env -u DATABASE_URL $(BIN)/pytest --ds=$(TEST_SETTINGS) $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: venv ## Run the test suite on PostgreSQL at 127.0.0.1:5432 (override with POSTGRES_URL=...)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest --ds=$(TEST_SETTINGS) $(PYTEST_ARGS)

.PHONY: browser-tools
browser-tools: ## Install the Nu Html Checker (vnu.jar) and Lighthouse into .cache/node (Chromium and Java come from apt)
	@test -f $(NODE_TOOLS)/node_modules/vnu-jar/build/dist/vnu.jar && test -f $(NODE_TOOLS)/node_modules/lighthouse/cli/index.js \
		|| npm install --prefix $(NODE_TOOLS) --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_JAR_VERSION) lighthouse@$(LIGHTHOUSE_VERSION)

.PHONY: test-browser
test-browser: venv browser-tools ## Accessibility, HTML validity, reflow, keyboard, no-JS, print and screenshot tests in Chromium (failures in test-results/browser/, screenshots in .cache/screenshots/)
	env -u DATABASE_URL $(BIN)/pytest --ds=$(TEST_SETTINGS) -m browser $(PYTEST_ARGS)

# The screenshot references (tests/test_screenshots.py) are regenerated on purpose only: after a
# change of look, run this, look at the new PNGs in tests/screenshots/ and commit them.
.PHONY: screenshots-update
screenshots-update: venv ## Regenerate the screenshot references in tests/screenshots/ (each page type, 375 and 1280 px, both languages)
	env -u DATABASE_URL SCREENSHOTS_UPDATE=1 $(BIN)/pytest --ds=$(TEST_SETTINGS) -m browser tests/test_screenshots.py $(PYTEST_ARGS)

.PHONY: audit
audit: venv browser-tools ## Lighthouse scores per page type and language of a running site (make run first; BASE_URL=...)
	$(BIN)/python tests/lighthouse_audit.py $(BASE_URL)

# The scanner's install scripts fetch a CA bundle and the HSTS preload list from outside the registry:
# they are skipped, and an empty preload list stands in (it only decides a bonus for a preloaded
# domain, which this site does not claim).
.PHONY: observatory
observatory: venv ## MDN HTTP Observatory grades of a running site's public pages and admin (make run first; BASE_URL=...)
	@test -f $(OBSERVATORY)/bin/wrapper.js \
		|| npm install --prefix $(NODE_TOOLS) --ignore-scripts --no-audit --no-fund --loglevel=error \
			@mdn/mdn-http-observatory@$(OBSERVATORY_VERSION)
	@test -f $(OBSERVATORY)/conf/hsts-preload.json || echo '{}' > $(OBSERVATORY)/conf/hsts-preload.json
	$(BIN)/python tests/observatory_scan.py $(BASE_URL)

# Every linter runs even when an earlier one fails, so that one run shows every problem.
.PHONY: lint
lint: venv ## Check Python style (ruff) and template indentation (djhtml) without changing files
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	if [ -d templates ]; then $(BIN)/djhtml --check templates || status=1; fi; \
	exit $$status

.PHONY: format
format: venv ## Fix what ruff can, format Python and indent templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	if [ -d templates ]; then $(BIN)/djhtml templates; fi

# ruff's S rules already report bandit's low-severity findings line by line (and take reviewed
# exceptions as noqa); bandit itself fails on medium and high severity, in the project's code.
.PHONY: security
security: venv ## Static security analysis of the project's code with bandit (medium severity and up)
	$(BIN)/bandit --configfile pyproject.toml --severity-level medium --quiet --recursive pompidou_site programmes trainings

# The deploy check gets a throwaway key made on the spot, so that no key is ever committed.
.PHONY: check
check: venv ## Django system checks, missing migrations, and the deploy checklist on production settings
	$(MANAGE_DEV) check
	$(MANAGE_DEV) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=$(PRODUCTION_SETTINGS) ALLOWED_HOSTS=example.org \
		DATABASE_URL=sqlite:///:memory: WAGTAILADMIN_BASE_URL=https://example.org \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

## ---- Faults and load ----------------------------------------------------------------------
# Both start gunicorn with the production settings on 127.0.0.1, against a fresh PostgreSQL
# database they create and drop (POSTGRES_ADMIN_URL: a superuser, default postgres@127.0.0.1).
FAULT_CHECK_DB ?= pompidou_faultcheck
FAULT_CHECK_PORT ?= 8162
FAULT_CHECK_REDIS_PORT ?= 8163

.PHONY: fault-check
fault-check: venv ## Redis stopped, database refusing, a table locked, a long query, under a running gunicorn (PostgreSQL)
	FAULT_CHECK_DB=$(FAULT_CHECK_DB) FAULT_CHECK_PORT=$(FAULT_CHECK_PORT) FAULT_CHECK_REDIS_PORT=$(FAULT_CHECK_REDIS_PORT) \
		$(BIN)/python .ci/db_outage_check.py

.PHONY: loadtest
loadtest: venv ## Locust, 50 visitors for 60 s over the seeded site under gunicorn (LOADTEST_USERS, _SPAWN_RATE, _DURATION, _PORT)
	bash .ci/loadtest

## ---- The map ---------------------------------------------------------------------------------

# The map of where we work is drawn from Natural Earth's shapes (the npm package world-atlas, pinned
# with its integrity hash): downloaded, projected and simplified by build_world_map into a data file
# that is committed. Run again only to change the frame, the detail or the data's version.
.PHONY: map
map: venv ## Rebuild pompidou_site/map_data/world_map.json from world-atlas (downloads it from the npm registry)
	$(MANAGE_DEV) build_world_map

## ---- Translations --------------------------------------------------------------------------
MAKEMESSAGES := $(MANAGE_DEV) makemessages --locale fr --no-location \
	--ignore ".venv/*" --ignore ".cache/*" --ignore "tests/*" --ignore "static_collected/*"

.PHONY: messages
messages: venv ## Extract the interface text into locale/fr (needs GNU gettext), then compile it in pure Python
	$(MAKEMESSAGES)
	$(MANAGE_DEV) compile_catalogues

# The compiled .mo files are committed, so that a machine without gettext still shows French.
.PHONY: messages-check
messages-check: venv ## Fail if a catalogue misses interface text, has untranslated entries, or its .mo is stale
	$(MAKEMESSAGES)
	@git diff --quiet -I '^"POT-Creation-Date:' -- locale \
		|| { git --no-pager diff -- locale; echo "The catalogue is out of date: run make messages, translate, commit." >&2; exit 1; }
	$(MANAGE_DEV) compile_catalogues --check

## ---- Design ------------------------------------------------------------------------------

# The webfont: the pinned Fontsource package from the npm registry, subset by fontTools (see the script).
.PHONY: fonts
fonts: venv ## Rebuild static/fonts/ (Source Sans 3 subsets, woff2) from the pinned npm package (needs npm)
	$(BIN)/python scripts/build_fonts.py

## ---- Housekeeping ---------------------------------------------------------------------------

.PHONY: clean
clean: ## Remove caches and collected static files (keeps .venv, db.sqlite3 and media/)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache static_collected test-results reports
