// SPDX-License-Identifier: GPL-2.0
/*
 * The wall clock of a context as the CLOCK_REALTIME of time namespaces.
 *
 * A time namespace shows the wall clock of the context its owner, a user
 * namespace, uses, if that is not the initial context: clock_gettime() of
 * CLOCK_REALTIME (and its coarse variant, and CLOCK_TAI with the host's
 * TAI offset), gettimeofday() and time(), through the vDSO or not, read
 * what GET_TIME(RTC) of that context reads; settimeofday() and
 * clock_settime(CLOCK_REALTIME) there set the context's clock, as SET_RTC
 * does, for a task with CAP_SYS_TIME in the user namespace owning the
 * context. Each context has a struct timens_wall, which the time
 * namespace code publishes to the namespaces attached to it.
 *
 * For that valarm is a perns subsystem of the time namespace type: a new
 * time namespace is attached to its owner's context by its init, and
 * setdevns() on a user namespace (valarm's changed method) reattaches the
 * time namespaces that user namespace owns. A time namespace created
 * before valarm registered is attached at registration.
 *
 * Locking and lifetimes: valarm_tns_lock, a mutex, protects the list of
 * time namespaces and their attachments. It nests inside perns_mutex and
 * the time type's registration lock (changed, init and exit run under
 * them), and outside the wall clocks' mutex and valarm_contexts_lock (a
 * put may release a context). An attached namespace holds a reference to
 * its context, so the context's wall clock outlives the attachment; the
 * namespace's free path unlists it from the wall clock, and its exit
 * drops the reference afterwards.
 */

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/perns.h>
#include <linux/time_namespace.h>
#include <linux/user_namespace.h>

#include "valarm.h"

/**
 * struct valarm_tns - what valarm keeps for a time namespace
 * @pns: the namespace's perns state
 * @ctx: the context whose wall clock it shows, or %NULL for the host's
 * @node: entry in valarm_tns_list
 */
struct valarm_tns {
	struct perns_ns *pns;
	struct perns_context *ctx;
	struct list_head node;
};

static unsigned int valarm_tns_id;
static LIST_HEAD(valarm_tns_list);
static DEFINE_MUTEX(valarm_tns_lock);

/* Shows, in @ns (held), the wall clock of its owner's context. */
static void valarm_tns_attach(struct valarm_tns *v, struct time_namespace *ns)
{
	struct perns_context *ctx, *old = v->ctx;

	lockdep_assert_held(&valarm_tns_lock);
	ctx = perns_context_get(&valarm_perns, &ns->user_ns->ns);
	if (ctx && perns_context_is_initial(ctx)) {
		perns_context_put(ctx);
		ctx = NULL;
	}
	if (ctx == old) {
		if (ctx)
			perns_context_put(ctx);
		return;
	}
	if (ctx) {
		struct valarm_ctx *vctx = perns_context_priv(ctx);

		timens_wall_attach(&vctx->wall, ns);
	} else {
		timens_wall_detach(ns);
	}
	v->ctx = ctx;
	if (old)
		perns_context_put(old);
}

static int valarm_tns_init(struct perns_ns *pns)
{
	struct valarm_tns *v = perns_ns_generic(pns, valarm_tns_id);
	struct ns_common *ns = perns_ns_get_ns(pns);

	v->pns = pns;
	mutex_lock(&valarm_tns_lock);
	list_add(&v->node, &valarm_tns_list);
	/* A namespace already dying keeps the host's clock. */
	if (ns)
		valarm_tns_attach(v, container_of(ns, struct time_namespace, ns));
	mutex_unlock(&valarm_tns_lock);
	if (ns)
		perns_put_ns(ns);
	return 0;
}

static void valarm_tns_exit(struct perns_ns *pns)
{
	struct valarm_tns *v = perns_ns_generic(pns, valarm_tns_id);
	struct ns_common *ns = perns_ns_get_ns(pns);

	mutex_lock(&valarm_tns_lock);
	list_del(&v->node);
	/* Unregistration: the namespace lives on, with the host's clock. */
	if (ns && v->ctx)
		timens_wall_detach(container_of(ns, struct time_namespace, ns));
	mutex_unlock(&valarm_tns_lock);
	if (ns)
		perns_put_ns(ns);
	if (v->ctx)
		perns_context_put(v->ctx);
}

static struct perns_operations valarm_tns_perns = {
	.init = valarm_tns_init,
	.exit = valarm_tns_exit,
	.id = &valarm_tns_id,
	.size = sizeof(struct valarm_tns),
};

/**
 * valarm_timens_changed() - setdevns() changed a user namespace's context
 * @pns: the user namespace's perns state
 *
 * Attaches the time namespaces that user namespace owns to its context,
 * walking those valarm knows. Called under perns_mutex.
 */
void valarm_timens_changed(struct perns_ns *pns)
{
	struct ns_common *user = perns_ns_get_ns(pns);
	struct valarm_tns *v;

	if (!user)
		return;
	mutex_lock(&valarm_tns_lock);
	list_for_each_entry(v, &valarm_tns_list, node) {
		struct ns_common *ns = perns_ns_get_ns(v->pns);
		struct time_namespace *tns;

		if (!ns)
			continue;
		tns = container_of(ns, struct time_namespace, ns);
		if (&tns->user_ns->ns == user)
			valarm_tns_attach(v, tns);
		perns_put_ns(ns);
		cond_resched();
	}
	mutex_unlock(&valarm_tns_lock);
	perns_put_ns(user);
}

/*
 * settimeofday() or clock_settime() in a time namespace showing @ctx's
 * wall clock: the caller needs CAP_SYS_TIME in the user namespace owning
 * @ctx, found among the owners of the caller's time namespace and their
 * ancestors, which the time namespace keeps alive.
 */
static bool valarm_timens_may_set(struct valarm_ctx *ctx)
{
	struct user_namespace *user;

	for (user = current->nsproxy->time_ns->user_ns; user;
	     user = user->parent)
		if (perns_context_owned_by(ctx->pctx, &user->ns))
			return ns_capable(user, CAP_SYS_TIME);
	return false;
}

static int valarm_wall_settime(struct timens_wall *wall,
			       const struct timespec64 *ts, bool settod)
{
	struct valarm_ctx *ctx = container_of(wall, struct valarm_ctx, wall);

	if (settod && !valarm_timens_may_set(ctx))
		return -EPERM;
	return valarm_set_offset(ctx, ts);
}

static const struct timens_wall_ops valarm_wall_ops = {
	.settime = valarm_wall_settime,
};

/**
 * valarm_timens_ctx_init() - set up the wall clock of a new context
 * @ctx: the context, whose offset is set
 */
void valarm_timens_ctx_init(struct valarm_ctx *ctx)
{
	timens_wall_init(&ctx->wall, &valarm_wall_ops);
	/* No namespace shows it yet. */
	ctx->wall.offset = atomic64_read(&ctx->offset);
}

/**
 * valarm_timens_ctx_exit() - detach a context's wall clock for good
 * @ctx: the context, being released
 *
 * Every attachment holds a reference to the context, but a time namespace
 * being freed may still be listed once its exit dropped that reference
 * (unregistration runs the exit of a namespace whose free path has begun).
 */
void valarm_timens_ctx_exit(struct valarm_ctx *ctx)
{
	timens_wall_release(&ctx->wall);
}

/**
 * valarm_timens_set_rtc() - SET_RTC of a context other than the initial one
 * @ctx: the context
 * @ts: the new time, valid for settimeofday()
 *
 * Context: process context; may sleep.
 * Return: what valarm_set_offset() returns.
 */
int valarm_timens_set_rtc(struct valarm_ctx *ctx, const struct timespec64 *ts)
{
	return timens_wall_settime(&ctx->wall, ts);
}

/**
 * valarm_timens_publish() - show a context's new offset in its namespaces
 * @ctx: the context, whose settime method runs
 * @offset: the new offset
 *
 * Return: what timens_wall_set_offset() returns.
 */
int valarm_timens_publish(struct valarm_ctx *ctx, s64 offset)
{
	return timens_wall_set_offset(&ctx->wall, offset);
}

/**
 * valarm_timens_init() - attach the time namespaces to the contexts
 *
 * Return: 0 or a negative errno.
 */
int valarm_timens_init(void)
{
	return register_perns_subsys(CLONE_NEWTIME, &valarm_tns_perns);
}

/**
 * valarm_timens_exit() - give every time namespace the host's clock back
 */
void valarm_timens_exit(void)
{
	unregister_perns_subsys(CLONE_NEWTIME, &valarm_tns_perns);
}
