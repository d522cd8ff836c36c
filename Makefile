# Perns series harness.  "make" alone prints the targets.
SHELL := /bin/bash
H := harness

.PHONY: help demo check bench stress tree kernel vm review series clean distclean

help:
	@echo "make demo       deps, assemble, build the 'demo' kernel, boot it and run harness/demo.sh"
	@echo "make check      everything: static checks, 'check' (debug) build, KUnit + kselftests in QEMU"
	@echo "make bench      [RUNS=3] [MODES='icount wall']: perns vs PERNS=n and scaling, in guests"
	@echo "make stress     [MINUTES=30] [SEED=S]: the fuzzer and trinity in the debug guest"
	@echo "make tree       assemble build/linux from the base tarball and ./series"
	@echo "make kernel     build CONFIG=demo (default) or CONFIG=check into build/obj-CONFIG"
	@echo "make vm         how to run a command in the guest (harness/vm run -- CMD)"
	@echo "make review     run harness/review (when it exists)"
	@echo "make series     git format-patch the assembled series into build/series"
	@echo "make clean      remove build outputs except the extracted tree and ccache"
	@echo "make distclean  remove build/ entirely"

CONFIG ?= demo

demo:
	$(H)/deps
	$(H)/assemble
	$(H)/build demo
	$(H)/vm run --config demo --timeout 600 -- /bin/sh $(H)/demo.sh

check:
	$(H)/check

# RUNS=N boots each kernel N times per mode; MODES="icount wall" adds the
# plain-TCG wall-clock cross-check; QUICK=1 reduced counts (harness/bench/run).
LOCK := flock $(CURDIR)/build/.harness.lock
bench:
	$(H)/deps
	mkdir -p build
	$(LOCK) $(H)/assemble
	$(LOCK) $(H)/build demo
	$(LOCK) $(H)/build baseline
	RUNS="$(RUNS)" MODES="$(MODES)" QUICK="$(QUICK)" SECTIONS="$(SECTIONS)" $(H)/bench/run

stress:
	MINUTES="$(MINUTES)" SEED="$(SEED)" $(H)/stress

tree:
	$(H)/assemble

kernel: tree
	$(H)/build $(CONFIG)

vm:
	@echo "usage: harness/vm run [--config check|demo] [--timeout S] [--kvm] -- CMD ARGS..."
	@echo "  e.g. harness/vm run -- /bin/uname -r"
	@echo "       harness/vm run --config check -- /ksft/run_kselftest.sh -c nsfs"

review:
	@if [ -x $(H)/review ]; then $(H)/review; else echo "harness/review does not exist yet"; fi

series: tree
	rm -rf build/series
	git -C build/linux format-patch -q --cover-letter --base=base -o $(CURDIR)/build/series base..HEAD
	@if [ -f $(H)/cover-letter.txt ]; then $(H)/cover-letter build/series/0000-cover-letter.patch $(H)/cover-letter.txt; fi
	@ls build/series

clean:
	rm -rf build/obj-* build/check build/demo build/patches build/series build/series.d build/exitq

distclean:
	rm -rf build
