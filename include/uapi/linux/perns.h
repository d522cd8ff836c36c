/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_PERNS_H
#define _UAPI_LINUX_PERNS_H

#include <linux/ioctl.h>
#include <linux/nsfs.h>
#include <linux/types.h>

/* setdevns() flags: exactly one mode */
#define SETDEVNS_SHARE		0x1	/* the namespace uses the file's context */
#define SETDEVNS_UNSHARE	0x2	/* it gets a private copy of the context */
#define SETDEVNS_MIGRATE	0x4	/* the context moves into the namespace */

/**
 * struct ns_devctx - a namespace's context for a perns device
 * @size: in: sizeof(struct ns_devctx) as userspace knows it
 * @flags: out: %NS_DEVCTX_PRIVATE if the namespace owns the context
 * @dev_major: in: major number of the device
 * @dev_minor: in: minor number of the device
 * @ctx_id: out: the context's id: equal for namespaces sharing a context,
 *	never reused while the system runs
 */
struct ns_devctx {
	__u32 size;
	__u32 flags;
	__u32 dev_major;
	__u32 dev_minor;
	__u64 ctx_id;
};

#define NS_DEVCTX_SIZE_VER0	24
#define NS_DEVCTX_PRIVATE	0x1

/* On an nsfs file: the namespace's context for a device. */
#define NS_GET_DEVCTX		_IOWR(NSIO, 0x40, struct ns_devctx)

#endif /* _UAPI_LINUX_PERNS_H */
