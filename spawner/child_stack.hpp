// The stack a vforked child runs on (spawn.cpp).  With CLONE_VM the child
// shares pmtr's memory, so it cannot use pmtr's stack: the parent's frames
// live there.  One stack serves every spawn, because CLONE_VFORK suspends
// the monitor until the child has exec'd or exited, and the monitor is
// single-threaded.  Mapped once, on first use, with a guard page below it,
// so an overflow faults instead of writing over pmtr's memory; the pages
// the child never touches cost no memory.
#pragma once

#include <cstddef>

namespace pmtr {

class ChildStack {
 public:
  static constexpr size_t kBytes = 256 * 1024;   // room for sanitizer frames too

  ChildStack() = default;
  ~ChildStack();
  ChildStack(const ChildStack&) = delete;
  ChildStack& operator=(const ChildStack&) = delete;

  // The highest address of the usable stack (x86 and arm stacks grow
  // down), 16-byte aligned; nullptr if the mapping failed (errno set).
  [[nodiscard]] void* top() noexcept;

 private:
  void* base_ = nullptr;   // guard page, then kBytes of stack
};

}  // namespace pmtr
