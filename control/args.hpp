// pmtrctl's command line, parsed in full before anything is sent: a usage
// error (exit 2) never reaches the monitor.  Options may come anywhere
// (-s before the command, as pmtr(8) shows it, or after); "--" ends them,
// for a job whose name starts with '-'.
#pragma once

#include <span>
#include <string>

#include "control/command.hpp"

namespace pmtr::ctl {

enum class ArgsAction {
  Run,       // `command` is ready
  Help,      // print `text` on stdout, exit 0
  Version,   // print the version, exit 0
  Usage,     // print `text` on stderr, exit 2
};

struct ParsedArgs {
  ArgsAction action = ArgsAction::Usage;
  Command command;
  std::string text;
};

// `args` without argv[0].  `default_socket` only appears in help texts.
[[nodiscard]] ParsedArgs parse_args(std::span<const char* const> args, std::string_view default_socket);

}  // namespace pmtr::ctl
