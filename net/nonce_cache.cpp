#include "net/nonce_cache.hpp"

#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace pmtr {
namespace {
constexpr uint64_t kMagic = 0x31656e6f6e2d6e70ull;   // "pn-none1": layout version 1
}

NonceCache::~NonceCache() {
  if (table_ != nullptr) ::munmap(table_, sizeof(NonceTable));
}

Status NonceCache::map(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error{errno, "nonce cache: fstat"};
  if (static_cast<size_t>(st.st_size) != sizeof(NonceTable)) return Error{0, "nonce cache: wrong size"};
  void* p = ::mmap(nullptr, sizeof(NonceTable), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return Error{errno, "nonce cache: mmap"};
  table_ = static_cast<NonceTable*>(p);
  if (table_->magic != kMagic) {
    std::memset(static_cast<void*>(table_), 0, sizeof(NonceTable));
    table_->magic = kMagic;
  }
  return {};
}

NonceCheck NonceCache::check_and_add(const Nonce& n, int64_t now) noexcept {
  NonceSlot* free_slot = nullptr;
  for (auto& s : table_->slots) {
    if (s.expires <= now) {
      if (free_slot == nullptr) free_slot = &s;
      continue;
    }
    if (s.nonce == n) return NonceCheck::Replayed;
  }
  if (free_slot == nullptr) return NonceCheck::Full;
  free_slot->nonce = n;
  free_slot->expires = now + kNonceMemorySeconds;
  return NonceCheck::Fresh;
}

}  // namespace pmtr
