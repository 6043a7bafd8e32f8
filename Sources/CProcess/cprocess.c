#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include "cprocess.h"

int cprocess_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cprocess_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

short cprocess_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

int cprocess_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

long cprocess_copy_file_range(int in, long long *offset, int out, unsigned long length) {
    off64_t position = *offset;
    ssize_t copied = copy_file_range(in, &position, out, NULL, length, 0);
    *offset = position;
    return copied;
}
