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
OPT      ?= -g -ffunction-sections -fdata-sections
# -O2 where time is spent (the parser's lexing, parsing, validation and the
# wire codec: `pmtr -t` and reloads), -Os for the monitor's and spawner's
# own code, which mostly waits in system calls: its text is resident in the
# root process for as long as pmtr runs (about 100 KiB less than -O2).
# pmtrctl (control/) is -O2: it lives for one command, and `status` has
# time targets (1,000 jobs in 10 ms, 100,000 in 0.5 s, whole command).
# Sanitized builds are for finding bugs, not for speed or size: -O1 (what
# the sanitizers' documentation suggests) everywhere compiles faster.
ifeq ($(SANITIZE),1)
OPT_LEVEL ?= -O1
else
OPT_LEVEL ?= -O2
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
            -D_FORTIFY_SOURCE=2 -fPIE
# libstdc++ linked statically: the monitor and the parser then map only the
# parts they use (memory targets in docs/benchmarks.md); glibc stays shared
# so NSS (getpwnam, initgroups) keeps working.
LDFLAGS  += $(SAN_FLAGS) -pie -Wl,-z,relro,-z,now -Wl,--as-needed -Wl,--gc-sections \
            -static-libstdc++ -static-libgcc
LDLIBS_SANDBOX := -lseccomp -lcap-ng
LDLIBS_TEST    := -lCppUTest -lCppUTestExt

# Every .cpp in a part folder is library code, except *_main.cpp (program
# entry points).  New files need no Makefile edit.
PARTS := common parser spawner monitor control
define part_objs
$(patsubst %.cpp,$(BUILD)/obj/%.o,$(filter-out %_main.cpp,$(wildcard $(1)/*.cpp)))
endef
$(foreach p,$(PARTS),$(eval OBJS_$(p) := $(call part_objs,$(p))))
$(foreach p,$(PARTS),$(eval LIB_$(p) := $(BUILD)/lib$(p).a))

# Link order: dependants before dependencies.
LIBS_ALL := $(LIB_monitor) $(LIB_control) $(LIB_spawner) $(LIB_parser) $(LIB_common)

PROGRAMS := $(BUILD)/pmtr $(BUILD)/pmtr-parser $(BUILD)/pmtrctl

TEST_SUPPORT_OBJS := $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard tests/support/*.cpp))
TEST_SUITES := common parser spawner monitor control e2e bench
TEST_BINS := $(foreach s,$(TEST_SUITES),$(if $(wildcard tests/$(s)/*.cpp),$(BUILD)/tests/$(s)_tests))
BENCH_BINS := $(patsubst bench/%_main.cpp,$(BUILD)/bench/%,$(wildcard bench/*_main.cpp))

.PHONY: all run test check-deps deps fuzz fuzz-build bench bench-peers install uninstall clean deb

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

$(BUILD)/pmtr: $(BUILD)/obj/monitor/pmtr_main.o $(LIBS_ALL)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(LIBS_ALL) $(LDLIBS_SANDBOX)

# The parser links libseccomp and libcap-ng statically: as shared objects
# their relocated pages are private to it and cost more than the few
# functions it calls.
$(BUILD)/pmtr-parser: $(BUILD)/obj/parser/parser_main.o $(LIB_parser) $(LIB_common)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(LIB_parser) $(LIB_common) -Wl,-Bstatic $(LDLIBS_SANDBOX) -Wl,-Bdynamic

# The control client runs as any user and reads no config: its own folder
# and common, no sandbox libraries.
$(BUILD)/pmtrctl: $(BUILD)/obj/control/pmtrctl_main.o $(LIB_control) $(LIB_common)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(LIB_control) $(LIB_common)

# One CppUTest binary per suite; each links every part library (the archive
# linker takes only what a suite uses).
define suite_rule
$(BUILD)/tests/$(1)_tests: $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard tests/$(1)/*.cpp)) $(TEST_SUPPORT_OBJS) $(LIBS_ALL)
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LINK    $$@")
	$(Q)$(CXX) $(LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIBS_ALL) $(LDLIBS_SANDBOX) $(LDLIBS_TEST)
endef
$(foreach s,$(TEST_SUITES),$(eval $(call suite_rule,$(s))))

# A substitute pmtr-parser for the end-to-end tests (tests/tools/fake_parser.cpp):
# what a parser taken over could send.  Never installed.
FAKE_PARSER := $(BUILD)/tests/fake-parser
$(FAKE_PARSER): $(BUILD)/obj/tests/tools/fake_parser.o $(LIB_common)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $< $(LIB_common)
$(BUILD)/tests/e2e_tests: | $(FAKE_PARSER)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%_main.o $(patsubst %.cpp,$(BUILD)/obj/%.o,$(filter-out %_main.cpp,$(wildcard bench/*.cpp))) $(LIBS_ALL)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_ALL) $(LDLIBS_SANDBOX)

# ---- dependencies: installed when root, otherwise the exact command -------
DEB_PACKAGES := g++ make libcap-ng-dev libseccomp-dev libcpputest-dev clang libclang-rt-dev mandoc shellcheck
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
FUZZ_FLAGS := $(CXXSTD) -O1 -g -I. -D_GNU_SOURCE -DPMTR_VERSION='"$(VERSION)"' \
              -DPMTR_LIBEXECDIR='"$(LIBEXECDIR)/pmtr"' -fsanitize=fuzzer,address,undefined
FUZZ_SRCS := $(filter-out %_main.cpp,$(wildcard common/*.cpp parser/*.cpp monitor/*.cpp spawner/*.cpp))
FUZZ_OBJS := $(patsubst %.cpp,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

$(FUZZ_BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCXX $<")
	$(Q)$(FUZZ_CXX) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/%: $(FUZZ_BUILD)/obj/tests/fuzz/%.o $(FUZZ_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CXX) $(FUZZ_FLAGS) -o $@ $^ -lseccomp -lcap-ng

fuzz-build: $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))

test: check-deps
	@$(MAKE) --no-print-directory all $(TEST_BINS) $(FAKE_PARSER) $(BENCH_BINS)
	@if command -v $(FUZZ_CXX) >/dev/null; then $(MAKE) --no-print-directory fuzz-build; fi
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
DEB_BUILD_DEPS := debhelper dpkg-dev fakeroot libcap-ng-dev libseccomp-dev libcpputest-dev g++ lintian
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
