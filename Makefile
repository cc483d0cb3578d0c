# The developer workflow in one place. Each target is a thin wrapper over the script that does the
# work (run.sh, test.sh, bench/run.sh, ./mvnw), so the scripts stay the one source of truth.
#   make            this list
#   make dev        the server on port 8000 (PORT=…; SQLite and generated secrets under ./data)
#   make test ARGS=-Dtest=OpenApiTest
#   make bench ARGS="create sqlite"
# JAVA_HOME defaults as in run.sh: the JDK 25 of the build machines (the system java may be 17).

export JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
MVN := ./mvnw -B
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help dev test lint fmt db-upgrade bench release

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

dev: ## run the server from the sources (./run.sh; ARGS go to the command line, e.g. ARGS="user list")
	./run.sh $(ARGS)

test: ## the whole suite, with what it needs (./test.sh; ARGS go to Maven, e.g. ARGS=-Dtest=CliTest)
	./test.sh $(ARGS)

lint: ## formatting check (Spotless) and a compile of main and tests with Error Prone and NullAway
	$(MVN) -q spotless:check
	$(MVN) -q -DskipTests test-compile

fmt: ## format the sources (Spotless: palantir-java-format)
	$(MVN) -q spotless:apply

db-upgrade: ## bring the configured database's schema up to date (priority-notify migrate)
	./run.sh migrate

bench: ## list the benchmarks, or run one: ARGS="create sqlite" (bench/run.sh)
	bench/run.sh $(ARGS)

release: ## the jar and the release archive under target/ (./mvnw package; run make test first, tests are skipped here)
	$(MVN) -DskipTests package
	@ls -1 target/*.jar target/*.tar.gz 2>/dev/null || true
