// The few GNU C library calls convbook needs that Swift's Glibc module does
// not show (they are behind _GNU_SOURCE): for its process runner, and for
// copying files in the kernel.
#ifndef CPROCESS_H
#define CPROCESS_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no other child inherits.
int cprocess_pipe(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int cprocess_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// POSIX_SPAWN_SETSID: the child leads a new session (and process group).
short cprocess_setsid_flag(void);

/// posix_spawn_file_actions_addclosefrom_np(actions, from): the child starts
/// with no descriptor from `from` up (none of the parent's sockets, pipes or
/// files leaks into it, whatever flags they were opened with).
int cprocess_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// copy_file_range(in, &offset, out, NULL, length, 0): up to `length` bytes
/// of `in` from `*offset` (advanced) to `out`'s position, in the kernel.
long cprocess_copy_file_range(int in, long long *offset, int out, unsigned long length);

#endif
