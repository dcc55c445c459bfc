// What happens on std::terminate (an exception nobody caught, or
// std::bad_alloc escaping a noexcept function).
//
// libstdc++'s own default handler prints the exception's demangled type,
// which links the whole C++ demangler (about 37 KiB of code) into each
// program.  Text is resident for as long as pmtr runs, in the monitor and
// in the parser, so terminate_handler.cpp defines that handler itself:
// linking it (any call below pulls it in) keeps libstdc++'s out.
#pragma once

namespace pmtr {

// "PROGRAM: fatal: unhandled exception or out of memory" on stderr, then
// abort() (a core dump for the monitor's post-mortem).
[[noreturn]] void terminate_with_abort() noexcept;

// The same line, then _exit(70): for the sandboxed parser, whose seccomp
// filter refuses the signal calls abort() makes.
[[noreturn]] void terminate_with_exit() noexcept;

}  // namespace pmtr
