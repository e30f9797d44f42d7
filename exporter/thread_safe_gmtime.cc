// gmtime() for the whole process, made thread-safe.
//
// CivetWeb 1.15 formats the Date header of every response, its own error pages included, with
// gmtime(), whose result lives in one static buffer shared by all threads; ThreadSanitizer caught
// two workers writing it at once. This definition in the executable takes the place of libc's for
// CivetWeb too (the linker exports it because libcivetweb refers to it), and gives each thread a
// buffer of its own. Nothing else in the process calls gmtime.
#include <time.h>

extern "C" struct tm* gmtime(const time_t* timer) {
  thread_local struct tm result;
  return gmtime_r(timer, &result);
}
