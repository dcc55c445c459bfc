#include "control/command.hpp"

namespace pmtr::ctl {

const char* verb_name(Verb v) noexcept {
  switch (v) {
    case Verb::Status: return "status";
    case Verb::Start: return "start";
    case Verb::Stop: return "stop";
    case Verb::Restart: return "restart";
    case Verb::Signal: return "signal";
    case Verb::Reload: return "reload";
    case Verb::Wait: return "wait";
    case Verb::Metrics: return "metrics";
    case Verb::Log: return "log";
    case Verb::Rotate: return "rotate";
    case Verb::Send: return "send";
    case Verb::Listen: return "listen";
  }
  return "?";
}

CtlRequest make_request(const Command& c) {
  switch (c.verb) {
    // The cgroup figures only where they are shown: the table has no
    // column for them.
    case Verb::Status: return CtlStatusRequest{c.names, c.format == StatusFormat::Json};
    // metrics reads every job's status and formats it here.
    case Verb::Metrics: return CtlStatusRequest{{}, true};
    case Verb::Start: return CtlOperate{CtlType::Start, c.names};
    case Verb::Stop: return CtlOperate{CtlType::Stop, c.names};
    case Verb::Restart: return CtlOperate{CtlType::Restart, c.names};
    case Verb::Signal: return CtlSignal{c.signal, c.names};
    case Verb::Reload: return CtlReload{};
    case Verb::Wait: return CtlWait{c.target, c.timeout_ms, c.names};
    // The monitor says where; pmtrctl reads the files (control/log_tail.hpp).
    case Verb::Log: return CtlLogWhere{c.names.empty() ? std::string() : c.names[0]};
    case Verb::Rotate: return CtlRotate{c.names};
    // Never sent (no control socket): a harmless request, should one be.
    case Verb::Send:
    case Verb::Listen: return CtlStatusRequest{};
  }
  return CtlReload{};
}

}  // namespace pmtr::ctl
