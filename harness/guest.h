/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the guest programs in harness/demo and harness/bench. */
#ifndef HARNESS_GUEST_H
#define HARNESS_GUEST_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Write @s to the file at @path in one write(): 0, or -1 with errno set. */
static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

#endif /* HARNESS_GUEST_H */
