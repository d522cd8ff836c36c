/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perns internals, shared by kernel/perns.c (the model), kernel/setdevns.c
 * (the system call) and the KUnit tests. The lifetime and locking rules
 * are at the top of kernel/perns.c.
 */
#ifndef _KERNEL_PERNS_INTERNAL_H
#define _KERNEL_PERNS_INTERNAL_H

#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ns_common.h>
#include <linux/perns.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>

struct workqueue_struct;

/*
 * The contexts a namespace uses, one slot per device of its type. Shared
 * copy-on-write by namespaces created from each other; a slot beyond @len,
 * or NULL, means the device's base context. Holds a reference to each
 * context in it.
 */
struct perns_table {
	refcount_t refs;
	unsigned int type;
	struct list_head list;
	struct rcu_head rcu;
	unsigned int len;
	struct perns_context __rcu *ctx[] __counted_by(len);
};

struct perns_type {
	int nstype;
	const char *name;
	bool supported;			/* the kernel has this namespace type */
	struct rw_semaphore rwsem;
	struct list_head ops;		/* subsystems, then devices */
	struct list_head *first_device;	/* in @ops; &@ops if none */
	struct list_head devices;
	/* @namespaces, @untracked, @tables, @tracking, @quick_exit */
	spinlock_t lock;
	struct list_head namespaces;
	struct list_head untracked;	/* namespaces without perns state */
	struct list_head tables;
	bool tracking;			/* new namespaces get perns state */
	bool quick_exit;		/* see perns_ns_quick_exit() */
	struct perns_ns *initial;
	unsigned int nr_private;
	struct ida gen_ids;
	unsigned int gen_len;
	/*
	 * Devices by table slot, and 1 + the highest slot in use: written
	 * under perns_mutex and @rwsem for writing, read under either.
	 */
	struct xarray slots;
	unsigned int nr_slots;
};

extern struct perns_type perns_types[PERNS_NR_TYPES];
extern struct mutex perns_mutex;
extern struct workqueue_struct *perns_wq;

int perns_type_index(int nstype);
void perns_type_write_lock(struct perns_type *type);
void perns_type_write_unlock(struct perns_type *type);
bool perns_ops_registered(const struct perns_operations *ops);
struct perns_operations *perns_device_lookup(dev_t devt);

struct perns_context *perns_context_alloc(struct perns_operations *ops);
void perns_context_free(struct perns_context *ctx);
void perns_context_live(struct perns_context *ctx);
struct perns_context *perns_context_hold(struct perns_context *ctx);
void perns_context_own(struct perns_context *ctx, struct perns_ns *pns);
void perns_context_disown(struct perns_context *ctx);

struct perns_table *perns_table_copy(const struct perns_table *old,
				     unsigned int len);
void perns_table_set(struct perns_table *t, unsigned int slot,
		     struct perns_context *ctx);
void perns_table_publish(struct perns_table *t);
void perns_table_put(struct perns_table *t);
struct perns_context *perns_lookup(struct perns_operations *ops,
				   struct perns_ns *pns);
unsigned int perns_ns_ino(struct perns_ns *pns);
struct ns_common *perns_task_ns(struct task_struct *task, int nstype);

/*
 * @ns' perns state if @ns is of @ops' type, else NULL. Lockless: the
 * caller orders this read after the acquire of @ops->base (see
 * perns_context_get()), or holds a file bound to a context of @ops.
 */
static inline struct perns_ns *perns_ns_of(const struct perns_operations *ops,
					   const struct ns_common *ns)
{
	struct perns_ns *pns = READ_ONCE(ns->perns);

	return pns && pns->type == ops->type ? pns : NULL;
}

/* Whether @pns is the initial namespace of its type, whose contexts are fixed. */
static inline bool perns_ns_is_initial(const struct perns_ns *pns)
{
	return pns == perns_types[pns->type].initial;
}

#endif /* _KERNEL_PERNS_INTERNAL_H */
