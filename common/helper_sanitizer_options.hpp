// Sanitizer defaults for pmtr's sandboxed helpers (pmtr-parser, pmtr-log),
// SANITIZE=1 builds only.
//
// Include this header from each helper's main (parser/parser_main.cpp,
// logger/log_main.cpp) and from no other file:
// it defines (not declares) two functions the sanitizer runtimes look up at
// startup, so exactly one translation unit of the program may include it,
// and test binaries must not (they keep leak detection on).
//
// Why: LeakSanitizer's exit-time check stops the world with clone and
// ptrace and reads /proc, none of which the parser's seccomp filter allows,
// so with it on every clean exit of a helper would end in SIGSYS.  Leak
// checking of the helpers' code is done by the unit tests and the fuzz
// targets, which run it unsandboxed.  The rest of ASan and UBSan stays on.
#pragma once

#include "common/sandbox_asan.hpp"

#if PMTR_SANDBOX_ASAN
// Not inline: an inline function nobody calls is never emitted, and the
// runtime finds these by symbol name.
extern "C" __attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "detect_leaks=0";
}
extern "C" __attribute__((used, visibility("default"))) const char* __lsan_default_options() {
  return "detect_leaks=0";
}
#endif
