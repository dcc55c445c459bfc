// One end of an AF_UNIX SOCK_SEQPACKET channel: one message per record,
// records larger than limits::kMessageBytes rejected (MSG_TRUNC), file
// descriptors accepted only where the caller asks for exactly one (the
// parser's Parse message); any fd arriving anywhere else is closed and the
// record rejected.
#pragma once

#include <sys/socket.h>   // MSG_DONTWAIT for recv_message's flags

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "common/messages.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC)
[[nodiscard]] Result<std::pair<unique_fd, unique_fd>> make_channel_pair();

// Sends one encoded message; attach_fd >= 0 passes that fd with SCM_RIGHTS
// (the caller keeps its own copy).  Blocking, EINTR retried, MSG_NOSIGNAL
// (a dead peer is EPIPE, not SIGPIPE).  Fails with EMSGSIZE, sending
// nothing, when the encoding is larger than kMessageBytes.
[[nodiscard]] Status send_message(int sock, const Message& m, int attach_fd = -1);
// The same for a record already encoded (encode_message(), or another
// codec's record), without an fd; `flags` adds to MSG_NOSIGNAL
// (MSG_DONTWAIT for a peer that must not block us: then EAGAIN is an
// Error with err == EAGAIN).
// attach_fd >= 0 passes that fd as send_message does (pmtr-log's pipes).
// `label` names the send in errors ("send to pmtr-log"); null: the parser
// channel's message name, read from the record's type byte.
[[nodiscard]] Status send_record(int sock, std::span<const std::byte> record, int flags = 0, int attach_fd = -1,
                                 const char* label = nullptr);

struct Received {
  Message message;
  unique_fd fd;   // set only when accept_fd was true and one fd came
};

// What one recv_message call saw:
//   Message     a record decoded; `received` is set.
//   Closed      end of stream (peer closed; no record, no fd).
//   WouldBlock  MSG_DONTWAIT and nothing queued.
//   Bad         anything else: recvmsg failed (`err` set), a truncated or
//               oversized record, unexpected or too many fds, a record the
//               decoder refused; `why` names it.  Any fd that came is
//               already closed.
// The enumerator Message is scoped (RecvStatus::Message) but g++'s -Wshadow
// still reports it against the type pmtr::Message; the name is kept because
// the monitor and the parser already switch on it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
enum class RecvStatus { Message, Closed, WouldBlock, Bad };
#pragma GCC diagnostic pop
struct RecvResult {
  RecvStatus status = RecvStatus::Bad;
  std::optional<Received> received;   // set when status == Message
  std::string why;                    // set when status == Bad
  int err = 0;                        // errno when recvmsg itself failed
  size_t bytes = 0;                   // the record's size when status == Message
};
// accept_fd: one fd may come with this record (kept in Received::fd); with
// accept_fd false, a record carrying any fd is Bad (and the fds closed).
// flags: 0 or MSG_DONTWAIT.  Never throws for anything the peer sends.
[[nodiscard]] RecvResult recv_message(int sock, bool accept_fd, int flags = 0);

// The layer below both: one record's bytes, undecoded, for channels with a
// codec of their own (the control socket, pmtr-log's channel).  With
// `fd` null no fd is accepted: any that comes is closed and the record is
// Bad; otherwise one fd may come with the record and lands in *fd.  `buf`
// must hold
// limits::kMessageBytes + 1 bytes (so an oversized record is seen).
struct RawRecord {
  RecvStatus status = RecvStatus::Bad;
  size_t size = 0;     // bytes of the record in buf, when status == Message
  std::string why;     // set when status == Bad
  int err = 0;
};
[[nodiscard]] RawRecord recv_record(int sock, std::span<std::byte> buf, int flags, unique_fd* fd = nullptr);


}  // namespace pmtr
