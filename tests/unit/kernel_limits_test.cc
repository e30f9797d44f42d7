#include "procfs/kernel_limits.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ipc_exporter {
namespace {

struct ListCase {
  std::string text;
  std::optional<std::vector<uint64_t>> expected;
};

TEST(ParseUnsignedList, Table) {
  const std::vector<ListCase> cases = {
      {"4096\n", std::vector<uint64_t>{4096}},
      {"32000\t1024000000\t500\t32000\n", std::vector<uint64_t>{32000, 1024000000, 500, 32000}},
      {"18446744073692774399\n", std::vector<uint64_t>{18446744073692774399u}},
      {"18446744073709551615", std::vector<uint64_t>{UINT64_MAX}},
      {"18446744073709551616\n", std::nullopt},  // one past 64 bits
      {"", std::nullopt},
      {"\n", std::nullopt},
      {"-1\n", std::nullopt},
      {"12abc\n", std::nullopt},
      {"1,2\n", std::nullopt},
      {std::string("1\0", 2), std::nullopt},
  };
  for (const ListCase& c : cases) {
    EXPECT_EQ(ParseUnsignedList(c.text), c.expected) << "input: \"" << c.text << "\"";
  }
}

class LimitFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("ipc_limits_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "sys/kernel");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / "sys/kernel" / name) << text;
  }
  std::filesystem::path root_;
};

TEST_F(LimitFiles, MissingFileIsSilentlyUnknown) {
  ProcFs proc(root_.string());
  std::vector<std::string> errors;
  EXPECT_EQ(ReadLimitValue(proc, "sys/kernel/shm_rmid_forced", &errors), std::nullopt);
  EXPECT_TRUE(errors.empty());
}

TEST_F(LimitFiles, MalformedFileIsAnErrorNamingThePath) {
  Write("shmmni", "lots\n");
  ProcFs proc(root_.string());
  std::vector<std::string> errors;
  EXPECT_EQ(ReadLimitValue(proc, "sys/kernel/shmmni", &errors), std::nullopt);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("sys/kernel/shmmni"), std::string::npos) << errors[0];
}

TEST_F(LimitFiles, SemNeedsExactlyFourNumbers) {
  ProcFs proc(root_.string());
  std::vector<std::string> errors;
  Write("sem", "250 32000 32\n");
  EXPECT_EQ(ReadSemLimits(proc, &errors), std::nullopt);
  EXPECT_EQ(errors.size(), 1u);
  Write("sem", "250\t32000\t32\t128\n");
  std::optional<SemLimits> limits = ReadSemLimits(proc, &errors);
  ASSERT_TRUE(limits.has_value());
  EXPECT_EQ(limits->semmsl, 250u);
  EXPECT_EQ(limits->semmns, 32000u);
  EXPECT_EQ(limits->semopm, 32u);
  EXPECT_EQ(limits->semmni, 128u);
}

TEST_F(LimitFiles, UnreadableDirectoryInPlaceOfFileIsAnError) {
  std::filesystem::create_directories(root_ / "sys/kernel/msgmni");
  ProcFs proc(root_.string());
  std::vector<std::string> errors;
  EXPECT_EQ(ReadLimitValue(proc, "sys/kernel/msgmni", &errors), std::nullopt);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("msgmni"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter
