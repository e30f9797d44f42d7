#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ipc_exporter::testing {

/// A CA, a server certificate for 127.0.0.1 and a client certificate (clientAuth), made with the
/// openssl command in a scratch directory that the destructor removes.
class Certificates {
 public:
  Certificates();
  ~Certificates();
  Certificates(const Certificates&) = delete;
  Certificates& operator=(const Certificates&) = delete;

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  /// Writes `yaml` as a file in the directory (e.g. a web configuration) and returns its path.
  std::string WebConfig(const std::string& name, const std::string& yaml) const;

 private:
  void Issue(const std::string& name, const std::string& subject, const std::string& ext);
  std::filesystem::path dir_;
};

}  // namespace ipc_exporter::testing
