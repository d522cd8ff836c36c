/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_PERNS_H
#define _UAPI_LINUX_PERNS_H

/*
 * setdevns() flags: exactly one mode. NS_GET_DEVCTX, which shows the
 * result, is in <linux/nsfs.h>.
 */
#define SETDEVNS_SHARE		0x1	/* the namespace uses the file's context */
#define SETDEVNS_UNSHARE	0x2	/* it gets a private copy of the context */
#define SETDEVNS_MIGRATE	0x4	/* the context moves into the namespace */

#endif /* _UAPI_LINUX_PERNS_H */
