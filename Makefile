# convbook: `make site` builds the book, `make test` runs every test.
SWIFT ?= swift

# Debian packages the build and the tests need; installed when missing.
DEBIAN_PACKAGES := pkg-config libopenblas-dev libcmark-gfm-dev libcmark-gfm-extensions-dev cmark-gfm

.PHONY: all deps build release test bench site clean

all: build

deps:
	@bash scripts/install-deps.sh $(DEBIAN_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	@bash scripts/crosscheck-env.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test

bench: deps
	@bash Benchmarks/run.sh

# The literate runner arrives with issue 3; until then `make site` says so.
site: release
	@echo "make site: the chapter runner (convbook build) is not implemented yet; see README.md" >&2

clean:
	rm -rf .build
