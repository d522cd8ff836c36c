// SPDX-License-Identifier: GPL-2.0
/*
 * What setdevns, lsdevns and perns-oci-hook share: the system call,
 * NS_GET_DEVCTX, /proc/perns/devices and opening a device from inside a
 * namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "perns.h"

const struct perns_nstype perns_nstypes[PERNS_NR_TYPES] = {
	{ "user", CLONE_NEWUSER },
	{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },
	{ "pid", CLONE_NEWPID },
	{ "net", CLONE_NEWNET },
	{ "mnt", CLONE_NEWNS },
	{ "cgroup", CLONE_NEWCGROUP },
	{ "time", 0x00000080 },	/* CLONE_NEWTIME, missing from older libcs */
};

const struct perns_nstype *perns_type_by_name(const char *name)
{
	int i;

	for (i = 0; i < PERNS_NR_TYPES; i++)
		if (!strcmp(perns_nstypes[i].name, name))
			return &perns_nstypes[i];
	return NULL;
}

int perns_read_devices(struct perns_dev **devs)
{
	struct perns_dev *v = NULL, *tmp, d;
	char line[256], type[16], mode[16];
	int n = 0, cap = 0;
	FILE *f;

	f = fopen(PERNS_DEVICES, "re");
	if (!f)
		return -1;
	/* the header line */
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		*devs = NULL;
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		memset(&d, 0, sizeof(d));
		if (sscanf(line, "%15s %u:%u %u %15s %63s", type, &d.major,
			   &d.minor, &d.count, mode, d.name) < 5)
			continue;
		d.type = perns_type_by_name(type);
		if (!d.type)
			continue;
		d.private_default = !strcmp(mode, "private");
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				free(v);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			v = tmp;
		}
		v[n++] = d;
	}
	fclose(f);
	*devs = v;
	return n;
}

const struct perns_dev *perns_find_device(const struct perns_dev *devs, int n,
					  dev_t rdev)
{
	unsigned int maj = major(rdev), min = minor(rdev);
	int i;

	for (i = 0; i < n; i++)
		if (devs[i].major == maj && min >= devs[i].minor &&
		    min - devs[i].minor < devs[i].count)
			return &devs[i];
	return NULL;
}

int sys_setdevns(int dev_fd, int ns_fd, int nstype, unsigned int flags)
{
	return syscall(__NR_setdevns, dev_fd, ns_fd, nstype, flags);
}

int perns_get_devctx(int ns_fd, unsigned int major, unsigned int minor,
		     struct ns_devctx *info)
{
	memset(info, 0, sizeof(*info));
	info->dev_major = major;
	info->dev_minor = minor;
	return ioctl(ns_fd, NS_GET_DEVCTX, info);
}

int perns_parse_int(const char *s)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -1;
	return v;
}

static int send_file(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c = 0;
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
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* A file, or -1 and the child's errno and step from the message. */
static int recv_file(int sock, int *err, int *step)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int data[2] = { EIO, 2 };
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	cmsg = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cmsg && cmsg->cmsg_level == SOL_SOCKET &&
	    cmsg->cmsg_type == SCM_RIGHTS &&
	    cmsg->cmsg_len == CMSG_LEN(sizeof(int))) {
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
		return fd;
	}
	if (n == sizeof(data)) {
		*err = data[0];
		*step = data[1];
	} else {
		/* EOF: the child died without a word */
		*err = ECHILD;
		*step = 3;
	}
	return -1;
}

/* In the child: opens @path; -1 with errno if it is not the device @rdev. */
static int open_checked(const char *path, int flags, dev_t rdev)
{
	struct stat st;
	int fd;

	fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (rdev && (fstat(fd, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != rdev)) {
		close(fd);
		errno = ENODEV;
		return -1;
	}
	return fd;
}

int perns_open_in_ns(pid_t pid, const struct perns_nstype *type,
		     const char *path, int flags, dev_t rdev, int *step)
{
	int sk[2], ns_fd, fd, err = 0, status;
	char nspath[64];
	pid_t child, w;

	*step = 0;
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/%s", (int)pid, type->name);
	ns_fd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (ns_fd < 0)
		return -1;
	/* SEQPACKET: EOF, not a hang, if the child dies before it answers */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk)) {
		err = errno;
		close(ns_fd);
		errno = err;
		return -1;
	}
	child = fork();
	if (child < 0) {
		err = errno;
		close(ns_fd);
		close(sk[0]);
		close(sk[1]);
		errno = err;
		return -1;
	}
	if (!child) {
		int res[2];

		close(sk[0]);
		res[1] = 1;
		/*
		 * Not dumpable before joining a namespace whose owner could
		 * otherwise ptrace us or read /proc/self/fd while we still
		 * hold the caller's credentials and files.
		 */
		if (!prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) && !setns(ns_fd, type->flag)) {
			res[1] = 2;
			fd = open_checked(path, flags, rdev);
			if (fd >= 0)
				_exit(send_file(sk[1], fd) ? 1 : 0);
		}
		res[0] = errno;
		_exit(send(sk[1], res, sizeof(res), 0) == sizeof(res) ? 0 : 1);
	}
	close(ns_fd);
	close(sk[1]);
	fd = recv_file(sk[0], &err, step);
	close(sk[0]);
	do
		w = waitpid(child, &status, 0);
	while (w < 0 && errno == EINTR);
	if (fd >= 0 && (w != child || !WIFEXITED(status) || WEXITSTATUS(status))) {
		close(fd);
		fd = -1;
		err = ECHILD;
		*step = 3;
	}
	if (fd < 0)
		errno = err;
	return fd;
}

/* The length of the valid UTF-8 sequence at @p (Unicode Table 3-7), or 0. */
size_t perns_utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		if (*p == 0xe0)
			lo = 0xa0;	/* no overlongs */
		else if (*p == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		if (*p == 0xf0)
			lo = 0x90;	/* no overlongs */
		else if (*p == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

char *perns_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n, i;

	if (!len)
		return buf;
	for (; *p; p++) {
		n = *p < 0x80 ? 1 : perns_utf8_len(p);
		/* C0, DEL, backslash, C1 controls (U+0080-U+009F), invalid bytes */
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || !n ||
		    (*p == 0xc2 && p[1] < 0xa0)) {
			if (o + 4 >= len)
				break;
			snprintf(buf + o, len - o, "\\x%02x", *p);
			o += 4;
			continue;
		}
		if (o + n >= len)
			break;
		for (i = 0; i < n; i++)
			buf[o++] = p[i];
		p += n - 1;
	}
	buf[o] = 0;
	return buf;
}
