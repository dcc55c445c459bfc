// A throwaway local user (and its private group, plus optional extra
// groups) for tests that need someone who is not root; removed with
// userdel/groupdel on destruction, whatever the test did.  Root only.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace pmtr::test {

class TestUser {
 public:
  // `tag` keeps names apart between groups running side by side; names
  // are "pmtr-t-TAG-PID" (under useradd's 32 bytes).
  explicit TestUser(const std::string& tag, const std::vector<std::string>& extra_groups = {});
  ~TestUser();
  TestUser(const TestUser&) = delete;
  TestUser& operator=(const TestUser&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] uid_t uid() const { return uid_; }
  [[nodiscard]] gid_t gid() const { return gid_; }
  // The full names of the extra groups, in the order given, and their ids.
  [[nodiscard]] const std::vector<std::string>& groups() const { return groups_; }
  [[nodiscard]] const std::vector<gid_t>& group_ids() const { return gids_; }

 private:
  std::string name_, error_;
  std::vector<std::string> groups_;
  std::vector<gid_t> gids_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool ok_ = false, made_user_ = false;
};

}  // namespace pmtr::test
