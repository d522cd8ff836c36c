/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perns: per-namespace operations for every namespace type.
 *
 * See Documentation/namespaces/perns.rst for the model, the lifetime and
 * the locking rules.
 */
#ifndef _LINUX_PERNS_H
#define _LINUX_PERNS_H

#include <linux/cleanup.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/ns_common.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct miscdevice;
struct seq_file;
struct perns_context;
struct perns_table;
struct task_struct;

/* The namespace types perns knows about, as array indexes. */
enum perns_type_index {
	PERNS_USER,
	PERNS_UTS,
	PERNS_IPC,
	PERNS_PID,
	PERNS_NET,
	PERNS_MNT,
	PERNS_CGROUP,
	PERNS_TIME,
	PERNS_NR_TYPES,
};

/**
 * struct perns_gen - per-namespace pointers of the perns subsystems
 * @len: number of slots in @ptr
 * @rcu: frees a replaced array after a grace period
 * @ptr: one pointer per registered ops with a non-zero @size, by @id
 */
struct perns_gen {
	unsigned int len;
	struct rcu_head rcu;
	void *ptr[] __counted_by(len);
};

/**
 * struct perns_ns - what perns keeps for one namespace
 * @ns: the namespace; %NULL once its free path ran (see "Lifetime" in
 *	Documentation/namespaces/perns.rst), so exit methods must not use it.
 *	Init and ctx_init methods may use it at the creation of the
 *	namespace only: at registration the namespace may be being freed, and
 *	is reached with perns_ns_get_ns(), which fails for a dying one
 * @ino: the namespace's inode number, 0 once it is being freed; read
 *	without a lock by NS_GET_DEVCTX for a context's owner
 * @type: index of the namespace type, &enum perns_type_index
 * @gen: per-namespace data of the subsystems, see perns_generic()
 * @table: the device contexts this namespace uses
 * @list: entry in the list of live namespaces of @type
 * @owned: the contexts this namespace owns
 * @nr_owned: how many; read without perns_mutex by the exit work, which
 *	needs the mutex only for a namespace that still owns contexts
 * @rcu_free: whether a reader may hold it under RCU: it owned a context,
 *	or its namespace was reachable while that namespace's creation failed;
 *	set under perns_mutex or before the state is published, and read when
 *	it is freed, by the thread that set it or after @nr_owned was read as
 *	zero with acquire
 * @free_node: entry in the queue of namespaces waiting for their exit
 * @rcu: freed after a grace period if @rcu_free, for lockless readers of
 *	a context's owner (NS_GET_DEVCTX); at once otherwise
 *
 * Freed by the namespace's free path when nothing has to run for it, else
 * by the exit work once the exit methods ran: nothing but the namespace
 * points to it, so its lifetime is the namespace's.
 */
struct perns_ns {
	struct ns_common *ns;
	unsigned int ino;
	unsigned int type;
	struct perns_gen __rcu *gen;
	struct perns_table __rcu *table;
	struct list_head list;
	struct list_head owned;
	atomic_t nr_owned;
	bool rcu_free;
	struct llist_node free_node;
	struct rcu_head rcu;
};

/* perns_operations.flags */
#define PERNS_CTX_PRIVATE	0x1	/* each new namespace gets a fresh context */

/**
 * struct perns_operations - a perns subsystem or device
 *
 * @init: called for every namespace of the type: the live ones at
 *	registration and each new one at creation, in process context.
 *	May fail; a failure fails the creation of the namespace. A device's
 *	@init also runs for namespaces already dying at its registration,
 *	which use its base context; at registration the namespace itself is
 *	reached only with perns_ns_get_ns() (see &perns_ns.ns).
 * @exit: undoes @init; called from a workqueue after the namespace is
 *	gone, or at unregistration. Devices are torn down before subsystems.
 * @id: where perns stores the id of the per-namespace data; with @size
 * @size: if non-zero, perns allocates @size zeroed bytes per namespace
 *	before @init and frees them after @exit; see perns_generic()
 *
 * The following are for devices only (register_perns_device()):
 *
 * @name: device name, shown in /proc/perns/devices
 * @devt: first device number of the character device
 * @count: number of minors from @devt
 * @fops: the file operations of the device; an open file whose f_op is
 *	@fops and that was bound with perns_file_open() is a file of this
 *	device for setdevns()
 * @flags: %PERNS_CTX_PRIVATE
 * @ctx_size: bytes of driver data in each context, perns_context_priv()
 * @ctx_init: initialise a fresh context for the namespace @pns, which is
 *	fully constructed (see perns_ns_create()); it may be dying by then,
 *	and the context is released by its exit. A device that registers
 *	gives no context to a namespace already handed to its exit work
 *	(@pns->ns is %NULL), which keeps the base context; one dying by
 *	then is reached with perns_ns_get_ns() only. May sleep; runs
 *	under the type's registration lock, and under perns_mutex when a
 *	device registers, so it must not call perns_context_owner().
 * @ctx_exit: release the driver data of a context whose last reference
 *	is gone. Called in process context; may sleep.
 * @unshare: optional; initialise @ctx, a new context, from @src, the
 *	context that a file is bound to. %NULL: setdevns() UNSHARE fails
 *	with -EOPNOTSUPP.
 * @migrate: optional; validate and make the move of @ctx from the
 *	namespace @from (%NULL if no namespace owns it any longer) to @to.
 *	Nothing has changed when it is called, and nothing else fails after
 *	it returns 0. %NULL: setdevns() MIGRATE fails with -EOPNOTSUPP.
 * @changed: optional; setdevns() changed the context @pns uses: the
 *	target's, and for a migration the former owner's too, if its
 *	namespace lives, which went back to the initial namespace's
 *	context. For a device that mirrors its contexts' state elsewhere.
 *	Called under perns_mutex once the new context is published, with
 *	a reference to @pns' namespace held, so it must not call
 *	perns_context_owner().
 */
struct perns_operations {
	/* private: */
	/*
	 * The lists of the type's per-namespace ops and of its devices, the
	 * device's table slot and base context, its live contexts and what
	 * wakes unregister_perns_device() when they are gone (set, under
	 * perns_mutex, from the start of that call to its end), the index
	 * of the namespace type, and whether the device is in the index by
	 * device number. @base is published last at registration and
	 * cleared first at unregistration: a device is live while it is set.
	 */
	struct list_head list;
	struct list_head dev_list;
	unsigned int slot;
	struct perns_context *base;
	atomic_t nr_contexts;
	struct completion *drained;
	unsigned int type;
	bool indexed;

	/* public: */
	int (*init)(struct perns_ns *pns);
	void (*exit)(struct perns_ns *pns);
	unsigned int *id;
	size_t size;

	const char *name;
	dev_t devt;
	unsigned int count;
	const struct file_operations *fops;
	unsigned int flags;
	size_t ctx_size;
	int (*ctx_init)(struct perns_context *ctx, struct perns_ns *pns);
	void (*ctx_exit)(struct perns_context *ctx);
	int (*unshare)(struct perns_context *ctx,
		       const struct perns_context *src);
	int (*migrate)(struct perns_context *ctx, struct perns_ns *from,
		       struct perns_ns *to);
	void (*changed)(struct perns_ns *pns);
};

/**
 * struct perns_context - one device's state for the namespaces sharing it
 * @refs: one per namespace table slot and per bound file
 * @id: unique for the life of the system, never reused
 * @ops: the device
 * @owner: the namespace owning the context, or %NULL; written under
 *	perns_mutex, read under it to be followed (perns_context_owner())
 *	and with READ_ONCE() only to be compared
 * @owner_node: entry in @owner's list of owned contexts
 * @rcu: the context is freed after a grace period
 * @priv: the driver's data, @ops->ctx_size bytes
 */
struct perns_context {
	refcount_t refs;
	u64 id;
	struct perns_operations *ops;
	struct perns_ns *owner;
	struct list_head owner_node;
	struct rcu_head rcu;
	u64 priv[];
};

/**
 * perns_context_priv() - the driver data of a context
 * @ctx: the context
 *
 * Return: @ctx->ops->ctx_size bytes, 8-byte aligned, zeroed before
 * &perns_operations.ctx_init or &perns_operations.unshare ran.
 */
static inline void *perns_context_priv(const struct perns_context *ctx)
{
	return (void *)ctx->priv;
}

#ifdef CONFIG_PERNS

int register_perns_subsys(int nstype, struct perns_operations *ops);
void unregister_perns_subsys(int nstype, struct perns_operations *ops);
int register_perns_device(int nstype, struct perns_operations *ops);
void unregister_perns_device(int nstype, struct perns_operations *ops);
int register_perns_misc_device(int nstype, struct perns_operations *ops,
			       struct miscdevice *misc);
void unregister_perns_misc_device(int nstype, struct perns_operations *ops,
				  struct miscdevice *misc);

/**
 * perns_generic() - the per-namespace data of a perns subsystem
 * @ns: a namespace the caller holds a reference to, returned by its
 *	creation path (not an anonymous mount namespace, nor a network
 *	namespace still in setup_net(), which have no perns state). Unlike
 *	net_generic(), not for an RCU reader of a namespace whose count may
 *	be zero: the perns state goes with the namespace's free path.
 * @id: the id perns stored in &perns_operations.id
 *
 * Context: any; takes no lock and allocates nothing.
 * Return: the &perns_operations.size bytes allocated for @ns.
 */
static inline void *perns_generic(const struct ns_common *ns, unsigned int id)
{
	struct perns_gen *gen;
	void *ptr;

	rcu_read_lock();
	gen = rcu_dereference(READ_ONCE(ns->perns)->gen);
	ptr = gen->ptr[id];
	rcu_read_unlock();

	return ptr;
}

/**
 * perns_ns_generic() - the per-namespace data of a perns subsystem, in its
 *	init and exit methods
 * @pns: the perns state the method was called for
 * @id: the id perns stored in &perns_operations.id
 *
 * Exit methods run once the namespace is gone, so perns_generic() cannot
 * serve them.
 *
 * Context: an init or exit method of @pns, which runs under the type's
 * registration lock: the array cannot be replaced meanwhile.
 * Return: the &perns_operations.size bytes allocated for @pns.
 */
static inline void *perns_ns_generic(struct perns_ns *pns, unsigned int id)
{
	return rcu_dereference_protected(pns->gen, 1)->ptr[id];
}

struct perns_context *perns_context_get(struct perns_operations *ops,
					struct ns_common *ns);
void perns_context_put(struct perns_context *ctx);
struct ns_common *perns_context_owner(struct perns_context *ctx);
void perns_put_ns(struct ns_common *ns);
struct ns_common *perns_ns_get_by_fd(int fd, int nstype);
bool perns_context_is_initial(struct perns_context *ctx);
bool perns_context_owned_by(struct perns_context *ctx, struct ns_common *ns);
struct ns_common *perns_ns_get_ns(struct perns_ns *pns);

int perns_file_open(struct file *file, struct perns_operations *ops);
void perns_file_release(struct file *file);
void perns_file_show_fdinfo(struct seq_file *m, struct file *file);

/**
 * perns_file_context() - the context a perns device file is bound to
 * @file: a file bound by perns_file_open()
 *
 * Return: the context, valid as long as @file is.
 */
static inline struct perns_context *perns_file_context(const struct file *file)
{
	return file->private_data;
}

/* Hooks of the namespace types. */
void perns_init(void);
int perns_ns_create(struct ns_common *ns, struct ns_common *origin);
void perns_ns_free(struct ns_common *ns);

DEFINE_FREE(perns_put_ns, struct ns_common *, if (!IS_ERR_OR_NULL(_T)) perns_put_ns(_T))

#else /* !CONFIG_PERNS */

static inline void perns_init(void)
{
}

static inline int perns_ns_create(struct ns_common *ns,
				  struct ns_common *origin)
{
	return 0;
}

static inline void perns_ns_free(struct ns_common *ns)
{
}

#endif /* CONFIG_PERNS */

#endif /* _LINUX_PERNS_H */
