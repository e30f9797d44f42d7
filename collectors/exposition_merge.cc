#include "exposition_merge.h"

#include <unordered_map>

namespace ipc_exporter {
namespace {

/// One family of a text: its name, its HELP and TYPE lines, and its sample lines.
struct FamilyBlock {
  std::string_view name;
  std::string_view header;
  std::string_view samples;
};

/// The end of the line that starts at `from` (just past its newline), or the text's end.
size_t LineEnd(std::string_view text, size_t from) {
  size_t newline = text.find('\n', from);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

std::vector<FamilyBlock> SplitFamilies(std::string_view text) {
  constexpr std::string_view kHelp = "# HELP ";
  std::vector<FamilyBlock> blocks;
  size_t at = 0;
  while (at < text.size()) {
    // ExpositionWriter starts every family with HELP and then TYPE.
    size_t name_start = at + kHelp.size();
    size_t name_end = text.find(' ', name_start);
    size_t header_end = LineEnd(text, LineEnd(text, at));
    size_t next = text.find("\n# HELP ", header_end - 1);
    size_t block_end = next == std::string_view::npos ? text.size() : next + 1;
    blocks.push_back({text.substr(name_start, name_end - name_start),
                      text.substr(at, header_end - at),
                      text.substr(header_end, block_end - header_end)});
    at = block_end;
  }
  return blocks;
}

}  // namespace

void MergeExpositions(const std::vector<std::string_view>& texts, std::string* out) {
  std::vector<std::vector<FamilyBlock>> split;
  std::vector<std::string_view> order;
  std::unordered_map<std::string_view, size_t> position;  // family name -> index in `order`
  size_t total = 0;
  for (std::string_view text : texts) {
    split.push_back(SplitFamilies(text));
    total += text.size();
    for (const FamilyBlock& block : split.back()) {
      if (position.emplace(block.name, order.size()).second) order.push_back(block.name);
    }
  }
  // Where each family's block is in each text, if it is there.
  std::vector<std::vector<const FamilyBlock*>> found(
      order.size(), std::vector<const FamilyBlock*>(texts.size(), nullptr));
  for (size_t t = 0; t < split.size(); ++t) {
    for (const FamilyBlock& block : split[t]) found[position[block.name]][t] = &block;
  }
  out->reserve(out->size() + total);
  for (size_t f = 0; f < order.size(); ++f) {
    bool header_written = false;
    for (const FamilyBlock* block : found[f]) {
      if (block == nullptr) continue;
      if (!header_written) out->append(block->header);
      header_written = true;
      out->append(block->samples);
    }
  }
}

}  // namespace ipc_exporter
