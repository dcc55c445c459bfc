// Sends bytes with one fd attached (SCM_RIGHTS), as a peer would: the
// tests of decoders that must refuse or close an fd they did not ask for.
#pragma once

#include <cstddef>
#include <span>

namespace pmtr::test {

// True when all of `bytes` went, in one sendmsg, with `fd` attached.
bool send_with_fd(int sock, std::span<const std::byte> bytes, int fd);

}  // namespace pmtr::test
