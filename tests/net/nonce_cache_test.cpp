// The nonce cache of signed datagrams (net/nonce_cache.hpp): a replay
// within 60 s is refused, also by a new pmtr-net mapping the same memfd;
// a full table refuses rather than forgets.
#include <sys/mman.h>
#include <unistd.h>

#include "common/net_fds.hpp"
#include "common/unique_fd.hpp"
#include "net/nonce_cache.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using pmtr::Nonce;
using pmtr::NonceCache;
using pmtr::NonceCheck;

namespace {

Nonce nonce_of(uint32_t n) {
  Nonce out{};
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
  out[15] = 0x5a;
  return out;
}

pmtr::unique_fd table_memfd() {
  pmtr::unique_fd fd(::memfd_create("nonces", MFD_CLOEXEC));
  if (::ftruncate(fd.get(), static_cast<off_t>(pmtr::kNonceTableBytes)) != 0) return {};
  return fd;
}

}  // namespace

TEST_GROUP(NonceCache) {};

TEST(NonceCache, ASecondUseWithinAMinuteIsAReplayAndAfterItFresh) {
  auto fd = table_memfd();
  NonceCache c;
  CHECK(c.map(fd.get()).ok());
  CHECK(NonceCheck::Fresh == c.check_and_add(nonce_of(1), 1000));
  CHECK(NonceCheck::Fresh == c.check_and_add(nonce_of(2), 1000));
  CHECK(NonceCheck::Replayed == c.check_and_add(nonce_of(1), 1059));
  CHECK(NonceCheck::Fresh == c.check_and_add(nonce_of(1), 1060));
}

TEST(NonceCache, ANewMappingOfTheSameMemfdRemembers) {
  auto fd = table_memfd();
  {
    NonceCache first;
    CHECK(first.map(fd.get()).ok());
    CHECK(NonceCheck::Fresh == first.check_and_add(nonce_of(7), 500));
  }
  NonceCache second;
  CHECK(second.map(fd.get()).ok());
  CHECK(NonceCheck::Replayed == second.check_and_add(nonce_of(7), 501));
}

TEST(NonceCache, AFullTableRefusesUntilEntriesExpire) {
  auto fd = table_memfd();
  NonceCache c;
  CHECK(c.map(fd.get()).ok());
  for (uint32_t i = 0; i < pmtr::kNonceSlots; ++i) CHECK(NonceCheck::Fresh == c.check_and_add(nonce_of(i + 10), 100));
  CHECK(NonceCheck::Full == c.check_and_add(nonce_of(1), 100));
  CHECK(NonceCheck::Fresh == c.check_and_add(nonce_of(1), 160));
}

TEST(NonceCache, AMemfdOfTheWrongSizeIsRefused) {
  pmtr::unique_fd fd(::memfd_create("nonces", MFD_CLOEXEC));
  CHECK_EQUAL(0, ::ftruncate(fd.get(), 4096));
  NonceCache c;
  CHECK_FALSE(c.map(fd.get()).ok());
}
