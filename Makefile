.DEFAULT_GOAL := help
.PHONY: help run test lint format messages services

help: ## Show the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## Set up and start the portal on the embedded default with demo data (http://127.0.0.1:8000)
	scripts/run

test: ## Set up and run the whole test suite (PostgreSQL, Redis and Chromium in CI)
	scripts/test

lint: ## Lint Python and templates, type-check rules and selectors
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/mypy

format: ## Format Python code
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: ## Update the English catalogue and compile it
	.venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=static --no-obsolete
	.venv/bin/python manage.py compilemessages --ignore=.venv

services: ## Start this machine's PostgreSQL and Redis if they are down
	scripts/services
