# pmtr — GNU Makefile.  Out-of-tree build: objects and programs land in
# build/ (build-san/ with SANITIZE=1, so the two never mix objects).
#
#   make            build/pmtr, build/pmtr-parser, build/pmtrctl
#   make run        pmtr in the foreground on examples/pmtr.conf
#   make test       every suite; last line "N passed, M failed[, K skipped]"
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60)
#   make bench      benchmarks (see docs/benchmarks.md)
#   make install    PREFIX=/usr/local DESTDIR= INIT=auto|systemd|sysv|openrc|none

SHELL := /bin/bash
.DEFAULT_GOAL := all
# Every core compiles: `make test` on a clean clone builds two trees (plain
# and, in CI, sanitized) plus the fuzz targets, which dominates CI time.
# An explicit -j on the command line wins.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
# Quiet by default; `make V=1` shows every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build
SAN_FLAGS :=
endif

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR    ?=
INIT       ?= auto

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CXX      ?= g++
CXXSTD   := -std=c++20
WARN     := -Wall -Wextra -Werror -Wswitch-enum -Wshadow -Wformat=2 -Wnon-virtual-dtor
# Sections per function and --gc-sections: only the code we call stays in
# the binaries (each process's private text is part of its memory cost).
OPT      ?= $(DEBUG) -ffunction-sections -fdata-sections
FORTIFY  := -D_FORTIFY_SOURCE=2
# -O2 where time is spent (the parser's lexing, parsing, validation and the
# wire codec: `pmtr -t` and reloads), -Os for the monitor's and spawner's
# own code, which mostly waits in system calls: its text is resident in the
# root process for as long as pmtr runs (about 100 KiB less than -O2).
# pmtrctl (control/) is -O2: it lives for one command, and `status` has
# time targets (1,000 jobs in 10 ms, 100,000 in 0.5 s, whole command).
# Sanitized builds are for finding bugs, not for speed or size: -O1 (what
# the sanitizers' documentation suggests) everywhere compiles faster, and
# line tables (-g1) are all a sanitizer report needs (functions, files,
# lines); full debug info of instrumented code costs a fifth more time.
#
# The tests' own code (tests/) is compiled for compile time, the part of
# `make test` that dominates: -O1 in the plain tree (-O2 costs a fifth
# more and buys nothing for code that mostly waits), -O0 in the sanitized
# tree (some 40 % less than -O1 once instrumented, and still instrumented),
# where the bench programs serve only the bench smoke test and get the
# same.  _FORTIFY_SOURCE needs optimisation; there AddressSanitizer checks
# the same calls.  The code under test is in the part libraries, compiled
# as above.
ifeq ($(SANITIZE),1)
OPT_LEVEL ?= -O1
DEBUG     ?= -g1
$(BUILD)/obj/tests/%.o $(BUILD)/obj/bench/%.o: OPT_LEVEL := -O0
$(BUILD)/obj/tests/%.o $(BUILD)/obj/bench/%.o: FORTIFY :=
else
OPT_LEVEL ?= -O2
# Line tables (-g1): a backtrace or a core shows functions, files and
# lines; full debug info (`make DEBUG=-g`, for a debugger's view of
# variables) costs a fifth more compile time, and compiling dominates
# `make test` and CI.  The Debian package asks for -g (debian/rules).
DEBUG     ?= -g1
$(BUILD)/obj/tests/%.o: OPT_LEVEL := -O1
$(BUILD)/obj/monitor/%.o $(BUILD)/obj/spawner/%.o: OPT_LEVEL := -Os
# Except the transaction validator: it runs on every reload, and its hash
# sets would call libm's ceil() under -Os (-O2 inlines it), linking the
# shared libm (some 400 KiB mapped) into the monitor for one function.
$(BUILD)/obj/monitor/transaction.o: OPT_LEVEL := -O2
# The parser's rarely run parts: the lifecycle, confinement, capture and
# access options and the global statements (a few lines in a config, if
# any), their value syntax, and the hints (error paths only).  Their text
# stays resident in the parser for as long as pmtr runs.
$(BUILD)/obj/parser/policy_options.o $(BUILD)/obj/parser/signals.o $(BUILD)/obj/parser/durations.o \
  $(BUILD)/obj/parser/did_you_mean.o $(BUILD)/obj/parser/confine_options.o $(BUILD)/obj/parser/name_lists.o \
  $(BUILD)/obj/parser/global_statements.o $(BUILD)/obj/parser/capabilities.o $(BUILD)/obj/parser/sizes.o \
  $(BUILD)/obj/parser/option_hint.o: OPT_LEVEL := -Os
endif
CPPFLAGS += -I. -MMD -MP -DPMTR_VERSION='"$(VERSION)"' \
            -DPMTR_LIBEXECDIR='"$(LIBEXECDIR)/pmtr"' -D_GNU_SOURCE
CXXFLAGS += $(CXXSTD) $(WARN) $(OPT_LEVEL) $(OPT) $(SAN_FLAGS) -fstack-protector-strong \
            $(FORTIFY) -fPIE
# libstdc++ linked statically: the monitor and the parser then map only the
# parts they use (memory targets in docs/benchmarks.md); glibc stays shared
# so NSS (getpwnam, initgroups) keeps working.
LDFLAGS  += $(SAN_FLAGS) -pie -Wl,-z,relro,-z,now -Wl,--as-needed -Wl,--gc-sections \
            -static-libstdc++ -static-libgcc
LDLIBS_SANDBOX := -lseccomp -lcap-ng
# HMAC-SHA256 for signed datagrams (common/datagram_mac.cpp): pmtrctl and
# pmtr-net only, never the monitor or the parser.
LDLIBS_SODIUM  := -lsodium
LDLIBS_TEST    := -lCppUTest -lCppUTestExt

# Every .cpp in a part folder is library code, except *_main.cpp (program
# entry points).  New files need no Makefile edit.
PARTS := common parser spawner monitor control logger net
define part_objs
$(patsubst %.cpp,$(BUILD)/obj/%.o,$(filter-out %_main.cpp,$(wildcard $(1)/*.cpp)))
endef
$(foreach p,$(PARTS),$(eval OBJS_$(p) := $(call part_objs,$(p))))
$(foreach p,$(PARTS),$(eval LIB_$(p) := $(BUILD)/lib$(p).a))

# Link order: dependants before dependencies.
LIBS_ALL := $(LIB_monitor) $(LIB_control) $(LIB_spawner) $(LIB_parser) $(LIB_logger) $(LIB_net) $(LIB_common)

# One folder per process: each program links its own folder's library and
# common (pmtr also the spawner, which runs inside it), and nothing else, so
# a call into another process's code is a link error rather than something
# the archive linker happens to drop.  One line per program:
#   $(call program,NAME,ENTRY POINT,PART LIBRARIES,OTHER LIBRARIES)
# tests/e2e/program_symbols_test.cpp checks the built programs' symbols
# against its own copy of this table.
#
# The parser links libseccomp and libcap-ng statically: as shared objects
# their relocated pages are private to it and cost more than the few
# functions it calls.
STATIC_SANDBOX_LIBS := -Wl,-Bstatic $(LDLIBS_SANDBOX) -Wl,-Bdynamic
# pmtrctl maps only glibc (its start is part of `status`'s time), so
# libsodium goes in statically: the HMAC, its SHA-256 and randombytes.
STATIC_SODIUM := -Wl,-Bstatic $(LDLIBS_SODIUM) -Wl,-Bdynamic
define program
PROGRAMS += $(BUILD)/$(1)
$(BUILD)/$(1): $(patsubst %.cpp,$(BUILD)/obj/%.o,$(2)) $(foreach p,$(3),$(LIB_$(p)))
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CXX) $$(LDFLAGS) -o $$@ $$< $(foreach p,$(3),$(LIB_$(p))) $(4)
endef
PROGRAMS :=
$(eval $(call program,pmtr,monitor/pmtr_main.cpp,monitor spawner common,))
$(eval $(call program,pmtrctl,control/pmtrctl_main.cpp,control common,$(STATIC_SODIUM)))
$(eval $(call program,pmtr-parser,parser/parser_main.cpp,parser common,$(STATIC_SANDBOX_LIBS)))
# pmtr-log wholly static (static-pie: still position-independent, so still
# randomised): it looks up no user and loads no NSS module, and the pages
# of the shared libc it would map cost more than half of its resident
# memory (2 MiB with 1,000 captured jobs, 1.4 MiB static; target 2 MiB).
# The linker warns that libcap-ng's capng_change_id, which pmtr-log never
# calls, would need NSS.  Sanitizer runtimes need a dynamic program.
ifeq ($(SANITIZE),1)
$(eval $(call program,pmtr-log,logger/log_main.cpp,logger common,$(STATIC_SANDBOX_LIBS)))
else
$(eval $(call program,pmtr-log,logger/log_main.cpp,logger common,$(LDLIBS_SANDBOX)))
$(BUILD)/pmtr-log: LDFLAGS := $(filter-out -pie -static-libstdc++ -static-libgcc,$(LDFLAGS)) -static-pie
endif
# pmtr-net stays dynamic (glibc): it resolves `report to` names, which
# loads NSS modules.  libsodium (the HMAC of signed datagrams) static, as
# the parser's sandbox libraries: its pages would be private to it anyway.
$(eval $(call program,pmtr-net,net/net_main.cpp,net common,$(STATIC_SANDBOX_LIBS) $(STATIC_SODIUM)))

TEST_SUPPORT_OBJS := $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard tests/support/*.cpp))
TEST_SUITES := common parser spawner monitor control logger net e2e bench
# The suites' own test files.  Under SANITIZE=1 a test file that does not
# look at the sanitizers itself is compiled once, in the plain tree
# ($(PLAIN_BUILD), by a make of its own), and linked into the sanitized
# suite as it is: the sanitizers are there for the code under test, which
# is all instrumented (every part folder, the helpers, tests/support and
# tests/tools), while compiling some 150 test files a second time was a
# third of CI's time.  The files that ask whether they run sanitized (a
# skip, a limit, a slack) are compiled in the sanitized tree.
PLAIN_BUILD ?= build
SANITIZER_AWARE_TESTS := $(shell grep -lE 'PMTR_SANDBOX_ASAN|__SANITIZE_ADDRESS__|sanitizer|sandbox_asan|sandbox_private|kSanitizerExtraFds' \
  $(wildcard $(foreach s,$(TEST_SUITES),tests/$(s)/*.cpp)) /dev/null)
ifeq ($(SANITIZE),1)
test_obj = $(if $(filter $(1),$(SANITIZER_AWARE_TESTS)),$(BUILD),$(PLAIN_BUILD))/obj/$(1:.cpp=.o)
else
test_obj = $(BUILD)/obj/$(1:.cpp=.o)
endif
$(foreach s,$(TEST_SUITES),$(eval SUITE_OBJS_$(s) := $(foreach f,$(wildcard tests/$(s)/*.cpp),$(call test_obj,$(f)))))
ifeq ($(SANITIZE),1)
SHARED_TEST_OBJS := $(filter $(PLAIN_BUILD)/%,$(foreach s,$(TEST_SUITES),$(SUITE_OBJS_$(s))))
$(SHARED_TEST_OBJS): plain-test-objects ;
.PHONY: plain-test-objects
plain-test-objects:
	@$(MAKE) --no-print-directory SANITIZE= BUILD=$(PLAIN_BUILD) $(SHARED_TEST_OBJS)
endif
TEST_BINS := $(foreach s,$(TEST_SUITES),$(if $(wildcard tests/$(s)/*.cpp),$(BUILD)/tests/$(s)_tests))
BENCH_BINS := $(patsubst bench/%_main.cpp,$(BUILD)/bench/%,$(wildcard bench/*_main.cpp))
# The bench helpers, in an archive of their own: the bench programs and the
# bench test suite link the same objects (compiled once).
LIB_bench := $(BUILD)/libbench.a
OBJS_bench := $(patsubst %.cpp,$(BUILD)/obj/%.o,$(filter-out %_main.cpp,$(wildcard bench/*.cpp)))
# Libraries a suite links besides the part libraries.
SUITE_LIBS_bench := $(LIB_bench)

.PHONY: all run test suites test-build check-deps deps fuzz fuzz-build bench bench-peers install uninstall clean deb

all: $(PROGRAMS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

define part_lib_rule
$(LIB_$(1)): $(OBJS_$(1))
	@mkdir -p $$(@D)
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach p,$(PARTS),$(eval $(call part_lib_rule,$(p))))

$(LIB_bench): $(OBJS_bench)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

# One CppUTest binary per suite; each links every part library (the archive
# linker takes only what a suite uses).
define suite_rule
$(BUILD)/tests/$(1)_tests: $(SUITE_OBJS_$(1)) $(TEST_SUPPORT_OBJS) $(SUITE_LIBS_$(1)) $(LIBS_ALL)
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK    $$@")
	$(Q)$(CXX) $(LDFLAGS) -o $$@ $$(filter %.o,$$^) $(SUITE_LIBS_$(1)) $(LIBS_ALL) $(LDLIBS_SANDBOX) $(LDLIBS_SODIUM) $(LDLIBS_TEST)
endef
$(foreach s,$(TEST_SUITES),$(eval $(call suite_rule,$(s))))

# A substitute pmtr-parser for the end-to-end tests (tests/tools/fake_parser.cpp):
# what a parser taken over could send.  Never installed.
FAKE_PARSER := $(BUILD)/tests/fake-parser
$(FAKE_PARSER): $(BUILD)/obj/tests/tools/fake_parser.o $(LIB_common)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(LIB_common)
# The log capture tests' job (tests/tools/line_writer.cpp): numbered lines.
LINE_WRITER := $(BUILD)/tests/line-writer
$(LINE_WRITER): $(BUILD)/obj/tests/tools/line_writer.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $<
# A substitute pmtr-log (tests/tools/fake_log.cpp): what a pmtr-log taken
# over could send.  Never installed.
FAKE_LOG := $(BUILD)/tests/fake-log
$(FAKE_LOG): $(BUILD)/obj/tests/tools/fake_log.o $(LIB_common)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(LIB_common)
$(BUILD)/tests/e2e_tests: | $(FAKE_PARSER) $(FAKE_LOG) $(LINE_WRITER)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%_main.o $(OBJS_bench) $(LIBS_ALL)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_ALL) $(LDLIBS_SANDBOX)

# ---- dependencies: installed when root, otherwise the exact command -------
DEB_PACKAGES := g++ make libcap-ng-dev libseccomp-dev libsodium-dev libcpputest-dev clang libclang-rt-dev mandoc shellcheck
deps check-deps:
	@./tests/install_deps.sh $(DEB_PACKAGES)

# ---- run ---------------------------------------------------------------------
run: check-deps
	@$(MAKE) --no-print-directory all
	@if [ "$$(id -u)" = 0 ]; then chown root:root examples/pmtr.conf; fi
	@chmod 0644 examples/pmtr.conf
	./$(BUILD)/pmtr -F -v -c examples/pmtr.conf

# ---- tests -------------------------------------------------------------------
FUZZ_TARGETS := $(patsubst tests/fuzz/%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
FUZZ_BUILD := build-fuzz
FUZZ_CXX ?= clang++
# -O0: `make test` runs each target for a few seconds, and the fuzz tree is
# some 70 files compiled with clang's instrumentation on top of the two g++
# trees (-O1 costs two thirds more compile time).  For a long campaign,
# `make fuzz FUZZ_OPT=-O1` in a fresh build-fuzz runs about twice as fast.
FUZZ_OPT ?= -O0
FUZZ_FLAGS := $(CXXSTD) $(FUZZ_OPT) -g1 -I. -D_GNU_SOURCE -DPMTR_VERSION='"$(VERSION)"' \
              -DPMTR_LIBEXECDIR='"$(LIBEXECDIR)/pmtr"' -fsanitize=fuzzer,address,undefined
# Only the code the fuzz targets reach, compiled with coverage: common/,
# the parser (fuzz_config), the monitor's transaction check
# (fuzz_transaction) and its control request rights (fuzz_control).  A
# target that needs more adds it here; linked from an archive, each target
# takes only the objects it uses.
FUZZ_SRCS := $(filter-out %_main.cpp,$(wildcard common/*.cpp parser/*.cpp)) monitor/transaction.cpp logger/record_format.cpp \
             monitor/control_access.cpp spawner/user_lookup.cpp
FUZZ_OBJS := $(patsubst %.cpp,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_SRCS))
FUZZ_LIB := $(FUZZ_BUILD)/libfuzzed.a
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

$(FUZZ_BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCXX $<")
	$(Q)$(FUZZ_CXX) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/%: $(FUZZ_BUILD)/obj/tests/fuzz/%.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CXX) $(FUZZ_FLAGS) -o $@ $^ -lseccomp -lcap-ng $(FUZZ_LDLIBS_$*)
# The signed datagrams' MAC (common/datagram_mac.cpp).
FUZZ_LDLIBS_fuzz_datagram := $(LDLIBS_SODIUM)

fuzz-build: $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))

# What `make test` runs, built in one make so that every core stays busy
# to the end: the programs, the suites, the bench programs (the bench
# smoke test) and, with clang, the fuzz targets.  `suites` is the same
# without the fuzz targets, which do not depend on SANITIZE: .ci/run builds
# the sanitized suites that way while the plain tree builds and tests.
HAVE_FUZZ_CXX := $(shell command -v $(firstword $(FUZZ_CXX)) 2>/dev/null)
suites: all $(TEST_BINS) $(FAKE_PARSER) $(FAKE_LOG) $(LINE_WRITER) $(BENCH_BINS)
test-build: suites $(if $(HAVE_FUZZ_CXX),fuzz-build)

test: check-deps
	@$(MAKE) --no-print-directory test-build
	@BUILD=$(BUILD) FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) SANITIZE=$(SANITIZE) \
	  ./tests/run_all.sh

fuzz: check-deps fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  ./$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	     $(FUZZ_BUILD)/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

bench: check-deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	BUILD=$(BUILD) ./bench/run.sh

bench-peers: check-deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	BUILD=$(BUILD) PEERS=1 ./bench/run.sh

# ---- Debian package -----------------------------------------------------------
# dpkg-buildpackage writes its results to ..; they are moved to $(DEB_OUT).
DEB_OUT ?= build-deb
DEB_BUILD_DEPS := debhelper dpkg-dev fakeroot libcap-ng-dev libseccomp-dev libsodium-dev libcpputest-dev g++ lintian
deb:
	@./tests/install_deps.sh $(DEB_BUILD_DEPS)
	dpkg-buildpackage -us -uc -b -Jauto --post-clean
	@mkdir -p $(DEB_OUT)
	@for f in ../pmtr_$(VERSION)_*.deb ../pmtr-dbgsym_$(VERSION)_*.deb \
	          ../pmtr_$(VERSION)_*.buildinfo ../pmtr_$(VERSION)_*.changes; do \
	  [ ! -e "$$f" ] || mv -f "$$f" $(DEB_OUT)/; done
	lintian --fail-on error $(DEB_OUT)/pmtr_$(VERSION)_$$(dpkg --print-architecture).changes
	@ls -1 $(DEB_OUT)/pmtr_$(VERSION)_*.deb

# Objects that embed LIBEXECDIR are rebuilt when it changes (make; make
# install PREFIX=/usr must not install a pmtr looking under /usr/local).
LIBEXEC_STAMP := $(BUILD)/libexecdir.stamp
$(LIBEXEC_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(LIBEXECDIR)' | cmp -s - $@ || echo '$(LIBEXECDIR)' >$@
$(BUILD)/obj/monitor/parser_link.o: $(LIBEXEC_STAMP)
.PHONY: FORCE
FORCE:

# ---- install -----------------------------------------------------------------
install: all
	PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) BINDIR=$(BINDIR) LIBEXECDIR=$(LIBEXECDIR) \
	  MANDIR=$(MANDIR) SYSCONFDIR=$(SYSCONFDIR) DESTDIR=$(DESTDIR) INIT=$(INIT) BUILD=$(BUILD) \
	  ./init/install.sh install

uninstall:
	PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) BINDIR=$(BINDIR) LIBEXECDIR=$(LIBEXECDIR) \
	  MANDIR=$(MANDIR) SYSCONFDIR=$(SYSCONFDIR) DESTDIR=$(DESTDIR) INIT=$(INIT) BUILD=$(BUILD) \
	  ./init/install.sh uninstall

clean:
	rm -rf build build-san build-fuzz

# Keep every object (bench and fuzz objects are otherwise intermediate).
.SECONDARY:

-include $(shell find $(BUILD)/obj $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
