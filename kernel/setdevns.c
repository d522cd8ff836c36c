// SPDX-License-Identifier: GPL-2.0
/*
 * setdevns(): choose the context a namespace uses for a perns device, as
 * setns() lives in kernel/nsproxy.c; and what NS_GET_DEVCTX and
 * /proc/perns/devices show of it.
 *
 * setdevns(dev_fd, ns_fd, nstype, flags) makes the namespace named by
 * ns_fd (an nsfs file, or a pidfd with a single nstype) share, unshare or
 * take over the context that dev_fd, a file of a perns device open for
 * writing, is bound to. Files already open keep their context.
 *
 * The caller needs CAP_SYS_ADMIN in the user namespace owning the target
 * namespace (the parent, for a user namespace, so that a container cannot
 * choose its own contexts). A migration takes the source context from the
 * namespace owning it, which goes back to the initial namespace's context:
 * unless that is the target itself, it needs CAP_SYS_ADMIN in the initial
 * user namespace. The initial namespaces' contexts are fixed: they
 * cannot be a target, and their contexts cannot be migrated.
 *
 * A change is prepared (copies of the tables, the new context, the driver's
 * consent) and then committed under perns_mutex, where nothing fails; the
 * references it replaced are dropped after the mutex.
 */

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/perns.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/seq_file.h>
#include <linux/setdevns.h>
#include <linux/syscalls.h>
#include <linux/user_namespace.h>
#include <uapi/linux/perns.h>

#include "perns_internal.h"

#define SETDEVNS_MODES	(SETDEVNS_SHARE | SETDEVNS_UNSHARE | SETDEVNS_MIGRATE)

/* CAP_SYS_ADMIN, or @cap, over @ns: in its owning user namespace. */
static bool perns_ns_capable(struct ns_common *ns, int cap)
{
	struct user_namespace *owner = ns->ops->owner(ns);

	return owner ? ns_capable(owner, cap) : capable(cap);
}

/*
 * The perns device whose bound file @file is, or NULL. The file pins the
 * driver's module when its f_op is the device's, so @ops stays valid.
 */
static struct perns_operations *perns_file_device(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct perns_operations *ops;
	struct perns_context *ctx;

	if (!S_ISCHR(inode->i_mode))
		return NULL;
	rcu_read_lock();
	ops = perns_device_lookup(inode->i_rdev);
	if (ops && ops->fops != file->f_op)
		ops = NULL;
	rcu_read_unlock();
	if (!ops)
		return NULL;
	/* Only a file of a perns device has a context in private_data. */
	ctx = perns_file_context(file);
	return ctx && ctx->ops == ops ? ops : NULL;
}

/* One change of a namespace's context, prepared then committed. */
struct perns_change {
	struct perns_operations *ops;
	unsigned int mode;
	struct perns_context *src;	/* the file's context */
	struct perns_ns *pns;		/* the target */
	struct perns_ns *from;		/* MIGRATE: the owner losing @src */
	struct perns_context *new;	/* what @pns will use */
	struct perns_table *t;		/* @pns' new table */
	struct perns_table *from_t;	/* @from's new table */
};

/*
 * The namespace that loses the context goes back to the initial
 * namespace's context. Only the host's administrator may send a namespace
 * there: with CAP_SYS_ADMIN over its own namespaces only, a container's
 * root could otherwise leave the private context it was given for the
 * host's, by migrating that context into a namespace of its own.
 */
static int perns_migrate_allowed(struct perns_change *c)
{
	if (c->from == c->pns)
		return 0;
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/*
 * Everything that can fail, under perns_mutex: returns 1 if there is
 * nothing to do, 0 if @c is ready to commit, or an error.
 */
static int perns_change_prepare(struct perns_change *c)
{
	struct perns_operations *ops = c->ops;
	struct perns_context *cur;
	int err;

	lockdep_assert_held(&perns_mutex);
	if (list_empty(&ops->dev_list))
		return -ENODEV;
	/* What the initial namespace uses is fixed. */
	if (perns_ns_is_initial(c->pns))
		return -EINVAL;
	cur = perns_lookup(ops, c->pns);
	c->from = c->src->owner;
	if (c->mode == SETDEVNS_MIGRATE) {
		err = perns_migrate_allowed(c);
		if (err)
			return err;
		/* The initial namespace's context stays where it is. */
		if (c->src == ops->base)
			return -EINVAL;
	}
	if (cur == c->src && (c->mode == SETDEVNS_SHARE || c->from == c->pns))
		return 1;

	c->t = perns_table_copy(rcu_dereference_protected(c->pns->table, 1),
				ops->slot + 1);
	if (!c->t)
		return -ENOMEM;

	switch (c->mode) {
	case SETDEVNS_SHARE:
		c->new = perns_context_hold(c->src);
		break;
	case SETDEVNS_UNSHARE:
		c->new = perns_context_alloc(ops);
		if (!c->new)
			return -ENOMEM;
		err = ops->unshare(c->new, c->src);
		if (err) {
			perns_context_free(c->new);
			c->new = NULL;
			return err;
		}
		perns_context_live(c->new);
		break;
	case SETDEVNS_MIGRATE:
		if (c->from && c->from != c->pns) {
			c->from_t = perns_table_copy(rcu_dereference_protected(c->from->table, 1),
						     ops->slot + 1);
			if (!c->from_t)
				return -ENOMEM;
		}
		err = ops->migrate(c->src, c->from, c->pns);
		if (err)
			return err;
		c->new = perns_context_hold(c->src);
		break;
	}
	return 0;
}

/*
 * Publishes @t, a copy of @pns's table, with @ctx in @ops' slot. Returns
 * the old table, for the caller to put once it dropped perns_mutex.
 */
static struct perns_table *perns_ns_set(struct perns_ns *pns,
					struct perns_operations *ops,
					struct perns_table *t,
					struct perns_context *ctx)
{
	perns_table_set(t, ops->slot, ctx);
	perns_table_publish(t);
	return rcu_replace_pointer(pns->table, t, lockdep_is_held(&perns_mutex));
}

/* Nothing fails here. Leaves in @c what the caller must put. */
static void perns_change_commit(struct perns_change *c)
{
	struct perns_operations *ops = c->ops;
	struct perns_context *cur = perns_lookup(ops, c->pns);

	lockdep_assert_held(&perns_mutex);
	if (cur->owner == c->pns)
		perns_context_disown(cur);
	if (c->from_t) {
		/* @from goes back to the initial namespace's context. */
		c->from_t = perns_ns_set(c->from, ops, c->from_t,
					 perns_context_hold(ops->base));
	}
	if (c->mode != SETDEVNS_SHARE)
		perns_context_own(c->new, c->pns);
	c->t = perns_ns_set(c->pns, ops, c->t, c->new);
	c->new = NULL;
}

static void perns_change_cleanup(struct perns_change *c)
{
	if (c->new)
		perns_context_put(c->new);
	perns_table_put(c->from_t);
	perns_table_put(c->t);
}

/**
 * perns_change_context() - the core of setdevns()
 * @src: the context a file of the device is bound to
 * @target: the namespace to change, of the device's type, held by the caller
 * @mode: %SETDEVNS_SHARE, %SETDEVNS_UNSHARE or %SETDEVNS_MIGRATE
 *
 * The caller checked @mode, that the device has the op @mode needs, and
 * its privileges over @target, so that a caller without them learns
 * nothing more; for %SETDEVNS_MIGRATE this checks the privileges needed to
 * take @src from its owner, which only perns_mutex keeps stable, before
 * anything else about @src.
 *
 * Context: process context; takes perns_mutex.
 * Return: 0, -ENODEV if the device went away, -EINVAL if @target is an
 * initial namespace or the migration is of the initial namespace's
 * context, -EPERM, -ENOMEM, or the op's error; on error nothing changed.
 */
int perns_change_context(struct perns_context *src, struct ns_common *target,
			 unsigned int mode)
{
	struct perns_change c = {
		.ops = src->ops, .mode = mode, .src = src, .pns = target->perns,
	};
	struct ns_common *from = NULL;
	int err;

	mutex_lock(&perns_mutex);
	err = perns_change_prepare(&c);
	if (!err) {
		/*
		 * The former owner's perns state may be freed as soon as the
		 * commit disowns it, unless its namespace lives: hold that.
		 */
		if (c.from_t && c.ops->changed)
			from = perns_ns_get_ns(c.from);
		perns_change_commit(&c);
		if (c.ops->changed) {
			c.ops->changed(c.pns);
			if (from)
				c.ops->changed(c.from);
		}
	}
	mutex_unlock(&perns_mutex);
	if (from)
		perns_put_ns(from);
	perns_change_cleanup(&c);
	return err < 0 ? err : 0;
}

static long do_setdevns(int dev_fd, int ns_fd, int nstype, unsigned int flags)
{
	struct perns_operations *ops;
	struct perns_context *src;
	struct perns_ns *pns;

	if (flags & ~SETDEVNS_MODES || hweight32(flags) != 1)
		return -EINVAL;

	CLASS(fd, f)(dev_fd);
	if (fd_empty(f))
		return -EBADF;
	ops = perns_file_device(fd_file(f));
	if (!ops)
		return -ENODEV;
	/* The file is the authority over its context: it must be writable. */
	if (!(fd_file(f)->f_mode & FMODE_WRITE))
		return -EBADF;
	src = perns_file_context(fd_file(f));

	struct ns_common *ns __free(perns_put_ns) =
		perns_ns_get_by_fd(ns_fd, nstype);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	pns = perns_ns_of(ops, ns);
	if (!pns)
		return -EINVAL;
	if ((flags == SETDEVNS_UNSHARE && !ops->unshare) ||
	    (flags == SETDEVNS_MIGRATE && !ops->migrate))
		return -EOPNOTSUPP;
	if (!perns_ns_capable(ns, CAP_SYS_ADMIN))
		return -EPERM;
	return perns_change_context(src, ns, flags);
}

SYSCALL_DEFINE4(setdevns, int, dev_fd, int, ns_fd, int, nstype,
		unsigned int, flags)
{
	return do_setdevns(dev_fd, ns_fd, nstype, flags);
}

/**
 * perns_ns_devctx() - a namespace's context for a device, for NS_GET_DEVCTX
 * @ns: the namespace, held by the caller
 * @devt: a device number of the device
 * @info: filled in
 *
 * Takes no lock: a snapshot, which a concurrent setdevns() may change
 * right after.
 *
 * Context: any.
 * Return: 0, -ENODEV if @devt is not a registered perns device's, or
 * -EINVAL if the device is not of @ns' type.
 */
int perns_ns_devctx(struct ns_common *ns, dev_t devt,
		    struct perns_devctx *info)
{
	struct perns_ns *pns, *owner;
	struct perns_operations *ops;
	struct perns_context *ctx;
	int err = -ENODEV;

	rcu_read_lock();
	ops = perns_device_lookup(devt);
	if (!ops)
		goto out;
	/*
	 * Pairs with register_perns_device(): once its base context is
	 * published, every namespace of its type has perns state.
	 */
	if (!smp_load_acquire(&ops->base))
		goto out;
	pns = perns_ns_of(ops, ns);
	err = -EINVAL;
	if (!pns)
		goto out;
	err = -ENODEV;
	ctx = perns_lookup(ops, pns);
	if (!ctx || ctx->ops != ops)
		goto out;
	/*
	 * The owner is freed after a grace period, and its inode number
	 * reads 0 from before its namespace releases it: never a reused one.
	 */
	owner = READ_ONCE(ctx->owner);
	info->ctx_id = ctx->id;
	info->private = owner == pns;
	info->owner_ino = owner ? perns_ns_ino(owner) : 0;
	err = 0;
out:
	rcu_read_unlock();
	return err;
}

/* /proc/perns/devices: see Documentation/ABI/testing/procfs-perns. */
static int perns_devices_show(struct seq_file *m, void *v)
{
	struct perns_operations *ops;
	struct perns_type *type;

	seq_puts(m, "type\tdevice\tcount\tmode\tname\n");
	mutex_lock(&perns_mutex);
	for (type = perns_types; type < perns_types + PERNS_NR_TYPES; type++)
		list_for_each_entry(ops, &type->devices, dev_list)
			seq_printf(m, "%s\t%u:%u\t%u\t%s\t%s\n", type->name,
				   MAJOR(ops->devt), MINOR(ops->devt),
				   ops->count,
				   ops->flags & PERNS_CTX_PRIVATE ?
				   "private" : "shared", ops->name ?: "");
	mutex_unlock(&perns_mutex);
	return 0;
}

static int __init setdevns_proc_init(void)
{
	if (!proc_mkdir("perns", NULL) ||
	    !proc_create_single("perns/devices", 0444, NULL, perns_devices_show))
		pr_warn("perns: cannot create /proc/perns/devices\n");
	return 0;
}
fs_initcall(setdevns_proc_init);
