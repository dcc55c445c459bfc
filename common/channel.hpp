// One end of an AF_UNIX SOCK_SEQPACKET channel: one message per record,
// records larger than limits::kMessageBytes rejected (MSG_TRUNC), file
// descriptors accepted only where the caller asks for exactly one (the
// parser's Parse message); any fd arriving anywhere else is closed and the
// record rejected.
#pragma once

#include <optional>
#include <vector>

#include "common/messages.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC)
[[nodiscard]] Result<std::pair<unique_fd, unique_fd>> make_channel_pair();

// Sends one encoded message; attach_fd >= 0 passes that fd with SCM_RIGHTS.
// Blocking; EINTR retried.  Fails on records over kMessageBytes.
[[nodiscard]] Status send_message(int sock, const Message& m, int attach_fd = -1);

struct Received {
  Message message;
  unique_fd fd;   // set only when accept_fd was true and one fd came
};

// Receives and decodes one record.  Returns:
//  - nullopt value with ok status ... see RecvResult
enum class RecvStatus { Message, Closed, WouldBlock, Bad };
struct RecvResult {
  RecvStatus status = RecvStatus::Bad;
  std::optional<Received> received;   // set when status == Message
  std::string why;                    // set when status == Bad
};
// accept_fd: one fd may come with this record (kept in Received::fd); with
// accept_fd false, a record carrying any fd is Bad (and the fds closed).
// flags: 0 or MSG_DONTWAIT.
[[nodiscard]] RecvResult recv_message(int sock, bool accept_fd, int flags = 0);

}  // namespace pmtr
