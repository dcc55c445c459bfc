#include "parser/capabilities.hpp"

#include <array>
#include <string>

#include "common/did_you_mean.hpp"
#include "common/limits.hpp"
#include "parser/diag_sink.hpp"

namespace pmtr::conf {
namespace {

// capabilities(7); index == number.
constexpr std::array<std::string_view, 41> kNames = {
    "chown",           "dac_override",   "dac_read_search", "fowner",          "fsetid",
    "kill",            "setgid",         "setuid",          "setpcap",         "linux_immutable",
    "net_bind_service", "net_broadcast", "net_admin",       "net_raw",         "ipc_lock",
    "ipc_owner",       "sys_module",     "sys_rawio",       "sys_chroot",      "sys_ptrace",
    "sys_pacct",       "sys_admin",      "sys_boot",        "sys_nice",        "sys_resource",
    "sys_time",        "sys_tty_config", "mknod",           "lease",           "audit_write",
    "audit_control",   "setfcap",        "mac_override",    "mac_admin",       "syslog",
    "wake_alarm",      "block_suspend",  "audit_read",      "perfmon",         "bpf",
    "checkpoint_restore",
};
static_assert(kNames.size() - 1 <= limits::kCapMax);

// The longest name with its prefix, "CAP_CHECKPOINT_RESTORE", and some
// room: anything longer is not a capability, and is not copied.
constexpr size_t kLongest = 32;

constexpr std::string_view kUsage =
    "a name from capabilities(7), as in 'net_bind_service' or 'CAP_NET_BIND_SERVICE', or a number from 0 to 63";

Error err(std::initializer_list<std::string_view> parts) { return Error{0, cat(parts)}; }

bool digits_only(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The hint in the word's own style: with the prefix if the word had it,
// in capitals if the word had any.
std::string styled(std::string_view name, bool prefixed, bool capitals) {
  std::string out = prefixed ? "cap_" : "";
  out += name;
  if (capitals)
    for (char& c : out)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

std::span<const std::string_view> capability_names() noexcept { return kNames; }

Result<uint8_t> parse_capability(std::string_view word) {
  if (digits_only(word)) {
    unsigned n = 0;
    for (char c : word) {
      n = n * 10 + static_cast<unsigned>(c - '0');
      if (n > limits::kCapMax)
        return err({"capability number ", quote(word), " is out of range (0 to ", std::to_string(limits::kCapMax), ")"});
    }
    return static_cast<uint8_t>(n);
  }
  if (word.find(',') != std::string_view::npos)
    return err({"unknown capability ", quote(word), " (separate capabilities with blanks, not commas)"});
  if (word.size() > kLongest) return err({"unknown capability ", quote(word), " (", kUsage, ")"});
  const std::string lower = lowered(word);
  std::string_view name = lower;
  const bool prefixed = name.substr(0, 4) == "cap_";
  if (prefixed) name.remove_prefix(4);
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<uint8_t>(i);
  const std::string_view hint = did_you_mean(name, kNames);
  if (hint.empty()) return err({"unknown capability ", quote(word), " (", kUsage, ")"});
  return err({"unknown capability ", quote(word), " (did you mean ", quote(styled(hint, prefixed, lower != word)), "?)"});
}

}  // namespace pmtr::conf
