#include "common/terminate_handler.hpp"

#include <errno.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>

namespace pmtr {
namespace {

void say_fatal() noexcept {
  // program_invocation_short_name: no allocation, no formatting.
  const char* who = program_invocation_short_name;
  static const char tail[] = ": fatal: unhandled exception or out of memory\n";
  ssize_t ignored = ::write(2, who, std::strlen(who));
  ignored = ::write(2, tail, sizeof tail - 1);
  (void)ignored;
}

}  // namespace

void terminate_with_abort() noexcept {
  say_fatal();
  std::abort();
}

void terminate_with_exit() noexcept {
  say_fatal();
  ::_exit(70);
}

}  // namespace pmtr

// Takes the place of libstdc++'s handler of this name (the header says
// why); it stays the default handler of any program that links this file.
void __gnu_cxx::__verbose_terminate_handler() { pmtr::terminate_with_abort(); }
