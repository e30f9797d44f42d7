// SPDX-License-Identifier: GPL-2.0
/* What happens to every System V IPC object, counted in the kernel: the syscall tracepoints of
 * semop/semtimedop, msgsnd/msgrcv, shmat/shmdt, and the *get and *ctl calls.
 * Observes only: every program returns 0 and changes nothing.
 *
 * A call is remembered at its entry (the object, the time, how often the thread had slept) and
 * counted at its exit; it "blocked" if the thread slept voluntarily in between (nvcsw grew), which
 * is what waiting on a semaphore or a full or empty queue does. The GPL licence is needed for
 * the tracing helpers. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/activity_abi.h"

char LICENSE[] SEC("license") = "GPL";

/* 0: every IPC namespace; else only this one (the exporter's own, without --ipc.namespaces=all).
 * Set before loading. */
const volatile __u32 only_namespace = 0;

/* How far the sequence number is shifted in an IPC id: 15, or 24 with the ipcmni_extend boot
 * parameter. Set before loading. */
const volatile __u32 id_seq_shift = 15;

#define ACTIVITY_GET 3 /* a call's direction while it is a get call */

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096); /* set by the loader (--collector.activity.max-objects) */
  __type(key, struct activity_key);
  __type(value, struct activity_counters);
} objects SEC(".maps");

struct call {
  __u32 active; /* a call is under way: set at entry, cleared at exit */
  __u32 padding;
  __u64 start_ns;
  __u64 voluntary_switches;
  __u64 bytes; /* msgsnd: the message size asked for; shmdt: the address; a get: the key */
  __u64 allocation; /* a get: the kind's last allocated id at entry (see last_allocation) */
  __u32 ipc_namespace;
  __u32 kind;
  __s32 id;
  __u32 direction; /* or, for a *ctl call, the event type */
};

/* The call under way on each thread, in the thread itself (task-local storage): found without a
 * hash, never full, and freed when the thread exits, even one killed while it waits. */
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct call);
} calls SEC(".maps");

struct attachment_key {
  __u32 tgid;
  __u32 padding;
  __u64 address;
};

struct attachment {
  __u32 ipc_namespace;
  __s32 id;
};

/* Which segment each attach address of each process maps, so that shmdt (which names only the
 * address) is counted against its segment. LRU: a process that exits without shmdt leaves its
 * entries behind, and the oldest make room. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, struct attachment_key);
  __type(value, struct attachment);
} attachments SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, ACTIVITY_STATS);
  __type(key, __u32);
  __type(value, __u64);
} stats SEC(".maps");

static const __u64 wait_bounds_ns[ACTIVITY_WAIT_BOUNDS] = ACTIVITY_WAIT_BOUNDS_NS;

#define IPC_RMID 0
#define IPC_SET 1
#define IPC_64 0x0100
#define EAGAIN 11
#define EINTR 4
#define EIDRM 43
#define ENOMSG 42
#define EINVAL 22
#define EACCES 13
#define E2BIG 7

static __always_inline void count_stat(__u32 slot) {
  __u64 *value = bpf_map_lookup_elem(&stats, &slot);
  if (value) *value += 1; /* per CPU: no other writer */
}

/* Direct loads through the BTF task pointer (CO-RE relocated by vmlinux.h's
 * preserve_access_index): no helper call per step, which BPF_CORE_READ would make. */
static __always_inline __u32 namespace_of(struct task_struct *task) {
  return task->nsproxy->ipc_ns->ns.inum;
}

static __always_inline bool traced(__u32 ipc_namespace) {
  return only_namespace == 0 || ipc_namespace == only_namespace;
}

/* Remembers a call at its entry; the thread's record, or NULL if it is not traced. */
static __always_inline struct call *begin_call(__u32 kind, __s32 id, __u32 direction,
                                               __u64 bytes) {
  struct task_struct *task = bpf_get_current_task_btf();
  __u32 ipc_namespace = namespace_of(task);
  if (!traced(ipc_namespace)) return NULL;
  struct call *call =
      bpf_task_storage_get(&calls, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!call) {
    count_stat(ACTIVITY_STAT_CALLS_UNTRACKED);
    return NULL;
  }
  call->active = 1;
  call->start_ns = bpf_ktime_get_ns();
  call->voluntary_switches = task->nvcsw;
  call->bytes = bytes;
  call->ipc_namespace = ipc_namespace;
  call->kind = kind;
  call->id = id;
  call->direction = direction;
  return call;
}

/* The call the current thread began, ended; false if none was remembered. */
static __always_inline bool end_call(struct call *call) {
  struct call *found = bpf_task_storage_get(&calls, bpf_get_current_task_btf(), NULL, 0);
  if (!found || !found->active) return false;
  *call = *found;
  found->active = 0;
  return true;
}

static __always_inline struct activity_counters *counters_of(__u32 ipc_namespace, __u32 kind,
                                                             __s32 id) {
  struct activity_key key = {.ipc_namespace = ipc_namespace, .kind = kind, .id = id};
  struct activity_counters *counters = bpf_map_lookup_elem(&objects, &key);
  if (counters) return counters;
  static const struct activity_counters zero;
  /* Another CPU may insert it first (EEXIST): the lookup below finds that one. */
  bpf_map_update_elem(&objects, &key, &zero, BPF_NOEXIST);
  counters = bpf_map_lookup_elem(&objects, &key);
  if (!counters) count_stat(ACTIVITY_STAT_OBJECTS_UNTRACKED);
  return counters;
}

static __always_inline __u32 error_slot(long error) {
  switch (error) {
    case -EAGAIN: return ACTIVITY_ERROR_EAGAIN;
    case -EINTR: return ACTIVITY_ERROR_EINTR;
    case -EIDRM: return ACTIVITY_ERROR_EIDRM;
    case -ENOMSG: return ACTIVITY_ERROR_ENOMSG;
    case -EINVAL: return ACTIVITY_ERROR_EINVAL;
    case -EACCES: return ACTIVITY_ERROR_EACCES;
    case -E2BIG: return ACTIVITY_ERROR_E2BIG;
    default: return ACTIVITY_ERROR_OTHER;
  }
}

static __always_inline __u32 wait_slot(__u64 waited_ns) {
  __u32 slot = ACTIVITY_WAIT_BOUNDS;
#pragma unroll
  for (__u32 i = ACTIVITY_WAIT_BOUNDS; i > 0; --i) {
    if (waited_ns <= wait_bounds_ns[i - 1]) slot = i - 1;
  }
  return slot;
}

/* Counts a finished call: `ret` is the syscall's result, `bytes` what it moved on success. */
static __always_inline void count_call(const struct call *call, long ret, __u64 bytes) {
  struct activity_counters *counters = counters_of(call->ipc_namespace, call->kind, call->id);
  if (!counters) return;
  __u32 direction = call->direction & 1;
  struct task_struct *task = bpf_get_current_task_btf();
  if (task->nvcsw != call->voluntary_switches) {
    __u64 waited_ns = bpf_ktime_get_ns() - call->start_ns;
    __sync_fetch_and_add(&counters->blocked[direction], 1);
    __sync_fetch_and_add(&counters->wait_ns[direction], waited_ns);
    __u32 slot = wait_slot(waited_ns);
    if (slot < ACTIVITY_WAIT_SLOTS) __sync_fetch_and_add(&counters->wait_slots[direction][slot], 1);
  }
  if (ret < 0) {
    __u32 slot = error_slot(ret);
    if (slot < ACTIVITY_ERRORS) __sync_fetch_and_add(&counters->errors[direction][slot], 1);
    return;
  }
  __sync_fetch_and_add(&counters->calls[direction], 1);
  if (bytes) __sync_fetch_and_add(&counters->bytes[direction], bytes);
}

/* --- semop, semtimedop ------------------------------------------------------------------- */

SEC("tracepoint/syscalls/sys_enter_semtimedop")
int enter_semtimedop(struct trace_event_raw_sys_enter *ctx) {
  begin_call(ACTIVITY_SEM, (__s32)ctx->args[0], ACTIVITY_FIRST, 0);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_semop")
int enter_semop(struct trace_event_raw_sys_enter *ctx) {
  begin_call(ACTIVITY_SEM, (__s32)ctx->args[0], ACTIVITY_FIRST, 0);
  return 0;
}

static __always_inline int exit_counted(long ret, bool bytes_from_ret) {
  struct call call;
  if (!end_call(&call)) return 0;
  __u64 bytes = 0;
  if (ret >= 0) bytes = bytes_from_ret ? (__u64)ret : call.bytes;
  count_call(&call, ret, bytes);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_semtimedop")
int exit_semtimedop(struct trace_event_raw_sys_exit *ctx) { return exit_counted(ctx->ret, false); }

SEC("tracepoint/syscalls/sys_exit_semop")
int exit_semop(struct trace_event_raw_sys_exit *ctx) { return exit_counted(ctx->ret, false); }

/* --- msgsnd, msgrcv ---------------------------------------------------------------------- */

SEC("tracepoint/syscalls/sys_enter_msgsnd")
int enter_msgsnd(struct trace_event_raw_sys_enter *ctx) {
  begin_call(ACTIVITY_MSG, (__s32)ctx->args[0], ACTIVITY_FIRST, ctx->args[2]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_msgsnd")
int exit_msgsnd(struct trace_event_raw_sys_exit *ctx) { return exit_counted(ctx->ret, false); }

SEC("tracepoint/syscalls/sys_enter_msgrcv")
int enter_msgrcv(struct trace_event_raw_sys_enter *ctx) {
  begin_call(ACTIVITY_MSG, (__s32)ctx->args[0], ACTIVITY_SECOND, 0);
  return 0;
}

/* msgrcv returns the bytes it copied. */
SEC("tracepoint/syscalls/sys_exit_msgrcv")
int exit_msgrcv(struct trace_event_raw_sys_exit *ctx) { return exit_counted(ctx->ret, true); }

/* --- shmat, shmdt ------------------------------------------------------------------------ */

SEC("tracepoint/syscalls/sys_enter_shmat")
int enter_shmat(struct trace_event_raw_sys_enter *ctx) {
  begin_call(ACTIVITY_SHM, (__s32)ctx->args[0], ACTIVITY_FIRST, 0);
  return 0;
}

/* shmat returns the attach address, or -errno. */
SEC("tracepoint/syscalls/sys_exit_shmat")
int exit_shmat(struct trace_event_raw_sys_exit *ctx) {
  struct call call;
  if (!end_call(&call)) return 0;
  long ret = ctx->ret;
  bool failed = ret < 0 && ret > -4096;
  count_call(&call, failed ? ret : 0, 0);
  if (!failed) {
    struct attachment_key key = {.tgid = bpf_get_current_pid_tgid() >> 32,
                                 .address = (__u64)ret};
    struct attachment value = {.ipc_namespace = call.ipc_namespace, .id = call.id};
    bpf_map_update_elem(&attachments, &key, &value, BPF_ANY);
  }
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_shmdt")
int enter_shmdt(struct trace_event_raw_sys_enter *ctx) {
  struct attachment_key key = {.tgid = bpf_get_current_pid_tgid() >> 32,
                               .address = ctx->args[0]};
  struct attachment *segment = bpf_map_lookup_elem(&attachments, &key);
  if (!segment) return 0; /* attached before tracing began, or not by shmat */
  /* The address rides in `bytes`, to forget the attachment at a successful exit. */
  begin_call(ACTIVITY_SHM, segment->id, ACTIVITY_SECOND, ctx->args[0]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmdt")
int exit_shmdt(struct trace_event_raw_sys_exit *ctx) {
  struct call call;
  if (!end_call(&call)) return 0;
  count_call(&call, ctx->ret, 0);
  if (ctx->ret == 0) {
    struct attachment_key key = {.tgid = bpf_get_current_pid_tgid() >> 32,
                                 .address = call.bytes};
    bpf_map_delete_elem(&attachments, &key);
  }
  return 0;
}

/* --- lifecycle: created, removed (IPC_RMID), changed (IPC_SET) --------------------------- */

static __always_inline void emit_event(__u32 ipc_namespace, __u32 kind, __u32 type, __s32 id,
                                       __u32 key) {
  struct activity_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
  if (!event) {
    count_stat(ACTIVITY_STAT_EVENTS_LOST); /* never wait: the traced process goes on */
    return;
  }
  struct task_struct *task = bpf_get_current_task_btf();
  event->boot_time_ns = bpf_ktime_get_boot_ns();
  event->cgroup_id = bpf_get_current_cgroup_id();
  event->start_boot_time_ns = BPF_CORE_READ(task, group_leader, start_boottime);
  event->ipc_namespace = ipc_namespace;
  event->kind = kind;
  event->type = type;
  event->id = id;
  event->key = key;
  event->pid = bpf_get_current_pid_tgid() >> 32;
  event->parent_pid = BPF_CORE_READ(task, real_parent, tgid);
  event->uid = (__u32)bpf_get_current_uid_gid();
  bpf_get_current_comm(event->command, sizeof(event->command));
  BPF_CORE_READ_STR_INTO(&event->parent_command, task, real_parent, comm);
  const char *cgroup_name = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, name);
  if (bpf_probe_read_kernel_str(event->cgroup, sizeof(event->cgroup), cgroup_name) < 0) {
    event->cgroup[0] = 0;
  }
  bpf_ringbuf_submit(event, 0);
}

/* Whether a get call (shmget, semget, msgget) made a new object, from the syscalls alone:
 * kprobes and fexit on newseg/newary/newque are not on every kernel this runs on (seen: neither
 * on a Firecracker 6.18 kernel). The kernel keeps the index and sequence of the last id it
 * allocated per kind (ipc_ids.last_idx, .seq). The call made the object if they changed during
 * the call and now spell the id it returned. (Another creation of the same kind between ours
 * and our return hides ours: a race of microseconds, noted in the README.) */
static __always_inline __u64 last_allocation(__u32 kind) {
  struct task_struct *task = bpf_get_current_task_btf();
  struct ipc_namespace *ns = task->nsproxy->ipc_ns;
  struct ipc_ids *ids = &ns->ids[kind < 3 ? kind : 0];
  __u64 seq = BPF_CORE_READ(ids, seq);
  __u32 last_idx = (__u32)BPF_CORE_READ(ids, last_idx);
  return seq << 32 | last_idx;
}

static __always_inline void begin_get(__u32 kind, __u64 key) {
  struct call *call = begin_call(kind, -1, ACTIVITY_GET, key);
  if (call) call->allocation = last_allocation(kind);
}

static __always_inline int end_get(long ret) {
  struct call call;
  if (!end_call(&call) || ret < 0) return 0;
  __u64 now = last_allocation(call.kind);
  if (now == call.allocation) return 0; /* nothing was made: an existing object was found */
  __u64 made = ((now >> 32) << id_seq_shift) + (now & 0xffffffff);
  if (made != (__u64)ret) return 0;
  emit_event(call.ipc_namespace, call.kind, ACTIVITY_CREATED, (__s32)ret, (__u32)call.bytes);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_shmget")
int enter_shmget(struct trace_event_raw_sys_enter *ctx) {
  begin_get(ACTIVITY_SHM, ctx->args[0]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmget")
int exit_shmget(struct trace_event_raw_sys_exit *ctx) { return end_get(ctx->ret); }

SEC("tracepoint/syscalls/sys_enter_semget")
int enter_semget(struct trace_event_raw_sys_enter *ctx) {
  begin_get(ACTIVITY_SEM, ctx->args[0]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_semget")
int exit_semget(struct trace_event_raw_sys_exit *ctx) { return end_get(ctx->ret); }

SEC("tracepoint/syscalls/sys_enter_msgget")
int enter_msgget(struct trace_event_raw_sys_enter *ctx) {
  begin_get(ACTIVITY_MSG, ctx->args[0]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_msgget")
int exit_msgget(struct trace_event_raw_sys_exit *ctx) { return end_get(ctx->ret); }

static __always_inline void begin_control(__u32 kind, __s32 id, long command) {
  command &= ~IPC_64;
  if (command == IPC_RMID) begin_call(kind, id, ACTIVITY_REMOVED, 0);
  if (command == IPC_SET) begin_call(kind, id, ACTIVITY_CHANGED, 0);
}

static __always_inline int end_control(long ret) {
  struct call call;
  if (!end_call(&call)) return 0;
  if (ret == 0) emit_event(call.ipc_namespace, call.kind, call.direction, call.id, 0);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_shmctl")
int enter_shmctl(struct trace_event_raw_sys_enter *ctx) {
  begin_control(ACTIVITY_SHM, (__s32)ctx->args[0], (long)ctx->args[1]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_shmctl")
int exit_shmctl(struct trace_event_raw_sys_exit *ctx) { return end_control(ctx->ret); }

SEC("tracepoint/syscalls/sys_enter_msgctl")
int enter_msgctl(struct trace_event_raw_sys_enter *ctx) {
  begin_control(ACTIVITY_MSG, (__s32)ctx->args[0], (long)ctx->args[1]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_msgctl")
int exit_msgctl(struct trace_event_raw_sys_exit *ctx) { return end_control(ctx->ret); }

/* semctl(semid, semnum, cmd, arg) */
SEC("tracepoint/syscalls/sys_enter_semctl")
int enter_semctl(struct trace_event_raw_sys_enter *ctx) {
  begin_control(ACTIVITY_SEM, (__s32)ctx->args[0], (long)ctx->args[2]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_semctl")
int exit_semctl(struct trace_event_raw_sys_exit *ctx) { return end_control(ctx->ret); }
