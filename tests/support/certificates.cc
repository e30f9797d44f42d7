#include "certificates.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

#include "exporter_process.h"

namespace ipc_exporter::testing {
namespace {

void Run(const std::vector<std::string>& argv) {
  CommandResult result = RunCommand(argv, 60);
  if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.err);
}

}  // namespace

Certificates::Certificates() {
  // One directory per instance: a test may need two CAs.
  static std::atomic<int> instances{0};
  dir_ = std::filesystem::temp_directory_path() /
         ("ipc_tls_" + std::to_string(::getpid()) + "_" + std::to_string(instances++));
  std::filesystem::create_directories(dir_);
  Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=ipc-exporter-test-ca", "-keyout", Path("ca.key"), "-out", Path("ca.crt")});
  std::ofstream(dir_ / "server.ext") << "subjectAltName=IP:127.0.0.1\n";
  Issue("server", "/CN=127.0.0.1", Path("server.ext"));
  std::ofstream(dir_ / "client.ext") << "extendedKeyUsage=clientAuth\n";
  Issue("client", "/CN=prometheus", Path("client.ext"));
}

Certificates::~Certificates() { std::filesystem::remove_all(dir_); }

std::string Certificates::WebConfig(const std::string& name, const std::string& yaml) const {
  std::ofstream(dir_ / name) << yaml;
  return Path(name);
}

void Certificates::Issue(const std::string& name, const std::string& subject,
                         const std::string& ext) {
  Run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout",
       Path(name + ".key"), "-out", Path(name + ".csr")});
  Run({"openssl", "x509", "-req", "-in", Path(name + ".csr"), "-CA", Path("ca.crt"), "-CAkey",
       Path("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", ext, "-out",
       Path(name + ".crt")});
}

}  // namespace ipc_exporter::testing
