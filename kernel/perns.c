// SPDX-License-Identifier: GPL-2.0
/*
 * perns: per-namespace operations and device contexts for every namespace
 * type, after net's pernet_operations.
 *
 * Objects and lifetimes
 *
 *  - struct perns_ns: one per namespace, created by the namespace's creation
 *    path (perns_ns_create()) and handed to perns_free_work() by its free
 *    path (perns_ns_free()), which never sleeps. It is refcounted: the
 *    namespace holds one reference until the exit methods ran, and each
 *    namespace created from it holds one through ->origin.
 *  - struct perns_table: the contexts a namespace uses, one slot per device.
 *    Tables are shared, copy on write: a new namespace takes a reference to
 *    its origin's table, which makes creation O(1) in the number of shared
 *    devices. A slot beyond ->len, or NULL, means the device's base context.
 *    A table holds a reference to each context in it. Freed after RCU.
 *  - struct perns_context: refcounted by table slots, by the device's base
 *    pointer and by bound files. Released (->ctx_exit) by whoever drops the
 *    last reference, always in process context, and freed after RCU.
 *
 * Locking
 *
 *  - perns_mutex serialises registration, unregistration, setdevns() and
 *    the release of a dead namespace's tables. It protects pns->owned,
 *    pns->table updates and the device lists, and ctx->owner, which is
 *    written under it and may be read without it only to be compared.
 *  - type->rwsem: taken for reading by namespace creation and by the exit
 *    work, for writing by (un)registration; protects type->ops, the generic
 *    arrays and type->gen_len. Nests inside perns_mutex.
 *  - type->lock (spinlock): the list of namespaces and the list of tables.
 *  - perns_ns_lock (irq-safe spinlock): pns->ns, which the namespace's free
 *    path clears from any context.
 *  - Lookups (perns_context_get()) take no lock: RCU and
 *    refcount_inc_not_zero() on the context.
 */

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/ipc_namespace.h>
#include <linux/kdev_t.h>
#include <linux/miscdevice.h>
#include <linux/nsproxy.h>
#include <linux/perns.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

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
	struct rw_semaphore rwsem;
	struct list_head ops;
	struct list_head *first_device;
	struct list_head devices;
	spinlock_t lock;		/* namespaces, tables */
	struct list_head namespaces;
	struct list_head tables;
	struct perns_ns *initial;
	unsigned int nr_private;
	struct ida gen_ids;
	unsigned int gen_len;
	struct ida slots;
	unsigned int nr_slots;
};

/* The rest is set up by perns_init(), before any namespace is created. */
static struct perns_type perns_types[PERNS_NR_TYPES] = {
	[PERNS_USER]	= { .nstype = CLONE_NEWUSER,	.name = "user" },
	[PERNS_UTS]	= { .nstype = CLONE_NEWUTS,	.name = "uts" },
	[PERNS_IPC]	= { .nstype = CLONE_NEWIPC,	.name = "ipc" },
	[PERNS_PID]	= { .nstype = CLONE_NEWPID,	.name = "pid" },
	[PERNS_NET]	= { .nstype = CLONE_NEWNET,	.name = "net" },
	[PERNS_MNT]	= { .nstype = CLONE_NEWNS,	.name = "mnt" },
	[PERNS_CGROUP]	= { .nstype = CLONE_NEWCGROUP,	.name = "cgroup" },
	[PERNS_TIME]	= { .nstype = CLONE_NEWTIME,	.name = "time" },
};

static DEFINE_MUTEX(perns_mutex);
static DEFINE_SPINLOCK(perns_ns_lock);
static atomic64_t perns_ctx_ids = ATOMIC64_INIT(0);

/* Shared by every namespace of a type without subsystem data. */
static struct perns_gen perns_empty_gen = { .len = 0 };

static LLIST_HEAD(perns_free_list);
static void perns_free_work(struct work_struct *work);
static DECLARE_WORK(perns_free_wk, perns_free_work);
static struct workqueue_struct *perns_wq;

#define for_each_perns_device(type, ops)					\
	for (type = perns_types; type < perns_types + PERNS_NR_TYPES; type++) \
		list_for_each_entry(ops, &type->devices, dev_list)

static int perns_type_index(int nstype)
{
	int i;

	for (i = 0; i < PERNS_NR_TYPES; i++)
		if (perns_types[i].nstype == nstype)
			return i;
	return -EINVAL;
}

/* Contexts */

static struct perns_context *perns_context_alloc(struct perns_operations *ops)
{
	struct perns_context *ctx;

	ctx = kzalloc(struct_size(ctx, priv, DIV_ROUND_UP(ops->ctx_size, 8)),
		      GFP_KERNEL);
	if (!ctx)
		return NULL;
	refcount_set(&ctx->refs, 1);
	ctx->id = atomic64_inc_return(&perns_ctx_ids);
	ctx->ops = ops;
	INIT_LIST_HEAD(&ctx->owner_node);
	return ctx;
}

/* Frees a context whose driver data was never initialised. */
static void perns_context_free(struct perns_context *ctx)
{
	kfree(ctx);
}

/* The context is initialised: count it against the device. */
static void perns_context_live(struct perns_context *ctx)
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

static struct perns_context *perns_context_hold(struct perns_context *ctx)
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

/* The __ variants are for contexts and namespaces nobody else can reach. */
static void __perns_context_own(struct perns_context *ctx,
				struct perns_ns *pns)
{
	WRITE_ONCE(ctx->owner, pns);
	list_move(&ctx->owner_node, &pns->owned);
}

static void perns_context_own(struct perns_context *ctx, struct perns_ns *pns)
{
	lockdep_assert_held(&perns_mutex);
	__perns_context_own(ctx, pns);
}

static void __perns_context_disown(struct perns_context *ctx)
{
	WRITE_ONCE(ctx->owner, NULL);
	list_del_init(&ctx->owner_node);
}

static void perns_context_disown(struct perns_context *ctx)
{
	lockdep_assert_held(&perns_mutex);
	__perns_context_disown(ctx);
}

/* Tables */

static struct perns_table *perns_table_alloc(unsigned int type,
					     unsigned int len)
{
	struct perns_table *t;

	t = kzalloc(struct_size(t, ctx, len), GFP_KERNEL);
	if (!t)
		return NULL;
	refcount_set(&t->refs, 1);
	t->type = type;
	t->len = len;
	INIT_LIST_HEAD(&t->list);
	return t;
}

static void perns_table_publish(struct perns_table *t)
{
	struct perns_type *type = &perns_types[t->type];

	spin_lock(&type->lock);
	list_add(&t->list, &type->tables);
	spin_unlock(&type->lock);
}

static void perns_table_put(struct perns_table *t)
{
	struct perns_type *type;
	unsigned int i;

	if (!t || !refcount_dec_and_test(&t->refs))
		return;
	type = &perns_types[t->type];
	spin_lock(&type->lock);
	list_del(&t->list);
	spin_unlock(&type->lock);
	for (i = 0; i < t->len; i++) {
		struct perns_context *ctx = rcu_dereference_protected(t->ctx[i], 1);

		if (ctx)
			perns_context_put(ctx);
	}
	kfree_rcu(t, rcu);
}

/*
 * A copy of @old, at least @len slots long, holding its own references.
 * Not yet published.
 */
static struct perns_table *perns_table_copy(const struct perns_table *old,
					    unsigned int len)
{
	struct perns_table *t;
	unsigned int i;

	t = perns_table_alloc(old->type, max(len, old->len));
	if (!t)
		return NULL;
	for (i = 0; i < old->len; i++) {
		struct perns_context *ctx = rcu_dereference_protected(old->ctx[i], 1);

		if (ctx)
			RCU_INIT_POINTER(t->ctx[i], perns_context_hold(ctx));
	}
	return t;
}

/* Sets the slot of an unpublished table; takes over the reference. */
static void perns_table_set(struct perns_table *t, unsigned int slot,
			    struct perns_context *ctx)
{
	struct perns_context *old = rcu_dereference_protected(t->ctx[slot], 1);

	RCU_INIT_POINTER(t->ctx[slot], ctx);
	if (old)
		perns_context_put(old);
}

/* @pns's context for @ops, without a reference. */
static struct perns_context *perns_lookup(struct perns_operations *ops,
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
	struct perns_ns *pns = ns->perns;
	struct perns_context *ctx;

	/* Pairs with register_perns_device(): @ops is not live before. */
	if (!smp_load_acquire(&ops->base))
		return NULL;
	if (!pns || pns->type != ops->type)
		return NULL;
	rcu_read_lock();
	do {
		ctx = perns_lookup(ops, pns);
	} while (ctx && !refcount_inc_not_zero(&ctx->refs));
	rcu_read_unlock();
	return ctx;
}
EXPORT_SYMBOL_GPL(perns_context_get);

/*
 * A reference to @pns' namespace, or NULL if there is no @pns or its
 * namespace is dying. The caller keeps @pns alive (perns_mutex).
 */
static struct ns_common *perns_ns_get_ns(struct perns_ns *pns)
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
 * perns_context_is_initial() - whether the initial namespace owns a context
 * @ctx: the context
 *
 * Context: any; takes no lock. The answer may change right after, when
 * setdevns() moves @ctx.
 * Return: true if the initial namespace of the device's type owns @ctx.
 */
bool perns_context_is_initial(struct perns_context *ctx)
{
	return READ_ONCE(ctx->owner) == perns_types[ctx->ops->type].initial;
}
EXPORT_SYMBOL_GPL(perns_context_is_initial);

/* Namespaces */

static struct perns_gen *perns_gen_alloc(unsigned int len)
{
	struct perns_gen *gen;

	if (!len)
		return &perns_empty_gen;
	gen = kzalloc(struct_size(gen, ptr, len), GFP_KERNEL);
	if (gen)
		gen->len = len;
	return gen;
}

static void perns_gen_free(struct perns_gen *gen)
{
	if (gen && gen != &perns_empty_gen)
		kfree_rcu(gen, rcu);
}

static struct perns_ns *perns_ns_hold(struct perns_ns *pns)
{
	refcount_inc(&pns->refs);
	return pns;
}

static void perns_ns_put(struct perns_ns *pns)
{
	while (pns && refcount_dec_and_test(&pns->refs)) {
		struct perns_ns *origin = pns->origin;

		perns_gen_free(rcu_dereference_protected(pns->gen, 1));
		kfree(pns);
		pns = origin;
	}
}

/* Runs @ops' per-namespace part for @pns. */
static int perns_ops_init(struct perns_operations *ops, struct perns_ns *pns)
{
	struct perns_gen *gen = rcu_dereference_protected(pns->gen, 1);
	int err;

	if (ops->size) {
		void *data = kzalloc(ops->size, GFP_KERNEL);

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

static void perns_ns_disown_all(struct perns_ns *pns)
{
	struct perns_context *ctx, *tmp;

	list_for_each_entry_safe(ctx, tmp, &pns->owned, owner_node)
		__perns_context_disown(ctx);
}

/* Gives @pns a fresh context of every private-by-default device. */
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
		/* Nobody else can reach @pns or @ctx yet. */
		__perns_context_own(ctx, pns);
	}
	if (t) {
		perns_table_publish(t);
		rcu_assign_pointer(pns->table, t);
		perns_table_put(old);
	}
	return 0;
}

static struct perns_ns *__perns_ns_create(struct ns_common *ns,
					  unsigned int idx,
					  struct perns_ns *origin)
{
	struct perns_type *type = &perns_types[idx];
	struct perns_operations *ops;
	struct perns_table *table;
	struct perns_ns *pns;
	int err = -ENOMEM;

	pns = kzalloc(sizeof(*pns), GFP_KERNEL);
	if (!pns)
		return ERR_PTR(-ENOMEM);
	pns->ns = ns;
	pns->type = idx;
	refcount_set(&pns->refs, 1);
	INIT_LIST_HEAD(&pns->list);
	INIT_LIST_HEAD(&pns->owned);

	down_read(&type->rwsem);
	RCU_INIT_POINTER(pns->gen, perns_gen_alloc(type->gen_len));
	if (!rcu_access_pointer(pns->gen))
		goto out_free;

	if (origin) {
		pns->origin = perns_ns_hold(origin);
		rcu_read_lock();
		do {
			table = rcu_dereference(origin->table);
		} while (table && !refcount_inc_not_zero(&table->refs));
		rcu_read_unlock();
	} else {
		table = NULL;
	}
	if (!table) {
		table = perns_table_alloc(idx, 0);
		if (!table)
			goto out_free;
		perns_table_publish(table);
	}
	RCU_INIT_POINTER(pns->table, table);

	err = perns_ns_private_contexts(pns);
	if (err)
		goto out_free;

	list_for_each_entry(ops, &type->ops, list) {
		err = perns_ops_init(ops, pns);
		if (err)
			goto out_undo;
	}

	spin_lock(&type->lock);
	list_add_tail(&pns->list, &type->namespaces);
	spin_unlock(&type->lock);
	up_read(&type->rwsem);
	return pns;

out_undo:
	list_for_each_entry_continue_reverse(ops, &type->ops, list)
		perns_ops_exit(ops, pns);
out_free:
	up_read(&type->rwsem);
	perns_ns_disown_all(pns);
	perns_table_put(rcu_dereference_protected(pns->table, 1));
	perns_ns_put(pns);
	return ERR_PTR(err);
}

/**
 * perns_ns_create() - set up perns for a new namespace
 * @ns: the new namespace; ->ops must be set
 * @origin: the namespace @ns was created from (its parent for user and pid
 *	namespaces), or %NULL
 *
 * Called by each namespace type's creation path. @ns shares its origin's
 * device contexts; the init methods of the subsystems, and of the devices
 * that need them, run for it.
 *
 * Context: process context; may sleep.
 * Return: 0, or the error of an allocation or an init method, in which
 * case the creation of @ns must fail with it.
 */
int perns_ns_create(struct ns_common *ns, struct ns_common *origin)
{
	struct perns_ns *pns;
	int idx;

	/* Nothing creates namespaces before perns_init(); be safe if so. */
	if (unlikely(!perns_wq))
		return 0;
	idx = perns_type_index(ns->ops->type);
	if (WARN_ON_ONCE(idx < 0))
		return idx;
	pns = __perns_ns_create(ns, idx, origin ? origin->perns : NULL);
	if (IS_ERR(pns))
		return PTR_ERR(pns);
	ns->perns = pns;
	return 0;
}

/**
 * perns_ns_free() - hand a dying namespace's perns state to the exit work
 * @ns: the namespace, whose count dropped to zero
 *
 * Context: any, including RCU callbacks; does not sleep.
 */
void perns_ns_free(struct ns_common *ns)
{
	struct perns_ns *pns = ns->perns;
	unsigned long flags;

	if (!pns)
		return;
	spin_lock_irqsave(&perns_ns_lock, flags);
	pns->ns = NULL;
	spin_unlock_irqrestore(&perns_ns_lock, flags);
	ns->perns = NULL;
	if (llist_add(&pns->free_node, &perns_free_list))
		queue_work(perns_wq, &perns_free_wk);
}

static void perns_ns_exit(struct perns_ns *pns)
{
	struct perns_type *type = &perns_types[pns->type];
	struct perns_operations *ops;
	struct perns_table *table;

	/* Device contexts first, then the device and subsystem exits. */
	mutex_lock(&perns_mutex);
	perns_ns_disown_all(pns);
	table = rcu_replace_pointer(pns->table, NULL,
				    lockdep_is_held(&perns_mutex));
	mutex_unlock(&perns_mutex);
	perns_table_put(table);

	down_read(&type->rwsem);
	list_for_each_entry_reverse(ops, &type->ops, list)
		perns_ops_exit(ops, pns);
	spin_lock(&type->lock);
	list_del_init(&pns->list);
	spin_unlock(&type->lock);
	up_read(&type->rwsem);

	perns_ns_put(pns);
}

static void perns_free_work(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&perns_free_list);
	struct perns_ns *pns, *tmp;

	list = llist_reverse_order(list);
	llist_for_each_entry_safe(pns, tmp, list, free_node)
		perns_ns_exit(pns);
}

/* Registration */

static bool perns_ops_registered(const struct perns_operations *ops)
{
	return (ops->list.next && !list_empty(&ops->list)) ||
	       (ops->dev_list.next && !list_empty(&ops->dev_list));
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

		old = rcu_dereference_protected(pns->gen, 1);
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
 * Return: 0, -EINVAL for an unknown @nstype, -EBUSY if @ops is registered,
 * or the error of an init method.
 */
int register_perns_subsys(int nstype, struct perns_operations *ops)
{
	int idx = perns_type_index(nstype);
	struct perns_type *type;
	int err;

	if (idx < 0 || WARN_ON(!!ops->id != !!ops->size))
		return -EINVAL;
	type = &perns_types[idx];
	mutex_lock(&perns_mutex);
	down_write(&type->rwsem);
	if (perns_ops_registered(ops)) {
		err = -EBUSY;
	} else {
		ops->type = idx;
		err = perns_register_ops(type, ops, type->first_device);
	}
	up_write(&type->rwsem);
	mutex_unlock(&perns_mutex);
	if (err == 0)
		return 0;
	rcu_barrier();
	return err;
}
EXPORT_SYMBOL_GPL(register_perns_subsys);

/**
 * unregister_perns_subsys() - unregister a per-namespace subsystem
 * @nstype: the namespace type it was registered for
 * @ops: the subsystem
 *
 * Runs @ops->exit for every live namespace of @nstype and waits for the
 * exits of dying namespaces already queued.
 *
 * Context: process context; may sleep.
 */
void unregister_perns_subsys(int nstype, struct perns_operations *ops)
{
	int idx = perns_type_index(nstype);
	struct perns_type *type;

	if (WARN_ON(idx < 0))
		return;
	type = &perns_types[idx];
	mutex_lock(&perns_mutex);
	down_write(&type->rwsem);
	if (!WARN(!ops->list.next || list_empty(&ops->list) || ops->type != idx,
		  "perns: unregistering unregistered ops\n"))
		perns_unregister_ops(type, ops);
	up_write(&type->rwsem);
	mutex_unlock(&perns_mutex);
	rcu_barrier();
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
	spin_lock(&type->lock);
	list_for_each_entry(t, &type->tables, list) {
		struct perns_context *ctx;

		if (ops->slot >= t->len)
			continue;
		ctx = rcu_replace_pointer(t->ctx[ops->slot], NULL, 1);
		if (!ctx)
			continue;
		if (ctx->owner)
			perns_context_disown(ctx);
		if (!refcount_dec_not_one(&ctx->refs))
			list_add(&ctx->owner_node, release);
	}
	spin_unlock(&type->lock);
}

static void perns_release_list(struct list_head *release)
{
	struct perns_context *ctx, *tmp;

	list_for_each_entry_safe(ctx, tmp, release, owner_node) {
		list_del_init(&ctx->owner_node);
		perns_context_put(ctx);
	}
}

/* Gives every live namespace of @type a fresh context of @ops. */
static int perns_private_contexts(struct perns_type *type,
				  struct perns_operations *ops)
{
	struct perns_ns *pns;
	int err;

	list_for_each_entry(pns, &type->namespaces, list) {
		struct perns_table *old, *t;
		struct perns_context *ctx;

		if (pns == type->initial || !rcu_access_pointer(pns->table))
			continue;
		old = rcu_dereference_protected(pns->table, 1);
		t = perns_table_copy(old, ops->slot + 1);
		if (!t)
			return -ENOMEM;
		ctx = perns_context_new(ops, pns);
		if (IS_ERR(ctx)) {
			err = PTR_ERR(ctx);
			perns_table_put(t);
			return err;
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

/**
 * register_perns_device() - register a per-namespace character device
 * @nstype: the namespace type, a CLONE_NEW* flag
 * @ops: the device: @ops->fops and, for introspection, @ops->devt and
 *	@ops->count identify its files
 *
 * Creates the device's base context, owned by the initial namespace of
 * @nstype and shared by every live namespace; with %PERNS_CTX_PRIVATE,
 * every live namespace gets a fresh context instead. @ops->init, if set,
 * runs for every live namespace. Contexts are released and devices torn
 * down before subsystems.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for an unknown @nstype or incomplete @ops, -EBUSY if
 * @ops is registered, or the error of an init method.
 */
int register_perns_device(int nstype, struct perns_operations *ops)
{
	int idx = perns_type_index(nstype);
	struct perns_context *base;
	struct perns_type *type;
	int err;

	LIST_HEAD(release);

	if (idx < 0 || WARN_ON(!!ops->id != !!ops->size))
		return -EINVAL;
	type = &perns_types[idx];
	if (WARN_ON(!type->initial))
		return -EINVAL;
	mutex_lock(&perns_mutex);
	down_write(&type->rwsem);
	if (perns_ops_registered(ops)) {
		err = -EBUSY;
		goto out_unlock;
	}
	ops->type = idx;
	ops->drained = NULL;
	/* A bias, dropped by unregister_perns_device(). */
	atomic_set(&ops->nr_contexts, 1);
	err = ida_alloc(&type->slots, GFP_KERNEL);
	if (err < 0)
		goto out_unlock;
	ops->slot = err;
	type->nr_slots = max(type->nr_slots, ops->slot + 1);

	base = perns_context_new(ops, type->initial);
	if (IS_ERR(base)) {
		err = PTR_ERR(base);
		goto out_slot;
	}
	perns_context_own(base, type->initial);

	if (ops->flags & PERNS_CTX_PRIVATE) {
		err = perns_private_contexts(type, ops);
		if (err)
			goto out_private;
	}
	if (perns_ops_per_ns(ops)) {
		err = perns_register_ops(type, ops, &type->ops);
		if (err)
			goto out_private;
		if (type->first_device == &type->ops)
			type->first_device = &ops->list;
	}
	list_add_tail(&ops->dev_list, &type->devices);
	if (ops->flags & PERNS_CTX_PRIVATE)
		type->nr_private++;
	/* Published last: files can be bound from here on. */
	smp_store_release(&ops->base, base);
	up_write(&type->rwsem);
	mutex_unlock(&perns_mutex);
	return 0;

out_private:
	perns_clear_slots(type, ops, &release);
	perns_context_disown(base);
	list_add(&base->owner_node, &release);
	ida_free(&type->slots, ops->slot);
	up_write(&type->rwsem);
	mutex_unlock(&perns_mutex);
	perns_release_list(&release);
	return err;

out_slot:
	ida_free(&type->slots, ops->slot);
out_unlock:
	up_write(&type->rwsem);
	mutex_unlock(&perns_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(register_perns_device);

/**
 * unregister_perns_device() - unregister a per-namespace character device
 * @nstype: the namespace type it was registered for
 * @ops: the device
 *
 * Drops every namespace's context of the device, runs @ops->exit for every
 * live namespace, and waits until the last context is released. The
 * driver must have removed its character device first, and its files hold
 * a reference to its module, so no file of the device is open.
 *
 * Context: process context; may sleep.
 */
void unregister_perns_device(int nstype, struct perns_operations *ops)
{
	DECLARE_COMPLETION_ONSTACK(drained);
	int idx = perns_type_index(nstype);
	struct perns_context *base;
	struct perns_type *type;
	LIST_HEAD(release);

	if (WARN_ON(idx < 0))
		return;
	type = &perns_types[idx];
	mutex_lock(&perns_mutex);
	down_write(&type->rwsem);
	if (WARN(!ops->dev_list.next || list_empty(&ops->dev_list) ||
		 ops->type != idx, "perns: unregistering unregistered device\n")) {
		up_write(&type->rwsem);
		mutex_unlock(&perns_mutex);
		return;
	}
	/* No new file binds from here on. */
	base = ops->base;
	WRITE_ONCE(ops->base, NULL);
	list_del_init(&ops->dev_list);
	if (ops->flags & PERNS_CTX_PRIVATE)
		type->nr_private--;
	ops->drained = &drained;
	perns_clear_slots(type, ops, &release);
	if (perns_ops_per_ns(ops)) {
		if (type->first_device == &ops->list)
			type->first_device = ops->list.next;
		perns_unregister_ops(type, ops);
	}
	if (base->owner)
		perns_context_disown(base);
	ida_free(&type->slots, ops->slot);
	up_write(&type->rwsem);
	mutex_unlock(&perns_mutex);

	/*
	 * No grace period: a lookup that raced with the above either failed
	 * refcount_inc_not_zero() on memory kfree_rcu() keeps valid, or holds
	 * a reference, which the drain below waits for.
	 */
	perns_release_list(&release);
	perns_context_put(base);
	if (!atomic_dec_and_test(&ops->nr_contexts))
		wait_for_completion(&drained);
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

/* Files */

/**
 * perns_task_ns() - a task's namespace of a type
 * @task: the task
 * @nstype: a CLONE_NEW* flag
 *
 * Return: a reference to the namespace, to be dropped with perns_put_ns(),
 * or %NULL if @task has exited or @nstype is unknown.
 */
struct ns_common *perns_task_ns(struct task_struct *task, int nstype)
{
	const struct proc_ns_operations *ops = NULL;

	switch (nstype) {
	case CLONE_NEWUSER:
		if (IS_ENABLED(CONFIG_USER_NS))
			ops = &userns_operations;
		else
			return &init_user_ns.ns;
		break;
	case CLONE_NEWUTS:
		if (IS_ENABLED(CONFIG_UTS_NS))
			ops = &utsns_operations;
		else
			return &init_uts_ns.ns;
		break;
#if defined(CONFIG_SYSVIPC) || defined(CONFIG_POSIX_MQUEUE)
	case CLONE_NEWIPC:
		if (IS_ENABLED(CONFIG_IPC_NS))
			ops = &ipcns_operations;
		else
			return &init_ipc_ns.ns;
		break;
#endif
	case CLONE_NEWPID:
		if (IS_ENABLED(CONFIG_PID_NS))
			ops = &pidns_operations;
		else
			return &init_pid_ns.ns;
		break;
#ifdef CONFIG_NET
	case CLONE_NEWNET:
		if (IS_ENABLED(CONFIG_NET_NS))
			ops = &netns_operations;
		else
			return &init_net.ns;
		break;
#endif
	case CLONE_NEWNS:
		ops = &mntns_operations;
		break;
#ifdef CONFIG_CGROUPS
	case CLONE_NEWCGROUP:
		ops = &cgroupns_operations;
		break;
#endif
#ifdef CONFIG_TIME_NS
	case CLONE_NEWTIME:
		ops = &timens_operations;
		break;
#endif
	default:
		return NULL;
	}
	return ops->get(task);
}

/**
 * perns_put_ns() - drop a namespace reference taken by perns
 * @ns: from perns_task_ns(), perns_context_owner() or perns_ns_get_by_fd()
 *
 * The initial namespace of a type the kernel was built without has no
 * operations and needs no reference.
 */
void perns_put_ns(struct ns_common *ns)
{
	if (ns->ops)
		ns->ops->put(ns);
}
EXPORT_SYMBOL_GPL(perns_put_ns);

/**
 * perns_ns_capable() - a capability over a namespace
 * @ns: the namespace
 * @cap: the capability
 *
 * Return: whether the caller has @cap in the user namespace owning @ns (for
 * a user namespace, its parent), or globally for the initial user namespace.
 */
bool perns_ns_capable(struct ns_common *ns, int cap)
{
	struct user_namespace *owner = ns->ops->owner(ns);

	return owner ? ns_capable(owner, cap) : capable(cap);
}

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
	if (!ns)
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
 * perns_file_device() - the perns device of an open file
 * @file: any file
 *
 * Return: the device whose bound file @file is, or %NULL.
 */
struct perns_operations *perns_file_device(struct file *file)
{
	struct perns_operations *ops, *found = NULL;
	struct inode *inode = file_inode(file);
	struct perns_type *type;

	if (!S_ISCHR(inode->i_mode) || !file->private_data)
		return NULL;
	mutex_lock(&perns_mutex);
	/* Only a file of a perns device has a context in private_data. */
	for_each_perns_device(type, ops)
		if (ops->fops && ops->fops == file->f_op &&
		    perns_file_context(file)->ops == ops)
			found = ops;
	mutex_unlock(&perns_mutex);
	return found;
}

/* setdevns() */

/*
 * What @from uses once its context migrates away: its origin's context, or
 * a fresh one (*@fresh) if no origin is alive, as for an initial namespace.
 */
static struct perns_context *perns_fallback(struct perns_operations *ops,
					    struct perns_ns *from, bool *fresh)
{
	struct perns_ns *pns;

	*fresh = false;
	for (pns = from->origin; pns; pns = pns->origin) {
		if (rcu_access_pointer(pns->table))
			return perns_context_hold(perns_lookup(ops, pns));
	}
	*fresh = true;
	return perns_context_new(ops, from);
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

/* CAP_SYS_ADMIN over @from's namespace, or globally if it is gone. */
static int perns_migrate_allowed(struct perns_ns *from)
{
	struct ns_common *ns = perns_ns_get_ns(from);
	bool ok;

	if (!ns)
		return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
	ok = perns_ns_capable(ns, CAP_SYS_ADMIN);
	perns_put_ns(ns);
	return ok ? 0 : -EPERM;
}

/**
 * perns_change_context() - the core of setdevns()
 * @src: the context a file of the device is bound to
 * @target: the namespace to change, held by the caller
 * @mode: %SETDEVNS_SHARE, %SETDEVNS_UNSHARE or %SETDEVNS_MIGRATE
 *
 * The caller checked @mode, that @target is of the device's type, that the
 * device has the op @mode needs, and the caller's privileges over @target.
 * For %SETDEVNS_MIGRATE this checks the caller's privileges over the
 * namespace owning @src, which only perns_mutex keeps stable.
 *
 * Context: process context; may sleep.
 * Return: 0, -ENODEV if the device went away, -EPERM, -ENOMEM, or the
 * op's error; on error nothing changed.
 */
int perns_change_context(struct perns_context *src, struct ns_common *target,
			 unsigned int mode)
{
	struct perns_operations *ops = src->ops;
	struct perns_table *t = NULL, *from_t = NULL;
	struct perns_context *new = NULL, *fb = NULL, *cur;
	struct perns_ns *pns = target->perns, *from;
	bool fresh = false;
	int err;

	mutex_lock(&perns_mutex);
	err = -ENODEV;
	if (list_empty(&ops->dev_list))
		goto out;
	cur = perns_lookup(ops, pns);
	from = src->owner;
	if (mode == SETDEVNS_MIGRATE) {
		err = perns_migrate_allowed(from);
		if (err)
			goto out;
	}
	err = 0;
	if (cur == src && (mode == SETDEVNS_SHARE || from == pns))
		goto out;

	err = -ENOMEM;
	t = perns_table_copy(rcu_dereference_protected(pns->table, 1),
			     ops->slot + 1);
	if (!t)
		goto out;

	switch (mode) {
	case SETDEVNS_SHARE:
		new = perns_context_hold(src);
		break;
	case SETDEVNS_UNSHARE:
		new = perns_context_alloc(ops);
		if (!new)
			goto out;
		err = ops->unshare(new, src);
		if (err) {
			perns_context_free(new);
			new = NULL;
			goto out;
		}
		perns_context_live(new);
		break;
	case SETDEVNS_MIGRATE:
		if (from && from != pns) {
			from_t = perns_table_copy(rcu_dereference_protected(from->table, 1),
						  ops->slot + 1);
			if (!from_t)
				goto out;
			fb = perns_fallback(ops, from, &fresh);
			if (IS_ERR(fb)) {
				err = PTR_ERR(fb);
				fb = NULL;
				goto out;
			}
		}
		err = ops->migrate(src, from, pns);
		if (err)
			goto out;
		new = perns_context_hold(src);
		break;
	}

	/* Commit: nothing fails from here on. */
	err = 0;
	if (cur->owner == pns)
		perns_context_disown(cur);
	if (from_t) {
		from_t = perns_ns_set(from, ops, from_t, fb);
		if (fresh)
			perns_context_own(fb, from);
		fb = NULL;
	}
	if (mode != SETDEVNS_SHARE)
		perns_context_own(new, pns);
	t = perns_ns_set(pns, ops, t, new);
	new = NULL;
out:
	mutex_unlock(&perns_mutex);
	if (fb)
		perns_context_put(fb);
	if (new)
		perns_context_put(new);
	perns_table_put(from_t);
	perns_table_put(t);
	return err;
}

/**
 * perns_ns_devctx() - a namespace's context for a device, for NS_GET_DEVCTX
 * @ns: the namespace, held by the caller
 * @devt: a device number of the device
 * @private: set if @ns owns the context
 * @ctx_id: set to the context's id
 *
 * Return: 0, -ENODEV if @devt is not a perns device, or -EINVAL if the
 * device is not of @ns' type.
 */
int perns_ns_devctx(struct ns_common *ns, dev_t devt, bool *private,
		    u64 *ctx_id)
{
	struct perns_operations *ops, *found = NULL;
	struct perns_context *ctx;
	struct perns_type *type;
	int err = -ENODEV;

	mutex_lock(&perns_mutex);
	for_each_perns_device(type, ops)
		if (ops->count && devt >= ops->devt &&
		    devt - ops->devt < ops->count)
			found = ops;
	if (found) {
		err = -EINVAL;
		if (ns->perns && ns->perns->type == found->type) {
			ctx = perns_lookup(found, ns->perns);
			*private = ctx->owner == ns->perns;
			*ctx_id = ctx->id;
			err = 0;
		}
	}
	mutex_unlock(&perns_mutex);
	return err;
}

/* /proc/perns/devices */

static int perns_devices_show(struct seq_file *m, void *v)
{
	struct perns_operations *ops;
	struct perns_type *type;

	seq_puts(m, "type\tdevice\tcount\tmode\tname\n");
	mutex_lock(&perns_mutex);
	for_each_perns_device(type, ops)
		seq_printf(m, "%s\t%u:%u\t%u\t%s\t%s\n", type->name,
			   MAJOR(ops->devt), MINOR(ops->devt), ops->count,
			   ops->flags & PERNS_CTX_PRIVATE ? "private" : "shared",
			   ops->name ?: "");
	mutex_unlock(&perns_mutex);
	return 0;
}

static struct ns_common *perns_initial_ns(unsigned int idx)
{
	switch (idx) {
	case PERNS_USER:
		return &init_user_ns.ns;
	case PERNS_UTS:
		return &init_uts_ns.ns;
#if defined(CONFIG_SYSVIPC) || defined(CONFIG_POSIX_MQUEUE)
	case PERNS_IPC:
		return &init_ipc_ns.ns;
#endif
	case PERNS_PID:
		return &init_pid_ns.ns;
#ifdef CONFIG_NET
	case PERNS_NET:
		return &init_net.ns;
#endif
	case PERNS_MNT:
		return perns_task_ns(&init_task, CLONE_NEWNS);
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

static int __init perns_init(void)
{
	unsigned int idx;

	perns_wq = alloc_workqueue("perns", WQ_UNBOUND, 0);
	if (!perns_wq)
		panic("perns: cannot allocate the workqueue\n");

	for (idx = 0; idx < PERNS_NR_TYPES; idx++) {
		struct perns_type *type = &perns_types[idx];

		init_rwsem(&type->rwsem);
		INIT_LIST_HEAD(&type->ops);
		type->first_device = &type->ops;
		INIT_LIST_HEAD(&type->devices);
		spin_lock_init(&type->lock);
		INIT_LIST_HEAD(&type->namespaces);
		INIT_LIST_HEAD(&type->tables);
		ida_init(&type->gen_ids);
		ida_init(&type->slots);
	}

	for (idx = 0; idx < PERNS_NR_TYPES; idx++) {
		struct ns_common *ns = perns_initial_ns(idx);
		struct perns_ns *pns;

		/* A type the kernel does not have still gets a namespace. */
		pns = __perns_ns_create(ns, idx, NULL);
		if (IS_ERR(pns))
			panic("perns: cannot set up the initial namespaces\n");
		perns_types[idx].initial = perns_ns_hold(pns);
		if (ns) {
			ns->perns = pns;
			if (idx == PERNS_MNT)
				perns_put_ns(ns);
		}
	}
	proc_mkdir("perns", NULL);
	proc_create_single("perns/devices", 0444, NULL, perns_devices_show);
	return 0;
}
core_initcall(perns_init);

#ifdef CONFIG_PERNS_KUNIT_TEST
#include "tests/perns_kunit.c"
#endif
