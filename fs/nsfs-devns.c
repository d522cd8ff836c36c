// SPDX-License-Identifier: GPL-2.0
/*
 * setdevns() and NS_GET_DEVCTX: choose and see the context a namespace
 * uses for a perns device.
 *
 * setdevns(dev_fd, ns_fd, nstype, flags) makes the namespace named by
 * ns_fd (an nsfs file, or a pidfd with a single nstype) share, unshare or
 * take over the context that dev_fd, an open file of a perns device, is
 * bound to. Files already open keep their context.
 *
 * The caller needs CAP_SYS_ADMIN in the user namespace owning the target
 * namespace (the parent, for a user namespace, so that a container cannot
 * choose its own contexts), and for a migration also over the namespace
 * owning the source context, which loses it.
 */

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/perns.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/ptrace.h>
#include <linux/sched/task.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

#define SETDEVNS_MODES	(SETDEVNS_SHARE | SETDEVNS_UNSHARE | SETDEVNS_MIGRATE)

/* The namespace of type @nstype of the process behind a pidfd. */
static struct ns_common *devns_from_pidfd(struct pid *pid, int nstype)
{
	struct task_struct *task;
	struct ns_common *ns;
	bool alive;

	/* As with setns(): one namespace type, named explicitly. */
	if (!nstype || hweight32(nstype) != 1)
		return ERR_PTR(-EINVAL);
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return ERR_PTR(-ESRCH);
	task_lock(task);
	alive = task->nsproxy;
	task_unlock(task);
	if (!alive) {
		ns = ERR_PTR(-ESRCH);
	} else if (!ptrace_may_access(task, PTRACE_MODE_READ_REALCREDS)) {
		ns = ERR_PTR(-EPERM);
	} else {
		ns = perns_task_ns(task, nstype);
		if (!ns)
			ns = ERR_PTR(-EINVAL);
	}
	put_task_struct(task);
	return ns;
}

/**
 * perns_ns_get_by_fd() - the namespace an nsfs file or a pidfd names
 * @fd: an nsfs file (/proc/PID/ns/TYPE) or a pidfd
 * @nstype: the CLONE_NEW* type @fd must name; for a pidfd it says which of
 *	the process's namespaces, and is required
 *
 * A pidfd needs ptrace read access to its process, as setns() does.
 *
 * Context: process context.
 * Return: a reference to the namespace, to be dropped with perns_put_ns(),
 * or ERR_PTR(-EBADF) for a bad @fd, -EINVAL if @fd names no namespace or
 * one of another type, -ESRCH if the pidfd's process has exited, -EPERM
 * without ptrace access to it.
 */
struct ns_common *perns_ns_get_by_fd(int fd, int nstype)
{
	CLASS(fd, f)(fd);
	struct ns_common *ns;
	struct pid *pid;

	if (fd_empty(f))
		return ERR_PTR(-EBADF);
	if (proc_ns_file(fd_file(f))) {
		ns = get_proc_ns(file_inode(fd_file(f)));
		if (nstype && ns->ops->type != nstype)
			return ERR_PTR(-EINVAL);
		refcount_inc(&ns->count);
		return ns;
	}
	pid = pidfd_pid(fd_file(f));
	if (IS_ERR(pid))
		return ERR_PTR(-EINVAL);
	return devns_from_pidfd(pid, nstype);
}
EXPORT_SYMBOL_GPL(perns_ns_get_by_fd);

static long do_setdevns(int dev_fd, int ns_fd, int nstype, unsigned int flags)
{
	struct perns_operations *ops;
	struct perns_context *src;
	struct ns_common *ns;
	long err;

	if (flags & ~SETDEVNS_MODES || hweight32(flags) != 1)
		return -EINVAL;

	CLASS(fd, f)(dev_fd);
	if (fd_empty(f))
		return -EBADF;
	ops = perns_file_device(fd_file(f));
	if (!ops)
		return -ENODEV;
	src = perns_file_context(fd_file(f));

	ns = perns_ns_get_by_fd(ns_fd, nstype);
	if (IS_ERR(ns))
		return PTR_ERR(ns);

	err = -EINVAL;
	if (!ns->perns || ns->perns->type != ops->type)
		goto out;
	err = -EOPNOTSUPP;
	if ((flags == SETDEVNS_UNSHARE && !ops->unshare) ||
	    (flags == SETDEVNS_MIGRATE && !ops->migrate))
		goto out;
	err = -EPERM;
	if (!perns_ns_capable(ns, CAP_SYS_ADMIN))
		goto out;
	err = perns_change_context(src, ns, flags);
out:
	perns_put_ns(ns);
	return err;
}

SYSCALL_DEFINE4(setdevns, int, dev_fd, int, ns_fd, int, nstype,
		unsigned int, flags)
{
	return do_setdevns(dev_fd, ns_fd, nstype, flags);
}

/**
 * ns_ioctl_devctx() - NS_GET_DEVCTX: a namespace's context for a device
 * @ns: the namespace of the nsfs file
 * @uinfo: the user's &struct ns_devctx
 *
 * Return: 0, -EFAULT, -EINVAL for an unknown size or non-zero input flags,
 * -ENODEV if the device number is not a perns device's, or -EINVAL if the
 * device is of another namespace type.
 */
long ns_ioctl_devctx(struct ns_common *ns, struct ns_devctx __user *uinfo)
{
	struct ns_devctx info;
	bool private;
	int err;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if (info.size != NS_DEVCTX_SIZE_VER0 || info.flags)
		return -EINVAL;
	if (info.dev_major > MAJOR(~0U) || info.dev_minor > MINOR(~0U))
		return -ENODEV;
	err = perns_ns_devctx(ns, MKDEV(info.dev_major, info.dev_minor),
			      &private, &info.ctx_id);
	if (err)
		return err;
	info.flags = private ? NS_DEVCTX_PRIVATE : 0;
	if (copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}
