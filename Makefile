# The two commands a newcomer needs: `make demo` and `make test` (CI runs `.ci/run`, which runs
# `make test`). Everything else they need is installed into .tools/ by scripts/tools.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help tools build dist test demo bench fmt clean

help:
	@echo "make demo   build the provider and deploy examples/quickstart to a local SageMaker endpoint, then destroy it"
	@echo "make test   run the gates (fmt, clippy, no artefacts in git) and every test (unit, golden, protocol, acceptance with the real Terraform CLI)"
	@echo "make tools  install Terraform 1.0.3, the moto server and hashicorp/null into .tools/"
	@echo "make build  cargo build --release"
	@echo "make dist   the binary to ship: cargo build --profile dist (LTO, opt-level s; slow, not used by the tests)"
	@echo "make fmt    cargo fmt, terraform fmt of examples/"
	@echo "make bench  run scripts/bench, if present"
	@echo "make clean  remove .tools/ and target/"

tools:
	scripts/tools

build:
	$(CARGO) build --release

# The shipped binary (Cargo.toml, [profile.dist]): target/dist/terraform-provider-sagemaker.
dist:
	$(CARGO) build --profile dist --bin terraform-provider-sagemaker

# The acceptance tests start their own local SageMaker endpoint per test (tests/support), so
# only the tools must be installed first, with the SageMaker Python SDK venv that
# tests/fidelity.rs runs as its oracle and tests/acceptance_import.rs uses to create the
# pipeline it imports (`scripts/tools --sdk`), and the SDK 3.x venv for the fidelity cases of
# step types only 3.x has (`scripts/tools --sdk3`).
#
# Clippy lints while the crate builds (scripts/gates): the tests run with the same compiler
# wrapper and lint arguments, so they reuse that build instead of compiling the crate again.
CLIPPY_DRIVER ?= $(shell command -v clippy-driver 2>/dev/null || echo "$$(rustc --print sysroot)/bin/clippy-driver")
test: export RUSTC_WORKSPACE_WRAPPER := $(CLIPPY_DRIVER)
test: export CLIPPY_ARGS := -D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
test: tools
	scripts/tools --sdk --sdk3
	CARGO=$(CARGO) scripts/gates
	$(CARGO) test --release --no-fail-fast

demo:
	scripts/demo

bench: tools
	@if [[ -x scripts/bench ]]; then scripts/bench; else echo "no benchmarks yet (scripts/bench)"; fi

fmt: tools
	$(CARGO) fmt
	@if [[ -d examples ]]; then .tools/bin/terraform fmt -recursive examples; fi

clean:
	-scripts/local-sagemaker stop 2>/dev/null
	rm -rf .tools target
