// The spool: what Append acknowledged survives a reopen, a torn tail is cut, a full spool
// refuses, and deleted segments are gone from disk.
#include "zcdp/serve/spool.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace zcdp::serve {
namespace {

std::vector<std::string> ReadAll(Spool& spool, const std::vector<int64_t>& segments) {
  std::vector<std::string> out;
  for (int64_t s : segments) {
    EXPECT_TRUE(spool
                    .ForEachRecord(s,
                                   [&](std::string_view r) {
                                     out.emplace_back(r);
                                     return Status::Ok();
                                   })
                    .ok());
  }
  return out;
}

TEST(ServeSpool, AcknowledgedRecordsSurviveAReopenAndATornTailIsCut) {
  testing::TempDir dir("zcdp-spool");
  SpoolOptions options;
  options.dir = dir.Sub("spool");
  std::string last_segment;
  {
    auto spool = Spool::Open(options);
    ASSERT_TRUE(spool.ok()) << spool.status().message();
    // Concurrent appenders share group commits; every one is acknowledged.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          EXPECT_TRUE((*spool)->Append({"t" + std::to_string(t) + "-" + std::to_string(i)}).ok());
        }
      });
    }
    for (auto& th : threads) th.join();
    last_segment = (*spool)->SegmentPath(1);
  }  // closed without Rotate: as after a crash
  // Half a record at the end, as when the process died mid-write.
  {
    std::ofstream out(last_segment, std::ios::binary | std::ios::app);
    out << std::string("\x20\x00\x00\x00\x01\x02", 6) << "partial";
  }
  const auto size_before = std::filesystem::file_size(last_segment);
  SpoolRecovery recovery;
  auto spool = Spool::Open(options, &recovery);
  ASSERT_TRUE(spool.ok());
  EXPECT_EQ(recovery.records, 100);
  EXPECT_EQ(recovery.torn_bytes, 13);
  EXPECT_EQ(std::filesystem::file_size(last_segment), size_before - 13);
  ASSERT_TRUE((*spool)->Append({"after"}).ok());
  auto sealed = (*spool)->Rotate();
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(*sealed, (std::vector<int64_t>{1, 2}));  // new records went to a new segment
  std::vector<std::string> records = ReadAll(**spool, *sealed);
  ASSERT_EQ(records.size(), 101u);
  EXPECT_EQ(records.back(), "after");
  ASSERT_TRUE((*spool)->DeleteThrough(2).ok());
  EXPECT_FALSE(std::filesystem::exists(last_segment));
  EXPECT_TRUE(std::filesystem::is_empty(options.dir));
  EXPECT_EQ((*spool)->bytes(), 0);
}

TEST(ServeSpool, AFullSpoolRefusesWithoutWriting) {
  testing::TempDir dir("zcdp-spool");
  SpoolOptions options;
  options.dir = dir.Sub("spool");
  options.max_bytes = 1000;
  auto spool = Spool::Open(options);
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Append({std::string(500, 'a')}).ok());
  const int64_t bytes = (*spool)->bytes();
  Status full = (*spool)->Append({std::string(600, 'b')});
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_EQ((*spool)->bytes(), bytes);
  ASSERT_TRUE((*spool)->Append({std::string(100, 'c')}).ok());
}

TEST(ServeSpool, ACorruptRecordInTheMiddleEndsTheSegmentThere) {
  testing::TempDir dir("zcdp-spool");
  SpoolOptions options;
  options.dir = dir.Sub("spool");
  std::string path;
  {
    auto spool = Spool::Open(options);
    ASSERT_TRUE(spool.ok());
    ASSERT_TRUE((*spool)->Append({"first", "second", "third"}).ok());
    path = (*spool)->SegmentPath(1);
  }
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(8 + 8 + 5 + 8);  // magic, "first" framed, then the bytes of "second"
    f.put('X');
  }
  SpoolRecovery recovery;
  auto spool = Spool::Open(options, &recovery);
  ASSERT_TRUE(spool.ok());
  EXPECT_EQ(recovery.records, 1);
  EXPECT_EQ(ReadAll(**spool, {1}), std::vector<std::string>{"first"});
}

}  // namespace
}  // namespace zcdp::serve
