// libFuzzer target: the monitor's receiving side of a config transaction.
// The input is a sequence of records, each a 2-byte little-endian length
// then that many bytes (cut short at the end of the input).  Every record
// goes through decode_message; the decodable ones are fed to a
// TransactionAssembler that expects generation 1 against a fixed current
// table.  Whatever the bytes, nothing may crash, and a Complete transaction
// must satisfy every rule the monitor relies on when it applies it.
//
// Seed corpus: tests/fuzz/corpus/fuzz_transaction/, valid transactions
// encoded this way.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/job_check.hpp"
#include "common/messages.hpp"
#include "monitor/transaction.hpp"

namespace {

using pmtr::TransactionAssembler;
using Outcome = TransactionAssembler::Outcome;

constexpr uint32_t kGeneration = 1;
const std::set<std::string, std::less<>> kCurrent = {"alpha", "beta", "gamma"};

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz_transaction: invariant broken: %s\n", what);
  std::abort();
}

#define REQUIRE(cond) \
  do {                \
    if (!(cond)) broken(#cond); \
  } while (0)

bool current_has(std::string_view n) { return kCurrent.find(n) != kCurrent.end(); }

void check_complete(const pmtr::Transaction& t) {
  REQUIRE(t.generation == kGeneration);
  REQUIRE(t.kept.size() + t.added.size() + t.changed.size() == t.job_count);
  REQUIRE(pmtr::check_globals(t.globals).ok());

  // Indexes: a permutation of [0, job_count).
  std::vector<bool> seen(t.job_count, false);
  auto take = [&](uint32_t i) {
    REQUIRE(i < t.job_count);
    REQUIRE(!seen[i]);
    seen[i] = true;
  };
  for (const auto& k : t.kept) take(k.index);
  for (const auto& ij : t.added) take(ij.index);
  for (const auto& ij : t.changed) take(ij.index);

  // Names: unique across everything; kept, changed and removed exist,
  // added do not; every current job accounted for exactly once.
  std::set<std::string, std::less<>> names;
  size_t accounted = 0;
  for (const auto& k : t.kept) {
    REQUIRE(pmtr::valid_job_name(k.name));
    REQUIRE(names.insert(k.name).second);
    REQUIRE(current_has(k.name));
    ++accounted;
  }
  for (const auto& ij : t.changed) {
    REQUIRE(pmtr::check_job(ij.job).ok());
    REQUIRE(names.insert(ij.job.name).second);
    REQUIRE(current_has(ij.job.name));
    ++accounted;
  }
  for (const auto& ij : t.added) {
    REQUIRE(pmtr::check_job(ij.job).ok());
    REQUIRE(names.insert(ij.job.name).second);
    REQUIRE(!current_has(ij.job.name));
  }
  for (const auto& r : t.removed) {
    REQUIRE(names.insert(r).second);
    REQUIRE(current_has(r));
    ++accounted;
  }
  REQUIRE(accounted == kCurrent.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  TransactionAssembler a(current_has, kCurrent.size());
  a.expect(kGeneration, kCurrent.size());

  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  size_t off = 0;
  while (off + 2 <= size) {
    size_t len = static_cast<size_t>(data[off]) | (static_cast<size_t>(data[off + 1]) << 8);
    off += 2;
    if (len > size - off) len = size - off;
    auto decoded = pmtr::decode_message(std::span<const std::byte>(bytes + off, len));
    off += len;
    if (!decoded.ok()) continue;

    switch (a.feed(std::move(*decoded), len)) {
      case Outcome::Continue:
        REQUIRE(a.state() == TransactionAssembler::State::InTxn);
        break;
      case Outcome::Diagnostic:
        REQUIRE(a.state() == TransactionAssembler::State::Awaiting);
        break;
      case Outcome::Complete:
        REQUIRE(a.state() == TransactionAssembler::State::Idle);
        check_complete(a.take());
        a.expect(kGeneration, kCurrent.size());
        break;
      case Outcome::Failed:
        REQUIRE(a.state() == TransactionAssembler::State::Idle);
        REQUIRE(a.failure().generation == kGeneration);
        REQUIRE(a.failure().errors != 0);
        a.expect(kGeneration, kCurrent.size());
        break;
      case Outcome::Violation:
        REQUIRE(a.state() == TransactionAssembler::State::Idle);
        REQUIRE(!a.why().empty());
        a.expect(kGeneration, kCurrent.size());
        break;
    }
  }
  return 0;
}
