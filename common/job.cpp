#include "common/job.hpp"

namespace pmtr {

bool same_definition(const JobDesc& a, const JobDesc& b) noexcept {
  return a.name == b.name && a.argv == b.argv && a.dir == b.dir && a.in == b.in &&
         a.out == b.out && a.err == b.err && a.user == b.user && a.env == b.env &&
         a.has_nice == b.has_nice && a.nice == b.nice && a.cpus == b.cpus &&
         a.ulimits == b.ulimits && a.bounce_seconds == b.bounce_seconds &&
         a.depends == b.depends && a.order == b.order && a.wait == b.wait &&
         a.wait_ready == b.wait_ready && a.once == b.once && a.disabled == b.disabled &&
         a.policy == b.policy && a.operators == b.operators && a.confine == b.confine && a.log == b.log;
}

}  // namespace pmtr
