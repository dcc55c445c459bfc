#include "logger/landlock.hpp"

#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "common/unique_fd.hpp"

namespace pmtr {
namespace {

// ABI 1's rights are bits 0-12; ABI 2 adds REFER (13), ABI 3 TRUNCATE
// (14).  Every right the kernel knows is handled (denied unless a rule
// grants it); the headers of older distributions lack the newer names.
constexpr uint64_t kAbi1Rights = (1ull << 13) - 1;
constexpr uint64_t kRefer = 1ull << 13;
constexpr uint64_t kTruncate = 1ull << 14;

// Struct layouts of the kernel ABI, declared here so that the fields used
// do not depend on the headers' version.
struct RulesetAttr {
  uint64_t handled_access_fs;
};
struct PathBeneath {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

}  // namespace

Status confine_to_directory(int dir_fd, bool* applied) {
  *applied = false;
  const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) {
    if (errno == ENOSYS || errno == EOPNOTSUPP) return {};
    return Error::from_errno("landlock: ABI version");
  }
  uint64_t handled = kAbi1Rights;
  if (abi >= 2) handled |= kRefer;
  if (abi >= 3) handled |= kTruncate;
  const RulesetAttr attr{handled};
  unique_fd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0)));
  if (!ruleset) return Error::from_errno("landlock: create ruleset");
  if (dir_fd >= 0) {
    // Create job directories and files, write and cut them, rename current
    // to an archive in the same directory, delete archives, list them.
    uint64_t allowed = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                       LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG;
    if (abi >= 3) allowed |= kTruncate;
    const PathBeneath rule{allowed, dir_fd};
    if (::syscall(SYS_landlock_add_rule, ruleset.get(), LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
      return Error::from_errno("landlock: add the log directory");
  }
  if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0) return Error::from_errno("landlock: restrict");
  *applied = true;
  return {};
}

}  // namespace pmtr
