#include "spawner/child_stack.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace pmtr {
namespace {

size_t page_size() noexcept {
  const long p = ::sysconf(_SC_PAGESIZE);
  return p > 0 ? static_cast<size_t>(p) : 4096;
}

}  // namespace

ChildStack::~ChildStack() {
  if (base_ != nullptr) ::munmap(base_, page_size() + kBytes);
}

void* ChildStack::top() noexcept {
  if (base_ == nullptr) {
    const size_t guard = page_size();
    void* m = ::mmap(nullptr, guard + kBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    if (::mprotect(m, guard, PROT_NONE) < 0) {
      ::munmap(m, guard + kBytes);
      return nullptr;
    }
    base_ = m;
  }
  return static_cast<unsigned char*>(base_) + page_size() + kBytes;
}

}  // namespace pmtr
