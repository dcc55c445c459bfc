// libFuzzer target for the control socket, the one decoder any local user
// can reach: arbitrary bytes into decode_ctl_request (and, for pmtrctl,
// decode_ctl_reply).  Whatever decodes must be the canonical encoding of
// what it decoded to and carry only valid job names; and the access rules
// must answer every request for a peer built from the input without a
// crash, never granting an operate right that the configuration did not.
// Seed corpus: tests/fuzz/corpus/fuzz_control/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/control_messages.hpp"
#include "common/job_check.hpp"
#include "monitor/control_access.hpp"

namespace {

using namespace pmtr;

void require(bool ok) {
  if (!ok) std::abort();
}

// Nobody may operate but root (everyone may read): whatever the peer, an
// operate right means uid 0 or our own uid.
ControlAccess& access() {
  static ControlAccess a = [] {
    ControlAccess x;
    ControlConfig c;
    c.status = Principals{true, {}};
    c.operate = Principals{false, {"@pmtr-fuzz-no-such-group"}};
    x.configure(c, {"pmtr-fuzz-no-such-user"});
    return x;
  }();
  return a;
}

const std::vector<std::string>& names_of(const CtlRequest& r) {
  static const std::vector<std::string> none;
  if (const auto* s = std::get_if<CtlStatusRequest>(&r)) return s->names;
  if (const auto* o = std::get_if<CtlOperate>(&r)) return o->names;
  if (const auto* g = std::get_if<CtlSignal>(&r)) return g->names;
  if (const auto* w = std::get_if<CtlWait>(&r)) return w->names;
  if (const auto* t = std::get_if<CtlRotate>(&r)) return t->names;
  return none;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  Result<CtlRequest> req = decode_ctl_request(in);
  if (req) {
    const auto again = encode_ctl_request(*req);
    require(again.size() == in.size() && std::memcmp(again.data(), data, size) == 0);
    for (const auto& n : names_of(*req)) require(valid_job_name(n));
    if (const auto* w = std::get_if<CtlLogWhere>(&*req)) require(valid_job_name(w->name));
    // A peer from the first bytes: whoever it claims to be, only root
    // (or the fuzzer's own uid, pmtr's owner) may operate.
    Peer p;
    if (size >= 8) {
      std::memcpy(&p.uid, data, 4);
      std::memcpy(&p.gid, data + 4, 4);
      for (size_t i = 8; i + 4 <= size && p.groups.size() < 16; i += 4) {
        gid_t g;
        std::memcpy(&g, data + i, 4);
        p.groups.push_back(g);
      }
    }
    (void)access().may_read(p);
    const bool all = access().may_operate_all(p);
    // Names no configuration listed grant nothing either.
    const bool one = access().may_operate(p, names_of(*req));
    require(!all || p.uid == 0 || p.uid == ::geteuid());
    require(!one || p.uid == 0 || p.uid == ::geteuid());
  } else {
    require(!req.error().what.empty());
  }
  Result<CtlReply> reply = decode_ctl_reply(in);
  if (reply) {
    const auto again = encode_ctl_reply(*reply);
    require(again.size() == in.size() && std::memcmp(again.data(), data, size) == 0);
    // pmtrctl opens files below a LogPlace's directory: always absolute.
    if (const auto* p = std::get_if<CtlLogPlace>(&*reply))
      require(p->target == LogPlaceTarget::Dir ? !p->dir.empty() && p->dir[0] == '/' : p->dir.empty());
  }
  return 0;
}
