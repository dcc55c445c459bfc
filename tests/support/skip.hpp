// A test that cannot run here (not root, no clang, ...) prints one line
// "SKIPPED: group.test: reason" and returns; tests/run_all.sh counts those
// lines as skipped instead of passed.
#pragma once

#include <CppUTest/TestHarness.h>
#include <unistd.h>

#include <cstdio>

#define PMTR_SKIP(reason)                                                               \
  do {                                                                                  \
    std::printf("\nSKIPPED: %s.%s: %s\n", UtestShell::getCurrent()->getGroup().asCharString(), \
                UtestShell::getCurrent()->getName().asCharString(), reason);            \
    std::fflush(stdout);                                                                \
    return;                                                                             \
  } while (0)

#define PMTR_REQUIRE_ROOT() \
  do {                      \
    if (geteuid() != 0) PMTR_SKIP("needs root"); \
  } while (0)
