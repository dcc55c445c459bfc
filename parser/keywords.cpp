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
    "backoff", "bounce",    "caps",  "cmd",   "cpu",     "depends", "dir",    "disable",
    "env",     "err",       "give",  "group", "groups",  "in",      "limit",  "log",
    "name",    "nice",      "nonewprivs",     "once",    "operators", "order", "out",
    "ready",   "restart",   "stable", "stop", "ulimit",  "umask",   "user",   "wait",
};

template <size_t N>
constexpr bool names_sorted(const std::array<std::string_view, N>& names) {
  for (size_t i = 1; i < N; ++i)
    if (!(names[i - 1] < names[i])) return false;
  return true;
}
static_assert(names_sorted(kOptionNames));
static_assert(kOptionNames[static_cast<size_t>(Option::Backoff)] == "backoff");
static_assert(kOptionNames[static_cast<size_t>(Option::Caps)] == "caps");
static_assert(kOptionNames[static_cast<size_t>(Option::Limit)] == "limit");
static_assert(kOptionNames[static_cast<size_t>(Option::Name)] == "name");
static_assert(kOptionNames[static_cast<size_t>(Option::Operators)] == "operators");
static_assert(kOptionNames[static_cast<size_t>(Option::Stop)] == "stop");
static_assert(kOptionNames[static_cast<size_t>(Option::Umask)] == "umask");
static_assert(kOptionNames[static_cast<size_t>(Option::Wait)] == "wait");

// Index == enum value; sorted too, so the checks below pin every entry.
constexpr std::array<std::string_view, kSettingCount> kSettingNames = {
    "backoff",     "bounce",       "caps",         "cmd",         "cpu",        "depends",
    "dir",         "disable",      "env",          "err",         "give up",    "group",
    "groups",      "in",           "limit cpu",    "limit memory", "limit swap", "limit tasks",
    "log",         "name",         "nice",         "nonewprivs",  "once",       "operators",
    "order",       "out",          "ready fd",     "ready timeout", "restart",  "stable after",
    "stop signal", "stop timeout", "ulimit",       "umask",       "user",       "wait",
};
static_assert(names_sorted(kSettingNames));
static_assert(kSettingNames[static_cast<size_t>(Setting::GiveUp)] == "give up");
static_assert(kSettingNames[static_cast<size_t>(Setting::LimitCpu)] == "limit cpu");
static_assert(kSettingNames[static_cast<size_t>(Setting::LimitTasks)] == "limit tasks");
static_assert(kSettingNames[static_cast<size_t>(Setting::ReadyTimeout)] == "ready timeout");
static_assert(kSettingNames[static_cast<size_t>(Setting::StopTimeout)] == "stop timeout");
static_assert(kSettingNames[static_cast<size_t>(Setting::Umask)] == "umask");
static_assert(kSettingNames[static_cast<size_t>(Setting::Wait)] == "wait");

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

// The lookup's promise: at most four names share a first letter, and at
// most two of them also share a length, so a word is compared byte by
// byte with at most two names (string_view's == compares lengths first).
constexpr bool small_buckets() {
  for (const Bucket& b : kOptionBuckets) {
    if (b.last - b.first > 4) return false;
    for (size_t i = b.first; i < b.last; ++i) {
      size_t same_length = 0;
      for (size_t k = b.first; k < b.last; ++k) same_length += kOptionNames[k].size() == kOptionNames[i].size();
      if (same_length > 2) return false;
    }
  }
  return true;
}
static_assert(small_buckets());

constexpr std::array<std::string_view, 5> kStatementNames = {"control", "job", "listen", "log", "report"};
static_assert(names_sorted(kStatementNames));
static_assert(kStatementNames[static_cast<size_t>(Statement::Control)] == "control");
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
  // most four length checks and two byte comparisons (checked above),
  // instead of a binary search of memcmp calls.
  if (word.empty() || word[0] < 'a' || word[0] > 'z') return std::nullopt;
  const auto& b = kOptionBuckets[static_cast<size_t>(word[0] - 'a')];
  for (size_t i = b.first; i < b.last; ++i)
    if (kOptionNames[i] == word) return static_cast<Option>(i);
  return std::nullopt;
}

std::string_view option_name(Option o) noexcept { return kOptionNames[static_cast<size_t>(o)]; }

std::optional<Setting> only_setting(Option o) noexcept {
  switch (o) {
    case Option::Backoff: return Setting::Backoff;
    case Option::Bounce: return Setting::Bounce;
    case Option::Caps: return Setting::Caps;
    case Option::Cmd: return Setting::Cmd;
    case Option::Cpu: return Setting::Cpu;
    case Option::Depends: return Setting::Depends;
    case Option::Dir: return Setting::Dir;
    case Option::Disable: return Setting::Disable;
    case Option::Env: return Setting::Env;
    case Option::Err: return Setting::Err;
    case Option::Give: return Setting::GiveUp;
    case Option::Group: return Setting::Group;
    case Option::Groups: return Setting::Groups;
    case Option::In: return Setting::In;
    case Option::Log: return Setting::Log;
    case Option::Name: return Setting::Name;
    case Option::Nice: return Setting::Nice;
    case Option::Nonewprivs: return Setting::Nonewprivs;
    case Option::Once: return Setting::Once;
    case Option::Operators: return Setting::Operators;
    case Option::Order: return Setting::Order;
    case Option::Out: return Setting::Out;
    case Option::Restart: return Setting::Restart;
    case Option::Stable: return Setting::StableAfter;
    case Option::Ulimit: return Setting::Ulimit;
    case Option::Umask: return Setting::Umask;
    case Option::User: return Setting::User;
    case Option::Wait: return Setting::Wait;
    case Option::Limit:
    case Option::Ready:
    case Option::Stop:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view setting_name(Setting s) noexcept { return kSettingNames[static_cast<size_t>(s)]; }

bool single_valued(Setting s) noexcept {
  switch (s) {
    case Setting::Env:
    case Setting::Ulimit:
    case Setting::Depends:
      return false;
    case Setting::Backoff: case Setting::Bounce: case Setting::Caps: case Setting::Cmd:
    case Setting::Cpu: case Setting::Dir: case Setting::Disable: case Setting::Err:
    case Setting::GiveUp: case Setting::Group: case Setting::Groups: case Setting::In:
    case Setting::LimitCpu: case Setting::LimitMemory: case Setting::LimitSwap:
    case Setting::LimitTasks: case Setting::Log: case Setting::Name: case Setting::Nice:
    case Setting::Nonewprivs: case Setting::Once: case Setting::Operators: case Setting::Order:
    case Setting::Out: case Setting::ReadyFd: case Setting::ReadyTimeout: case Setting::Restart:
    case Setting::StableAfter: case Setting::StopSignal: case Setting::StopTimeout:
    case Setting::Umask: case Setting::User: case Setting::Wait:
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
