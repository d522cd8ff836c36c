/* SPDX-License-Identifier: GPL-2.0 */
/*
 * setdevns() and NS_GET_DEVCTX, between kernel/setdevns.c and fs/nsfs.c.
 */
#ifndef _LINUX_SETDEVNS_H
#define _LINUX_SETDEVNS_H

#include <linux/types.h>

struct ns_common;
struct perns_context;

/**
 * struct perns_devctx - what NS_GET_DEVCTX reports
 * @ctx_id: the id of the context the namespace uses for the device
 * @owner_ino: the nsfs inode number of the namespace owning it, or 0
 * @private: the namespace owns the context
 */
struct perns_devctx {
	u64 ctx_id;
	u64 owner_ino;
	bool private;
};

int perns_change_context(struct perns_context *src, struct ns_common *target,
			 unsigned int mode);
int perns_ns_devctx(struct ns_common *ns, dev_t devt,
		    struct perns_devctx *info);
long ns_ioctl_devctx(struct ns_common *ns, unsigned int cmd,
		     void __user *uarg);

#endif /* _LINUX_SETDEVNS_H */
