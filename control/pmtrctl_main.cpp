// pmtrctl [-s SOCKET] COMMAND [ARG...]: pmtr's control client (pmtrctl(8)).
#include <cstdio>
#include <exception>
#include <new>

#include "common/terminate_handler.hpp"
#include "control/pmtrctl.hpp"

int main(int argc, char** argv) {
  std::set_terminate(pmtr::terminate_with_abort);
  try {
    return pmtr::ctl::run_pmtrctl({argv + 1, argc > 0 ? static_cast<size_t>(argc - 1) : 0}, pmtr::ctl::Io{});
  } catch (const std::bad_alloc&) {
    std::fputs("pmtrctl: out of memory\n", stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pmtrctl: %s\n", e.what());
  }
  return 1;
}
