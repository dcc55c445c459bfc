// The `listen on` datagram, as the original pmtr reads it: words separated
// by white space; `enable` and `disable` set the mode, every other word is
// a job name the mode applies to ("disable web db enable cache").  Parsed
// by pmtr-net (hostile input); what it yields is checked again by the
// monitor.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pmtr {

// Names per datagram beyond which the rest is dropped (with a problem).
inline constexpr size_t kListenNamesMax = 256;

struct ListenOp {
  bool enable = false;
  std::string name;
  bool operator==(const ListenOp&) const = default;
};

struct ListenParse {
  std::vector<ListenOp> ops;              // in datagram order
  std::vector<std::string> problems;      // one line each, naming the word: "name before enable/disable: 'x'"
};

[[nodiscard]] ListenParse parse_listen_datagram(std::string_view text);

// What `pmtrctl send` sends: "enable a b" / "disable a b".
[[nodiscard]] std::string format_listen_datagram(bool enable, const std::vector<std::string>& names);

}  // namespace pmtr
