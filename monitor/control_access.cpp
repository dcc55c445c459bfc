#include "monitor/control_access.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "spawner/user_lookup.hpp"

namespace pmtr {

void ControlAccess::configure(const ControlConfig& control, const std::vector<std::string>& operator_names) {
  status_ = control.status;
  operate_ = control.operate;
  // Looked up again at every reload: a user added since then counts now.
  ids_.clear();
  for (const auto& n : status_.names) resolve(n);
  for (const auto& n : operate_.names) resolve(n);
  for (const auto& n : operator_names) resolve(n);
}

void ControlAccess::resolve(const std::string& principal) {
  if (ids_.count(principal) != 0) return;
  Id id;
  if (!principal.empty() && principal[0] == '@') {
    id.group = true;
    auto gid = lookup_group(principal.substr(1));
    if (gid) {
      id.known = true;
      id.id = *gid;
    } else {
      log_warnx("control: %s; it grants nothing", gid.error().message().c_str());
    }
  } else {
    auto user = lookup_user(principal);
    if (user) {
      id.known = true;
      id.id = user->uid;
    } else {
      log_warnx("control: %s; it grants nothing", user.error().message().c_str());
    }
  }
  ids_.emplace(principal, id);
}

bool ControlAccess::matches(const Peer& p, const std::string& principal) const {
  const auto it = ids_.find(principal);
  if (it == ids_.end() || !it->second.known) return false;
  const Id& id = it->second;
  if (!id.group) return p.uid == id.id;
  return p.gid == id.id || std::find(p.groups.begin(), p.groups.end(), id.id) != p.groups.end();
}

bool ControlAccess::any_matches(const Peer& p, const Principals& set) const {
  if (set.everyone) return true;
  return std::any_of(set.names.begin(), set.names.end(), [&](const std::string& n) { return matches(p, n); });
}

bool ControlAccess::may_read(const Peer& p) const { return is_owner(p) || any_matches(p, status_); }

bool ControlAccess::may_operate_all(const Peer& p) const { return is_owner(p) || any_matches(p, operate_); }

bool ControlAccess::may_operate(const Peer& p, const std::vector<std::string>& operators) const {
  if (may_operate_all(p)) return true;
  return std::any_of(operators.begin(), operators.end(), [&](const std::string& n) { return matches(p, n); });
}

}  // namespace pmtr
