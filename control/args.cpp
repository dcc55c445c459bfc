#include "control/args.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "common/did_you_mean.hpp"
#include "common/listen_request.hpp"
#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "control/duration.hpp"
#include "control/help.hpp"
#include "control/signal_names.hpp"

namespace pmtr::ctl {
namespace {

struct NamedVerb {
  std::string_view name;
  Verb verb;
};
constexpr NamedVerb kVerbs[] = {
    {"status", Verb::Status}, {"start", Verb::Start},   {"stop", Verb::Stop},       {"restart", Verb::Restart},
    {"signal", Verb::Signal}, {"reload", Verb::Reload}, {"wait", Verb::Wait},       {"metrics", Verb::Metrics},
    {"log", Verb::Log},       {"rotate", Verb::Rotate}, {"send", Verb::Send},       {"listen", Verb::Listen},
};
constexpr std::string_view kCommandWords[] = {"status",  "start", "stop", "restart", "signal", "reload",
                                              "wait",    "metrics", "log", "rotate", "send", "listen", "help"};
constexpr std::string_view kGlobalOptions[] = {"--help", "--socket", "--version"};
constexpr std::string_view kStatusOptions[] = {"--help", "--socket", "--version", "--json", "--names"};
constexpr std::string_view kWaitOptions[] = {"--help", "--socket", "--version", "--timeout"};
constexpr std::string_view kLogOptions[] = {"--help", "--socket", "--version", "--lines", "--follow"};
constexpr std::string_view kSendOptions[] = {"--help", "--socket", "--version", "--key"};
constexpr std::string_view kListenOptions[] = {"--help", "--socket", "--version", "--count"};
constexpr std::string_view kSendModes[] = {"enable", "disable"};
// More would only be read and thrown away: 'log' reads from the end.
constexpr uint32_t kMaxLines = 1000000;
constexpr std::string_view kWaitTargets[] = {"up", "ready", "down"};

std::optional<Verb> find_verb(std::string_view w) {
  for (const auto& v : kVerbs)
    if (v.name == w) return v.verb;
  return std::nullopt;
}

// " (did you mean 'X'?)" or nothing.
std::string hint(std::string_view word, std::span<const std::string_view> candidates) {
  const std::string_view best = conf::did_you_mean(word, candidates);
  if (best.empty()) return {};
  return " (did you mean '" + std::string(best) + "'?)";
}

std::span<const std::string_view> options_of(std::optional<Verb> v) {
  if (v == Verb::Status) return kStatusOptions;
  if (v == Verb::Wait) return kWaitOptions;
  if (v == Verb::Log) return kLogOptions;
  if (v == Verb::Send) return kSendOptions;
  if (v == Verb::Listen) return kListenOptions;
  return kGlobalOptions;
}

class Parser {
 public:
  Parser(std::span<const char* const> args, std::string_view default_socket)
      : args_(args), default_socket_(default_socket) {}

  ParsedArgs run() {
    for (i_ = 0; i_ < args_.size(); ++i_) {
      const std::string_view a = args_[i_];
      if (!only_positional_ && a == "--") {
        only_positional_ = true;
      } else if (!only_positional_ && a.size() > 1 && a[0] == '-') {
        if (!option(a)) return std::move(out_);
        if (out_.action == ArgsAction::Version) return std::move(out_);
      } else if (!verb_ && !help_command_) {
        if (a == "help") {
          help_command_ = true;
        } else if (const auto v = find_verb(a)) {
          verb_ = v;
        } else {
          return usage("unknown command '" + std::string(a) + "'" + hint(a, kCommandWords), overall_usage());
        }
      } else {
        positionals_.push_back(a);
      }
    }
    if (help_command_ || help_) return help();
    if (!verb_) return usage("a command is needed", overall_usage());
    out_.command.verb = *verb_;
    if (!operands()) return std::move(out_);
    out_.action = ArgsAction::Run;
    return std::move(out_);
  }

 private:
  // False when the option was a usage error (out_ holds it).
  bool option(std::string_view a) {
    if (a == "-h" || a == "--help") return help_ = true;
    if (a == "-V" || a == "--version") {
      out_.action = ArgsAction::Version;
      return true;
    }
    if (a == "-s" || a == "--socket") return socket(value(a));
    if (a.starts_with("--socket=")) return socket(a.substr(9));
    if (a.starts_with("-s") && !a.starts_with("--")) return socket(a.substr(2));
    if (verb_ == Verb::Status && (a == "--json" || a == "--names")) {
      const StatusFormat f = a == "--json" ? StatusFormat::Json : StatusFormat::Names;
      if (out_.command.format != StatusFormat::Table && out_.command.format != f)
        return fail("status: --json and --names exclude each other");
      out_.command.format = f;
      return true;
    }
    if (verb_ == Verb::Log && (a == "-f" || a == "--follow")) return out_.command.follow = true;
    if (verb_ == Verb::Log && (a == "-n" || a == "--lines")) return lines(value(a));
    if (verb_ == Verb::Log && a.starts_with("--lines=")) return lines(a.substr(8));
    if (verb_ == Verb::Log && a.starts_with("-n") && !a.starts_with("--")) return lines(a.substr(2));
    if (verb_ == Verb::Send && a == "--key") return key(value(a));
    if (verb_ == Verb::Send && a.starts_with("--key=")) return key(a.substr(6));
    if (verb_ == Verb::Listen && (a == "-c" || a == "--count")) return count(value(a));
    if (verb_ == Verb::Listen && a.starts_with("--count=")) return count(a.substr(8));
    if (verb_ == Verb::Listen && a.starts_with("-c") && !a.starts_with("--")) return count(a.substr(2));
    if (verb_ == Verb::Wait && a == "--timeout") return timeout(value(a));
    if (verb_ == Verb::Wait && a.starts_with("--timeout=")) return timeout(a.substr(10));
    std::string msg = verb_ ? std::string(verb_name(*verb_)) + ": " : std::string();
    msg += "unknown option '" + std::string(a) + "'";
    // Hints compare the option without its value ("--timout=3s").
    msg += hint(a.substr(0, a.find('=')), options_of(verb_));
    return fail(msg);
  }

  // The argument after an option, or nullopt (and a usage error) at the end.
  std::optional<std::string_view> value(std::string_view opt) {
    if (i_ + 1 >= args_.size()) {
      const char* what = opt == "--timeout"                                           ? "a DURATION"
                         : opt == "-n" || opt == "--lines" || opt == "-c" || opt == "--count" ? "a number"
                         : opt == "--key"                                                     ? "a FILE"
                                                                                              : "a SOCKET";
      fail("option " + std::string(opt) + " needs " + what);
      return std::nullopt;
    }
    return std::string_view(args_[++i_]);
  }

  bool socket(std::optional<std::string_view> v) {
    if (!v) return false;
    if (v->empty()) return fail("option -s needs a SOCKET");
    if (v->size() > limits::kSocketPathBytes)
      return fail("socket path too long (at most " + std::to_string(limits::kSocketPathBytes) + " bytes)");
    out_.command.socket = *v;
    return true;
  }

  bool timeout(std::optional<std::string_view> v) {
    if (!v) return false;
    const DurationResult d = parse_duration(*v);
    if (!d.error.empty()) return fail("wait: --timeout: " + d.error);
    out_.command.timeout_ms = static_cast<uint32_t>(d.ms);
    out_.command.timeout_text = *v;
    return true;
  }

  bool lines(std::optional<std::string_view> v) {
    if (!v) return false;
    uint64_t n = 0;
    bool digits = !v->empty() && v->size() <= 7;
    for (const char ch : *v) {
      digits = digits && ch >= '0' && ch <= '9';
      if (digits) n = n * 10 + static_cast<uint64_t>(ch - '0');
    }
    if (!digits || n > kMaxLines)
      return fail("log: -n: '" + std::string(*v) + "' is not a number of lines (0.." + std::to_string(kMaxLines) + ")");
    out_.command.lines = static_cast<uint32_t>(n);
    return true;
  }

  bool key(std::optional<std::string_view> v) {
    if (!v) return false;
    if (v->empty()) return fail("send: option --key needs a FILE");
    out_.command.key_file = *v;
    return true;
  }

  bool count(std::optional<std::string_view> v) {
    if (!v) return false;
    uint64_t n = 0;
    bool digits = !v->empty() && v->size() <= 9;
    for (const char ch : *v) {
      digits = digits && ch >= '0' && ch <= '9';
      if (digits) n = n * 10 + static_cast<uint64_t>(ch - '0');
    }
    if (!digits || n == 0)
      return fail("listen: -c: '" + std::string(*v) + "' is not a number of datagrams (1 or more)");
    out_.command.count = n;
    return true;
  }

  bool url(std::string_view text) {
    const Result<UdpUrl> u = parse_udp_url(text);
    if (!u)
      return fail(std::string(verb_name(out_.command.verb)) + ": '" + std::string(text) +
                  "': " + u.error().what + " (expected udp://HOST:PORT, udp://[IPv6]:PORT)");
    out_.command.url = u.value();
    return true;
  }

  // send udp://HOST:PORT enable|disable JOB...: the names as `listen on`
  // reads them, and no more than it takes from one datagram.
  bool send_operands(std::span<const std::string_view> rest) {
    Command& c = out_.command;
    if (rest.size() < 3) return fail("send: name udp://HOST:PORT, enable or disable, and at least one job");
    if (!url(rest[0])) return false;
    if (rest[1] != "enable" && rest[1] != "disable")
      return fail("send: '" + std::string(rest[1]) + "' is not enable or disable" + hint(rest[1], kSendModes));
    c.enable = rest[1] == "enable";
    for (const std::string_view n : rest.subspan(2)) {
      if (n == "enable" || n == "disable")
        return fail("send: '" + std::string(n) +
                    "' cannot be a job name here (pmtr reads it as a mode); one mode per send");
      if (!valid_job_name(n))
        return fail("send: '" + std::string(n) + "' is not a job name (1 to 64 printable characters, no spaces)");
      c.names.emplace_back(n);
    }
    if (c.names.size() > kListenNamesMax)
      return fail("send: too many job names for one datagram (" + std::to_string(c.names.size()) + ", at most " +
                  std::to_string(kListenNamesMax) + ")");
    return true;
  }

  ParsedArgs help() {
    out_.action = ArgsAction::Help;
    if (help_command_) {
      if (positionals_.size() > 1) return usage("help takes one command", overall_usage());
      if (positionals_.empty()) {
        out_.text = overall_help(default_socket_);
        return std::move(out_);
      }
      const auto v = find_verb(positionals_[0]);
      if (!v)
        return usage("no command '" + std::string(positionals_[0]) + "'" + hint(positionals_[0], kCommandWords),
                     overall_usage());
      out_.text = command_help(*v);
    } else {
      out_.text = verb_ ? std::string(command_help(*verb_)) : overall_help(default_socket_);
    }
    return std::move(out_);
  }

  // The operands of out_.command.verb; false on a usage error.
  bool operands() {
    Command& c = out_.command;
    const char* verb = verb_name(c.verb);
    std::span<const std::string_view> rest = positionals_;
    switch (c.verb) {
      case Verb::Send:
        return send_operands(rest);
      case Verb::Listen:
        if (rest.size() != 1) return fail("listen: name one udp://ADDR:PORT");
        return url(rest[0]);
      case Verb::Status:
        break;
      case Verb::Start:
      case Verb::Stop:
      case Verb::Restart:
        if (rest.empty()) return fail(std::string(verb) + ": name at least one job");
        break;
      case Verb::Signal: {
        if (rest.empty()) return fail("signal: name a signal and at least one job");
        c.signal = parse_signal(rest[0]);
        if (c.signal == 0) return fail(bad_signal(rest[0]));
        rest = rest.subspan(1);
        if (rest.empty()) return fail("signal: name at least one job");
        break;
      }
      case Verb::Log:
        if (rest.size() != 1) return fail("log: name one job");
        break;
      case Verb::Rotate:
        break;
      case Verb::Reload:
      case Verb::Metrics:
        if (!rest.empty()) return fail(std::string(verb) + " takes no arguments (got '" + std::string(rest[0]) + "')");
        break;
      case Verb::Wait: {
        if (rest.empty()) return fail("wait: name a state (up, ready or down) and at least one job");
        if (rest[0] == "up") c.target = WaitTarget::Up;
        else if (rest[0] == "ready") c.target = WaitTarget::Ready;
        else if (rest[0] == "down") c.target = WaitTarget::Down;
        else
          return fail("wait: '" + std::string(rest[0]) + "' is not a state to wait for (up, ready or down)" +
                      hint(rest[0], kWaitTargets));
        rest = rest.subspan(1);
        if (rest.empty()) return fail("wait: name at least one job");
        break;
      }
    }
    for (const std::string_view n : rest) {
      if (!valid_job_name(n))
        return fail(std::string(verb) + ": '" + std::string(n) +
                    "' is not a job name (1 to 64 printable characters, no spaces)");
      c.names.emplace_back(n);
    }
    // A request is one record: the names must fit it.
    if (c.names.size() > kCtlNames || encode_ctl_request(make_request(c)).size() > limits::kMessageBytes)
      return fail(std::string(verb) + ": too many job names for one request (" + std::to_string(c.names.size()) +
                  ")");
    return true;
  }

  std::string bad_signal(std::string_view s) const {
    bool numeric = !s.empty();
    for (const char ch : s) numeric = numeric && ch >= '0' && ch <= '9';
    if (numeric)
      return "signal: " + std::string(s) + " is out of range (1.." + std::to_string(limits::kSignalMax) + ")";
    std::string upper(s);
    for (char& ch : upper)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    const std::string_view bare = std::string_view(upper).starts_with("SIG") ? std::string_view(upper).substr(3)
                                                                             : std::string_view(upper);
    return "signal: unknown signal '" + std::string(s) + "'" + hint(bare, classic_signal_names());
  }

  bool fail(const std::string& msg) {
    out_ = usage(msg, verb_ ? command_usage(*verb_) : overall_usage());
    return false;
  }

  ParsedArgs usage(const std::string& msg, const char* usage_line) {
    ParsedArgs p;
    p.action = ArgsAction::Usage;
    p.text = "pmtrctl: " + msg + "\n" + usage_line;
    return p;
  }

  std::span<const char* const> args_;
  std::string_view default_socket_;
  size_t i_ = 0;
  bool only_positional_ = false;
  bool help_ = false;
  bool help_command_ = false;
  std::optional<Verb> verb_;
  std::vector<std::string_view> positionals_;
  ParsedArgs out_;
};

}  // namespace

ParsedArgs parse_args(std::span<const char* const> args, std::string_view default_socket) {
  return Parser(args, default_socket).run();
}

}  // namespace pmtr::ctl
