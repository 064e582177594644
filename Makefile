# onco: the two commands of the README. Both are idempotent on a fresh Debian machine.
#   make demo   installs what it needs, builds, and runs the main job on the bundled case
#   make test   installs what the tests need, starts a temporary PostgreSQL, runs every test
.PHONY: demo test build release bench clean

demo:
	scripts/install-deps.sh demo
	swift build -c release --product onco
	.build/release/onco demo

test:
	scripts/install-deps.sh test
	scripts/run-tests.sh

build:
	swift build

release:
	swift build -c release --product onco

bench:
	scripts/install-deps.sh bench
	$(MAKE) -C Benchmarks all

clean:
	rm -rf .build
