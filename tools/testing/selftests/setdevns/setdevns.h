/* SPDX-License-Identifier: GPL-2.0 */

#ifndef __SETDEVNS_H
#define __SETDEVNS_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <asm/unistd.h>
#include <linux/nsfs.h>
#include <linux/perns.h>

/*
 * 472 in the generic table, the first number free in mainline (463-471
 * went to setxattrat() and later calls); alpha numbers its own, and MIPS
 * adds the base of each ABI: 4000 for o32, 6000 for n32, 5000 for n64.
 */
#ifndef __NR_setdevns
#if defined(__alpha__)
#define __NR_setdevns 582
#elif defined(_MIPS_SIM)
#if _MIPS_SIM == _MIPS_SIM_ABI32
#define __NR_setdevns 4472
#endif
#if _MIPS_SIM == _MIPS_SIM_NABI32
#define __NR_setdevns 6472
#endif
#if _MIPS_SIM == _MIPS_SIM_ABI64
#define __NR_setdevns 5472
#endif
#else
#define __NR_setdevns 472
#endif
#endif

/* The generic number, which the x86 tables use too. */
#define SETDEVNS_NR_GENERIC	472

static inline int sys_setdevns(int dev_fd, int ns_fd, int nstype,
			       unsigned int flags)
{
	return syscall(__NR_setdevns, dev_fd, ns_fd, nstype, flags);
}

/* Writes @buf to the file @path; 0 or -1. */
static inline int write_file(const char *path, const char *buf)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, strlen(buf));
	close(fd);
	return n == (ssize_t)strlen(buf) ? 0 : -1;
}

/* Sends @fd over the unix socket @sock with send @flags; 0 or -1. */
static inline int send_fd(int sock, int fd, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, flags) == 1 ? 0 : -1;
}

/* A file received over the unix socket @sock, or -1. */
static inline int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* Whether the module @name is loaded (listed in /proc/modules). */
static inline bool module_loaded(const char *name)
{
	size_t len = strlen(name);
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ' ';
	fclose(f);
	return found;
}

/* The field @name of /proc/meminfo ("Slab", "SUnreclaim") in kB, or -1. */
static inline long long meminfo_kb(const char *name)
{
	size_t len = strlen(name);
	long long kb = -1;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			sscanf(line + len + 1, "%lld", &kb);
	fclose(f);
	return kb;
}

#endif /* __SETDEVNS_H */
