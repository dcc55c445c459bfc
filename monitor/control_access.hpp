// Who may do what on the control socket.  Identity is the kernel's word:
// the peer's uid and groups come from SO_PEERCRED and SO_PEERGROUPS at
// connect time, never from the request.  Root (and the user pmtr runs as,
// when that is not root) may do everything;
// `control status` says who else may read status (default everyone),
// `control operate` who may operate every job (default nobody), and a
// job's `operators` who may operate that job.  Names in those lists are
// resolved to ids when a configuration is applied (and cached until the
// next), not per request: no name service call on a client's behalf.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "common/job.hpp"

namespace pmtr {

struct Peer {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;   // supplementary, as the kernel saw them at connect
  pid_t pid = 0;
};

class ControlAccess {
 public:
  // The globals of a new configuration, and every operator name its jobs
  // use; names that do not resolve are logged once and match no one.
  void configure(const ControlConfig& control, const std::vector<std::string>& operator_names);

  [[nodiscard]] bool may_read(const Peer& p) const;
  [[nodiscard]] bool may_operate_all(const Peer& p) const;
  // `operators`: the job's own list.
  [[nodiscard]] bool may_operate(const Peer& p, const std::vector<std::string>& operators) const;

 private:
  struct Id {
    bool known = false;
    bool group = false;
    uint32_t id = 0;
  };
  [[nodiscard]] bool matches(const Peer& p, const std::string& principal) const;
  [[nodiscard]] bool any_matches(const Peer& p, const Principals& set) const;
  void resolve(const std::string& principal);

  [[nodiscard]] bool is_owner(const Peer& p) const { return p.uid == 0 || p.uid == owner_; }

  uid_t owner_ = ::geteuid();
  Principals status_{true, {}};
  Principals operate_;
  std::unordered_map<std::string, Id> ids_;
};

}  // namespace pmtr
