// SPDX-License-Identifier: GPL-2.0
/*
 * Wake policy: which contexts' wakeup alarms may wake the system.
 */

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/perns.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "valarm.h"

/**
 * valarm_may_wake() - whether a context's alarms may wake the system
 * @pctx: the context
 *
 * Context: process context; takes perns_mutex.
 * Return: true for the initial user namespace's context and for contexts
 * granted wake permission.
 */
bool valarm_may_wake(struct perns_context *pctx)
{
	struct valarm_ctx *ctx = perns_context_priv(pctx);

	return READ_ONCE(ctx->granted) || perns_context_is_initial(pctx);
}

/*
 * The namespace of an nsfs file; the file holds it. proc_ns_file() is not
 * exported, but nsfs is the only filesystem with NSFS_MAGIC.
 */
static struct ns_common *valarm_ns_of(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (inode->i_sb->s_magic != NSFS_MAGIC)
		return NULL;
	return get_proc_ns(inode);
}

/**
 * valarm_wake_grant() - VALARM_WAKE_GRANT
 * @ops: the valarm device
 * @arg: the user's &struct valarm_wake_grant
 *
 * Context: process context; may sleep.
 * Return: the previous permission (0 or 1), -EPERM without
 * CAP_WAKE_ALARM in the initial user namespace, -EFAULT, -EBADF for a bad
 * @userns_fd, or -EINVAL if it is not a user namespace or @allow is
 * neither 0 nor 1.
 */
long valarm_wake_grant(struct perns_operations *ops, void __user *arg)
{
	struct valarm_wake_grant grant;
	struct perns_context *pctx;
	struct ns_common *ns;
	bool initial, old;

	if (!capable(CAP_WAKE_ALARM))
		return -EPERM;
	if (copy_from_user(&grant, arg, sizeof(grant)))
		return -EFAULT;
	if (grant.allow > 1)
		return -EINVAL;

	CLASS(fd, f)(grant.userns_fd);
	if (fd_empty(f))
		return -EBADF;
	ns = valarm_ns_of(fd_file(f));
	if (!ns || ns->ops->type != CLONE_NEWUSER)
		return -EINVAL;
	pctx = perns_context_get(ops, ns);
	if (!pctx)
		return -EINVAL;
	initial = perns_context_is_initial(pctx);
	old = valarm_grant(perns_context_priv(pctx), grant.allow, initial);
	perns_context_put(pctx);
	return old;
}
