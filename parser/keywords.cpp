#include "parser/keywords.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <array>

namespace pmtr::conf {
namespace {

template <typename T>
struct Entry {
  std::string_view word;
  T value;
};

template <typename T, size_t N>
std::optional<T> find(const std::array<Entry<T>, N>& table, std::string_view word) noexcept {
  const auto it = std::lower_bound(table.begin(), table.end(), word,
                                   [](const Entry<T>& e, std::string_view w) { return e.word < w; });
  if (it == table.end() || it->word != word) return std::nullopt;
  return it->value;
}

template <typename T, size_t N>
constexpr bool sorted(const std::array<Entry<T>, N>& table) {
  for (size_t i = 1; i < N; ++i)
    if (!(table[i - 1].word < table[i].word)) return false;
  return true;
}

// Sorted by word; index == enum value, checked below.
constexpr std::array<std::string_view, kOptionCount> kOptionNames = {
    "bounce", "cmd", "cpu", "depends", "dir", "disable", "env", "err", "in",
    "name",   "nice", "once", "order", "out", "ulimit", "user", "wait",
};

constexpr bool option_names_sorted() {
  for (size_t i = 1; i < kOptionNames.size(); ++i)
    if (!(kOptionNames[i - 1] < kOptionNames[i])) return false;
  return true;
}
static_assert(option_names_sorted());
static_assert(kOptionNames[static_cast<size_t>(Option::Name)] == "name");
static_assert(kOptionNames[static_cast<size_t>(Option::Wait)] == "wait");
static_assert(kOptionNames[static_cast<size_t>(Option::Depends)] == "depends");

// For each first letter a-z, the range of kOptionNames starting with it.
struct Bucket {
  uint8_t first = 0;
  uint8_t last = 0;
};
constexpr std::array<Bucket, 26> make_buckets() {
  std::array<Bucket, 26> b{};
  for (size_t i = 0; i < kOptionNames.size(); ++i) {
    auto& k = b[static_cast<size_t>(kOptionNames[i][0] - 'a')];
    if (k.first == k.last) k.first = static_cast<uint8_t>(i);
    k.last = static_cast<uint8_t>(i + 1);
  }
  return b;
}
constexpr std::array<Bucket, 26> kOptionBuckets = make_buckets();

constexpr std::array<std::string_view, 3> kStatementNames = {"job", "listen", "report"};
static_assert(kStatementNames[static_cast<size_t>(Statement::Report)] == "report");

constexpr std::array<Entry<uint8_t>, 32> kUlimits = {{
    {"-R", RLIMIT_RTTIME},
    {"-c", RLIMIT_CORE},
    {"-d", RLIMIT_DATA},
    {"-e", RLIMIT_NICE},
    {"-f", RLIMIT_FSIZE},
    {"-i", RLIMIT_SIGPENDING},
    {"-l", RLIMIT_MEMLOCK},
    {"-m", RLIMIT_RSS},
    {"-n", RLIMIT_NOFILE},
    {"-q", RLIMIT_MSGQUEUE},
    {"-r", RLIMIT_RTPRIO},
    {"-s", RLIMIT_STACK},
    {"-t", RLIMIT_CPU},
    {"-u", RLIMIT_NPROC},
    {"-v", RLIMIT_AS},
    {"-x", RLIMIT_LOCKS},
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};
static_assert(sorted(kUlimits));

}  // namespace

std::optional<Option> lookup_option(std::string_view word) noexcept {
  // Called for every line of every job: bucket by first letter, then at
  // most three comparisons, instead of a binary search of memcmp calls.
  if (word.empty() || word[0] < 'a' || word[0] > 'z') return std::nullopt;
  const auto& b = kOptionBuckets[static_cast<size_t>(word[0] - 'a')];
  for (size_t i = b.first; i < b.last; ++i)
    if (kOptionNames[i] == word) return static_cast<Option>(i);
  return std::nullopt;
}

std::string_view option_name(Option o) noexcept { return kOptionNames[static_cast<size_t>(o)]; }

bool single_valued(Option o) noexcept {
  switch (o) {
    case Option::Env:
    case Option::Ulimit:
    case Option::Depends:
      return false;
    case Option::Bounce: case Option::Cmd: case Option::Cpu: case Option::Dir:
    case Option::Disable: case Option::Err: case Option::In: case Option::Name:
    case Option::Nice: case Option::Once: case Option::Order: case Option::Out:
    case Option::User: case Option::Wait:
      return true;
  }
  return true;
}

std::span<const std::string_view> option_names() noexcept { return kOptionNames; }

std::optional<Statement> lookup_statement(std::string_view word) noexcept {
  for (size_t i = 0; i < kStatementNames.size(); ++i)
    if (kStatementNames[i] == word) return static_cast<Statement>(i);
  return std::nullopt;
}

std::span<const std::string_view> statement_names() noexcept { return kStatementNames; }

std::optional<uint8_t> lookup_ulimit(std::string_view word) noexcept { return find(kUlimits, word); }

std::string_view ulimit_flag_list() noexcept {
  return "-c -d -e -f -i -l -m -n -q -r -s -t -u -v -x -R";
}

}  // namespace pmtr::conf
