// The few GNU C library calls convbook's process runner needs that Swift's
// Glibc module does not show (they are behind _GNU_SOURCE).
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

#endif
