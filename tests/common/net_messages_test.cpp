// The monitor <-> pmtr-net codec (common/net_messages.hpp): round trips,
// and a hostile pmtr-net's records refused with a reason.
#include <cstddef>
#include <vector>

#include "common/net_messages.hpp"
#include "common/wire.hpp"

// Last: CppUTest's leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

}  // namespace

TEST_GROUP(NetMessages) {};

TEST(NetMessages, JobsAndOperateRoundTrip) {
  NetJobs jobs;
  jobs.last = false;
  jobs.jobs = {NetJob{"web", true, true, 1234, 987654321, "/usr/sbin/nginx"}, NetJob{"init", false, false, 0, 0, "/bin/true"}};
  auto back = decode_net_message(encode_net_message(jobs));
  CHECK(back.ok());
  CHECK(std::get<NetJobs>(*back) == jobs);
  NetOperate op{true, "web"};
  auto back2 = decode_net_message(encode_net_message(op));
  CHECK(back2.ok());
  CHECK(std::get<NetOperate>(*back2) == op);
}

TEST(NetMessages, HostileRecordsAreRefused) {
  // Unknown type, wrong version, truncated, trailing bytes.
  STRCMP_EQUAL("unknown message type", decode_net_message(bytes({kNetProtocolVersion, 99})).error().message().c_str());
  STRCMP_EQUAL("wrong protocol version", decode_net_message(bytes({9, 20, 1})).error().message().c_str());
  STRCMP_EQUAL("truncated record", decode_net_message(bytes({kNetProtocolVersion})).error().message().c_str());
  auto rec = encode_net_message(NetOperate{false, "web"});
  rec.push_back(std::byte{0});
  CHECK_FALSE(decode_net_message(rec).ok());
  // enable must be 0 or 1; the name must be a job name.
  auto two = encode_net_message(NetOperate{true, "web"});
  two[2] = std::byte{2};
  CHECK_FALSE(decode_net_message(two).ok());
  CHECK_FALSE(decode_net_message(encode_net_message(NetOperate{true, "bad name"})).ok());
  CHECK_FALSE(decode_net_message(encode_net_message(NetOperate{true, ""})).ok());
  // More jobs than a record may hold.
  NetJobs many;
  many.jobs.resize(kNetJobsPerRecord + 1, NetJob{"a", true, true, 1, 1, "/x"});
  CHECK_FALSE(decode_net_message(encode_net_message(many)).ok());
}
