// SPDX-License-Identifier: GPL-2.0
/*
 * Wake policy: which contexts' wakeup alarms may wake the system.
 */

#include <linux/capability.h>
#include <linux/perns.h>
#include <linux/uaccess.h>

#include "valarm.h"

/**
 * valarm_may_wake() - whether a context's alarms may wake the system
 * @pctx: the context
 *
 * Context: any; takes no lock.
 * Return: true for the initial user namespace's context and for contexts
 * granted wake permission.
 */
bool valarm_may_wake(struct perns_context *pctx)
{
	struct valarm_ctx *ctx = perns_context_priv(pctx);

	return READ_ONCE(ctx->granted) || perns_context_is_initial(pctx);
}

/**
 * valarm_wake_grant() - VALARM_WAKE_GRANT
 * @ops: the valarm device
 * @arg: the user's &struct valarm_wake_grant
 *
 * Context: process context; may sleep.
 * Return: the previous permission (0 or 1), -EPERM without
 * CAP_WAKE_ALARM in the initial user namespace, -EFAULT, -EINVAL if @allow
 * is neither 0 nor 1, or the error of perns_ns_get_by_fd() for
 * @userns_fd (a user namespace file or a pidfd): -EBADF, -EINVAL if it
 * names no user namespace, -ESRCH, -EPERM.
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

	ns = perns_ns_get_by_fd(grant.userns_fd, CLONE_NEWUSER);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	pctx = perns_context_get(ops, ns);
	perns_put_ns(ns);
	if (!pctx)
		return -EINVAL;
	initial = perns_context_is_initial(pctx);
	old = valarm_grant(perns_context_priv(pctx), grant.allow, initial);
	perns_context_put(pctx);
	return old;
}
