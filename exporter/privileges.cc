#include "exporter/privileges.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>

namespace ipc_exporter {

std::vector<std::string> NeededCapabilities(bool read_other_processes, bool list_other_fds,
                                            bool all_namespaces, bool low_port,
                                            ActivityTracing activity) {
  std::vector<std::string> needed = {"cap_ipc_owner"};
  if (list_other_fds) needed.push_back("cap_dac_read_search");
  if (all_namespaces) needed.push_back("cap_sys_admin");
  if (read_other_processes || all_namespaces) needed.push_back("cap_sys_ptrace");
  if (low_port) needed.push_back("cap_net_bind_service");
  if (activity != ActivityTracing::kOff) {
    needed.push_back("cap_bpf");
    needed.push_back("cap_perfmon");
  }
  if (activity == ActivityTracing::kLoading && !list_other_fds) {
    needed.push_back("cap_dac_read_search");
  }
  return needed;
}

std::string DropOtherCapabilities(const std::vector<std::string>& keep) {
  std::vector<cap_value_t> kept;
  for (const std::string& name : keep) {
    cap_value_t value = 0;
    if (cap_from_name(name.c_str(), &value) != 0) return "unknown capability " + name;
    kept.push_back(value);
  }
  auto is_kept = [&](cap_value_t cap) {
    for (cap_value_t k : kept) {
      if (k == cap) return true;
    }
    return false;
  };

  // The bounding set first, while CAP_SETPCAP may still be held; without it the bounding set
  // cannot shrink, but then nothing can be regained from it either (no_new_privs below).
  cap_t current = cap_get_proc();
  cap_flag_value_t setpcap = CAP_CLEAR;
  cap_get_flag(current, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
  cap_free(current);
  if (setpcap == CAP_SET) {
    for (cap_value_t cap = 0; cap <= cap_max_bits() - 1; ++cap) {
      if (!is_kept(cap) && CAP_IS_SUPPORTED(cap) && cap_drop_bound(cap) != 0) {
        return std::string("cannot drop a capability from the bounding set: ") +
               std::strerror(errno);
      }
    }
  }
  if (cap_reset_ambient() != 0 && errno != EINVAL) {
    return std::string("cannot clear the ambient capabilities: ") + std::strerror(errno);
  }

  // Keep in effective and permitted only what is kept and is held now.
  cap_t held = cap_get_proc();
  cap_t wanted = cap_init();
  for (cap_value_t cap : kept) {
    cap_flag_value_t permitted = CAP_CLEAR;
    cap_get_flag(held, cap, CAP_PERMITTED, &permitted);
    if (permitted != CAP_SET) continue;
    cap_set_flag(wanted, CAP_EFFECTIVE, 1, &cap, CAP_SET);
    cap_set_flag(wanted, CAP_PERMITTED, 1, &cap, CAP_SET);
  }
  int result = cap_set_proc(wanted);
  int error = errno;
  cap_free(wanted);
  cap_free(held);
  if (result != 0) return std::string("cannot drop capabilities: ") + std::strerror(error);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return std::string("cannot set no_new_privs: ") + std::strerror(errno);
  }
  return "";
}

std::string EffectiveCapabilities() {
  cap_t held = cap_get_proc();
  char* text = cap_to_text(held, nullptr);
  std::string description = text != nullptr ? text : "?";
  cap_free(text);
  cap_free(held);
  return description;
}

}  // namespace ipc_exporter
