#include "parser/signals.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <string>

#include "common/limits.hpp"
#include "parser/diag_sink.hpp"
#include "common/did_you_mean.hpp"

namespace pmtr::conf {
namespace {

struct Name {
  std::string_view name;
  int number;
};

// signal(7), sorted by name; the numbers come from <csignal>, so they are
// right on every architecture.  IOT, POLL and CLD are the old aliases.
constexpr std::array kSignals = {
    Name{"ABRT", SIGABRT},   Name{"ALRM", SIGALRM},     Name{"BUS", SIGBUS},     Name{"CHLD", SIGCHLD},
    Name{"CLD", SIGCHLD},    Name{"CONT", SIGCONT},     Name{"FPE", SIGFPE},     Name{"HUP", SIGHUP},
    Name{"ILL", SIGILL},     Name{"INT", SIGINT},       Name{"IO", SIGIO},       Name{"IOT", SIGIOT},
    Name{"KILL", SIGKILL},   Name{"PIPE", SIGPIPE},     Name{"POLL", SIGPOLL},   Name{"PROF", SIGPROF},
    Name{"PWR", SIGPWR},     Name{"QUIT", SIGQUIT},     Name{"SEGV", SIGSEGV},
#ifdef SIGSTKFLT
    Name{"STKFLT", SIGSTKFLT},
#endif
    Name{"STOP", SIGSTOP},   Name{"SYS", SIGSYS},       Name{"TERM", SIGTERM},   Name{"TRAP", SIGTRAP},
    Name{"TSTP", SIGTSTP},   Name{"TTIN", SIGTTIN},     Name{"TTOU", SIGTTOU},   Name{"URG", SIGURG},
    Name{"USR1", SIGUSR1},   Name{"USR2", SIGUSR2},     Name{"VTALRM", SIGVTALRM}, Name{"WINCH", SIGWINCH},
    Name{"XCPU", SIGXCPU},   Name{"XFSZ", SIGXFSZ},
};

constexpr bool sorted() {
  for (size_t i = 1; i < kSignals.size(); ++i)
    if (!(kSignals[i - 1].name < kSignals[i].name)) return false;
  return true;
}
static_assert(sorted());

constexpr auto make_names() {
  std::array<std::string_view, kSignals.size()> n{};
  for (size_t i = 0; i < kSignals.size(); ++i) n[i] = kSignals[i].name;
  return n;
}
constexpr auto kNames = make_names();

// Longer than any name, RTMIN+NN included: not a signal.
constexpr size_t kLongest = 16;

constexpr std::string_view kUsage = "a name like TERM or SIGTERM, or a number from 1 to 64";

Error err(std::initializer_list<std::string_view> parts) { return Error{0, cat(parts)}; }

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "3" of "RTMIN+3": 0..kSignalMax, else nullopt.
std::optional<int> small_number(std::string_view s) {
  if (!digits_only(s) || s.size() > 3) return std::nullopt;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  if (v > limits::kSignalMax) return std::nullopt;
  return v;
}

// RTMIN, RTMIN+N, RTMAX, RTMAX-N; nullopt when `s` is none of these shapes.
std::optional<Result<uint8_t>> realtime(std::string_view s, std::string_view word) {
  const bool min = s.substr(0, 5) == "RTMIN";
  if (!min && s.substr(0, 5) != "RTMAX") return std::nullopt;
  std::string_view rest = s.substr(5);
  int offset = 0;
  if (!rest.empty()) {
    if (rest[0] != (min ? '+' : '-')) return std::nullopt;
    const auto n = small_number(rest.substr(1));
    if (!n) return std::nullopt;
    offset = min ? *n : -*n;
  }
  const int lo = SIGRTMIN, hi = SIGRTMAX;
  const int sig = (min ? lo : hi) + offset;
  if (sig < lo || sig > hi || sig > limits::kSignalMax)
    return Result<uint8_t>(err({"signal ", quote(word), " is out of range (RTMIN is ", std::to_string(lo),
                                " and RTMAX ", std::to_string(hi), " here)"}));
  return Result<uint8_t>(static_cast<uint8_t>(sig));
}

}  // namespace

std::span<const std::string_view> signal_names() noexcept { return kNames; }

Result<uint8_t> parse_signal(std::string_view word) {
  if (digits_only(word)) {
    const auto n = small_number(word);
    if (!n || *n == 0)
      return err({"invalid signal number ", quote(word), " (1 to ", std::to_string(limits::kSignalMax), ")"});
    return static_cast<uint8_t>(*n);
  }
  if (word.size() > kLongest) return err({"unknown signal ", quote(word), " (", kUsage, ")"});
  std::string upper(word);
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  std::string_view name = upper;
  if (name.size() > 3 && name.substr(0, 3) == "SIG") name.remove_prefix(3);
  if (auto rt = realtime(name, word)) return std::move(*rt);
  const auto it = std::lower_bound(kSignals.begin(), kSignals.end(), name,
                                   [](const Name& n, std::string_view w) { return n.name < w; });
  if (it != kSignals.end() && it->name == name) return static_cast<uint8_t>(it->number);
  const std::string_view hint = did_you_mean(name, kNames);
  if (!hint.empty()) return err({"unknown signal ", quote(word), " (did you mean ", quote(hint), "?)"});
  return err({"unknown signal ", quote(word), " (", kUsage, ")"});
}

}  // namespace pmtr::conf
