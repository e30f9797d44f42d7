// AppendInterleaved joins one collector's texts of several IPC namespaces through the family
// spans their writers recorded.
#include "exposition/family_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exposition/exposition_writer.h"

namespace ipc_exporter {
namespace {

/// What a collector writes in one namespace: families a and b, and c only if `with_c`.
struct NamespaceText {
  NamespaceText(const char* label, bool with_c) {
    ExpositionWriter writer(&text);
    writer.IndexFamiliesInto(&families);
    writer.SetLeadingLabel("ipc_namespace", label);
    writer.Family("a", "A.");
    writer.Sample({{"id", "1"}}, uint64_t{1});
    writer.Sample({{"id", "2"}}, uint64_t{2});
    writer.Family("empty", "Never sampled, never written.");
    if (with_c) {
      writer.Family("c", "C.");
      writer.Sample({}, uint64_t{3});
    }
    writer.Family("b_total", "B.", MetricType::kCounter);
    writer.Sample({}, uint64_t{4});
  }
  IndexedText indexed() const { return {text, &families}; }
  std::string text;
  FamilyIndex families;
};

TEST(FamilyIndex, RecordsWhereEachWrittenFamilyBeginsAndItsSamplesBegin) {
  const NamespaceText written("1", true);
  ASSERT_EQ(written.families.size(), 3u);  // "empty" wrote nothing
  const std::vector<std::string> names = {"a", "c", "b_total"};
  for (size_t f = 0; f < names.size(); ++f) {
    const WrittenFamily& family = written.families[f];
    EXPECT_EQ(family.name, names[f]);
    EXPECT_EQ(written.text.compare(family.begin, 8 + names[f].size(), "# HELP " + names[f] + " "),
              0)
        << names[f];
    EXPECT_EQ(written.text.compare(family.samples_begin, names[f].size() + 1, names[f] + "{"), 0)
        << names[f];
  }
}

TEST(FamilyIndex, EachFamilyOnceWithEveryNamespacesSamplesInOrder) {
  const NamespaceText first("1", false);
  const NamespaceText second("2", true);
  const FamilyIndex no_families;  // a namespace whose collector failed: no text, no families
  std::string merged = "# already there\n";
  AppendInterleaved({first.indexed(), second.indexed(), {"", &no_families}}, &merged);
  EXPECT_EQ(merged,
            "# already there\n"
            "# HELP a A.\n# TYPE a gauge\n"
            "a{ipc_namespace=\"1\",id=\"1\"} 1\na{ipc_namespace=\"1\",id=\"2\"} 2\n"
            "a{ipc_namespace=\"2\",id=\"1\"} 1\na{ipc_namespace=\"2\",id=\"2\"} 2\n"
            "# HELP b_total B.\n# TYPE b_total counter\n"
            "b_total{ipc_namespace=\"1\"} 4\nb_total{ipc_namespace=\"2\"} 4\n"
            "# HELP c C.\n# TYPE c gauge\nc{ipc_namespace=\"2\"} 3\n");
}

TEST(FamilyIndex, OneTextComesOutUnchanged) {
  const NamespaceText only("1", true);
  std::string merged;
  AppendInterleaved({only.indexed()}, &merged);
  EXPECT_EQ(merged, only.text);
  merged.clear();
  AppendInterleaved({}, &merged);
  EXPECT_EQ(merged, "");
}

}  // namespace
}  // namespace ipc_exporter
