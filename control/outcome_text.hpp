// What pmtrctl says when a request did not simply succeed, in the style of
// `pmtr -t`: one line naming what failed and what to do about it.  None of
// these end in a newline or carry the "pmtrctl: " prefix.
#pragma once

#include <string>
#include <string_view>

#include "control/client.hpp"
#include "control/command.hpp"

namespace pmtr::ctl {

// "no job 'wbe' (did you mean 'web'?)"; hint may be empty.
[[nodiscard]] std::string no_such_job_text(std::string_view name, std::string_view hint);
// subject: the missing right as the monitor names it ("status",
// "operate JOB", "reexec").
[[nodiscard]] std::string denied_text(const Command& c, std::string_view subject);
// subject: the disabled job.
[[nodiscard]] std::string refused_text(const Command& c, std::string_view subject);
// subject: the job the operation failed for, when the monitor names one.
[[nodiscard]] std::string failed_text(const Command& c, std::string_view subject);
[[nodiscard]] std::string busy_text(const std::string& socket);
[[nodiscard]] std::string bad_request_text(const std::string& socket);
// The transport went wrong (AnswerKind NoAnswer, NoAccess, Malformed).
[[nodiscard]] std::string transport_text(const std::string& socket, const Answer& a);

}  // namespace pmtr::ctl
