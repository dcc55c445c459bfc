// parser/capabilities.{hpp,cpp}: the names of `caps`.
#include "parser/capabilities.hpp"

#include <CppUTest/TestHarness.h>
#include <linux/capability.h>

#include <string>

#include "common/limits.hpp"

using namespace pmtr;
using namespace pmtr::conf;

namespace {

std::string cap(std::string_view s) {
  const auto r = parse_capability(s);
  return r ? std::to_string(r.value()) : "error: " + r.error().what;
}

}  // namespace

TEST_GROUP(Capabilities){};

// Our table is our own; the kernel's header is the authority on numbers.
TEST(Capabilities, TheTableIsNumberedAsTheKernelNumbersThem) {
  const struct {
    const char* name;
    int number;
  } kernel[] = {
      {"CAP_CHOWN", CAP_CHOWN}, {"CAP_DAC_OVERRIDE", CAP_DAC_OVERRIDE}, {"CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH},
      {"CAP_FOWNER", CAP_FOWNER}, {"CAP_FSETID", CAP_FSETID}, {"CAP_KILL", CAP_KILL}, {"CAP_SETGID", CAP_SETGID},
      {"CAP_SETUID", CAP_SETUID}, {"CAP_SETPCAP", CAP_SETPCAP}, {"CAP_LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE},
      {"CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE}, {"CAP_NET_BROADCAST", CAP_NET_BROADCAST},
      {"CAP_NET_ADMIN", CAP_NET_ADMIN}, {"CAP_NET_RAW", CAP_NET_RAW}, {"CAP_IPC_LOCK", CAP_IPC_LOCK},
      {"CAP_IPC_OWNER", CAP_IPC_OWNER}, {"CAP_SYS_MODULE", CAP_SYS_MODULE}, {"CAP_SYS_RAWIO", CAP_SYS_RAWIO},
      {"CAP_SYS_CHROOT", CAP_SYS_CHROOT}, {"CAP_SYS_PTRACE", CAP_SYS_PTRACE}, {"CAP_SYS_PACCT", CAP_SYS_PACCT},
      {"CAP_SYS_ADMIN", CAP_SYS_ADMIN}, {"CAP_SYS_BOOT", CAP_SYS_BOOT}, {"CAP_SYS_NICE", CAP_SYS_NICE},
      {"CAP_SYS_RESOURCE", CAP_SYS_RESOURCE}, {"CAP_SYS_TIME", CAP_SYS_TIME},
      {"CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG}, {"CAP_MKNOD", CAP_MKNOD}, {"CAP_LEASE", CAP_LEASE},
      {"CAP_AUDIT_WRITE", CAP_AUDIT_WRITE}, {"CAP_AUDIT_CONTROL", CAP_AUDIT_CONTROL}, {"CAP_SETFCAP", CAP_SETFCAP},
      {"CAP_MAC_OVERRIDE", CAP_MAC_OVERRIDE}, {"CAP_MAC_ADMIN", CAP_MAC_ADMIN}, {"CAP_SYSLOG", CAP_SYSLOG},
      {"CAP_WAKE_ALARM", CAP_WAKE_ALARM}, {"CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND},
      {"CAP_AUDIT_READ", CAP_AUDIT_READ}, {"CAP_PERFMON", CAP_PERFMON}, {"CAP_BPF", CAP_BPF},
      {"CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE},
  };
  LONGS_EQUAL(sizeof kernel / sizeof kernel[0], capability_names().size());
  for (const auto& k : kernel) {
    STRCMP_EQUAL_TEXT(std::to_string(k.number).c_str(), cap(k.name).c_str(), k.name);
    const std::string lower = std::string(capability_names()[static_cast<size_t>(k.number)]);
    STRCMP_EQUAL_TEXT(std::to_string(k.number).c_str(), cap(lower).c_str(), k.name);
  }
}

TEST(Capabilities, AnyCaseWithOrWithoutThePrefix) {
  for (const char* w : {"net_bind_service", "NET_BIND_SERVICE", "CAP_NET_BIND_SERVICE", "cap_net_bind_service",
                        "Cap_Net_Bind_Service", "net_BIND_service"})
    STRCMP_EQUAL_TEXT("10", cap(w).c_str(), w);
}

TEST(Capabilities, NumbersUpToTheKernelsSixtyFourBits) {
  STRCMP_EQUAL("0", cap("0").c_str());
  STRCMP_EQUAL("40", cap("40").c_str());
  STRCMP_EQUAL("63", cap("63").c_str());
  STRCMP_EQUAL("7", cap("007").c_str());
  STRCMP_EQUAL("error: capability number '64' is out of range (0 to 63)", cap("64").c_str());
  STRCMP_EQUAL("error: capability number '99999999999999999999' is out of range (0 to 63)",
               cap("99999999999999999999").c_str());
}

TEST(Capabilities, AMisspelledNameGetsAHintInItsOwnStyle) {
  STRCMP_EQUAL("error: unknown capability 'net_bind_servic' (did you mean 'net_bind_service'?)",
               cap("net_bind_servic").c_str());
  STRCMP_EQUAL("error: unknown capability 'CAP_NET_BIND_SERVIC' (did you mean 'CAP_NET_BIND_SERVICE'?)",
               cap("CAP_NET_BIND_SERVIC").c_str());
  STRCMP_EQUAL("error: unknown capability 'SYS_ADMN' (did you mean 'SYS_ADMIN'?)", cap("SYS_ADMN").c_str());
  STRCMP_EQUAL("error: unknown capability 'cap_sys_admn' (did you mean 'cap_sys_admin'?)",
               cap("cap_sys_admn").c_str());
}

TEST(Capabilities, AnythingElseSaysWhatACapabilityIs) {
  const std::string usage =
      " (a name from capabilities(7), as in 'net_bind_service' or 'CAP_NET_BIND_SERVICE', or a number from 0 to 63)";
  for (const char* w : {"", "all", "CAP_", "-1", "cap_x", "superpowers", "CAP_NET_BIND_SERVICE_AND_THEN_SOME_MORE"})
    STRCMP_EQUAL_TEXT(("error: unknown capability '" + std::string(w) + "'" + usage).c_str(), cap(w).c_str(), w);
  STRCMP_EQUAL("error: unknown capability 'chown,kill' (separate capabilities with blanks, not commas)",
               cap("chown,kill").c_str());
}
