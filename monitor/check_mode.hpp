// `pmtr -t`: the config check CI pipelines run.  Parsing happens in the same
// sandboxed pmtr-parser as at run time; the monitor side adds the
// host-dependent checks (user, cmd, dir) as warnings, since a CI machine may
// lack them.  Exit status: 0 valid, 1 invalid, 2 unreadable or usage.
#pragma once

#include <string>

namespace pmtr {

[[nodiscard]] int run_config_check(const std::string& path);

}  // namespace pmtr
