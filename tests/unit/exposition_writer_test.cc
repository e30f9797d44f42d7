#include "exposition/exposition_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ipc_exporter {
namespace {

TEST(ExpositionWriter, WritesHeaderOnceBeforeFirstSample) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.Family("a_bytes", "Size of a.");
  writer.Sample({{"id", "1"}}, uint64_t{10});
  writer.Sample({{"id", "2"}}, uint64_t{20});
  EXPECT_EQ(out,
            "# HELP a_bytes Size of a.\n# TYPE a_bytes gauge\n"
            "a_bytes{id=\"1\"} 10\na_bytes{id=\"2\"} 20\n");
}

TEST(ExpositionWriter, FamilyWithoutSamplesLeavesNoTrace) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.Family("unused", "Never sampled.");
  writer.Family("used_total", "Counted.", MetricType::kCounter);
  writer.Sample({}, uint64_t{1});
  EXPECT_EQ(out, "# HELP used_total Counted.\n# TYPE used_total counter\nused_total 1\n");
}

TEST(ExpositionWriter, EscapesLabelValuesAndHelp) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.Family("x", "Back\\slash and\nnewline \"kept\".");
  writer.Sample({{"cmd", "a\"b\\c\nd"}, {"n", ""}}, uint64_t{1});
  EXPECT_EQ(out,
            "# HELP x Back\\\\slash and\\nnewline \"kept\".\n# TYPE x gauge\n"
            "x{cmd=\"a\\\"b\\\\c\\nd\",n=\"\"} 1\n");
}

TEST(ExpositionWriter, LongLinesTakeTheSlowPathAndComeOutTheSame) {
  std::string out;
  ExpositionWriter writer(&out);
  const std::string long_value(2000, 'x');
  writer.Family("long_info", "Long.");
  writer.Sample({{"a", "1"}, {"command", long_value}, {"b", "q\"uote"}}, 1.5);
  EXPECT_EQ(out, "# HELP long_info Long.\n# TYPE long_info gauge\nlong_info{a=\"1\",command=\"" +
                     long_value + "\",b=\"q\\\"uote\"} 1.5\n");
}

TEST(ExpositionWriter, WritesNumbersExactly) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.Family("v", "Values.");
  writer.Sample({{"k", "max"}}, std::numeric_limits<uint64_t>::max());
  writer.Sample({{"k", "neg"}}, int64_t{-5});
  writer.Sample({{"k", "half"}}, 0.5);
  writer.Sample({{"k", "big"}}, 7.555786372584561e22);
  writer.Sample({{"k", "inf"}}, std::numeric_limits<double>::infinity());
  writer.Sample({{"k", "ninf"}}, -std::numeric_limits<double>::infinity());
  writer.Sample({{"k", "nan"}}, std::nan(""));
  EXPECT_EQ(out,
            "# HELP v Values.\n# TYPE v gauge\n"
            "v{k=\"max\"} 18446744073709551615\nv{k=\"neg\"} -5\nv{k=\"half\"} 0.5\n"
            "v{k=\"big\"} 7.555786372584561e+22\nv{k=\"inf\"} +Inf\nv{k=\"ninf\"} -Inf\n"
            "v{k=\"nan\"} NaN\n");
}

TEST(ExpositionWriter, LeadingLabelGoesFirstOnEverySample) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.SetLeadingLabel("ipc_namespace", "4026532177");
  writer.Family("a", "A.");
  writer.Sample({}, uint64_t{1});
  writer.Sample({{"key", "0x00000001"}, {"shmid", "7"}}, uint64_t{2});
  writer.Sample({{"name", "needs \"escaping\""}}, 0.5);  // the slow path
  EXPECT_EQ(out,
            "# HELP a A.\n# TYPE a gauge\n"
            "a{ipc_namespace=\"4026532177\"} 1\n"
            "a{ipc_namespace=\"4026532177\",key=\"0x00000001\",shmid=\"7\"} 2\n"
            "a{ipc_namespace=\"4026532177\",name=\"needs \\\"escaping\\\"\"} 0.5\n");
}

TEST(ExpositionWriter, LeadingLabelValueIsEscaped) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.SetLeadingLabel("l", "a\"b");
  writer.Family("a", "A.");
  writer.Sample({}, uint64_t{1});
  EXPECT_EQ(out, "# HELP a A.\n# TYPE a gauge\na{l=\"a\\\"b\"} 1\n");
}

TEST(Utf8SequenceLength, Table) {
  EXPECT_EQ(detail::Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(detail::Utf8SequenceLength("\xC3\xA9"), 2u);          // é
  EXPECT_EQ(detail::Utf8SequenceLength("\xE2\x82\xAC"), 3u);      // €
  EXPECT_EQ(detail::Utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);  // an emoji
  EXPECT_EQ(detail::Utf8SequenceLength("\xFF"), 0u);
  EXPECT_EQ(detail::Utf8SequenceLength("\x80"), 0u);              // a lone continuation
  EXPECT_EQ(detail::Utf8SequenceLength("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(detail::Utf8SequenceLength("\xE0\x80\x80"), 0u);      // overlong
  EXPECT_EQ(detail::Utf8SequenceLength("\xED\xA0\x80"), 0u);      // a surrogate
  EXPECT_EQ(detail::Utf8SequenceLength("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(detail::Utf8SequenceLength("\xE2\x82"), 0u);          // truncated
}

TEST(ExpositionWriter, InvalidUtf8InLabelValuesBecomesReplacementCharacters) {
  std::string text;
  ExpositionWriter writer(&text);
  writer.Family("x_info", "help \xFF");
  writer.Sample({{"name", "/bad\xFF"}, {"command", "caf\xC3\xA9\xE2\x82"}}, uint64_t{1});
  EXPECT_EQ(
      text,
      "# HELP x_info help \xEF\xBF\xBD\n# TYPE x_info gauge\n"
      "x_info{name=\"/bad\xEF\xBF\xBD\",command=\"caf\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\"} 1\n");
}

}  // namespace
}  // namespace ipc_exporter

namespace ipc_exporter {
namespace {

TEST(ExpositionWriter, HistogramSeriesIsCumulativeWithInfSumAndCount) {
  std::string out;
  ExpositionWriter writer(&out);
  writer.SetLeadingLabel("ipc_namespace", "4026531839");
  writer.Family("wait_seconds", "Waits.", MetricType::kHistogram);
  const double bounds[] = {0.001, 0.5};
  const uint64_t slots[] = {2, 0, 3};  // two up to 1 ms, none up to 0.5 s, three above
  const Label id{"semid", "7"};
  writer.HistogramSeries({&id, 1}, bounds, slots, 4.25);
  writer.Family("after", "A gauge after it.");
  writer.Sample({}, uint64_t{1});
  EXPECT_EQ(out,
            "# HELP wait_seconds Waits.\n# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{ipc_namespace=\"4026531839\",semid=\"7\",le=\"0.001\"} 2\n"
            "wait_seconds_bucket{ipc_namespace=\"4026531839\",semid=\"7\",le=\"0.5\"} 2\n"
            "wait_seconds_bucket{ipc_namespace=\"4026531839\",semid=\"7\",le=\"+Inf\"} 5\n"
            "wait_seconds_sum{ipc_namespace=\"4026531839\",semid=\"7\"} 4.25\n"
            "wait_seconds_count{ipc_namespace=\"4026531839\",semid=\"7\"} 5\n"
            "# HELP after A gauge after it.\n# TYPE after gauge\n"
            "after{ipc_namespace=\"4026531839\"} 1\n");
}

}  // namespace
}  // namespace ipc_exporter
