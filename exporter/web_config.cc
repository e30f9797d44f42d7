#include "exporter/web_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <set>

namespace ipc_exporter {
namespace {

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw WebConfigError(path + ": " + what);
}

void RejectUnknownKeys(const YAML::Node& map, const std::set<std::string>& known,
                       const std::string& where, const std::string& path) {
  if (!map.IsMap()) Fail(path, where + " must be a mapping");
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (known.count(key) == 0) Fail(path, "unknown key \"" + key + "\" in " + where);
  }
}

std::string Text(const YAML::Node& node, const std::string& key, const std::string& path) {
  if (!node.IsScalar()) Fail(path, key + " must be a string");
  return node.as<std::string>();
}

// Relative paths are relative to the configuration file, as exporter-toolkit has them.
std::string Resolve(const std::string& file, const std::string& config_path) {
  if (file.empty() || file.front() == '/') return file;
  return (std::filesystem::path(config_path).parent_path() / file).string();
}

// A FIFO or device here would block start-up or a reload: only regular files are taken.
bool IsRegularFile(const std::string& file) {
  struct stat info {};
  return ::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

void RequireReadable(const std::string& file, const std::string& key, const std::string& path) {
  if (::access(file.c_str(), R_OK) != 0) Fail(path, key + " \"" + file + "\" cannot be read");
  if (!IsRegularFile(file)) Fail(path, key + " \"" + file + "\" is not a regular file");
}

// bcrypt: $2a$, $2b$ or $2y$, a two-digit cost from 04 to 31, and 53 characters of salt and hash.
bool IsBcrypt(const std::string& hash) {
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') {
    return false;
  }
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (!std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return false;
  }
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  for (size_t i = 7; i < hash.size(); ++i) {
    char c = hash[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '/') return false;
  }
  return true;
}

// Go's crypto/tls names of the TLS 1.2 suites, with OpenSSL's. Go's TLS 1.3 suites are not
// configurable (nor are they in exporter-toolkit), so they are not here.
constexpr std::pair<const char*, const char*> kCipherSuites[] = {
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
};

// The first six: forward secrecy and authenticated encryption, what exporter-toolkit's Go
// serves by default less its CBC suites (LUCKY13-prone).
constexpr size_t kDefaultSuites = 6;

constexpr std::pair<const char*, const char*> kCurves[] = {
    {"CurveP256", "P-256"}, {"CurveP384", "P-384"}, {"CurveP521", "P-521"}, {"X25519", "X25519"}};

std::vector<std::string> TextList(const YAML::Node& node, const std::string& key,
                                  const std::string& path) {
  if (!node.IsSequence()) Fail(path, key + " must be a list");
  std::vector<std::string> items;
  for (const auto& item : node) items.push_back(Text(item, key, path));
  return items;
}

// TLS12 -> 2, TLS13 -> 3; TLS10 and TLS11 are refused: OpenSSL 3 at Debian's security level
// would not negotiate them, and accepting them would promise what the server does not do.
int VersionRank(const std::string& version, const std::string& key, const std::string& path) {
  if (version == "TLS12") return 2;
  if (version == "TLS13") return 3;
  if (version == "TLS10" || version == "TLS11") {
    Fail(path, key + " " + version +
                   " cannot be honoured: OpenSSL 3 refuses TLS 1.0 and 1.1 at Debian's security "
                   "level; use TLS12 or TLS13");
  }
  Fail(path, key + " \"" + version + "\" is not TLS12 or TLS13");
}

void ParseTlsVersionsAndSuites(const YAML::Node& node, const std::string& path, TlsSettings& tls) {
  if (node["min_version"]) tls.min_version = Text(node["min_version"], "min_version", path);
  if (node["max_version"]) tls.max_version = Text(node["max_version"], "max_version", path);
  if (VersionRank(tls.min_version, "min_version", path) >
      VersionRank(tls.max_version, "max_version", path)) {
    Fail(path, "min_version " + tls.min_version + " is above max_version " + tls.max_version);
  }
  if (node["cipher_suites"]) {
    for (const std::string& name : TextList(node["cipher_suites"], "cipher_suites", path)) {
      const std::string openssl = OpenSslCipherName(name);
      if (openssl.empty()) {
        Fail(path, "cipher_suites: \"" + name +
                       "\" is not a TLS 1.2 suite this server can use (Go's names, e.g. "
                       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; TLS 1.3 suites are not "
                       "configurable)");
      }
      tls.cipher_suites.push_back(openssl);
    }
    if (tls.cipher_suites.empty()) Fail(path, "cipher_suites is an empty list");
  } else {
    for (size_t i = 0; i < kDefaultSuites; ++i)
      tls.cipher_suites.push_back(kCipherSuites[i].second);
  }
  if (node["curve_preferences"]) {
    for (const std::string& name : TextList(node["curve_preferences"], "curve_preferences", path)) {
      const auto* curve = std::find_if(std::begin(kCurves), std::end(kCurves),
                                       [&](const auto& entry) { return name == entry.first; });
      if (curve == std::end(kCurves)) {
        Fail(path, "curve_preferences: \"" + name +
                       "\" is not one of CurveP256, CurveP384, CurveP521, X25519");
      }
      tls.curves.push_back(curve->second);
    }
  }
  if (const YAML::Node prefer = node["prefer_server_cipher_suites"]) {
    if (!prefer.IsScalar() ||
        (prefer.as<std::string>() != "true" && prefer.as<std::string>() != "false")) {
      Fail(path, "prefer_server_cipher_suites must be true or false");
    }
    tls.prefer_server_cipher_suites = prefer.as<std::string>() == "true";
  }
}

TlsSettings ParseTls(const YAML::Node& node, const std::string& path) {
  RejectUnknownKeys(
      node,
      {"cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
       "cipher_suites", "curve_preferences", "prefer_server_cipher_suites"},
      "tls_server_config", path);
  TlsSettings tls;
  if (!node["cert_file"] || !node["key_file"]) {
    Fail(path, "tls_server_config needs both cert_file and key_file");
  }
  tls.cert_file = Resolve(Text(node["cert_file"], "cert_file", path), path);
  tls.key_file = Resolve(Text(node["key_file"], "key_file", path), path);
  RequireReadable(tls.cert_file, "cert_file", path);
  RequireReadable(tls.key_file, "key_file", path);
  if (node["client_auth_type"]) {
    tls.client_auth_type = Text(node["client_auth_type"], "client_auth_type", path);
  }
  static const std::set<std::string> kAuthTypes = {
      "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven",
      "RequireAndVerifyClientCert"};
  if (kAuthTypes.count(tls.client_auth_type) == 0) {
    Fail(path, "client_auth_type \"" + tls.client_auth_type +
                   "\" is not one of NoClientCert, "
                   "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
                   "RequireAndVerifyClientCert");
  }
  if (node["client_ca_file"]) {
    tls.client_ca_file = Resolve(Text(node["client_ca_file"], "client_ca_file", path), path);
    RequireReadable(tls.client_ca_file, "client_ca_file", path);
  }
  const bool verifies = tls.client_auth_type == "VerifyClientCertIfGiven" ||
                        tls.client_auth_type == "RequireAndVerifyClientCert";
  if (verifies && tls.client_ca_file.empty()) {
    Fail(path, "client_auth_type " + tls.client_auth_type + " needs client_ca_file");
  }
  ParseTlsVersionsAndSuites(node, path, tls);
  return tls;
}

}  // namespace

std::string OpenSslCipherName(const std::string& go_name) {
  for (const auto& [go, openssl] : kCipherSuites) {
    if (go_name == go) return openssl;
  }
  return "";
}

WebConfig ParseWebConfig(const std::string& yaml_text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    Fail(path, std::string("not valid YAML: ") + error.what());
  }
  WebConfig config;
  if (root.IsNull()) return config;  // an empty file asks for nothing
  try {
    // Inside the try: a key that is itself a list or map throws from yaml-cpp (found by
    // web_config_fuzz; tests/fuzz/corpus/web_config/regression_nonscalar_key).
    RejectUnknownKeys(root, {"tls_server_config", "http_server_config", "basic_auth_users"},
                      "the file", path);
    if (root["tls_server_config"]) config.tls = ParseTls(root["tls_server_config"], path);
    if (const YAML::Node http = root["http_server_config"]) {
      RejectUnknownKeys(http, {"headers", "http2"}, "http_server_config", path);
      if (const YAML::Node headers = http["headers"]) {
        if (!headers.IsMap()) Fail(path, "http_server_config.headers must be a mapping");
        for (const auto& header : headers) {
          const std::string name = header.first.as<std::string>();
          const std::string value = Text(header.second, "header " + name, path);
          if (name.find_first_of(":\r\n ") != std::string::npos ||
              value.find_first_of("\r\n") != std::string::npos) {
            Fail(path, "header \"" + name + "\" has a forbidden character");
          }
          config.headers.emplace_back(name, value);
        }
      }
    }
    if (const YAML::Node users = root["basic_auth_users"]) {
      if (!users.IsMap()) Fail(path, "basic_auth_users must be a mapping of user: bcrypt hash");
      for (const auto& user : users) {
        const std::string name = user.first.as<std::string>();
        const std::string hash = Text(user.second, "the hash of " + name, path);
        if (name.empty() || name.find(':') != std::string::npos) {
          Fail(path, "basic_auth_users: \"" + name + "\" is not a valid user name");
        }
        if (!IsBcrypt(hash)) {
          Fail(path, "basic_auth_users: the hash of \"" + name + "\" is not a bcrypt hash");
        }
        config.basic_auth_users[name] = hash;
      }
    }
  } catch (const YAML::Exception& error) {
    Fail(path, std::string("unexpected structure: ") + error.what());
  }
  return config;
}

WebConfig LoadWebConfig(const std::string& path) {
  // Non-blocking and checked on the opened file: a FIFO would hang start-up or a reload.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw WebConfigError(path + ": cannot be read: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw WebConfigError(path + ": not a regular file");
  }
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || text.size() > (1u << 20)) {
      const int error = got < 0 ? errno : 0;
      ::close(fd);
      if (error != 0) throw WebConfigError(path + ": cannot be read: " + std::strerror(error));
      if (got > 0) throw WebConfigError(path + ": larger than 1 MiB");
      break;
    }
    text.append(buffer, static_cast<size_t>(got));
  }
  return ParseWebConfig(text, path);
}

std::string WhyReloadIsRefused(const WebConfig& current, const WebConfig& reloaded) {
  if (!current.basic_auth_users.empty() && reloaded.basic_auth_users.empty()) {
    return "it has no basic_auth_users and would turn basic auth off (an empty or truncated "
           "file?); restart the exporter to turn auth off on purpose";
  }
  return "";
}

}  // namespace ipc_exporter
