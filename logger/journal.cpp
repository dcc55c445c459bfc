#include "logger/journal.hpp"

#include <sys/mman.h>

#include <atomic>

namespace pmtr {
namespace {

// Word 0: magic and phase; 1: slot; 2, 3: Writing's figures; 4, 5:
// Consuming's.  A phase's figures are stored before the phase word that
// makes them count, and signal fences keep the compiler from moving the
// stores across each other or the system call that follows: a process
// killed between two instructions leaves the page as its last completed
// store left it (a single thread's stores reach the shared page in program
// order).
constexpr uint64_t kMagic = 0x504d54524c4f4700ull;   // "\0GOLRTMP", phase in the low byte

}  // namespace

Journal::~Journal() {
  if (page_ != nullptr) ::munmap(const_cast<uint64_t*>(page_), kJournalBytes);
}

Status Journal::map(int fd) {
  void* p = ::mmap(nullptr, kJournalBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return Error::from_errno("mmap journal");
  page_ = static_cast<volatile uint64_t*>(p);
  return {};
}

JournalEntry Journal::read() const noexcept {
  JournalEntry e;
  if (page_ == nullptr) return e;
  const uint64_t head = page_[0];
  if ((head & ~0xffull) != kMagic) return e;
  const auto phase = static_cast<uint32_t>(head & 0xff);
  if (phase != 1 && phase != 2) return e;
  e.phase = static_cast<JournalPhase>(phase);
  e.slot = static_cast<uint32_t>(page_[1]);
  e.inode = page_[2];
  e.size_before = page_[3];
  e.consume = page_[4];
  e.counter_base = page_[5];
  return e;
}

bool Journal::mid_line(uint32_t slot) const noexcept {
  if (page_ == nullptr || slot >= kMidLineSlots) return false;
  const volatile auto* bits = reinterpret_cast<const volatile uint8_t*>(page_) + 64;
  return (bits[slot / 8] >> (slot % 8)) & 1;
}

void Journal::set_mid_line(uint32_t slot, bool cut) noexcept {
  if (page_ == nullptr || slot >= kMidLineSlots || mid_line(slot) == cut) return;
  volatile auto* bits = reinterpret_cast<volatile uint8_t*>(page_) + 64;
  const auto mask = static_cast<uint8_t>(1u << (slot % 8));
  bits[slot / 8] = static_cast<uint8_t>(cut ? bits[slot / 8] | mask : bits[slot / 8] & ~mask);
}

void Journal::writing(uint32_t slot, uint64_t inode, uint64_t size_before) noexcept {
  // From Idle: the figures first, then the phase that makes them count.
  page_[1] = slot;
  page_[2] = inode;
  page_[3] = size_before;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  page_[0] = kMagic | static_cast<uint32_t>(JournalPhase::Writing);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void Journal::consuming(uint32_t slot, uint64_t consume, uint64_t counter_base) noexcept {
  // From Writing (same slot) straight to Consuming, never through Idle:
  // between the two the file has the batch and the pipe still has it too.
  // The Consuming figures have words of their own, so a kill between
  // these stores leaves a valid Writing entry.
  page_[1] = slot;
  page_[4] = consume;
  page_[5] = counter_base;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  page_[0] = kMagic | static_cast<uint32_t>(JournalPhase::Consuming);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void Journal::idle() noexcept {
  page_[0] = kMagic;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

}  // namespace pmtr
