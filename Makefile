# convbook: `make site` builds the book, `make test` runs every test.
SWIFT ?= swift

# Debian packages the build and the tests need; installed when missing (bubblewrap: the sandbox chapter programs run in).
DEBIAN_PACKAGES := pkg-config libssl-dev libopenblas-dev bubblewrap libcmark-gfm-dev libcmark-gfm-extensions-dev cmark-gfm nodejs katex libjs-katex fonts-katex node-highlight.js
# What `convbook pdf` and its tests need besides: Chromium to print, poppler to read the PDF back.
PDF_PACKAGES := chromium poppler-utils fonts-dejavu-core

.PHONY: all deps pdf-deps build release runtime test lint-workflows bench site check serve verify pdf install clean

all: build

deps:
	@bash scripts/install-deps.sh $(DEBIAN_PACKAGES)

pdf-deps:
	@bash scripts/install-deps.sh $(PDF_PACKAGES)

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# Every test: the workflows with actionlint (scripts/lint-workflows.sh), the page script's unit tests in node (Tests/js/), the engine,
# the Markdown layer and the GFM corpus, the CLI end to end, the cross-checks
# against NumPy and JAX, the committed site being up to date, the same on a
# CPU whose BLAS sums in another order (scripts/other-cpu-check.sh), and the
# site in headless Chromium
# (scripts/site-tests.sh), which runs alongside the rest (scripts/test.sh).
# The site is judged with the optimised engine and runtime it was built with
# (as `make site` builds it): chapter 11 trains a network, which takes
# minutes with the debug engine.
test: deps pdf-deps
	@SWIFT="$(SWIFT)" bash scripts/test.sh

# The GitHub Actions workflows (.github/workflows/, and the one `convbook init`
# writes) checked with actionlint from PyPI (`make test` runs it).
lint-workflows: build
	@CONVBOOK=.build/debug/convbook bash scripts/lint-workflows.sh

bench: deps
	@bash Benchmarks/run.sh

# Run every chapter and write site/. Chapter programs link an optimised engine
# and runtime, built alone in release (seconds); the generator runs as the debug
# build, so a fresh clone never compiles the generator's dependencies with
# optimisation (the release build of everything took 9.5 minutes on 2 cores
# when it included swift-syntax).
site: deps build runtime
	.build/debug/convbook build --modules .build/release

runtime:
	$(SWIFT) build -c release --product ConvbookRuntime

check: deps build runtime
	.build/debug/convbook check --modules .build/release

# Preview on http://127.0.0.1:8000, rebuilding on every edit (chapter programs
# link the optimised engine, as in `make site`).
serve: deps build runtime
	.build/debug/convbook serve --modules .build/release

verify: deps build runtime
	.build/debug/convbook verify --modules .build/release

# The whole book as one PDF (book.pdf, not committed: Chromium stamps the date into it).
pdf: site pdf-deps
	.build/debug/convbook pdf --out book.pdf

# Install convbook for authors: PREFIX/bin/convbook, and in PREFIX/lib/convbook
# the modules and library chapter programs compile against, the theme, the
# book templates and the compiler they were built with (scripts/install.sh).
# A release build of the convbook executable and of the runtime; PRODUCTS=DIR
# installs an existing build folder instead, without building (the tests do).
PREFIX ?= /usr/local
PRODUCTS ?=
install: deps
ifeq ($(PRODUCTS),)
	$(SWIFT) build -c release --product convbook
	$(SWIFT) build -c release --product ConvbookRuntime
	bash scripts/install.sh .build/release "$(DESTDIR)$(PREFIX)"
else
	bash scripts/install.sh "$(PRODUCTS)" "$(DESTDIR)$(PREFIX)"
endif

clean:
	rm -rf .build .convbook-cache
