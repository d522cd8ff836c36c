// SPDX-License-Identifier: GPL-2.0
/*
 * harness/review-sysno.c: is setdevns() wired as system call 472?
 * Calls syscall(472, -1, -1, 0, SETDEVNS_SHARE) by number (no uapi header)
 * and expects EBADF (the call exists and rejected dev_fd), or with the
 * argument "enosys", ENOSYS (a CONFIG_PERNS=n kernel).  Exit 0 if as expected.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int want = (argc > 1 && !strcmp(argv[1], "enosys")) ? ENOSYS : EBADF;
	long r;

	errno = 0;
	r = syscall(472, -1, -1, 0, 1);
	printf("sysno: setdevns(472)(-1, -1, 0, SETDEVNS_SHARE) = %ld, errno %d (%s); expected -1/%s: %s\n",
	       r, errno, strerror(errno), want == ENOSYS ? "ENOSYS" : "EBADF",
	       r == -1 && errno == want ? "OK" : "FAILED");
	return r == -1 && errno == want ? 0 : 1;
}
