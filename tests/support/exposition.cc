#include "exposition.h"

#include <regex>
#include <sstream>
#include <stdexcept>

namespace ipc_exporter::testing {
namespace {

bool HasRunDependentValue(const std::string& name) {
  for (const char* prefix :
       {"process_", "ipc_exporter_collector_duration_seconds", "ipc_posix_shm_filesystem_"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return name.rfind("ipc_posix_", 0) == 0 && name.find("_timestamp_seconds") != std::string::npos;
}

ParsedSample ParseLine(const std::string& line) {
  ParsedSample sample;
  size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample.name = line.substr(0, i);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
        throw std::runtime_error("bad label in: " + line);
      }
      std::string name = line.substr(i, eq - i);
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) {
          ++j;
          value.push_back(line[j] == 'n' ? '\n' : line[j]);
        } else {
          value.push_back(line[j]);
        }
      }
      if (j >= line.size()) throw std::runtime_error("unterminated label value in: " + line);
      sample.labels[name] = value;
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') throw std::runtime_error("no value in: " + line);
  sample.value = line.substr(i + 1);
  return sample;
}

bool Includes(const ParsedSample& sample, const std::map<std::string, std::string>& labels) {
  for (const auto& [name, value] : labels) {
    auto it = sample.labels.find(name);
    if (it == sample.labels.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace

std::vector<ParsedSample> ParseExposition(const std::string& text) {
  std::vector<ParsedSample> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    samples.push_back(ParseLine(line));
  }
  return samples;
}

std::vector<ParsedSample> FindSamples(const std::vector<ParsedSample>& samples,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& labels) {
  std::vector<ParsedSample> found;
  for (const ParsedSample& sample : samples) {
    if (sample.name == name && Includes(sample, labels)) found.push_back(sample);
  }
  return found;
}

std::optional<std::string> FindSample(const std::vector<ParsedSample>& samples,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& labels) {
  std::vector<ParsedSample> found = FindSamples(samples, name, labels);
  if (found.empty()) return std::nullopt;
  if (found.size() > 1) throw std::runtime_error("more than one sample matches " + name);
  return found.front().value;
}

std::string MaskRunDependentValues(const std::string& body) {
  static const std::regex kFileOwner(R"re(uid="\d+",user="[^"]*",gid="\d+",group="[^"]*")re");
  std::istringstream lines(body);
  std::string masked;
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#') {
      const std::string name = line.substr(0, line.find_first_of("{ "));
      if (HasRunDependentValue(name)) line = line.substr(0, line.rfind(' ')) + " <masked>";
      if (name == "ipc_exporter_build_info") line = name + "{<masked>} 1";
      if (name.rfind("ipc_posix_", 0) == 0) line = std::regex_replace(line, kFileOwner, "<owner>");
    }
    masked += line + "\n";
  }
  return masked;
}

}  // namespace ipc_exporter::testing
