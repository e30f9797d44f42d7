#pragma once

#include <string>
#include <vector>

namespace ipc_exporter {

/// The Linux capabilities (as libcap names, e.g. "cap_ipc_owner") this run of the exporter uses:
/// CAP_IPC_OWNER to read semaphore values of arrays it may not read; CAP_SYS_PTRACE with
/// --collector.shm.attachers or --collector.posix_shm.processes, to read other users'
/// /proc/PID/maps; CAP_DAC_READ_SEARCH with --collector.posix_shm.processes (`list_other_fds`),
/// since listing another user's /proc/PID/fd directory is a permission check on the directory,
/// which ptrace access does not pass; CAP_SYS_ADMIN and CAP_SYS_PTRACE with
/// --ipc.namespaces=all, to open other processes' /proc/PID/ns/ipc and join them with setns;
/// CAP_NET_BIND_SERVICE to listen on a port below 1024; with --collector.activity CAP_BPF and
/// CAP_PERFMON to load and attach the BPF programs and read their maps, and while they load
/// (kLoading) also CAP_DAC_READ_SEARCH: the tracepoints' ids are read from tracefs, which only
/// root may enter (/sys/kernel/tracing is mode 0700), and the service's user is not root.
enum class ActivityTracing { kOff, kLoading, kLoaded };
std::vector<std::string> NeededCapabilities(bool read_other_processes, bool list_other_fds,
                                            bool all_namespaces, bool low_port,
                                            ActivityTracing activity = ActivityTracing::kOff);

/// Drops every capability but `keep` from the effective, permitted, inheritable and ambient sets,
/// from the bounding set where allowed (CAP_SETPCAP), and sets no_new_privs, so that nothing the
/// process runs later can regain them. A kept capability the process does not hold stays absent.
/// Must run before any thread starts: capabilities are per thread. Returns "" or an error.
std::string DropOtherCapabilities(const std::vector<std::string>& keep);

/// The capabilities the calling thread holds in its effective set, as libcap text.
std::string EffectiveCapabilities();

}  // namespace ipc_exporter
