# kubetally build.
#
# Every src/**/*.c except src/main.c goes into build/libkubetally.a, so a new
# module needs no edit here.  Every tests/unit/test_*.c becomes its own test
# program linked against that library; `make test` runs them all.
#
#   make            build/kubetally
#   make test       unit tests (tests/unit)
#   make asan       the same tests built with AddressSanitizer + UBSan, in build-asan/
#   make install    PREFIX=/usr/local: kubetally, kubectl-tally, man page
#   make fuzz       every fuzz/fuzz_*.c harness (libFuzzer, clang, ASan+UBSan) for
#                   FUZZ_SECONDS each (default 60), seeded from fuzz/corpus/NAME

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS    := libcurl yaml-0.1 jansson sqlite3 libpq libmicrohttpd openssl zlib
OPT     ?= -O2 -g
SAN     ?=
# CFLAGS/LDFLAGS from the environment or command line are added, never replace ours.
KT_CFLAGS := $(OPT) $(SAN) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
           -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
KT_LDFLAGS := $(SAN) $(LDFLAGS)
# libcsv (Debian libcsv-dev) ships no pkg-config file.
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread

LIB_SRC  := $(shell find src -name '*.c' ! -path src/main.c | sort)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test asan install clean check-deps fuzz fuzz-build

all: $(BUILD)/kubetally

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KT_CFLAGS) -MMD -MP -c $< -o $@

# The built-in price catalog is .incbin'd from data/ (src/pricing/catalog_data.c).
$(BUILD)/src/pricing/catalog_data.o: $(wildcard data/*.prices)

$(BUILD)/libkubetally.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/kubetally: $(BUILD)/src/main.o $(BUILD)/libkubetally.a
	$(CC) $(KT_CFLAGS) $^ -o $@ $(KT_LDFLAGS) $(LDLIBS)
	@ln -sf kubetally $(BUILD)/kubectl-tally

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkubetally.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(KT_CFLAGS) -Itests/unit $< $(BUILD)/libkubetally.a -o $@ $(KT_LDFLAGS) $(LDLIBS)

test: $(TEST_BIN) $(BUILD)/kubetally
	@fail=0; for t in $(TEST_BIN); do \
	  if KUBETALLY_BIN=$(CURDIR)/$(BUILD)/kubetally $$t; then :; else echo "FAILED: $$t"; fail=1; fi; \
	done; exit $$fail

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

# Fuzzing: the library again with clang's coverage and sanitizers, one
# program per harness.  New inputs go to build-fuzz/corpus/NAME (the seeds in
# fuzz/corpus/NAME are read, never written); a crash leaves crash-* in
# build-fuzz/ and fails the target.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
# clang warns where gcc does not; these are style, not bugs
FUZZ_WARN    := -Wno-format-zero-length
FUZZ_SRC     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)

fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) OPT="-O1 -g -fno-omit-frame-pointer" CFLAGS="$(FUZZ_WARN)" \
	  SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" build-fuzz/libkubetally.a
	$(MAKE) $(FUZZ_BIN)

build-fuzz/fuzz_%: fuzz/fuzz_%.c build-fuzz/libkubetally.a $(wildcard fuzz/*.h)
	$(FUZZ_CC) -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter $(FUZZ_SAN) -fsanitize=fuzzer \
	  -Isrc -Ifuzz $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $< build-fuzz/libkubetally.a -o $@ $(LDLIBS)

fuzz: fuzz-build
	@fail=0; for f in $(FUZZ_BIN); do n=$${f#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus/$$n fuzz/corpus/$$n; \
	  echo "fuzz $$n: $(FUZZ_SECONDS) s"; \
	  if (cd build-fuzz && ./fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -max_len=65536 -print_final_stats=1 corpus/$$n ../fuzz/corpus/$$n) > build-fuzz/$$n.log 2>&1; then \
	    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build-fuzz/$$n.log | tr '\n' ' '; echo; \
	  else echo "FAILED: fuzz $$n (build-fuzz/$$n.log)"; tail -30 build-fuzz/$$n.log; fail=1; fi; \
	done; exit $$fail

install: $(BUILD)/kubetally
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/kubetally $(DESTDIR)$(PREFIX)/bin/kubetally
	ln -sf kubetally $(DESTDIR)$(PREFIX)/bin/kubectl-tally
	install -m 644 man/kubetally.1 $(DESTDIR)$(PREFIX)/share/man/man1/kubetally.1

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
