#include "control/signal_names.hpp"

#include <signal.h>

#include <array>
#include <charconv>

#include "common/limits.hpp"

namespace pmtr::ctl {
namespace {

struct Named {
  int sig;
  std::string_view name;
};

// The numbers come from <signal.h>: they differ between architectures.
// The first name of a number is the one printed; IOT, CLD and POLL are
// accepted aliases.
const Named kSignals[] = {
    {SIGHUP, "HUP"},   {SIGINT, "INT"},       {SIGQUIT, "QUIT"},   {SIGILL, "ILL"},     {SIGTRAP, "TRAP"},
    {SIGABRT, "ABRT"}, {SIGBUS, "BUS"},       {SIGFPE, "FPE"},     {SIGKILL, "KILL"},   {SIGUSR1, "USR1"},
    {SIGSEGV, "SEGV"}, {SIGUSR2, "USR2"},     {SIGPIPE, "PIPE"},   {SIGALRM, "ALRM"},   {SIGTERM, "TERM"},
#ifdef SIGSTKFLT
    {SIGSTKFLT, "STKFLT"},
#endif
    {SIGCHLD, "CHLD"}, {SIGCONT, "CONT"},     {SIGSTOP, "STOP"},   {SIGTSTP, "TSTP"},   {SIGTTIN, "TTIN"},
    {SIGTTOU, "TTOU"}, {SIGURG, "URG"},       {SIGXCPU, "XCPU"},   {SIGXFSZ, "XFSZ"},   {SIGVTALRM, "VTALRM"},
    {SIGPROF, "PROF"}, {SIGWINCH, "WINCH"},   {SIGIO, "IO"},
#ifdef SIGPWR
    {SIGPWR, "PWR"},
#endif
    {SIGSYS, "SYS"},   {SIGABRT, "IOT"},      {SIGCHLD, "CLD"},    {SIGIO, "POLL"},
};

constexpr size_t kClassic = sizeof kSignals / sizeof kSignals[0] - 3;   // without the aliases

const auto kClassicNames = [] {
  std::array<std::string_view, kClassic> a{};
  for (size_t i = 0; i < kClassic; ++i) a[i] = kSignals[i].name;
  return a;
}();

bool iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != b[i]) return false;
  }
  return true;
}

// A decimal in [lo, hi], or -1.
int number(std::string_view s, int lo, int hi) noexcept {
  if (s.empty() || s.size() > 3) return -1;
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s[0] == '+' || s[0] == '-') return -1;
  return v >= lo && v <= hi ? v : -1;
}

// RTMIN, RTMIN+N, RTMAX, RTMAX-N (kill -l's names), or 0.
int realtime(std::string_view s) noexcept {
  const int lo = SIGRTMIN, hi = SIGRTMAX;
  if (s.size() < 5) return 0;
  const std::string_view base = s.substr(0, 5), rest = s.substr(5);
  const bool min = iequal(base, "RTMIN"), max = iequal(base, "RTMAX");
  if (!min && !max) return 0;
  if (rest.empty()) return min ? lo : hi;
  if (rest[0] != (min ? '+' : '-')) return 0;
  const int n = number(rest.substr(1), 0, hi - lo);
  if (n < 0) return 0;
  return min ? lo + n : hi - n;
}

}  // namespace

uint8_t parse_signal(std::string_view text) noexcept {
  if (const int n = number(text, 1, limits::kSignalMax); n > 0) return static_cast<uint8_t>(n);
  if (text.size() > 3 && iequal(text.substr(0, 3), "SIG")) text.remove_prefix(3);
  for (const Named& s : kSignals)
    if (iequal(text, s.name)) return static_cast<uint8_t>(s.sig);
  const int rt = realtime(text);
  return rt > 0 && rt <= limits::kSignalMax ? static_cast<uint8_t>(rt) : 0;
}

void append_signal_name(std::string& out, int sig) {
  for (size_t i = 0; i < kClassic; ++i)
    if (kSignals[i].sig == sig) {
      out += kSignals[i].name;
      return;
    }
  const int lo = SIGRTMIN, hi = SIGRTMAX;
  char buf[16];
  if (sig >= lo && sig <= hi) {
    // bash's split: the lower half counts up from RTMIN, the upper down from RTMAX.
    const bool from_min = sig - lo <= (hi - lo) / 2;
    out += from_min ? "RTMIN" : "RTMAX";
    const int off = from_min ? sig - lo : hi - sig;
    if (off == 0) return;
    out += from_min ? '+' : '-';
    const auto r = std::to_chars(buf, buf + sizeof buf, off);
    out.append(buf, r.ptr);
    return;
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, sig);
  out.append(buf, r.ptr);
}

std::string signal_name(int sig) {
  std::string s;
  append_signal_name(s, sig);
  return s;
}

std::span<const std::string_view> classic_signal_names() noexcept { return kClassicNames; }

}  // namespace pmtr::ctl
