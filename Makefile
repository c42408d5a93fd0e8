# ipp: a toolkit for intellectual-property takedowns.
# `make` builds the tools, `make check` proves, `make demo` shows,
# `make bench` measures.

PREFIX ?= /usr/local
BUILD ?= build
SAN_BUILD ?= $(BUILD)-san

DEB_PACKAGES = build-essential libsqlite3-dev libcurl4-openssl-dev libcsv-dev \
	libcmocka-dev libsodium-dev libmagic-dev libmagic-mgc pkg-config mandoc \
	sqlite3 openssl perl curl libssl-dev clang libclang-rt-dev chromium \
	postgresql libpq-dev

PKG_CONFIG ?= pkg-config
PKGS = sqlite3 libsodium
# libmagic, libcurl and libpq are loaded with dlopen on first use: headers
# only.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) libmagic libcurl libpq \
	2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# What the build needs before it starts, as pkg-config-module:package
# (header:package for libcsv, which has no .pc file); the tests need
# more.  A missing one stops the build with its package's name.
TOOL_NEEDS = sqlite3:libsqlite3-dev libsodium:libsodium-dev \
	libcurl:libcurl4-openssl-dev libmagic:libmagic-dev csv.h:libcsv-dev \
	libpq:libpq-dev
TEST_NEEDS = cmocka:libcmocka-dev openssl:libssl-dev

CC ?= cc
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Ilib $(PKG_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lcsv -ldl
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_HDR = $(wildcard lib/*.h)
CMD_SRC = $(sort $(wildcard cmd/ipp-*.c))
CMDS = $(patsubst cmd/%.c,%,$(CMD_SRC))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNITS = $(patsubst tests/unit/%.c,%,$(UNIT_SRC))
# The LD_PRELOAD shims of make torture (shim_*.c) are shared objects,
# built only by the torture targets.
SHIM_SRC = $(sort $(wildcard tests/helpers/shim_*.c))
HELPER_SRC = $(sort $(filter-out $(SHIM_SRC),$(wildcard tests/helpers/*.c)))
HELPERS = $(patsubst tests/helpers/%.c,%,$(HELPER_SRC))
MAN = $(sort $(wildcard man/*.[1-8]))

LIB_OBJ = $(patsubst lib/%.c,$(BUILD)/obj/lib/%.o,$(LIB_SRC)) \
	$(BUILD)/obj/gen/reasons_tsv.o $(BUILD)/obj/gen/declaration_txt.o
BINS = $(addprefix $(BUILD)/bin/,$(CMDS))
UNIT_BINS = $(addprefix $(BUILD)/unit/,$(UNITS))
HELPER_BINS = $(addprefix $(BUILD)/helpers/,$(HELPERS))
SHIMS = $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%.so,$(SHIM_SRC))

.PHONY: all deps check test unit e2e e2e-pg sanitize lint docs-test build-test demo \
	bench install clean \
	fuzz fuzz-replay torture torture-check
.SUFFIXES:

# The tools; the test helpers are built by the targets that use them.
all: $(BINS)

# Installs what the build and the tests need, only when something is missing.
deps:
	@missing=; for p in $(DEB_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq $$missing >/dev/null; \
	fi

# The stamps say the packages were there; without them nothing compiles
# (instead of a wall of missing headers and undefined references).
$(BUILD)/.tools-ok:
	@$(call need,$(TOOL_NEEDS))
	@mkdir -p $(@D) && touch $@

$(BUILD)/.tests-ok:
	@$(call need,$(TOOL_NEEDS) $(TEST_NEEDS))
	@mkdir -p $(@D) && touch $@

# need NEEDS: names the Debian package of each missing need and fails.
need = missing=; \
	command -v $(CC) >/dev/null 2>&1 || missing=" build-essential"; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	for n in $(1); do \
		m=$${n%%:*}; p=$${n\#*:}; \
		case $$m in \
		*.h) printf '\#include <%s>\n' "$$m" | \
			$(CC) $(PKG_CFLAGS) -E -x c - >/dev/null 2>&1 ;; \
		*) $(PKG_CONFIG) --exists "$$m" 2>/dev/null ;; \
		esac || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make: missing Debian packages:$$missing" >&2; \
		echo "make: 'make deps' installs them (as root), and so do" \
		    "'make demo' and 'make check'" >&2; \
		exit 1; \
	fi

$(BUILD)/obj/lib/%.o: lib/%.c $(LIB_HDR) | $(BUILD)/.tools-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The reason catalog ships as data (C4): lib/reasons.tsv becomes a string.
$(BUILD)/gen/reasons_tsv.c: lib/reasons.tsv
	@mkdir -p $(@D)
	{ echo '/* Generated from lib/reasons.tsv by make: do not edit. */'; \
	  echo '#include "reason.h"'; \
	  echo 'const char ipp_reasons_tsv[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

# The Good Faith declaration ships as data too (G3), its version on its
# first line: lib/declaration.txt becomes a string.
$(BUILD)/gen/declaration_txt.c: lib/declaration.txt
	@mkdir -p $(@D)
	{ echo '/* Generated from lib/declaration.txt by make: do not edit. */'; \
	  echo '#include "member.h"'; \
	  echo 'const char ipp_declaration_txt[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(LIB_HDR) | $(BUILD)/.tools-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/lib/libipp.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/cmd/common.o: cmd/common.c cmd/common.h $(LIB_HDR) \
    | $(BUILD)/.tools-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/bin/%: cmd/%.c $(BUILD)/obj/cmd/common.o $(BUILD)/lib/libipp.a \
    cmd/common.h $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icmd -o $@ $< $(BUILD)/obj/cmd/common.o \
		$(BUILD)/lib/libipp.a $(LDFLAGS) $(LDLIBS_ALL)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/lib/libipp.a $(LIB_HDR) \
    | $(BUILD)/.tests-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/lib/libipp.a $(LDFLAGS) \
		$(LDLIBS_ALL) -lcmocka

# testhttpd (tests only) serves https with OpenSSL; no ipp binary links it.
$(BUILD)/helpers/testhttpd: tests/helpers/testhttpd.c tests/helpers/listen.h \
    lib/banned.h | $(BUILD)/.tests-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) -lssl -lcrypto -lpthread

# The shims go into the real binaries with LD_PRELOAD, the sanitize
# build's too: never built with the sanitizers (CFLAGS), always -fPIC.
SHIM_FLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -fPIC -shared $(PKG_CFLAGS)
$(BUILD)/helpers/shim_%.so: tests/helpers/shim_%.c | $(BUILD)/.tests-ok
	@mkdir -p $(@D)
	$(CC) $(SHIM_FLAGS) -o $@ $< $(PKG_LIBS) -ldl

# Every helper is rebuilt when listen.h (the servers' socket) changes.
$(BUILD)/helpers/%: tests/helpers/%.c tests/helpers/listen.h \
    $(BUILD)/lib/libipp.a $(LIB_HDR) | $(BUILD)/.tests-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/lib/libipp.a $(LDFLAGS) $(LDLIBS_ALL)

# The proof: a -Werror build, unit and end-to-end tests, the same again under
# ASan+UBSan with leak detection, and the man pages linted and complete.
check: deps
	$(MAKE) test
	$(MAKE) e2e-pg
	$(MAKE) lint docs-test build-test
	$(MAKE) sanitize
	$(MAKE) torture-check
	@echo "check: all passed"

test: unit e2e fuzz-replay

unit: $(BUILD)/.tests-ok $(UNIT_BINS) $(BINS) $(HELPER_BINS)
	@IPP_HELPERS=$(abspath $(BUILD))/helpers sh tests/run-units.sh \
		$(BUILD)/unit $(UNITS)

e2e: $(BUILD)/.tests-ok $(BINS) $(HELPER_BINS)
	IPP_BIN=$(abspath $(BUILD))/bin IPP_HELPERS=$(abspath $(BUILD))/helpers \
		prove -j2 tests/e2e/*.t

# The same suite on a team store: a throw-away PostgreSQL cluster
# (tests/pg.sh), a database per test file, removed however it ends.
e2e-pg: $(BUILD)/.tests-ok $(BINS) $(HELPER_BINS) $(BUILD)/unit/test_db
	IPP_BIN=$(abspath $(BUILD))/bin IPP_HELPERS=$(abspath $(BUILD))/helpers \
		sh tests/pg.sh sh -c '$(BUILD)/unit/test_db && \
		IPP_TEST_STORE=postgresql prove -j2 tests/e2e/*.t'

sanitize:
	$(MAKE) BUILD=$(SAN_BUILD) CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		IPP_SANITIZED=1 test

lint:
	mandoc -Tlint -Wwarning $(MAN)

docs-test: $(BINS)
	IPP_BIN=$(abspath $(BUILD))/bin sh tests/docs-test.sh

# The first build on a machine without the packages (tests/build-test.sh).
build-test:
	sh tests/build-test.sh

demo: deps all
	IPP_BIN=$(abspath $(BUILD))/bin sh tests/demo.sh

bench: deps all $(BUILD)/.tests-ok $(HELPER_BINS)
	IPP_BIN=$(abspath $(BUILD))/bin IPP_HELPERS=$(abspath $(BUILD))/helpers \
		sh tests/bench/run.sh

install: $(BINS)
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	cp $(BINS) $(DESTDIR)$(PREFIX)/bin/
	for m in $(MAN); do \
		s=$${m##*.}; cp $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

clean:
	rm -rf $(BUILD) $(SAN_BUILD)

# The fuzz targets under libFuzzer (issues 4 and 12): the URL parser,
# the TSV reader and writer, the CSV import reader and the business-day
# calendar, each built with clang, ASan and UBSan; `make fuzz` runs each
# for FUZZ_SECONDS on a copy of its seed corpus tests/fuzz/corpus/NAME
# (what it finds stays in $(BUILD)/fuzz; crashes as NAME-crash-* files
# there), through tests/torture/fuzz.sh.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = url tsv csv calendar
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_URL_SRC = lib/url.c lib/curl_dl.c lib/err.c
FUZZ_BINS = $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_TARGETS))

fuzz: $(FUZZ_BINS)
	sh tests/torture/fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(BUILD)/fuzz/fuzz_url: tests/fuzz/fuzz_url.c $(FUZZ_URL_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE $(WARN) $(FUZZ_FLAGS) -Ilib \
		$(PKG_CFLAGS) -o $@ tests/fuzz/fuzz_url.c $(FUZZ_URL_SRC) -ldl

# The other targets link the whole library (the calendar reads settings).
FUZZ_GEN = $(BUILD)/gen/reasons_tsv.c $(BUILD)/gen/declaration_txt.c
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(LIB_HDR) $(FUZZ_GEN)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE $(WARN) $(FUZZ_FLAGS) -Ilib \
		$(PKG_CFLAGS) -o $@ $< $(LIB_SRC) $(FUZZ_GEN) $(LDLIBS_ALL)

# The seed corpora through the fuzz targets' entry points, without clang:
# part of `test`, so make check runs them plain and under sanitize.
FUZZ_REPLAYS = $(addprefix $(BUILD)/helpers/fuzzreplay_,$(FUZZ_TARGETS))
fuzz-replay: $(FUZZ_REPLAYS)
	for t in $(FUZZ_TARGETS); do \
		$(BUILD)/helpers/fuzzreplay_$$t tests/fuzz/corpus/$$t || exit 1; \
	done

$(BUILD)/helpers/fuzzreplay_url: tests/fuzz/fuzz_url.c tests/helpers/fuzzreplay.h
$(BUILD)/helpers/fuzzreplay_tsv: tests/fuzz/fuzz_tsv.c tests/helpers/fuzzreplay.h
$(BUILD)/helpers/fuzzreplay_csv: tests/fuzz/fuzz_csv.c tests/helpers/fuzzreplay.h
$(BUILD)/helpers/fuzzreplay_calendar: tests/fuzz/fuzz_calendar.c \
    tests/helpers/fuzzreplay.h

# make torture (issue 12): crash, I/O-fault, out-of-memory, race,
# isolation and file items through tests/torture/run.sh, one table of
# figures.  TORTURE_SIZE=full (make torture) runs each at full size, with
# the fuzz targets for TORTURE_FUZZ_SECONDS each and the out-of-memory
# item in the sanitize build (LeakSanitizer); make check runs
# torture-check: every item small, the out-of-memory one in the sanitize
# build that `make sanitize` left.
TORTURE_FUZZ_SECONDS ?= 600
torture: deps all $(BUILD)/.tests-ok $(HELPER_BINS) $(SHIMS) $(FUZZ_BINS)
	$(MAKE) BUILD=$(SAN_BUILD) CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" all
	IPP_BIN=$(abspath $(BUILD))/bin IPP_HELPERS=$(abspath $(BUILD))/helpers \
		IPP_SAN_BIN=$(abspath $(SAN_BUILD))/bin \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		TORTURE_SIZE=full FUZZ_DIR=$(abspath $(BUILD))/fuzz \
		FUZZ_SECONDS=$(TORTURE_FUZZ_SECONDS) \
		sh tests/torture/run.sh

torture-check: $(BUILD)/.tests-ok $(BINS) $(HELPER_BINS) $(SHIMS)
	IPP_BIN=$(abspath $(BUILD))/bin IPP_HELPERS=$(abspath $(BUILD))/helpers \
		IPP_SAN_BIN=$(abspath $(SAN_BUILD))/bin \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		TORTURE_SIZE=small sh tests/torture/run.sh
