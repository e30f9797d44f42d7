/* The records the BPF program (ipc_activity.bpf.c) and the exporter share: the key and value of
 * the per-object map, the lifecycle event of the ring buffer, and the statistics array. Plain C
 * with fixed-size fields, so that both compilers lay them out alike. */
#pragma once

#ifdef __cplusplus
#include <cstdint>
typedef uint32_t activity_u32;
typedef int32_t activity_s32;
typedef uint64_t activity_u64;
#else
typedef __u32 activity_u32;
typedef __s32 activity_s32;
typedef __u64 activity_u64;
#endif

/* What kind of System V object a record is about. */
enum activity_kind { ACTIVITY_SEM = 0, ACTIVITY_MSG = 1, ACTIVITY_SHM = 2, ACTIVITY_KINDS = 3 };

/* The two directions of an object's calls: semop has only the first; msgsnd and msgrcv are
 * send and receive; shmat and shmdt are attach and detach. */
enum activity_direction { ACTIVITY_FIRST = 0, ACTIVITY_SECOND = 1, ACTIVITY_DIRECTIONS = 2 };

/* Upper bounds of the wait histogram, in nanoseconds: 10 us to 10 s, 1-2.5-5 per decade. A
 * wait longer than the last goes to the slot after it (+Inf). */
#define ACTIVITY_WAIT_BOUNDS 19
#define ACTIVITY_WAIT_SLOTS (ACTIVITY_WAIT_BOUNDS + 1)
#define ACTIVITY_WAIT_BOUNDS_NS                                                            \
  {                                                                                        \
    10000ULL, 25000ULL, 50000ULL, 100000ULL, 250000ULL, 500000ULL, 1000000ULL, 2500000ULL, \
        5000000ULL, 10000000ULL, 25000000ULL, 50000000ULL, 100000000ULL, 250000000ULL,     \
        500000000ULL, 1000000000ULL, 2500000000ULL, 5000000000ULL, 10000000000ULL          \
  }

/* Failed calls by error; anything else is ACTIVITY_ERROR_OTHER. */
enum activity_error {
  ACTIVITY_ERROR_EAGAIN = 0, /* IPC_NOWAIT and the call would block; semtimedop timed out */
  ACTIVITY_ERROR_EINTR = 1,  /* a signal ended the wait */
  ACTIVITY_ERROR_EIDRM = 2,  /* the object was removed while the caller waited */
  ACTIVITY_ERROR_ENOMSG = 3, /* msgrcv with IPC_NOWAIT found no message of the type */
  ACTIVITY_ERROR_EINVAL = 4,
  ACTIVITY_ERROR_EACCES = 5,
  ACTIVITY_ERROR_E2BIG = 6, /* msgrcv: the message is longer than the buffer */
  ACTIVITY_ERROR_OTHER = 7,
  ACTIVITY_ERRORS = 8
};

/* One object, in the IPC namespace whose inode is `ipc_namespace`. */
struct activity_key {
  activity_u32 ipc_namespace;
  activity_u32 kind; /* enum activity_kind */
  activity_s32 id;   /* shmid, semid, msqid */
  activity_u32 padding;
};

/* What happened to one object since the exporter began tracing it; every field only grows. */
struct activity_counters {
  activity_u64 calls[ACTIVITY_DIRECTIONS];   /* successful calls */
  activity_u64 bytes[ACTIVITY_DIRECTIONS];   /* message bytes sent, received */
  activity_u64 blocked[ACTIVITY_DIRECTIONS]; /* calls that slept, whatever their outcome */
  activity_u64 wait_ns[ACTIVITY_DIRECTIONS]; /* time those calls spent, in nanoseconds */
  activity_u64 wait_slots[ACTIVITY_DIRECTIONS]
                         [ACTIVITY_WAIT_SLOTS]; /* by duration, not cumulative */
  activity_u64 errors[ACTIVITY_DIRECTIONS][ACTIVITY_ERRORS];
};

/* What a lifecycle event records. */
enum activity_event_type { ACTIVITY_CREATED = 0, ACTIVITY_REMOVED = 1, ACTIVITY_CHANGED = 2 };

#define ACTIVITY_COMMAND_BYTES 16 /* TASK_COMM_LEN */
#define ACTIVITY_CGROUP_BYTES 96  /* the leaf of the cgroup v2 path, cut to this */

/* A created (shmget, semget, msgget made a new object), removed (IPC_RMID) or changed (IPC_SET)
 * object, and the process that did it. */
struct activity_event {
  activity_u64 boot_time_ns; /* CLOCK_BOOTTIME */
  activity_u64 cgroup_id;
  activity_u64 start_boot_time_ns; /* when the calling process started, CLOCK_BOOTTIME */
  activity_u32 ipc_namespace;
  activity_u32 kind;
  activity_u32 type; /* enum activity_event_type */
  activity_s32 id;
  activity_u32 key; /* for a created object; 0 otherwise */
  activity_u32 pid; /* thread group id */
  activity_u32 parent_pid;
  activity_u32 uid;
  char command[ACTIVITY_COMMAND_BYTES];
  char parent_command[ACTIVITY_COMMAND_BYTES];
  char cgroup[ACTIVITY_CGROUP_BYTES];
};

/* Slots of the statistics array. */
enum activity_stat {
  ACTIVITY_STAT_EVENTS_LOST = 0,       /* the ring buffer was full */
  ACTIVITY_STAT_OBJECTS_UNTRACKED = 1, /* calls on an object the full map had no room for */
  ACTIVITY_STAT_CALLS_UNTRACKED = 2,   /* calls the in-flight map had no room for */
  ACTIVITY_STATS = 3
};
