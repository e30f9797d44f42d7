#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ipc_exporter::testing {

/// One sample line of an exposition, parsed independently of the exporter's writer.
struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;  // as written, so integers compare exactly
};

/// Parses every sample line of `text` (HELP/TYPE comments skipped). Throws on a malformed line.
std::vector<ParsedSample> ParseExposition(const std::string& text);

/// The value text of the one sample named `name` whose labels include `labels`; nullopt if there
/// is none. Throws if more than one sample matches.
std::optional<std::string> FindSample(const std::vector<ParsedSample>& samples,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& labels = {});

/// Every sample named `name` whose labels include `labels`.
std::vector<ParsedSample> FindSamples(const std::vector<ParsedSample>& samples,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& labels = {});

/// `body` (an exposition fixed by a fixture tree) with what depends on the run masked: timings,
/// the test process, the build's version, what the POSIX collectors read from the checkout's
/// files (times, owners) and from the filesystem the checkout is on (statvfs free space, which
/// tests running alongside move).
std::string MaskRunDependentValues(const std::string& body);

}  // namespace ipc_exporter::testing
