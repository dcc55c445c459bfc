#include "parser/parser_session.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "parser/config_diff.hpp"
#include "parser/config_parser.hpp"

namespace pmtr {

ReadConfig read_config_fd(int fd, size_t max_bytes) noexcept {
  // Read straight into the string: a stack buffer would keep its pages
  // resident for the parser's whole life.  The whole limit is reserved up
  // front (64 MiB of address space, mapped by malloc, given back when the
  // text is freed): growing by doubling would copy the text and touch
  // twice its size in fresh pages, and a page fault costs more than the
  // parse of the bytes on it.  The string is resized (zero-filled) one
  // chunk at a time, so little past the end of the file is ever touched.
  constexpr size_t kChunk = 16384;
  const size_t limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  ReadConfig r;
  r.text.reserve(std::min(limit, limits::kConfigBytes + 1));
  size_t used = 0;
  for (;;) {
    if (used == r.text.size()) {
      if (used >= limit) break;
      // size() == used: a reallocation copies only what was read.
      if (used == r.text.capacity()) r.text.reserve(2 * used);
      r.text.resize(std::min({limit, r.text.capacity(), used + kChunk}));
    }
    const ssize_t n = ::read(fd, r.text.data() + used, r.text.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      r.err = errno;
      r.text = std::string();
      return r;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  r.text.resize(used);
  r.ok = true;
  return r;
}

namespace {

// A diagnostic may quote config text: keep it within the wire's limits
// (length, no NUL) rather than have the monitor reject the record.
std::string clip_for_wire(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += c == '\0' ? '?' : c;
  if (out.size() > limits::kDiagnosticBytes) {
    out.resize(limits::kDiagnosticBytes - 3);
    out += "...";
  }
  return out;
}

}  // namespace

bool ParserSession::send(const Message& m) noexcept { return send_message(sock_, m).ok(); }

int ParserSession::run() noexcept {
  for (;;) {
    // Only a Parse record may carry an fd; the channel layer rejects fds
    // on anything else, and we reject a Parse without one below.
    RecvResult r = recv_message(sock_, state_ == State::Ready);
    switch (r.status) {
      case RecvStatus::Message:
        if (!handle(r.received->message, std::move(r.received->fd))) return 1;
        break;
      case RecvStatus::Closed:
        return 0;
      case RecvStatus::WouldBlock:
        break;
      case RecvStatus::Bad:
        return 1;
    }
  }
}

bool ParserSession::handle(const Message& m, unique_fd fd) noexcept {
  const MsgType type = message_type(m);
  switch (state_) {
    case State::AwaitHello:
      if (type != MsgType::Hello) return false;
      mode_ = std::get<MsgHello>(m).mode;
      state_ = State::AwaitTableBegin;
      return true;
    case State::AwaitTableBegin:
      if (type != MsgType::TableBegin) return false;
      table_expected_ = std::get<MsgTableBegin>(m).job_count;
      table_.clear();
      table_.reserve(table_expected_, 0);
      state_ = State::InTable;
      return true;
    case State::InTable:
      if (type == MsgType::TableJob) {
        const auto& jobs = std::get<MsgTableJob>(m).jobs;
        if (jobs.size() > table_expected_ - table_.size()) return false;
        DefinitionDigester digest;
        for (const auto& j : jobs) table_.add(j.name, digest(j));
        return true;
      }
      if (type == MsgType::TableEnd && table_.size() == table_expected_) {
        table_.shrink_to_fit();   // the names grew without a known total
        state_ = State::Ready;
        return true;
      }
      return false;
    case State::Ready:
      if (type != MsgType::Parse || !fd.valid()) return false;
      return parse_and_send(std::get<MsgParse>(m).generation, fd);
  }
  return false;
}

bool ParserSession::parse_and_send(uint32_t generation, const unique_fd& config) noexcept {
  const bool ok = parse_and_reply(generation, config);
#ifndef __SANITIZE_ADDRESS__
  // The parse's memory (all freed by now, whatever the outcome) goes back
  // to the kernel while we idle: the parser lives as long as pmtr, and its
  // resident size counts.  (ASan's allocator has its own malloc_trim, whose
  // syscalls the sandbox does not allow.)
  malloc_trim(0);
#endif
  return ok;
}

bool ParserSession::parse_and_reply(uint32_t generation, const unique_fd& config) noexcept {
  EncodedConfig parsed;
  {
    ReadConfig in = read_config_fd(config.get(), limits::kConfigBytes);
    if (!in.ok) {
      const std::string text = std::string("cannot read config: ") + std::strerror(in.err);
      return send(MsgDiag{Severity::Error, 0, 0, text}) && send(MsgParseFailed{generation, 1, 0});
    }
    parsed = parse_config_encoded(in.text);
  }   // the text is not needed past the parse
  for (const auto& d : parsed.diagnostics)
    if (!send(MsgDiag{d.severity, d.line, d.col, clip_for_wire(d.text)})) return false;
  const auto errors = static_cast<uint32_t>(parsed.errors());
  const auto warnings = static_cast<uint32_t>(parsed.warnings());
  if (errors != 0) return send(MsgParseFailed{generation, errors, warnings});

  // The keys of the new config are computed once, while diffing, and kept
  // as the table for the next parse (a -t check keeps nothing).  Each
  // record is sent as soon as it is built: the monitor decodes one batch
  // while the next is built.
  JobKeyTable next_table;
  JobKeyTable* keep = mode_ == ParseMode::Run ? &next_table : nullptr;
  if (!stream_transaction(generation, table_, parsed.jobs, parsed.globals, warnings, keep,
                          [this](std::span<const std::byte> rec) { return send_record(sock_, rec).ok(); }))
    return false;
  parsed = EncodedConfig{};
  // The monitor applies the whole transaction or kills us; either way the
  // table we diff against next time is this config (a fresh parser is
  // handed the monitor's real table).
  if (keep != nullptr) table_ = std::move(next_table);
  return true;
}

}  // namespace pmtr
