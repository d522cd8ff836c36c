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
#include <sys/socket.h>
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

	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	cmsg = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cmsg && cmsg->cmsg_type == SCM_RIGHTS) {
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
		return fd;
	}
	*err = n == sizeof(data) ? data[0] : EIO;
	*step = n == sizeof(data) ? data[1] : 2;
	return -1;
}

int perns_open_in_ns(pid_t pid, const struct perns_nstype *type,
		     const char *path, int flags, int *step)
{
	int sk[2], ns_fd, fd, err = 0, status;
	char nspath[64];
	pid_t child;

	*step = 0;
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/%s", (int)pid, type->name);
	ns_fd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (ns_fd < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sk)) {
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
		if (!setns(ns_fd, type->flag)) {
			res[1] = 2;
			fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
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
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (fd < 0)
		errno = err;
	return fd;
}
