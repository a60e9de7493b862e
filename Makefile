# packer-plugin-sdk — every entry point a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages driven for real by specs and the demo (package:command).
SYSTEM_DEPS := packer:packer openssh-server:/usr/sbin/sshd openssh-client:ssh mmdebstrap:mmdebstrap \
	xorriso:xorriso mtools:mdir dosfstools:/usr/sbin/fsck.fat \
	tigervnc-standalone-server:Xtigervnc tigervnc-tools:vncpasswd x11-utils:xev graphviz:dot

MOCHA := npx --no-install mocha
ALL_SPECS := 'spec/**/*.spec.ts'
FAST_SPECS := $(ALL_SPECS) --ignore 'spec/**/*.system.spec.ts'

node_modules/.ci-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: help setup system-deps build check lint typecheck test test-fast bench demo generate generate-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

setup: node_modules/.ci-stamp ## Install npm dependencies (npm ci) when package-lock.json changed

system-deps: ## Install the Debian tools specs use (packer, sshd…) when root and missing
	@./scripts/system-deps.sh $(SYSTEM_DEPS)

build: setup ## Compile to dist/ (ESM + .d.ts)
	npx --no-install tsc -p tsconfig.build.json

lint: setup ## ESLint (typed rules) and Prettier
	npx --no-install eslint .
	npx --no-install prettier --check . >/dev/null

typecheck: setup ## Type-check sources, specs, benches and examples
	npx --no-install tsc -p tsconfig.json --noEmit

check: lint typecheck generate-check ## Fast loop: lint + typecheck + specs that need no system tools
	$(MOCHA) $(FAST_SPECS)

test: build system-deps generate-check ## Every spec, including real packer/sshd ones and acceptance suites (what CI runs)
	PACKER_ACC=1 $(MOCHA) $(ALL_SPECS)

bench: build ## Run every benchmark under bench/ and print its figures
	@for b in bench/*.ts; do echo "== $$b"; npx --no-install tsx $$b || exit 1; done

demo: build system-deps ## Build a Debian root file system with the example plugin under real Packer
	npx --no-install tsx scripts/demo.ts

generate: setup ## Regenerate generated files (docs/errors.md)
	npx --no-install tsx scripts/generate-errors-doc.ts

generate-check: setup ## Fail when a generated file is stale
	npx --no-install tsx scripts/generate-errors-doc.ts --check

clean: ## Remove build output
	rm -rf dist coverage
