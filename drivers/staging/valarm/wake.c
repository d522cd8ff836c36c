// SPDX-License-Identifier: GPL-2.0
/*
 * Wake policy: which contexts' wakeup alarms may wake the system, and the
 * wakeup sources of those that may.
 *
 * Only the initial user namespace's context and the contexts granted wake
 * permission have a wakeup source (a device in /sys/class/wakeup): one is
 * registered at the grant and unregistered at the revoke or when the
 * context goes, so unprivileged users who create private contexts in bulk
 * create none. Whether an alarm may wake is read under the context's lock
 * when it is armed (alarm.c), so a revoke is never overwritten.
 */

#include <linux/capability.h>
#include <linux/perns.h>
#include <linux/device.h>
#include <linux/uaccess.h>

#include "valarm.h"

/**
 * valarm_ws_register() - a wakeup source for a context
 * @pctx: the context
 *
 * Context: process context; may sleep.
 * Return: the wakeup source, or %NULL without CONFIG_PM_SLEEP or memory.
 */
struct wakeup_source *valarm_ws_register(struct perns_context *pctx)
{
	char name[32];

	snprintf(name, sizeof(name), "valarm:%llu", pctx->id);
	return wakeup_source_register(NULL, name);
}

/**
 * valarm_wake_grant() - VALARM_WAKE_GRANT
 * @ops: the valarm device
 * @arg: the user's &struct valarm_wake_grant
 *
 * Context: process context; may sleep.
 * Return: the previous permission (0 or 1), -EPERM without
 * CAP_WAKE_ALARM in the initial user namespace, -EFAULT, -EINVAL if @allow
 * is neither 0 nor 1, -ENOMEM if no wakeup source could be registered, or
 * the error of perns_ns_get_by_fd() for @userns_fd (a user namespace file
 * or a pidfd): -EBADF, -EINVAL if it names no user namespace, -ESRCH,
 * -EPERM.
 */
long valarm_wake_grant(struct perns_operations *ops, void __user *arg)
{
	struct wakeup_source *ws = NULL;
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
	if (grant.allow && !initial) {
		ws = valarm_ws_register(pctx);
		if (IS_ENABLED(CONFIG_PM_SLEEP) && !ws) {
			perns_context_put(pctx);
			return -ENOMEM;
		}
	}
	old = valarm_grant(perns_context_priv(pctx), grant.allow, initial, &ws);
	/* The revoked context's source, or the one a concurrent grant beat. */
	wakeup_source_unregister(ws);
	perns_context_put(pctx);
	return old;
}
