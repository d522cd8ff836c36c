// SPDX-License-Identifier: GPL-2.0
/*
 * perns: per-namespace operations and device contexts for every namespace
 * type, after net's pernet_operations.
 *
 * Objects and lifetimes
 *
 *  - struct perns_ns: one per namespace of a type something is registered
 *    for, created by the namespace's creation path once the namespace is
 *    fully constructed (perns_ns_create()). The namespace's free path
 *    (perns_ns_free(), which never sleeps) frees it at once if nothing has
 *    to run for it (perns_ns_quick_exit()), or hands it to
 *    perns_free_work(). Nothing but the namespace points to it: it is
 *    freed once its exit methods ran, so a dead namespace keeps no perns
 *    memory.
 *  - A namespace created while nothing is registered for its type (no
 *    subsystem, no device: type->tracking is false) gets no perns_ns, only
 *    an entry in type->untracked through ns->perns_node, which its free
 *    path removes. Every registration first gives each of them a perns_ns
 *    (perns_type_track()), so that while anything is registered for a type
 *    every live namespace of it has one.
 *  - struct perns_table: the contexts a namespace uses, one slot per device.
 *    Tables are shared, copy on write: a new namespace takes a reference to
 *    its origin's table, which makes creation O(1) in the number of shared
 *    devices. A slot beyond ->len, or NULL, means the device's base context.
 *    A table holds a reference to each context in it. Freed after RCU.
 *  - struct perns_context: refcounted by table slots, by the device's base
 *    pointer and by bound files. Released (->ctx_exit) by whoever drops the
 *    last reference, always in process context, and freed after RCU.
 *  - The base context of a device is owned by the initial namespace of its
 *    type for as long as the device is registered: setdevns() cannot move
 *    it, and cannot change the initial namespace's contexts, so every
 *    namespace that never opted in keeps using the initial one's.
 *
 * Every allocation made for a namespace or on behalf of setdevns() is
 * charged to the caller's memory cgroup (GFP_KERNEL_ACCOUNT): the creator
 * of the namespace, or the registering task for the state a registration
 * gives existing namespaces.
 *
 * Locking
 *
 *  - perns_mutex serialises registration, unregistration, setdevns() and
 *    the release of the contexts a dead namespace owns. It protects
 *    pns->owned, pns->table updates and the device lists, and ctx->owner,
 *    which is written under it and may be read without it only to be
 *    compared. pns->nr_owned drops last when a namespace loses a context
 *    (release), so that the exit work or the free path of a namespace
 *    owning nothing can skip the mutex: see perns_ns_exit() and
 *    perns_ns_quick_exit().
 *  - type->rwsem: taken for reading by the creation of a namespace that
 *    gets perns state and by the exit work, for writing by
 *    (un)registration; protects type->ops, the generic
 *    arrays and type->gen_len, and the table of a dying namespace that
 *    owns nothing, which its exit work drops holding it for reading (or
 *    its free path, under type->lock with type->quick_exit set).
 *    Nests inside perns_mutex. The init and exit methods run under it,
 *    never under perns_mutex; ctx_init runs under it, and also under
 *    perns_mutex when a device registers. type->slots and type->nr_slots
 *    are written under both perns_mutex and the rwsem for writing, and
 *    read under either: every slot from nr_slots on is empty in every
 *    table, which lets perns_table_copy() leave them out.
 *  - type->lock (irq-safe spinlock: namespace free paths run from RCU
 *    callbacks): the lists of namespaces with and without perns state,
 *    the list of tables, type->tracking, type->quick_exit (true when no
 *    registered method of the type has an exit or per-namespace data,
 *    and false while (un)registration holds type->rwsem for writing, so
 *    that no free path unlists a namespace while the namespaces are
 *    walked), and ns->perns of a namespace
 *    without state, which perns_type_track() sets under it, with release
 *    once the state is complete, and the free path reads again under it.
 *    Lockless readers of ns->perns read it after an acquire of the
 *    device's base pointer (perns_context_get(), NS_GET_DEVCTX), which
 *    register_perns_device() publishes after giving every namespace state.
 *    A registration that fails leaves the namespaces it gave state to
 *    with it, and new namespaces without it if nothing else is registered.
 *  - perns_ns_lock (irq-safe spinlock): pns->ns, which the namespace's free
 *    path clears from any context before it queues the exit work
 *    (perns_type_track() sets it before the state is published), and
 *    which is read under it where @pns may still own contexts; pns->ino,
 *    which the free path zeroes first, is read without it.
 *  - perns_devices (maple tree, RCU mode): registered devices by device
 *    number (those with @count), written under perns_mutex, read under
 *    RCU; ops->indexed says whether a device is there. A device found
 *    there stays readable for the RCU read section: unregister_perns_device(),
 *    and a registration that fails once the device is there, wait for a
 *    grace period after removing it.
 *  - A context's owner is read locklessly by NS_GET_DEVCTX under RCU:
 *    a struct perns_ns that ever owned a context is freed after a grace
 *    period, and so is one whose namespace's creation failed once others
 *    could reach it. Any other is reached only through its namespace or
 *    from its own init and exit methods, and is freed at once.
 *  - Lookups (perns_context_get()) take no lock: RCU and
 *    refcount_inc_not_zero() on the context, then a check that the context
 *    is the device's, since a slot may be reused by the next device.
 *
 * Order
 *
 *  For a namespace, subsystems' init runs first, then the private contexts
 *  of devices are created (ctx_init), then devices' init; the same order
 *  holds at registration, where subsystems are already there when a device
 *  registers. The way down is the reverse: the namespace's own context
 *  references are dropped, devices' exit runs, then subsystems' exit.
 */

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/ipc_namespace.h>
#include <linux/kdev_t.h>
#include <linux/maple_tree.h>
#include <linux/miscdevice.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/ptrace.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "perns_internal.h"

/* Namespaces given perns state per section of perns_type_track() */
#define PERNS_TRACK_BATCH	64

/* The rest is set up by perns_init(), before any namespace is created. */
struct perns_type perns_types[PERNS_NR_TYPES] = {
	[PERNS_USER]	= { .nstype = CLONE_NEWUSER,	.name = "user",
			    .supported = IS_ENABLED(CONFIG_USER_NS) },
	[PERNS_UTS]	= { .nstype = CLONE_NEWUTS,	.name = "uts",
			    .supported = IS_ENABLED(CONFIG_UTS_NS) },
	[PERNS_IPC]	= { .nstype = CLONE_NEWIPC,	.name = "ipc",
			    .supported = IS_ENABLED(CONFIG_IPC_NS) },
	[PERNS_PID]	= { .nstype = CLONE_NEWPID,	.name = "pid",
			    .supported = IS_ENABLED(CONFIG_PID_NS) },
	[PERNS_NET]	= { .nstype = CLONE_NEWNET,	.name = "net",
			    .supported = IS_ENABLED(CONFIG_NET_NS) },
	[PERNS_MNT]	= { .nstype = CLONE_NEWNS,	.name = "mnt",
			    .supported = true },
	[PERNS_CGROUP]	= { .nstype = CLONE_NEWCGROUP,	.name = "cgroup",
			    .supported = IS_ENABLED(CONFIG_CGROUPS) },
	[PERNS_TIME]	= { .nstype = CLONE_NEWTIME,	.name = "time",
			    .supported = IS_ENABLED(CONFIG_TIME_NS) },
};

/* Registration, setdevns() and ownership: see "Locking" above. */
DEFINE_MUTEX(perns_mutex);
static DEFINE_SPINLOCK(perns_ns_lock);
static atomic64_t perns_ctx_ids = ATOMIC64_INIT(0);
static struct maple_tree perns_devices = MTREE_INIT(perns_devices,
						     MT_FLAGS_USE_RCU);
static struct lock_class_key perns_rwsem_keys[PERNS_NR_TYPES];

/* Shared by every namespace of a type without subsystem data. */
static struct perns_gen perns_empty_gen = { .len = 0 };

static LLIST_HEAD(perns_free_list);
static void perns_free_work(struct work_struct *work);
static DECLARE_WORK(perns_free_wk, perns_free_work);
struct workqueue_struct *perns_wq;

/* The index of a CLONE_NEW* type in perns_types[], which perns_init() checks. */
int perns_type_index(int nstype)
{
	switch (nstype) {
	case CLONE_NEWUSER:
		return PERNS_USER;
	case CLONE_NEWUTS:
		return PERNS_UTS;
	case CLONE_NEWIPC:
		return PERNS_IPC;
	case CLONE_NEWPID:
		return PERNS_PID;
	case CLONE_NEWNET:
		return PERNS_NET;
	case CLONE_NEWNS:
		return PERNS_MNT;
	case CLONE_NEWCGROUP:
		return PERNS_CGROUP;
	case CLONE_NEWTIME:
		return PERNS_TIME;
	}
	return -EINVAL;
}

/* Contexts */

struct perns_context *perns_context_alloc(struct perns_operations *ops)
{
	struct perns_context *ctx;

	ctx = kzalloc(size_add(sizeof(*ctx), ops->ctx_size), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return NULL;
	refcount_set(&ctx->refs, 1);
	ctx->id = atomic64_inc_return(&perns_ctx_ids);
	ctx->ops = ops;
	INIT_LIST_HEAD(&ctx->owner_node);
	return ctx;
}

/* Frees a context whose driver data was never initialised. */
void perns_context_free(struct perns_context *ctx)
{
	kfree(ctx);
}

/* The context is initialised: count it against the device. */
void perns_context_live(struct perns_context *ctx)
{
	atomic_inc(&ctx->ops->nr_contexts);
}

static struct perns_context *perns_context_new(struct perns_operations *ops,
					       struct perns_ns *pns)
{
	struct perns_context *ctx;
	int err;

	ctx = perns_context_alloc(ops);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	err = ops->ctx_init ? ops->ctx_init(ctx, pns) : 0;
	if (err) {
		perns_context_free(ctx);
		return ERR_PTR(err);
	}
	perns_context_live(ctx);
	return ctx;
}

struct perns_context *perns_context_hold(struct perns_context *ctx)
{
	refcount_inc(&ctx->refs);
	return ctx;
}

/**
 * perns_context_put() - drop a reference to a device context
 * @ctx: the context
 *
 * The last reference runs &perns_operations.ctx_exit.
 *
 * Context: process context; may sleep.
 */
void perns_context_put(struct perns_context *ctx)
{
	struct perns_operations *ops = ctx->ops;

	might_sleep();
	if (!refcount_dec_and_test(&ctx->refs))
		return;
	WARN_ON_ONCE(ctx->owner);
	if (ops->ctx_exit)
		ops->ctx_exit(ctx);
	kfree_rcu(ctx, rcu);
	if (atomic_dec_and_test(&ops->nr_contexts))
		complete(ops->drained);
}
EXPORT_SYMBOL_GPL(perns_context_put);

/* The inode number of @pns' namespace, 0 once it is freed. */
unsigned int perns_ns_ino(struct perns_ns *pns)
{
	return READ_ONCE(pns->ino);
}

/*
 * Ownership changes under perns_mutex, or where nobody else can reach the
 * context and the namespace (the __ variants). A namespace that may be
 * dying loses a context only to a migration, whose commit changes the
 * loser's table first; its @nr_owned then drops last, with release
 * semantics, so that an exit work reading it as zero without the mutex
 * sees every change the loss made to its list and table.
 */
static void perns_owner_drop(struct perns_ns *owner)
{
	if (owner)
		atomic_dec_return_release(&owner->nr_owned);
}

static void __perns_context_own(struct perns_context *ctx,
				struct perns_ns *pns)
{
	struct perns_ns *old = ctx->owner;

	WRITE_ONCE(ctx->owner, pns);
	list_move(&ctx->owner_node, &pns->owned);
	pns->rcu_free = true;
	atomic_inc(&pns->nr_owned);
	perns_owner_drop(old);
}

void perns_context_own(struct perns_context *ctx, struct perns_ns *pns)
{
	lockdep_assert_held(&perns_mutex);
	__perns_context_own(ctx, pns);
}

static void __perns_context_disown(struct perns_context *ctx)
{
	struct perns_ns *old = ctx->owner;

	WRITE_ONCE(ctx->owner, NULL);
	list_del_init(&ctx->owner_node);
	perns_owner_drop(old);
}

void perns_context_disown(struct perns_context *ctx)
{
	lockdep_assert_held(&perns_mutex);
	__perns_context_disown(ctx);
}

/* Tables */

static struct perns_table *perns_table_alloc(unsigned int type,
					     unsigned int len)
{
	struct perns_table *t;

	t = kzalloc(struct_size(t, ctx, len), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	refcount_set(&t->refs, 1);
	t->type = type;
	t->len = len;
	INIT_LIST_HEAD(&t->list);
	return t;
}

void perns_table_publish(struct perns_table *t)
{
	struct perns_type *type = &perns_types[t->type];
	unsigned long flags;

	spin_lock_irqsave(&type->lock, flags);
	list_add(&t->list, &type->tables);
	spin_unlock_irqrestore(&type->lock, flags);
}

void perns_table_put(struct perns_table *t)
{
	struct perns_type *type;
	unsigned int i;

	if (!t || !refcount_dec_and_test(&t->refs))
		return;
	type = &perns_types[t->type];
	scoped_guard(spinlock_irqsave, &type->lock)
		list_del(&t->list);
	for (i = 0; i < t->len; i++) {
		/* The last reference: nobody else can see @t. */
		struct perns_context *ctx = rcu_dereference_protected(t->ctx[i], 1);

		if (ctx)
			perns_context_put(ctx);
	}
	kfree_rcu(t, rcu);
}

/*
 * A copy of @old, at least @len slots long, holding its own references.
 * Not yet published. The caller keeps @old's slots stable and holds
 * perns_mutex or the type's rwsem, which keep nr_slots stable: slots from
 * there on belong to no device and are empty, so the copy leaves them out.
 */
struct perns_table *perns_table_copy(const struct perns_table *old,
				     unsigned int len)
{
	unsigned int n = min(old->len, perns_types[old->type].nr_slots);
	struct perns_table *t;
	unsigned int i;

	lockdep_assert(lockdep_is_held(&perns_mutex) ||
		       lockdep_is_held(&perns_types[old->type].rwsem));
	t = perns_table_alloc(old->type, max(len, n));
	if (!t)
		return NULL;
	for (i = 0; i < n; i++) {
		struct perns_context *ctx = rcu_dereference_protected(old->ctx[i], 1);

		if (ctx)
			RCU_INIT_POINTER(t->ctx[i], perns_context_hold(ctx));
	}
	return t;
}

/* Sets the slot of an unpublished table; takes over the reference. */
void perns_table_set(struct perns_table *t, unsigned int slot,
		     struct perns_context *ctx)
{
	struct perns_context *old = rcu_dereference_protected(t->ctx[slot], 1);

	RCU_INIT_POINTER(t->ctx[slot], ctx);
	if (old)
		perns_context_put(old);
}

/* @pns's context for @ops, without a reference; RCU or perns_mutex. */
struct perns_context *perns_lookup(struct perns_operations *ops,
				   struct perns_ns *pns)
{
	struct perns_table *t = rcu_dereference_check(pns->table,
					lockdep_is_held(&perns_mutex));
	struct perns_context *ctx = NULL;

	if (!t)
		return NULL;
	if (ops->slot < t->len)
		ctx = rcu_dereference_check(t->ctx[ops->slot],
					    lockdep_is_held(&perns_mutex));
	return ctx ?: READ_ONCE(ops->base);
}

/**
 * perns_context_get() - the context a namespace uses for a device
 * @ops: the device
 * @ns: a namespace of the device's type, held by the caller
 *
 * Context: any context that may later drop the reference (process context).
 * Return: a new reference to the context, or %NULL if @ns is not a
 * namespace of the device's type or the device is not registered.
 */
struct perns_context *perns_context_get(struct perns_operations *ops,
					struct ns_common *ns)
{
	struct perns_context *ctx;
	struct perns_ns *pns;

	/*
	 * Pairs with register_perns_device(): @ops is not live before, and
	 * every namespace of its type has perns state after.
	 */
	if (!smp_load_acquire(&ops->base))
		return NULL;
	rcu_read_lock();
	pns = perns_ns_of(ops, ns);
	do {
		ctx = pns ? perns_lookup(ops, pns) : NULL;
	} while (ctx && !refcount_inc_not_zero(&ctx->refs));
	rcu_read_unlock();
	/* @ops went away and its slot went to another device meanwhile. */
	if (ctx && unlikely(ctx->ops != ops)) {
		perns_context_put(ctx);
		ctx = NULL;
	}
	return ctx;
}
EXPORT_SYMBOL_GPL(perns_context_get);

/**
 * perns_ns_get_ns() - the namespace of a perns state, if it is alive
 * @pns: the state, or %NULL, which the caller keeps from being freed: by
 *	perns_mutex while @pns owns a context, by holding its namespace,
 *	or by running before the exit methods of @pns returned (in its
 *	init or exit method, or under a lock that exit method takes)
 *
 * Context: any; does not sleep.
 * Return: a reference to the namespace, to be dropped with perns_put_ns(),
 * or %NULL if there is no @pns or its namespace is dying.
 */
struct ns_common *perns_ns_get_ns(struct perns_ns *pns)
{
	struct ns_common *ns;
	unsigned long flags;

	if (!pns)
		return NULL;
	spin_lock_irqsave(&perns_ns_lock, flags);
	ns = pns->ns;
	if (ns && !refcount_inc_not_zero(&ns->count))
		ns = NULL;
	spin_unlock_irqrestore(&perns_ns_lock, flags);
	return ns;
}
EXPORT_SYMBOL_GPL(perns_ns_get_ns);

/**
 * perns_context_owner() - the namespace that owns a context
 * @ctx: the context
 *
 * Context: process context; takes perns_mutex.
 * Return: a reference to the owning namespace, to be dropped with
 * perns_put_ns(), or %NULL if no namespace owns @ctx any longer.
 */
struct ns_common *perns_context_owner(struct perns_context *ctx)
{
	struct ns_common *ns;

	mutex_lock(&perns_mutex);
	ns = perns_ns_get_ns(ctx->owner);
	mutex_unlock(&perns_mutex);
	return ns;
}
EXPORT_SYMBOL_GPL(perns_context_owner);

/**
 * perns_context_is_initial() - whether a context is a device's base context
 * @ctx: the context
 *
 * The base context is owned by the initial namespace of the device's type
 * and used by every namespace that never opted in; setdevns() cannot move
 * it, so the answer is stable for as long as the device is registered.
 *
 * Context: any; takes no lock.
 * Return: true if the initial namespace of the device's type owns @ctx.
 */
bool perns_context_is_initial(struct perns_context *ctx)
{
	return READ_ONCE(ctx->owner) == perns_types[ctx->ops->type].initial;
}
EXPORT_SYMBOL_GPL(perns_context_is_initial);

/**
 * perns_context_owned_by() - whether a namespace owns a context
 * @ctx: the context
 * @ns: a namespace of the device's type, held by the caller
 *
 * A snapshot: setdevns() may change the owner right after.
 *
 * Context: any; takes no lock.
 * Return: true if @ns owns @ctx.
 */
bool perns_context_owned_by(struct perns_context *ctx, struct ns_common *ns)
{
	struct perns_ns *pns = READ_ONCE(ns->perns);

	return pns && READ_ONCE(ctx->owner) == pns;
}
EXPORT_SYMBOL_GPL(perns_context_owned_by);

/* Namespaces */

static struct perns_gen *perns_gen_alloc(unsigned int len)
{
	struct perns_gen *gen;

	if (!len)
		return &perns_empty_gen;
	gen = kzalloc(struct_size(gen, ptr, len), GFP_KERNEL_ACCOUNT);
	if (gen)
		gen->len = len;
	return gen;
}

static void perns_gen_free(struct perns_gen *gen)
{
	if (gen && gen != &perns_empty_gen)
		kfree_rcu(gen, rcu);
}

/* Runs @ops' per-namespace part for @pns. */
static int perns_ops_init(struct perns_operations *ops, struct perns_ns *pns)
{
	struct perns_gen *gen = rcu_dereference_protected(pns->gen, 1);
	int err;

	if (ops->size) {
		void *data = kzalloc(ops->size, GFP_KERNEL_ACCOUNT);

		if (!data)
			return -ENOMEM;
		gen->ptr[*ops->id] = data;
	}
	err = ops->init ? ops->init(pns) : 0;
	if (err && ops->size) {
		kfree(gen->ptr[*ops->id]);
		gen->ptr[*ops->id] = NULL;
	}
	return err;
}

static void perns_ops_exit(struct perns_operations *ops, struct perns_ns *pns)
{
	struct perns_gen *gen = rcu_dereference_protected(pns->gen, 1);

	if (ops->exit)
		ops->exit(pns);
	if (ops->size) {
		kfree(gen->ptr[*ops->id]);
		gen->ptr[*ops->id] = NULL;
	}
}

static bool perns_ops_per_ns(const struct perns_operations *ops)
{
	return ops->init || ops->exit || ops->size;
}

/* Exits of the ops in [@first, @end) of @type->ops, last first. */
static void perns_ns_exit_ops(struct perns_ns *pns, struct list_head *first,
			      struct list_head *end)
{
	struct list_head *pos;

	for (pos = end->prev; pos != first->prev; pos = pos->prev)
		perns_ops_exit(list_entry(pos, struct perns_operations, list),
			       pns);
}

/* Inits of the ops in [@first, @end); undone if one fails. */
static int perns_ns_init_ops(struct perns_ns *pns, struct list_head *first,
			     struct list_head *end)
{
	struct list_head *pos;
	int err;

	for (pos = first; pos != end; pos = pos->next) {
		err = perns_ops_init(list_entry(pos, struct perns_operations,
						list), pns);
		if (err) {
			perns_ns_exit_ops(pns, first, pos);
			return err;
		}
	}
	return 0;
}

static void perns_ns_disown_all(struct perns_ns *pns)
{
	struct perns_context *ctx, *tmp;

	list_for_each_entry_safe(ctx, tmp, &pns->owned, owner_node)
		__perns_context_disown(ctx);
}

/*
 * Gives @pns, which nobody else can reach yet, a fresh context of every
 * private-by-default device.
 */
static int perns_ns_private_contexts(struct perns_ns *pns)
{
	struct perns_type *type = &perns_types[pns->type];
	struct perns_table *old = rcu_dereference_protected(pns->table, 1);
	struct perns_table *t = NULL;
	struct perns_operations *ops;

	if (!type->nr_private)
		return 0;
	list_for_each_entry(ops, &type->devices, dev_list) {
		struct perns_context *ctx;

		if (!(ops->flags & PERNS_CTX_PRIVATE))
			continue;
		if (!t) {
			t = perns_table_copy(old, type->nr_slots);
			if (!t)
				return -ENOMEM;
		}
		ctx = perns_context_new(ops, pns);
		if (IS_ERR(ctx)) {
			perns_ns_disown_all(pns);
			perns_table_put(t);
			return PTR_ERR(ctx);
		}
		perns_table_set(t, ops->slot, ctx);
		__perns_context_own(ctx, pns);
	}
	if (t) {
		perns_table_publish(t);
		rcu_assign_pointer(pns->table, t);
		perns_table_put(old);
	}
	return 0;
}

/*
 * After a grace period if @pns ever owned a context, since NS_GET_DEVCTX
 * reads a context's owner under RCU, or if its namespace was reachable by
 * others when its creation failed (a net namespace is listed before
 * perns_ns_create()). Every other reader of @pns holds its namespace or
 * runs before its exit methods return.
 */
static void perns_ns_release(struct perns_ns *pns)
{
	WARN_ON_ONCE(atomic_read(&pns->nr_owned));
	perns_gen_free(rcu_dereference_protected(pns->gen, 1));
	if (pns->rcu_free)
		kfree_rcu(pns, rcu);
	else
		kfree(pns);
}

/* The table of @origin with a new reference, or an empty one. */
static struct perns_table *perns_origin_table(unsigned int idx,
					      struct perns_ns *origin)
{
	struct perns_table *table = NULL;

	if (origin) {
		rcu_read_lock();
		do {
			table = rcu_dereference(origin->table);
		} while (table && !refcount_inc_not_zero(&table->refs));
		rcu_read_unlock();
	}
	if (!table) {
		table = perns_table_alloc(idx, 0);
		if (table)
			perns_table_publish(table);
	}
	return table;
}

static struct perns_ns *perns_ns_alloc(struct ns_common *ns, unsigned int idx)
{
	struct perns_ns *pns = kzalloc(sizeof(*pns), GFP_KERNEL_ACCOUNT);

	if (!pns)
		return NULL;
	pns->ns = ns;
	pns->ino = ns ? ns->inum : 0;
	pns->type = idx;
	INIT_LIST_HEAD(&pns->list);
	INIT_LIST_HEAD(&pns->owned);
	return pns;
}

/* Called with @type->rwsem held for reading. */
static struct perns_ns *__perns_ns_create(struct ns_common *ns,
					  unsigned int idx,
					  struct ns_common *origin_ns)
{
	struct perns_type *type = &perns_types[idx];
	struct perns_table *table;
	struct perns_ns *pns;
	struct perns_gen *gen;
	int err = -ENOMEM;

	lockdep_assert_held_read(&type->rwsem);
	pns = perns_ns_alloc(ns, idx);
	if (!pns)
		return ERR_PTR(-ENOMEM);

	gen = perns_gen_alloc(type->gen_len);
	if (!gen)
		goto out_free;
	RCU_INIT_POINTER(pns->gen, gen);
	/* Stable: a registration giving the origin perns state is excluded. */
	table = perns_origin_table(idx, origin_ns ? READ_ONCE(origin_ns->perns)
						  : NULL);
	if (!table)
		goto out_free;
	RCU_INIT_POINTER(pns->table, table);
	/* The callbacks may use the namespace's perns state. */
	if (ns)
		ns->perns = pns;

	err = perns_ns_init_ops(pns, type->ops.next, type->first_device);
	if (err)
		goto out_table;
	err = perns_ns_private_contexts(pns);
	if (err)
		goto out_subsys;
	err = perns_ns_init_ops(pns, type->first_device, &type->ops);
	if (err)
		goto out_contexts;

	scoped_guard(spinlock_irqsave, &type->lock)
		list_add_tail(&pns->list, &type->namespaces);
	return pns;

out_contexts:
	perns_ns_disown_all(pns);
	perns_table_put(rcu_replace_pointer(pns->table, NULL, 1));
out_subsys:
	perns_ns_exit_ops(pns, type->ops.next, type->first_device);
out_table:
	if (ns) {
		ns->perns = NULL;
		pns->rcu_free = true;
	}
	perns_table_put(rcu_dereference_protected(pns->table, 1));
out_free:
	perns_ns_release(pns);
	return ERR_PTR(err);
}

/* Lists @ns as without perns state, unless @type is tracked. */
static bool perns_ns_list_untracked(struct perns_type *type,
				    struct ns_common *ns)
{
	unsigned long flags;
	bool untracked;

	spin_lock_irqsave(&type->lock, flags);
	untracked = !type->tracking;
	if (untracked)
		list_add_tail(&ns->perns_node, &type->untracked);
	spin_unlock_irqrestore(&type->lock, flags);
	return untracked;
}

/**
 * perns_ns_create() - set up perns for a new namespace
 * @ns: the new namespace, fully constructed but not yet reachable by
 *	anybody else: every creation path calls this last, right before it
 *	returns the namespace, and unwinds the whole creation if it fails
 * @origin: the namespace @ns was created from (its parent for user and pid
 *	namespaces)
 *
 * @ns shares its origin's device contexts; the init methods of the
 * subsystems, the private contexts of devices that want them, and the
 * init methods of the devices run for it, in that order, with @ns->perns
 * already set, so they may use perns_generic() and perns_context_get() on
 * @ns. If nothing is registered for the type of @ns, there is nothing to
 * set up: @ns is only listed, under the type's spinlock, for a later
 * registration to find, and costs no allocation.
 *
 * Context: process context; may sleep.
 * Return: 0, or the error of an allocation or an init method, in which
 * case the creation of @ns must fail with it.
 */
int perns_ns_create(struct ns_common *ns, struct ns_common *origin)
{
	struct perns_type *type;
	struct perns_ns *pns;
	int idx;

	ns->perns = NULL;
	INIT_LIST_HEAD(&ns->perns_node);
	idx = perns_type_index(ns->ops->type);
	if (WARN_ON_ONCE(idx < 0 || !perns_types[idx].initial))
		return -EINVAL;
	type = &perns_types[idx];

	/*
	 * Nothing registered for the type: nothing to set up. The unlocked
	 * read is a hint, checked again under the lock, or under the rwsem,
	 * which (un)registration holds for writing to change it.
	 */
	if (!READ_ONCE(type->tracking) && perns_ns_list_untracked(type, ns))
		return 0;
	down_read(&type->rwsem);
	if (!type->tracking && perns_ns_list_untracked(type, ns))
		pns = NULL;
	else
		pns = __perns_ns_create(ns, idx, origin);
	up_read(&type->rwsem);
	return PTR_ERR_OR_ZERO(pns);
}

/*
 * Frees @pns, whose namespace is being freed, right away if nothing has to
 * run for it: no registered method of @type has an exit or per-namespace
 * data (@type->quick_exit, false while (un)registration walks the
 * namespaces), @pns owns no context, so that nothing else reaches it, and
 * its table has another reference, so that dropping ours releases nothing.
 * Otherwise the exit work does it. Does not sleep.
 */
static bool perns_ns_quick_exit(struct perns_type *type, struct perns_ns *pns)
{
	struct perns_table *table;
	unsigned long flags;
	bool done = false;

	if (!READ_ONCE(type->quick_exit))
		return false;
	spin_lock_irqsave(&type->lock, flags);
	/* Owning nothing, @pns is out of reach of setdevns(). */
	if (type->quick_exit && !atomic_read_acquire(&pns->nr_owned)) {
		table = rcu_dereference_protected(pns->table, 1);
		if (refcount_dec_not_one(&table->refs)) {
			RCU_INIT_POINTER(pns->table, NULL);
			list_del_init(&pns->list);
			done = true;
		}
	}
	spin_unlock_irqrestore(&type->lock, flags);
	if (done)
		perns_ns_release(pns);
	return done;
}

/**
 * perns_ns_free() - free a dying namespace's perns state
 * @ns: the namespace, whose count dropped to zero
 *
 * Frees it at once if nothing has to run for it, else hands it to the
 * exit work.
 *
 * Context: any, including RCU callbacks; does not sleep.
 */
void perns_ns_free(struct ns_common *ns)
{
	/* Pairs with perns_type_track(): the state is complete. */
	struct perns_ns *pns = smp_load_acquire(&ns->perns);
	unsigned long flags;
	int idx;

	/*
	 * Without perns state, unless a registration gives it some meanwhile
	 * (perns_type_track()). A namespace perns_ns_create() never saw (an
	 * anonymous mount namespace, a creation that failed before it) was
	 * zeroed, or its free path does not get here.
	 */
	if (!pns && READ_ONCE(ns->perns_node.next)) {
		struct perns_type *type;

		idx = perns_type_index(ns->ops->type);
		if (WARN_ON_ONCE(idx < 0))
			return;
		type = &perns_types[idx];
		spin_lock_irqsave(&type->lock, flags);
		list_del_init(&ns->perns_node);
		pns = ns->perns;
		spin_unlock_irqrestore(&type->lock, flags);
	}
	if (!pns)
		return;
	WRITE_ONCE(ns->perns, NULL);
	/* NS_GET_DEVCTX reads a former owner's number under RCU. */
	WRITE_ONCE(pns->ino, 0);
	if (perns_ns_quick_exit(&perns_types[pns->type], pns))
		return;
	spin_lock_irqsave(&perns_ns_lock, flags);
	pns->ns = NULL;
	spin_unlock_irqrestore(&perns_ns_lock, flags);
	if (llist_add(&pns->free_node, &perns_free_list))
		queue_work(perns_wq, &perns_free_wk);
}

/*
 * The namespace's contexts first, then the devices and subsystems.
 *
 * Only a namespace that still owns contexts takes perns_mutex: @pns is
 * dying, so no registration gives it a context (perns_private_contexts())
 * and one that began before it was dying has finished once type->rwsem is
 * ours; setdevns() changes only living namespaces, except that a migration
 * takes a context away from its owner. A namespace that owns nothing when
 * type->rwsem is held therefore has a table nobody else changes.
 */
static void perns_ns_exit(struct perns_ns *pns)
{
	struct perns_type *type = &perns_types[pns->type];
	struct perns_table *table = NULL;
	bool owns;

	down_read(&type->rwsem);
	owns = atomic_read_acquire(&pns->nr_owned);
	if (!owns) {
		WARN_ON_ONCE(!list_empty(&pns->owned));
		table = rcu_replace_pointer(pns->table, NULL,
					    lockdep_is_held(&type->rwsem));
	}
	up_read(&type->rwsem);
	if (owns) {
		mutex_lock(&perns_mutex);
		perns_ns_disown_all(pns);
		table = rcu_replace_pointer(pns->table, NULL,
					    lockdep_is_held(&perns_mutex));
		mutex_unlock(&perns_mutex);
	}
	perns_table_put(table);

	down_read(&type->rwsem);
	perns_ns_exit_ops(pns, type->ops.next, &type->ops);
	scoped_guard(spinlock_irqsave, &type->lock)
		list_del_init(&pns->list);
	up_read(&type->rwsem);

	perns_ns_release(pns);
}

static void perns_free_work(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&perns_free_list);
	struct perns_ns *pns, *tmp;

	list = llist_reverse_order(list);
	llist_for_each_entry_safe(pns, tmp, list, free_node) {
		perns_ns_exit(pns);
		cond_resched();
	}
}

/* Registration */

/*
 * Whether @ops is registered, or a device whose unregister_perns_device()
 * has not returned yet (@ops->drained); under perns_mutex.
 */
bool perns_ops_registered(const struct perns_operations *ops)
{
	return (ops->list.next && !list_empty(&ops->list)) ||
	       (ops->dev_list.next && !list_empty(&ops->dev_list)) ||
	       ops->drained;
}

/* Makes room for generic id @id in every namespace of @type. */
static int perns_gen_grow(struct perns_type *type, unsigned int id)
{
	struct perns_ns *pns;

	lockdep_assert_held_write(&type->rwsem);
	if (id < type->gen_len)
		return 0;
	list_for_each_entry(pns, &type->namespaces, list) {
		struct perns_gen *old, *gen;

		old = rcu_dereference_protected(pns->gen,
						lockdep_is_held(&type->rwsem));
		if (id < old->len)
			continue;
		gen = perns_gen_alloc(id + 1);
		if (!gen)
			return -ENOMEM;
		memcpy(gen->ptr, old->ptr, old->len * sizeof(void *));
		rcu_assign_pointer(pns->gen, gen);
		perns_gen_free(old);
	}
	type->gen_len = id + 1;
	return 0;
}

static int perns_register_ops(struct perns_type *type,
			      struct perns_operations *ops,
			      struct list_head *pos)
{
	struct perns_ns *pns;
	int err;

	lockdep_assert_held_write(&type->rwsem);
	if (ops->size) {
		err = ida_alloc(&type->gen_ids, GFP_KERNEL);
		if (err < 0)
			return err;
		*ops->id = err;
		err = perns_gen_grow(type, *ops->id);
		if (err)
			goto out_ida;
	}
	list_for_each_entry(pns, &type->namespaces, list) {
		err = perns_ops_init(ops, pns);
		if (err)
			goto out_undo;
	}
	list_add_tail(&ops->list, pos);
	return 0;

out_undo:
	list_for_each_entry_continue_reverse(pns, &type->namespaces, list)
		perns_ops_exit(ops, pns);
out_ida:
	if (ops->size)
		ida_free(&type->gen_ids, *ops->id);
	return err;
}

static void perns_unregister_ops(struct perns_type *type,
				 struct perns_operations *ops)
{
	struct perns_ns *pns;

	lockdep_assert_held_write(&type->rwsem);
	list_del_init(&ops->list);
	list_for_each_entry_reverse(pns, &type->namespaces, list)
		perns_ops_exit(ops, pns);
	if (ops->size)
		ida_free(&type->gen_ids, *ops->id);
}

/*
 * Gives perns state to every namespace of @type created while nothing was
 * registered for it (on @type->untracked), and makes every new namespace
 * get it from now on. Called by each registration, with perns_mutex and
 * @type->rwsem for writing held, before it walks the namespaces. Such a
 * namespace was created when every device of @type used its base context
 * in every namespace, so it shares the initial namespace's table, as a
 * namespace created from that one does; whatever registered since acts on
 * it like on any other. A dying one gets state too: its free path, which
 * takes @type->lock to leave the list, then finds it and hands it to the
 * exit work (@type->quick_exit is false until the registration is done).
 */
static int perns_type_track(struct perns_type *type)
{
	struct perns_table *table = rcu_dereference_protected(type->initial->table,
					lockdep_is_held(&perns_mutex));
	unsigned int idx = type - perns_types, nr_fresh = 0, i;
	struct perns_ns *pns, *tmp;
	struct ns_common *ns;
	LIST_HEAD(fresh);
	int err = 0;

	lockdep_assert_held_write(&type->rwsem);
	/* The initial namespace's contexts are fixed: its table is empty. */
	WARN_ON_ONCE(table->len);
	spin_lock_irq(&type->lock);
	WRITE_ONCE(type->tracking, true);
	spin_unlock_irq(&type->lock);

	/*
	 * Nothing joins @type->untracked any longer. In batches, allocated
	 * first, so that interrupts are not off for long whatever the number
	 * of namespaces: a failure leaves the namespaces given state with it.
	 */
	for (;;) {
		unsigned int want = 0;

		spin_lock_irq(&type->lock);
		list_for_each_entry(ns, &type->untracked, perns_node)
			if (++want == PERNS_TRACK_BATCH)
				break;
		spin_unlock_irq(&type->lock);
		if (!want)
			break;
		for (; nr_fresh < want; nr_fresh++) {
			struct perns_gen *gen = NULL;

			pns = perns_ns_alloc(NULL, idx);
			if (pns)
				gen = perns_gen_alloc(type->gen_len);
			if (!gen) {
				kfree(pns);
				err = -ENOMEM;
				goto out;
			}
			RCU_INIT_POINTER(pns->gen, gen);
			list_add(&pns->list, &fresh);
		}
		/* Namespaces may have gone meanwhile, none came. */
		spin_lock_irq(&type->lock);
		for (i = 0; i < nr_fresh; i++) {
			ns = list_first_entry_or_null(&type->untracked,
						      struct ns_common,
						      perns_node);
			if (!ns)
				break;
			pns = list_first_entry(&fresh, struct perns_ns, list);
			list_del_init(&ns->perns_node);
			list_move_tail(&pns->list, &type->namespaces);
			refcount_inc(&table->refs);
			RCU_INIT_POINTER(pns->table, table);
			pns->ns = ns;
			pns->ino = ns->inum;
			/* Pairs with perns_ns_free() and lockless readers. */
			smp_store_release(&ns->perns, pns);
		}
		spin_unlock_irq(&type->lock);
		nr_fresh -= i;
		cond_resched();
	}
out:
	list_for_each_entry_safe(pns, tmp, &fresh, list) {
		perns_gen_free(rcu_dereference_protected(pns->gen, 1));
		kfree(pns);
	}
	return err;
}

/*
 * Called by each unregistration: once nothing is registered for @type,
 * new namespaces get no perns state.
 */
static void perns_type_untrack(struct perns_type *type)
{
	lockdep_assert_held_write(&type->rwsem);
	if (!list_empty(&type->ops) || !list_empty(&type->devices))
		return;
	spin_lock_irq(&type->lock);
	WRITE_ONCE(type->tracking, false);
	spin_unlock_irq(&type->lock);
}

/*
 * (Un)registration holds @type->rwsem for writing through these, so that
 * the free path of a namespace leaves the exit of its state to the exit
 * work while the namespaces are walked (see perns_ns_quick_exit()).
 */
void perns_type_write_lock(struct perns_type *type)
{
	down_write(&type->rwsem);
	spin_lock_irq(&type->lock);
	WRITE_ONCE(type->quick_exit, false);
	spin_unlock_irq(&type->lock);
}

void perns_type_write_unlock(struct perns_type *type)
{
	struct perns_operations *ops;
	bool quick = true;

	list_for_each_entry(ops, &type->ops, list)
		if (ops->exit || ops->size)
			quick = false;
	spin_lock_irq(&type->lock);
	WRITE_ONCE(type->quick_exit, quick);
	spin_unlock_irq(&type->lock);
	up_write(&type->rwsem);
}

/* The type of a registration, or an error for one the kernel lacks. */
static struct perns_type *perns_type_get(int nstype)
{
	int idx = perns_type_index(nstype);

	if (idx < 0)
		return ERR_PTR(-EINVAL);
	if (!perns_types[idx].supported)
		return ERR_PTR(-EOPNOTSUPP);
	return &perns_types[idx];
}

/**
 * register_perns_subsys() - register a per-namespace subsystem
 * @nstype: the namespace type, a CLONE_NEW* flag
 * @ops: the subsystem; @ops->id must be set if @ops->size is
 *
 * Runs @ops->init for every live namespace of @nstype, undoing it if one
 * fails, then for every new one. Subsystems are initialised before and
 * torn down after every device of the type.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for an unknown @nstype, -EOPNOTSUPP for a namespace
 * type the kernel is built without, -EBUSY if @ops is registered,
 * -ENOMEM, or the error of an init method.
 */
int register_perns_subsys(int nstype, struct perns_operations *ops)
{
	struct perns_type *type = perns_type_get(nstype);
	int err;

	if (IS_ERR(type))
		return PTR_ERR(type);
	if (WARN_ON(!!ops->id != !!ops->size))
		return -EINVAL;
	mutex_lock(&perns_mutex);
	perns_type_write_lock(type);
	if (perns_ops_registered(ops)) {
		err = -EBUSY;
	} else {
		ops->type = type - perns_types;
		err = perns_type_track(type);
		if (!err)
			err = perns_register_ops(type, ops, type->first_device);
		if (err)
			perns_type_untrack(type);
	}
	perns_type_write_unlock(type);
	mutex_unlock(&perns_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(register_perns_subsys);

/**
 * unregister_perns_subsys() - unregister a per-namespace subsystem
 * @nstype: the namespace type it was registered for
 * @ops: the subsystem
 *
 * Runs @ops->exit for every namespace of @nstype whose exit has not run
 * yet, dying ones included.
 *
 * Context: process context; may sleep.
 */
void unregister_perns_subsys(int nstype, struct perns_operations *ops)
{
	struct perns_type *type = perns_type_get(nstype);

	if (WARN_ON(IS_ERR(type)))
		return;
	mutex_lock(&perns_mutex);
	perns_type_write_lock(type);
	if (!WARN(!ops->list.next || list_empty(&ops->list) ||
		  ops->type != type - perns_types,
		  "perns: unregistering unregistered ops\n")) {
		perns_unregister_ops(type, ops);
		perns_type_untrack(type);
	}
	perns_type_write_unlock(type);
	mutex_unlock(&perns_mutex);
}
EXPORT_SYMBOL_GPL(unregister_perns_subsys);

/*
 * Drops every table slot of @ops; the device is going away. The contexts
 * whose last reference that was are moved to @release, for the caller to
 * put once it dropped the locks.
 */
static void perns_clear_slots(struct perns_type *type,
			      struct perns_operations *ops,
			      struct list_head *release)
{
	struct perns_table *t;

	lockdep_assert_held(&perns_mutex);
	lockdep_assert_held_write(&type->rwsem);
	spin_lock_irq(&type->lock);
	list_for_each_entry(t, &type->tables, list) {
		struct perns_context *ctx;

		if (ops->slot >= t->len)
			continue;
		ctx = rcu_replace_pointer(t->ctx[ops->slot], NULL,
					  lockdep_is_held(&perns_mutex));
		if (!ctx)
			continue;
		if (ctx->owner)
			perns_context_disown(ctx);
		if (!refcount_dec_not_one(&ctx->refs))
			list_add(&ctx->owner_node, release);
	}
	spin_unlock_irq(&type->lock);
}

static void perns_release_list(struct list_head *release)
{
	struct perns_context *ctx, *tmp;

	list_for_each_entry_safe(ctx, tmp, release, owner_node) {
		list_del_init(&ctx->owner_node);
		perns_context_put(ctx);
		cond_resched();
	}
}

/* Whether @pns' namespace has not been freed yet. */
static bool perns_ns_alive(struct perns_ns *pns)
{
	unsigned long flags;
	bool alive;

	spin_lock_irqsave(&perns_ns_lock, flags);
	alive = pns->ns;
	spin_unlock_irqrestore(&perns_ns_lock, flags);
	return alive;
}

/*
 * Gives every live namespace of @type but the initial one a fresh context.
 * A dying one keeps the base context: once its exit work has started, only
 * a migration changes what it owns (see perns_ns_exit()).
 */
static int perns_private_contexts(struct perns_type *type,
				  struct perns_operations *ops)
{
	struct perns_ns *pns;

	list_for_each_entry(pns, &type->namespaces, list) {
		struct perns_table *old, *t;
		struct perns_context *ctx;

		old = rcu_dereference_protected(pns->table,
						lockdep_is_held(&perns_mutex));
		if (pns == type->initial || !old || !perns_ns_alive(pns))
			continue;
		t = perns_table_copy(old, ops->slot + 1);
		if (!t)
			return -ENOMEM;
		ctx = perns_context_new(ops, pns);
		if (IS_ERR(ctx)) {
			perns_table_put(t);
			return PTR_ERR(ctx);
		}
		perns_table_set(t, ops->slot, ctx);
		perns_table_publish(t);
		rcu_assign_pointer(pns->table, t);
		/* @old is still held by the tables copied from it. */
		perns_table_put(old);
		perns_context_own(ctx, pns);
	}
	return 0;
}

/*
 * Frees a device's table slot, whose entries perns_clear_slots() emptied,
 * and lowers nr_slots to just above the highest slot still in use, so that
 * tables copied from here on are no longer than the devices need. Slots
 * are allocated lowest first, so nr_slots climbs past a free slot only by
 * allocating it: each step down is paid for by one free, and a lookup in
 * the XArray each, amortised O(1) steps per unregistration.
 */
static void perns_slot_free(struct perns_type *type, unsigned int slot)
{
	lockdep_assert_held(&perns_mutex);
	lockdep_assert_held_write(&type->rwsem);
	xa_erase(&type->slots, slot);
	while (type->nr_slots && !xa_load(&type->slots, type->nr_slots - 1))
		type->nr_slots--;
}

/* Checks what a device brings before anything is allocated for it. */
static int perns_device_valid(const struct perns_operations *ops)
{
	if (WARN_ON(!!ops->id != !!ops->size))
		return -EINVAL;
	if (ops->ctx_size > KMALLOC_MAX_SIZE)
		return -EINVAL;
	if (ops->count && (!ops->fops || ops->devt + (ops->count - 1) < ops->devt))
		return -EINVAL;
	return 0;
}

/**
 * register_perns_device() - register a per-namespace character device
 * @nstype: the namespace type, a CLONE_NEW* flag
 * @ops: the device: @ops->fops and, for introspection, @ops->devt and
 *	@ops->count identify its files
 *
 * Creates the device's base context, owned by the initial namespace of
 * @nstype for as long as the device is registered and shared by every live
 * namespace; with %PERNS_CTX_PRIVATE, every live namespace but the initial
 * one gets a fresh context instead. @ops->init, if set, runs for every live
 * namespace after its context exists. Devices are torn down before
 * subsystems.
 *
 * The private fields of @ops are zero before its first registration (a
 * static or kzalloc()ed struct); it may be registered again once
 * unregister_perns_device() returned.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for an unknown @nstype or inconsistent @ops,
 * -EOPNOTSUPP for a namespace type the kernel is built without, -EBUSY if
 * @ops is registered, its unregistration has not returned yet, or its
 * device numbers overlap another device's, or the error of an allocation
 * or an init method.
 */
int register_perns_device(int nstype, struct perns_operations *ops)
{
	struct perns_type *type = perns_type_get(nstype);
	struct perns_context *base;
	LIST_HEAD(release);
	bool indexed = false;
	int err;

	if (IS_ERR(type))
		return PTR_ERR(type);
	err = perns_device_valid(ops);
	if (err)
		return err;
	mutex_lock(&perns_mutex);
	perns_type_write_lock(type);
	err = -EBUSY;
	if (perns_ops_registered(ops))
		goto out_unlock;
	err = perns_type_track(type);
	if (err)
		goto out_unlock;
	ops->type = type - perns_types;
	/* A bias, dropped by unregister_perns_device(). */
	atomic_set(&ops->nr_contexts, 1);
	err = xa_alloc(&type->slots, &ops->slot, ops, xa_limit_31b,
		       GFP_KERNEL);
	if (err)
		goto out_unlock;
	if (ops->count) {
		err = mtree_insert_range(&perns_devices, ops->devt,
					 ops->devt + (ops->count - 1), ops,
					 GFP_KERNEL);
		if (err == -EEXIST)
			err = -EBUSY;
		if (err)
			goto out_slot;
		indexed = true;
	}
	type->nr_slots = max(type->nr_slots, ops->slot + 1);

	base = perns_context_new(ops, type->initial);
	if (IS_ERR(base)) {
		err = PTR_ERR(base);
		goto out_devt;
	}
	perns_context_own(base, type->initial);

	if (ops->flags & PERNS_CTX_PRIVATE) {
		err = perns_private_contexts(type, ops);
		if (err)
			goto out_contexts;
	}
	if (perns_ops_per_ns(ops)) {
		err = perns_register_ops(type, ops, &type->ops);
		if (err)
			goto out_contexts;
		if (type->first_device == &type->ops)
			type->first_device = &ops->list;
	}
	list_add_tail(&ops->dev_list, &type->devices);
	if (ops->flags & PERNS_CTX_PRIVATE)
		type->nr_private++;
	ops->indexed = indexed;
	/* Published last: files can be bound from here on. */
	smp_store_release(&ops->base, base);
	perns_type_write_unlock(type);
	mutex_unlock(&perns_mutex);
	return 0;

out_contexts:
	perns_clear_slots(type, ops, &release);
	perns_context_disown(base);
	list_add(&base->owner_node, &release);
out_devt:
	if (indexed)
		mtree_erase(&perns_devices, ops->devt);
out_slot:
	perns_slot_free(type, ops->slot);
out_unlock:
	perns_type_untrack(type);
	perns_type_write_unlock(type);
	mutex_unlock(&perns_mutex);
	perns_release_list(&release);
	/* As in unregister_perns_device(): the caller may free @ops. */
	if (indexed)
		synchronize_rcu();
	return err;
}
EXPORT_SYMBOL_GPL(register_perns_device);

/*
 * The first half of unregister_perns_device(): from here on no new file
 * binds to @ops and no new namespace gets a context of it. Queues every
 * context of the device on @release and arms @drained; false if @ops is
 * not a registered device of @type.
 */
static bool perns_device_unpublish(struct perns_type *type,
				   struct perns_operations *ops,
				   struct completion *drained,
				   struct list_head *release)
{
	struct perns_context *base;

	guard(mutex)(&perns_mutex);
	perns_type_write_lock(type);
	if (WARN(!ops->dev_list.next || list_empty(&ops->dev_list) ||
		 ops->type != type - perns_types,
		 "perns: unregistering unregistered device\n")) {
		perns_type_write_unlock(type);
		return false;
	}
	base = ops->base;
	WRITE_ONCE(ops->base, NULL);
	list_del_init(&ops->dev_list);
	if (ops->indexed)
		mtree_erase(&perns_devices, ops->devt);
	if (ops->flags & PERNS_CTX_PRIVATE)
		type->nr_private--;
	ops->drained = drained;
	perns_clear_slots(type, ops, release);
	perns_context_disown(base);
	list_add_tail(&base->owner_node, release);
	perns_type_write_unlock(type);
	return true;
}

/**
 * unregister_perns_device() - unregister a per-namespace character device
 * @nstype: the namespace type it was registered for
 * @ops: the device
 *
 * Drops every namespace's context of the device, runs @ops->exit for every
 * live namespace, and waits until the last context is released, that is
 * until every file bound to one is closed, and, if @ops has device
 * numbers, for an RCU grace period (lockless lookups by device number).
 * Call it from the driver's module exit, after removing its character
 * device: the files hold a reference to the module, so none is open then,
 * and only the grace period, if any, is waited for.
 *
 * Context: process context; may sleep.
 */
void unregister_perns_device(int nstype, struct perns_operations *ops)
{
	struct perns_type *type = perns_type_get(nstype);
	DECLARE_COMPLETION_ONSTACK(drained);
	LIST_HEAD(release);

	if (WARN_ON(IS_ERR(type)))
		return;
	if (!perns_device_unpublish(type, ops, &drained, &release))
		return;

	/*
	 * Lockless readers of the device-number index (NS_GET_DEVCTX,
	 * setdevns()) may still look at @ops: let them finish, so that @ops
	 * may be freed once this returns. A device without device numbers
	 * was never in the index, and nothing else reaches @ops without a
	 * reference to one of its contexts, which the drain below waits for.
	 */
	if (ops->indexed)
		synchronize_rcu();

	/* The contexts first, outside perns_mutex, then the device's exits. */
	perns_release_list(&release);

	mutex_lock(&perns_mutex);
	perns_type_write_lock(type);
	if (perns_ops_per_ns(ops)) {
		if (type->first_device == &ops->list)
			type->first_device = ops->list.next;
		perns_unregister_ops(type, ops);
	}
	/*
	 * A lookup racing with this either failed refcount_inc_not_zero() on
	 * memory kfree_rcu() keeps valid, or holds a reference the drain
	 * below waits for, or finds the next device of this slot and drops
	 * it (perns_context_get() checks the context's device).
	 */
	perns_slot_free(type, ops->slot);
	ops->indexed = false;
	perns_type_untrack(type);
	perns_type_write_unlock(type);
	mutex_unlock(&perns_mutex);

	if (!atomic_dec_and_test(&ops->nr_contexts))
		wait_for_completion(&drained);
	/* @ops may be registered again from here on. */
	mutex_lock(&perns_mutex);
	ops->drained = NULL;
	mutex_unlock(&perns_mutex);
}
EXPORT_SYMBOL_GPL(unregister_perns_device);

/**
 * register_perns_misc_device() - register a misc device with perns
 * @nstype: the namespace type, a CLONE_NEW* flag
 * @ops: the device's perns operations; its @fops, @devt and @count are
 *	set from @misc, and @name too if it is not set
 * @misc: the misc device, registered here
 *
 * Opens that come before the registration with perns is complete fail
 * with -ENODEV in perns_file_open().
 *
 * Context: process context; may sleep.
 * Return: 0, or the error of misc_register() or register_perns_device().
 */
int register_perns_misc_device(int nstype, struct perns_operations *ops,
			       struct miscdevice *misc)
{
	int err;

	err = misc_register(misc);
	if (err)
		return err;
	ops->fops = misc->fops;
	ops->devt = MKDEV(MISC_MAJOR, misc->minor);
	ops->count = 1;
	if (!ops->name)
		ops->name = misc->name;
	err = register_perns_device(nstype, ops);
	if (err)
		misc_deregister(misc);
	return err;
}
EXPORT_SYMBOL_GPL(register_perns_misc_device);

/**
 * unregister_perns_misc_device() - undo register_perns_misc_device()
 * @nstype: the namespace type it was registered for
 * @ops: the device's perns operations
 * @misc: the misc device
 *
 * Context: process context; may sleep.
 */
void unregister_perns_misc_device(int nstype, struct perns_operations *ops,
				  struct miscdevice *misc)
{
	misc_deregister(misc);
	unregister_perns_device(nstype, ops);
}
EXPORT_SYMBOL_GPL(unregister_perns_misc_device);

/*
 * The device that owns device number @devt, or NULL. Call under
 * rcu_read_lock(); the device stays readable until rcu_read_unlock().
 */
struct perns_operations *perns_device_lookup(dev_t devt)
{
	return mtree_load(&perns_devices, devt);
}

/* Namespaces of tasks and files */

static const struct proc_ns_operations *perns_proc_ns_ops(int nstype)
{
	int idx = perns_type_index(nstype);

	if (idx < 0 || !perns_types[idx].supported)
		return NULL;
	switch (nstype) {
#ifdef CONFIG_USER_NS
	case CLONE_NEWUSER:
		return &userns_operations;
#endif
#ifdef CONFIG_UTS_NS
	case CLONE_NEWUTS:
		return &utsns_operations;
#endif
#ifdef CONFIG_IPC_NS
	case CLONE_NEWIPC:
		return &ipcns_operations;
#endif
#ifdef CONFIG_PID_NS
	case CLONE_NEWPID:
		return &pidns_operations;
#endif
#ifdef CONFIG_NET_NS
	case CLONE_NEWNET:
		return &netns_operations;
#endif
	case CLONE_NEWNS:
		return &mntns_operations;
#ifdef CONFIG_CGROUPS
	case CLONE_NEWCGROUP:
		return &cgroupns_operations;
#endif
#ifdef CONFIG_TIME_NS
	case CLONE_NEWTIME:
		return &timens_operations;
#endif
	}
	return NULL;
}

/*
 * A task's namespace of a type: a reference, ERR_PTR(-EINVAL) if the kernel
 * has no such namespace type, or ERR_PTR(-ESRCH) if @task has exited.
 */
struct ns_common *perns_task_ns(struct task_struct *task, int nstype)
{
	const struct proc_ns_operations *ops = perns_proc_ns_ops(nstype);
	struct ns_common *ns;

	if (!ops)
		return ERR_PTR(-EINVAL);
	ns = ops->get(task);
	return ns ?: ERR_PTR(-ESRCH);
}

/**
 * perns_put_ns() - drop a namespace reference taken by perns
 * @ns: from perns_context_owner() or perns_ns_get_by_fd()
 */
void perns_put_ns(struct ns_common *ns)
{
	ns->ops->put(ns);
}
EXPORT_SYMBOL_GPL(perns_put_ns);

/* The namespace of type @nstype of the process behind a pidfd. */
static struct ns_common *perns_pidfd_ns(struct pid *pid, int nstype)
{
	struct task_struct *task;
	struct ns_common *ns;
	bool alive;

	/* As with setns(): one namespace type, named explicitly. */
	if (!nstype || hweight32(nstype) != 1 || !perns_proc_ns_ops(nstype))
		return ERR_PTR(-EINVAL);
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		return ERR_PTR(-ESRCH);
	task_lock(task);
	alive = task->nsproxy;
	task_unlock(task);
	if (!alive)
		ns = ERR_PTR(-ESRCH);
	else if (!ptrace_may_access(task, PTRACE_MODE_READ_REALCREDS))
		ns = ERR_PTR(-EPERM);
	else
		ns = perns_task_ns(task, nstype);
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
 * or ERR_PTR(-EBADF) for a bad @fd, -EINVAL if @fd names no namespace, one
 * of another type or of a type the kernel lacks, -ESRCH if the pidfd's
 * process has exited, -EPERM without ptrace access to it.
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
	return perns_pidfd_ns(pid, nstype);
}
EXPORT_SYMBOL_GPL(perns_ns_get_by_fd);

/* Files */

/**
 * perns_file_open() - bind a file of a perns device to a context
 * @file: the file being opened
 * @ops: the device
 *
 * Binds @file to the context of the opener's namespace of the device's
 * type, for @file's lifetime, and stores it in @file->private_data; see
 * perns_file_context().
 *
 * Context: process context, from the device's open method.
 * Return: 0, or -ENODEV if the device is not registered (yet or any more),
 * so a driver may create its character device before registering.
 */
int perns_file_open(struct file *file, struct perns_operations *ops)
{
	struct perns_context *ctx;
	struct ns_common *ns;

	/* An open racing with registration or unregistration. */
	if (!smp_load_acquire(&ops->base))
		return -ENODEV;
	ns = perns_task_ns(current, perns_types[ops->type].nstype);
	if (IS_ERR(ns))
		return -ENODEV;
	ctx = perns_context_get(ops, ns);
	perns_put_ns(ns);
	if (!ctx)
		return -ENODEV;
	file->private_data = ctx;
	return 0;
}
EXPORT_SYMBOL_GPL(perns_file_open);

/**
 * perns_file_release() - unbind a file bound by perns_file_open()
 * @file: the file being released
 *
 * Context: process context, from the device's release method.
 */
void perns_file_release(struct file *file)
{
	struct perns_context *ctx = file->private_data;

	file->private_data = NULL;
	if (ctx)
		perns_context_put(ctx);
}
EXPORT_SYMBOL_GPL(perns_file_release);

/**
 * perns_file_show_fdinfo() - show a perns device file's context in fdinfo
 * @m: the fdinfo seq_file
 * @file: a file bound by perns_file_open()
 *
 * Adds "perns_ctx:" (the context's id, as NS_GET_DEVCTX reports it) and
 * "perns_type:" (the namespace type's name) to /proc/PID/fdinfo/FD. A
 * driver sets it as its &file_operations.show_fdinfo, or calls it from
 * its own.
 *
 * Context: process context.
 */
void perns_file_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct perns_context *ctx = perns_file_context(file);

	if (!ctx)
		return;
	seq_printf(m, "perns_ctx:\t%llu\n", ctx->id);
	seq_printf(m, "perns_type:\t%s\n", perns_types[ctx->ops->type].name);
}
EXPORT_SYMBOL_GPL(perns_file_show_fdinfo);

static struct ns_common *perns_initial_ns(unsigned int idx)
{
	switch (idx) {
	case PERNS_USER:
		return &init_user_ns.ns;
	case PERNS_UTS:
		return &init_uts_ns.ns;
#ifdef CONFIG_IPC_NS
	case PERNS_IPC:
		return &init_ipc_ns.ns;
#endif
	case PERNS_PID:
		return &init_pid_ns.ns;
#ifdef CONFIG_NET_NS
	case PERNS_NET:
		return &init_net.ns;
#endif
	case PERNS_MNT:
		/* A reference, which perns_init() drops: the mount is static. */
		return mntns_operations.get(&init_task);
#ifdef CONFIG_CGROUPS
	case PERNS_CGROUP:
		return &init_cgroup_ns.ns;
#endif
#ifdef CONFIG_TIME_NS
	case PERNS_TIME:
		return &init_time_ns.ns;
#endif
	}
	return NULL;
}

/**
 * perns_init() - set up perns and the initial namespaces' state
 *
 * Called from start_kernel() once the initial mount namespace exists and
 * before anything can create a namespace (kdevtmpfs creates the first one,
 * from driver_init()).
 *
 * Context: early boot, process context.
 */
void __init perns_init(void)
{
	unsigned int idx;

	perns_wq = alloc_workqueue("perns", WQ_UNBOUND, 0);
	if (!perns_wq)
		panic("perns: cannot allocate the workqueue\n");

	for (idx = 0; idx < PERNS_NR_TYPES; idx++) {
		struct perns_type *type = &perns_types[idx];
		struct ns_common *ns;
		struct perns_ns *pns;

		WARN_ON(perns_type_index(type->nstype) != idx);
		__init_rwsem(&type->rwsem, "perns_type->rwsem",
			     &perns_rwsem_keys[idx]);
		INIT_LIST_HEAD(&type->ops);
		type->first_device = &type->ops;
		INIT_LIST_HEAD(&type->devices);
		spin_lock_init(&type->lock);
		INIT_LIST_HEAD(&type->namespaces);
		INIT_LIST_HEAD(&type->untracked);
		INIT_LIST_HEAD(&type->tables);
		ida_init(&type->gen_ids);
		xa_init_flags(&type->slots, XA_FLAGS_ALLOC);

		/* A type the kernel lacks gets no state: nothing can register. */
		ns = type->supported ? perns_initial_ns(idx) : NULL;
		if (!ns) {
			type->supported = false;
			continue;
		}
		down_read(&type->rwsem);
		pns = __perns_ns_create(ns, idx, NULL);
		up_read(&type->rwsem);
		if (IS_ERR(pns))
			panic("perns: cannot set up the initial namespaces\n");
		type->initial = pns;
		if (idx == PERNS_MNT)
			perns_put_ns(ns);
	}
}
