// A throwaway system user for one test (root only): created by the
// constructor as pmtr-t-TAG<pid> (with its private group, and optionally
// extra groups pmtr-t-GROUP<pid> it is a member of), removed by the
// destructor with every group it made, also when a check failed half-way.
// Declare it as a member of the test group (not a local) and before
// anything that runs as it, so it is removed last.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace pmtr::test {

class TestUser {
 public:
  // tag: a few letters saying which test made it (the name must stay
  // within useradd's 32 characters).
  explicit TestUser(const std::string& tag, const std::vector<std::string>& extra_groups = {});
  ~TestUser();
  TestUser(const TestUser&) = delete;
  TestUser& operator=(const TestUser&) = delete;

  [[nodiscard]] bool ok() const { return created_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] uid_t uid() const { return uid_; }
  [[nodiscard]] gid_t gid() const { return gid_; }
  // The extra groups' full names, in the order given, and their ids.
  [[nodiscard]] const std::vector<std::string>& groups() const { return groups_; }
  [[nodiscard]] const std::vector<gid_t>& group_ids() const { return gids_; }
  // What useradd (or groupadd) said when it failed.
  [[nodiscard]] const std::string& error() const { return error_; }

  // Runs f in a forked child with this user's uid and gid (no
  // supplementary groups) and returns f's result, or -1 if the child
  // could not switch or did not exit normally.
  int run_as(const std::function<int()>& f) const;

 private:
  std::string name_;
  std::string error_;
  std::vector<std::string> groups_;
  std::vector<gid_t> gids_;
  bool created_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

}  // namespace pmtr::test
