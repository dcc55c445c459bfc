// common/control_path.{hpp,cpp}: where pmtr and pmtrctl look for the
// control socket when nobody names one.
#include "common/control_path.hpp"

#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using pmtr::default_control_socket;

TEST_GROUP(ControlPath){};

TEST(ControlPath, RootUsesRun) {
  STRCMP_EQUAL("/run/pmtr/control", default_control_socket(nullptr, nullptr, 0).c_str());
  STRCMP_EQUAL("/run/pmtr/control", default_control_socket(nullptr, "/run/user/0", 0).c_str());
}

TEST(ControlPath, UsersUseTheirRuntimeDirectory) {
  STRCMP_EQUAL("/run/user/1000/pmtr/control", default_control_socket(nullptr, "/run/user/1000", 1000).c_str());
  STRCMP_EQUAL("/x/pmtr/control", default_control_socket(nullptr, "/x//", 1000).c_str());
  STRCMP_EQUAL("/pmtr/control", default_control_socket(nullptr, "/", 1000).c_str());
  // Unset, empty or relative: systemd-logind's place for it.
  STRCMP_EQUAL("/run/user/1000/pmtr/control", default_control_socket(nullptr, nullptr, 1000).c_str());
  STRCMP_EQUAL("/run/user/1000/pmtr/control", default_control_socket(nullptr, "", 1000).c_str());
  STRCMP_EQUAL("/run/user/1000/pmtr/control", default_control_socket(nullptr, "tmp", 1000).c_str());
}

TEST(ControlPath, TheEnvironmentVariableWins) {
  STRCMP_EQUAL("/tmp/ctl", default_control_socket("/tmp/ctl", "/run/user/1000", 1000).c_str());
  STRCMP_EQUAL("/tmp/ctl", default_control_socket("/tmp/ctl", nullptr, 0).c_str());
  STRCMP_EQUAL("/run/pmtr/control", default_control_socket("", nullptr, 0).c_str());
}
