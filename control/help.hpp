// pmtrctl's help texts: the overall one (--help), one per command
// (COMMAND --help, help COMMAND), and the one-line usage shown after a
// usage error.  The man page says the same at length.
#pragma once

#include <string>
#include <string_view>

#include "control/command.hpp"

namespace pmtr::ctl {

// default_socket: what -s defaults to here and now (shown in the text).
[[nodiscard]] std::string overall_help(std::string_view default_socket);
[[nodiscard]] const char* command_help(Verb v) noexcept;
[[nodiscard]] const char* command_usage(Verb v) noexcept;
[[nodiscard]] const char* overall_usage() noexcept;

}  // namespace pmtr::ctl
