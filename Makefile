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

.PHONY: all test asan install clean check-deps

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

install: $(BUILD)/kubetally
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/kubetally $(DESTDIR)$(PREFIX)/bin/kubetally
	ln -sf kubetally $(DESTDIR)$(PREFIX)/bin/kubectl-tally
	install -m 644 man/kubetally.1 $(DESTDIR)$(PREFIX)/share/man/man1/kubetally.1

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
