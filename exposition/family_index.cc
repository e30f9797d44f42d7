#include "exposition/family_index.h"

#include <unordered_map>

namespace ipc_exporter {
namespace {

/// One family's place in one text.
struct Span {
  std::string_view header;
  std::string_view samples;
};

Span SpanOf(const IndexedText& indexed, size_t family) {
  const FamilyIndex& index = *indexed.families;
  const WrittenFamily& written = index[family];
  const size_t end = family + 1 < index.size() ? index[family + 1].begin : indexed.text.size();
  return {indexed.text.substr(written.begin, written.samples_begin - written.begin),
          indexed.text.substr(written.samples_begin, end - written.samples_begin)};
}

}  // namespace

void AppendInterleaved(const std::vector<IndexedText>& texts, std::string* out) {
  // Each family's spans, text by text, under the family's first position.
  std::vector<std::vector<Span>> spans;
  std::unordered_map<std::string_view, size_t> position;
  size_t total = 0;
  for (const IndexedText& indexed : texts) {
    total += indexed.text.size();
    for (size_t f = 0; f < indexed.families->size(); ++f) {
      const auto [at, added] = position.emplace((*indexed.families)[f].name, spans.size());
      if (added) spans.emplace_back();
      spans[at->second].push_back(SpanOf(indexed, f));
    }
  }
  out->reserve(out->size() + total);
  for (const std::vector<Span>& family : spans) {
    out->append(family.front().header);
    for (const Span& span : family) out->append(span.samples);
  }
}

}  // namespace ipc_exporter
