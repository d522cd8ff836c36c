// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for perns, built in, with kernel/perns_internal.h. They
 * create UTS namespaces, which nothing else creates while the tests run
 * at boot.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/rcupdate.h>
#include <linux/setdevns.h>
#include <linux/user_namespace.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include <uapi/linux/perns.h>

#include "../perns_internal.h"

#define PT_NS	4

struct pt_log {
	char ev[64][8];
	int n;
	struct perns_ns *fail_on;
	const char *fail_name;
	int inits, exits, ctx_inits, ctx_exits;
};

static struct pt_log pt;

static void pt_event(const char *what)
{
	if (pt.n < ARRAY_SIZE(pt.ev))
		strscpy(pt.ev[pt.n++], what, sizeof(pt.ev[0]));
}

static int pt_init(struct perns_ns *pns, const char *name)
{
	if (pns == pt.fail_on || (pt.fail_name && !strcmp(pt.fail_name, name)))
		return -ENOSPC;
	pt.inits++;
	pt_event(name);
	return 0;
}

static void pt_exit(struct perns_ns *pns, const char *name)
{
	pt.exits++;
	pt_event(name);
}

static int pt_init_a(struct perns_ns *pns) { return pt_init(pns, "+a"); }
static void pt_exit_a(struct perns_ns *pns) { pt_exit(pns, "-a"); }
static int pt_init_b(struct perns_ns *pns) { return pt_init(pns, "+b"); }
static void pt_exit_b(struct perns_ns *pns) { pt_exit(pns, "-b"); }
static int pt_init_d(struct perns_ns *pns) { return pt_init(pns, "+d"); }
static void pt_exit_d(struct perns_ns *pns) { pt_exit(pns, "-d"); }

static int pt_ctx_init(struct perns_context *ctx, struct perns_ns *pns)
{
	pt.ctx_inits++;
	*(int *)perns_context_priv(ctx) = 0;
	return 0;
}

static void pt_ctx_exit(struct perns_context *ctx)
{
	pt.ctx_exits++;
}

static int pt_unshare(struct perns_context *ctx,
		      const struct perns_context *src)
{
	pt.ctx_inits++;
	*(int *)perns_context_priv(ctx) = *(int *)perns_context_priv(src);
	return 0;
}

static int pt_migrate(struct perns_context *ctx, struct perns_ns *from,
		      struct perns_ns *to)
{
	return *(int *)perns_context_priv(ctx) == 666 ? -EBUSY : 0;
}

struct pt_fixture {
	struct uts_namespace *ns[PT_NS];
};

/*
 * Registered by every test but one before it creates its namespaces, so
 * that they have perns state from the start.
 */
static struct perns_operations pt_anchor = { .name = "anchor" };

static int pt_test_init(struct kunit *test)
{
	struct pt_fixture *f;
	int i;

	memset(&pt, 0, sizeof(pt));
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &pt_anchor), 0);
	test->priv = f;
	for (i = 0; i < PT_NS; i++) {
		struct uts_namespace *ns;

		ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
		KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
		f->ns[i] = ns;
	}
	return 0;
}

static void pt_parked_cleanup(void);

static void pt_test_exit(struct kunit *test)
{
	struct pt_fixture *f = test->priv;
	int i;

	pt_parked_cleanup();
	if (f)
		for (i = 0; i < PT_NS; i++)
			if (f->ns[i])
				put_uts_ns(f->ns[i]);
	flush_workqueue(perns_wq);
	if (perns_ops_registered(&pt_anchor))
		unregister_perns_subsys(CLONE_NEWUTS, &pt_anchor);
}

/* Entries of a list of the UTS perns type. */
static int pt_count(struct list_head *head)
{
	struct list_head *pos;
	int n = 0;

	spin_lock_irq(&perns_types[PERNS_UTS].lock);
	list_for_each(pos, head)
		n++;
	spin_unlock_irq(&perns_types[PERNS_UTS].lock);
	return n;
}

static struct perns_ns *pt_pns(struct pt_fixture *f, int i)
{
	return f->ns[i]->ns.perns;
}

/* Registration runs init for every live namespace, exit on the way out. */
static void perns_test_register_walks(struct kunit *test)
{
	struct perns_operations ops = { .init = pt_init_a, .exit = pt_exit_a };
	int live = pt_count(&perns_types[PERNS_UTS].namespaces);

	KUNIT_EXPECT_GE(test, live, PT_NS + 1);

	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &ops), 0);
	KUNIT_EXPECT_EQ(test, pt.inits, live);
	unregister_perns_subsys(CLONE_NEWUTS, &ops);
	KUNIT_EXPECT_EQ(test, pt.exits, live);
}

/* A failing init on the k-th namespace undoes the ones before it. */
static void perns_test_register_rollback(struct kunit *test)
{
	struct perns_operations ops = { .init = pt_init_a, .exit = pt_exit_a };
	struct pt_fixture *f = test->priv;

	pt.fail_on = pt_pns(f, 2);
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &ops),
			-ENOSPC);
	KUNIT_EXPECT_GT(test, pt.inits, 0);
	KUNIT_EXPECT_EQ(test, pt.exits, pt.inits);
	KUNIT_EXPECT_FALSE(test, perns_ops_registered(&ops));

	/* And it can be registered once the failure is gone. */
	pt.fail_on = NULL;
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &ops), 0);
	unregister_perns_subsys(CLONE_NEWUTS, &ops);
}

/* Subsystems initialise before devices and exit after them. */
static void perns_test_ordering(struct kunit *test)
{
	struct perns_operations a = { .init = pt_init_a, .exit = pt_exit_a };
	struct perns_operations b = { .init = pt_init_b, .exit = pt_exit_b };
	struct perns_operations d = {
		.name = "pt", .init = pt_init_d, .exit = pt_exit_d,
		.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit,
	};
	struct uts_namespace *ns;

	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &a), 0);
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &d), 0);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &b), 0);

	pt.n = 0;
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	put_uts_ns(ns);
	flush_workqueue(perns_wq);

	KUNIT_ASSERT_EQ(test, pt.n, 6);
	KUNIT_EXPECT_STREQ(test, pt.ev[0], "+a");
	KUNIT_EXPECT_STREQ(test, pt.ev[1], "+b");
	KUNIT_EXPECT_STREQ(test, pt.ev[2], "+d");
	KUNIT_EXPECT_STREQ(test, pt.ev[3], "-d");
	KUNIT_EXPECT_STREQ(test, pt.ev[4], "-b");
	KUNIT_EXPECT_STREQ(test, pt.ev[5], "-a");

	unregister_perns_subsys(CLONE_NEWUTS, &b);
	unregister_perns_device(CLONE_NEWUTS, &d);
	unregister_perns_subsys(CLONE_NEWUTS, &a);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* A failing init fails the creation of the namespace with its error. */
static void perns_test_create_fails(struct kunit *test)
{
	struct perns_operations a = { .init = pt_init_a, .exit = pt_exit_a };
	struct perns_operations b = { .init = pt_init_b, .exit = pt_exit_b };
	struct uts_namespace *ns;

	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &a), 0);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &b), 0);
	pt.inits = 0;
	pt.exits = 0;
	pt.fail_name = "+b";
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ns), -ENOSPC);
	if (!IS_ERR(ns))
		put_uts_ns(ns);
	/* a ran and was undone; b failed. */
	KUNIT_EXPECT_EQ(test, pt.inits, 1);
	KUNIT_EXPECT_EQ(test, pt.exits, 1);
	pt.fail_name = NULL;

	unregister_perns_subsys(CLONE_NEWUTS, &b);
	unregister_perns_subsys(CLONE_NEWUTS, &a);
}

/* Generic data of ids registered after namespaces exist. */
static void perns_test_generic(struct kunit *test)
{
	static unsigned int id1, id2;
	struct perns_operations g1 = { .id = &id1, .size = 16 };
	struct perns_operations g2 = { .id = &id2, .size = 4096 };
	struct pt_fixture *f = test->priv;
	int i;

	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &g1), 0);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &g2), 0);
	KUNIT_EXPECT_NE(test, id1, id2);
	for (i = 0; i < PT_NS; i++) {
		u8 *p1 = perns_generic(&f->ns[i]->ns, id1);
		u8 *p2 = perns_generic(&f->ns[i]->ns, id2);

		KUNIT_ASSERT_NOT_NULL(test, p1);
		KUNIT_ASSERT_NOT_NULL(test, p2);
		KUNIT_EXPECT_EQ(test, p1[15], 0);
		KUNIT_EXPECT_EQ(test, p2[4095], 0);
		p1[0] = i;
	}
	for (i = 0; i < PT_NS; i++)
		KUNIT_EXPECT_EQ(test, *(u8 *)perns_generic(&f->ns[i]->ns, id1),
				i);
	KUNIT_EXPECT_NOT_NULL(test, perns_generic(&init_uts_ns.ns, id2));
	unregister_perns_subsys(CLONE_NEWUTS, &g2);
	unregister_perns_subsys(CLONE_NEWUTS, &g1);
}

/* No reference: the tests own every namespace and context they look at. */
static struct perns_context *pt_ctx(struct perns_operations *ops,
				    struct uts_namespace *ns)
{
	struct perns_context *ctx;

	rcu_read_lock();
	ctx = perns_lookup(ops, ns->ns.perns);
	rcu_read_unlock();
	return ctx;
}

/* Context references and ownership across share, unshare and migrate. */
static void perns_test_contexts(struct kunit *test)
{
	struct perns_operations d = {
		.name = "pt", .ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit, .unshare = pt_unshare,
		.migrate = pt_migrate,
	};
	struct pt_fixture *f = test->priv;
	struct perns_context *base, *c1, *held;
	struct uts_namespace *child;

	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &d), 0);
	base = d.base;
	/* Everybody shares the base context; nobody allocated anything. */
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, f->ns[0]), base);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, &init_uts_ns), base);
	KUNIT_EXPECT_EQ(test, refcount_read(&base->refs), 1);
	KUNIT_EXPECT_TRUE(test, perns_context_is_initial(base));

	/* Unshare: ns0 owns a copy. */
	*(int *)perns_context_priv(base) = 7;
	KUNIT_ASSERT_EQ(test, perns_change_context(base, &f->ns[0]->ns,
						   SETDEVNS_UNSHARE), 0);
	c1 = pt_ctx(&d, f->ns[0]);
	KUNIT_EXPECT_PTR_NE(test, c1, base);
	KUNIT_EXPECT_PTR_EQ(test, c1->owner, pt_pns(f, 0));
	KUNIT_EXPECT_EQ(test, *(int *)perns_context_priv(c1), 7);
	KUNIT_EXPECT_EQ(test, refcount_read(&c1->refs), 1);
	KUNIT_EXPECT_FALSE(test, perns_context_is_initial(c1));

	/* A child of ns0 shares its context, without a copy. */
	child = copy_utsname(CLONE_NEWUTS, &init_user_ns, f->ns[0]);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, child), c1);
	KUNIT_EXPECT_EQ(test, refcount_read(&c1->refs), 1);

	/* Share c1 into ns1: one more reference, owner unchanged. */
	KUNIT_ASSERT_EQ(test, perns_change_context(c1, &f->ns[1]->ns,
						   SETDEVNS_SHARE), 0);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, f->ns[1]), c1);
	KUNIT_EXPECT_EQ(test, refcount_read(&c1->refs), 2);
	KUNIT_EXPECT_PTR_EQ(test, c1->owner, pt_pns(f, 0));

	/* The driver refuses a migration: nothing changes. */
	*(int *)perns_context_priv(c1) = 666;
	KUNIT_EXPECT_EQ(test, perns_change_context(c1, &f->ns[2]->ns,
						   SETDEVNS_MIGRATE), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, f->ns[2]), base);
	KUNIT_EXPECT_PTR_EQ(test, c1->owner, pt_pns(f, 0));
	KUNIT_EXPECT_EQ(test, refcount_read(&c1->refs), 2);

	/* Migrate c1 to ns2: ns0 goes back to the initial namespace's. */
	*(int *)perns_context_priv(c1) = 1;
	held = perns_context_get(&d, &f->ns[0]->ns);
	KUNIT_EXPECT_PTR_EQ(test, held, c1);
	KUNIT_ASSERT_EQ(test, perns_change_context(c1, &f->ns[2]->ns,
						   SETDEVNS_MIGRATE), 0);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, f->ns[2]), c1);
	KUNIT_EXPECT_PTR_EQ(test, c1->owner, pt_pns(f, 2));
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, f->ns[0]), base);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, child), c1);
	/* ns1, ns2, the child's table and our reference. */
	KUNIT_EXPECT_EQ(test, refcount_read(&c1->refs), 4);
	perns_context_put(held);

	/* The initial namespace's context and contexts are fixed. */
	KUNIT_EXPECT_EQ(test, perns_change_context(base, &f->ns[3]->ns,
						   SETDEVNS_MIGRATE), -EINVAL);
	KUNIT_EXPECT_EQ(test, perns_change_context(c1, &init_uts_ns.ns,
						   SETDEVNS_SHARE), -EINVAL);
	KUNIT_EXPECT_EQ(test, perns_change_context(c1, &init_uts_ns.ns,
						   SETDEVNS_MIGRATE), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, base->owner, perns_types[PERNS_UTS].initial);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, &init_uts_ns), base);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, f->ns[3]), base);
	KUNIT_EXPECT_TRUE(test, perns_context_is_initial(base));

	put_uts_ns(child);
	flush_workqueue(perns_wq);
	/* Unregistering while the namespaces live releases everything. */
	unregister_perns_device(CLONE_NEWUTS, &d);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
	KUNIT_EXPECT_EQ(test, atomic_read(&d.nr_contexts), 0);
}

/* Private-by-default devices: a fresh context for each namespace. */
static void perns_test_private(struct kunit *test)
{
	struct perns_operations d = {
		.name = "pt", .flags = PERNS_CTX_PRIVATE,
		.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit,
	};
	struct pt_fixture *f = test->priv;
	struct uts_namespace *ns;
	struct perns_context *c;
	int before;

	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &d), 0);
	c = pt_ctx(&d, f->ns[0]);
	KUNIT_EXPECT_PTR_NE(test, c, d.base);
	KUNIT_EXPECT_PTR_EQ(test, c->owner, pt_pns(f, 0));
	KUNIT_EXPECT_PTR_NE(test, pt_ctx(&d, f->ns[1]), c);

	before = pt.ctx_inits;
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, f->ns[0]);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_EXPECT_EQ(test, pt.ctx_inits, before + 1);
	KUNIT_EXPECT_PTR_NE(test, pt_ctx(&d, ns), c);
	KUNIT_EXPECT_PTR_EQ(test, pt_ctx(&d, ns)->owner, ns->ns.perns);
	put_uts_ns(ns);
	flush_workqueue(perns_wq);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, 1);

	unregister_perns_device(CLONE_NEWUTS, &d);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* Creation is O(1) in shared devices: no context, no table copy. */
static void perns_test_shared_is_free(struct kunit *test)
{
	struct perns_operations d[8] = {};
	struct pt_fixture *f = test->priv;
	struct uts_namespace *ns;
	int i;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		d[i].name = "pt";
		d[i].ctx_size = sizeof(int);
		d[i].ctx_init = pt_ctx_init;
		d[i].ctx_exit = pt_ctx_exit;
		KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &d[i]),
				0);
	}
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, f->ns[0]);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ns->ns.perns->table),
			    rcu_access_pointer(pt_pns(f, 0)->table));
	KUNIT_EXPECT_EQ(test, pt.ctx_inits, ARRAY_SIZE(d));
	put_uts_ns(ns);
	for (i = ARRAY_SIZE(d) - 1; i >= 0; i--)
		unregister_perns_device(CLONE_NEWUTS, &d[i]);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* Bad input is refused. */
static void perns_test_bad_input(struct kunit *test)
{
	struct perns_operations a = { .init = pt_init_a, .exit = pt_exit_a };

	KUNIT_EXPECT_EQ(test, register_perns_subsys(0, &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_VM, &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, register_perns_device(0, &a), -EINVAL);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &a), 0);
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &a), -EBUSY);
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_NEWIPC, &a), -EBUSY);
	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &a), -EBUSY);
	unregister_perns_subsys(CLONE_NEWUTS, &a);
}

/* A private device's contexts come between subsystems and device init. */
static int pt_ctx_init_log(struct perns_context *ctx, struct perns_ns *pns)
{
	pt_event("c+");
	return pt_ctx_init(ctx, pns);
}

static void pt_ctx_exit_log(struct perns_context *ctx)
{
	pt_event("c-");
	pt_ctx_exit(ctx);
}

static int pt_first(const char *what)
{
	int i;

	for (i = 0; i < pt.n; i++)
		if (!strcmp(pt.ev[i], what))
			return i;
	return -1;
}

static int pt_last(const char *what)
{
	int i;

	for (i = pt.n - 1; i >= 0; i--)
		if (!strcmp(pt.ev[i], what))
			return i;
	return -1;
}

static void perns_test_order_private(struct kunit *test)
{
	struct perns_operations a = { .init = pt_init_a, .exit = pt_exit_a };
	struct perns_operations d = {
		.name = "pt", .flags = PERNS_CTX_PRIVATE,
		.init = pt_init_d, .exit = pt_exit_d,
		.ctx_size = sizeof(int), .ctx_init = pt_ctx_init_log,
		.ctx_exit = pt_ctx_exit_log,
	};
	struct uts_namespace *ns;

	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &a), 0);
	/* At registration: every context before any device init. */
	pt.n = 0;
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &d), 0);
	KUNIT_EXPECT_GE(test, pt_first("+d"), 0);
	KUNIT_EXPECT_LT(test, pt_last("c+"), pt_first("+d"));

	/* At creation: the same order, after the subsystems. */
	pt.n = 0;
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_ASSERT_EQ(test, pt.n, 3);
	KUNIT_EXPECT_STREQ(test, pt.ev[0], "+a");
	KUNIT_EXPECT_STREQ(test, pt.ev[1], "c+");
	KUNIT_EXPECT_STREQ(test, pt.ev[2], "+d");

	/* And down: its contexts, the device, the subsystem. */
	pt.n = 0;
	put_uts_ns(ns);
	flush_workqueue(perns_wq);
	KUNIT_ASSERT_EQ(test, pt.n, 3);
	KUNIT_EXPECT_STREQ(test, pt.ev[0], "c-");
	KUNIT_EXPECT_STREQ(test, pt.ev[1], "-d");
	KUNIT_EXPECT_STREQ(test, pt.ev[2], "-a");

	/* Unregistration: contexts before the device's exits. */
	pt.n = 0;
	unregister_perns_device(CLONE_NEWUTS, &d);
	KUNIT_EXPECT_GE(test, pt_first("-d"), 0);
	KUNIT_EXPECT_LT(test, pt_last("c-"), pt_first("-d"));
	unregister_perns_subsys(CLONE_NEWUTS, &a);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* Callbacks see a complete namespace whose perns state is reachable. */
static unsigned int pt_gen_id;
static struct perns_operations pt_cb_dev;
static int pt_cb_ok, pt_cb_bad;
static bool pt_cb_live;

static int pt_cb_init(struct perns_ns *pns)
{
	struct uts_namespace *uts;
	struct perns_context *ctx;

	/* At registration, namespaces may be dying: @pns->ns is not to be used. */
	if (!READ_ONCE(pt_cb_live))
		return 0;
	if (!pns->ns || pns->ns->perns != pns) {
		pt_cb_bad++;
		return 0;
	}
	uts = container_of(pns->ns, struct uts_namespace, ns);
	ctx = perns_context_get(&pt_cb_dev, pns->ns);
	if (!ctx || !perns_generic(pns->ns, pt_gen_id) ||
	    uts->user_ns != &init_user_ns || !uts->name.sysname[0])
		pt_cb_bad++;
	else
		pt_cb_ok++;
	if (ctx)
		perns_context_put(ctx);
	return 0;
}

static void perns_test_complete_ns(struct kunit *test)
{
	struct perns_operations g = { .id = &pt_gen_id, .size = 8 };
	struct uts_namespace *ns;

	pt_cb_dev = (struct perns_operations) {
		.name = "pt", .flags = PERNS_CTX_PRIVATE, .init = pt_cb_init,
		.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit,
	};
	pt_cb_ok = 0;
	pt_cb_bad = 0;
	WRITE_ONCE(pt_cb_live, false);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &g), 0);
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_cb_dev),
			0);
	WRITE_ONCE(pt_cb_live, true);
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	WRITE_ONCE(pt_cb_live, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_EXPECT_EQ(test, pt_cb_ok, 1);
	KUNIT_EXPECT_EQ(test, pt_cb_bad, 0);
	put_uts_ns(ns);
	flush_workqueue(perns_wq);
	unregister_perns_device(CLONE_NEWUTS, &pt_cb_dev);
	unregister_perns_subsys(CLONE_NEWUTS, &g);
}

/* A lookup that outlived its device never returns the slot's next owner. */
static void perns_test_slot_reuse(struct kunit *test)
{
	struct perns_operations a = {
		.name = "pt", .ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit,
	};
	struct perns_operations b = {
		.name = "pt", .flags = PERNS_CTX_PRIVATE,
		.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit,
	};
	struct pt_fixture *f = test->priv;
	struct perns_context *ctx;

	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &a), 0);
	unregister_perns_device(CLONE_NEWUTS, &a);
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &b), 0);
	KUNIT_ASSERT_EQ(test, b.slot, a.slot);
	KUNIT_ASSERT_PTR_NE(test, pt_ctx(&b, f->ns[0]), b.base);

	/* As if a's lookup had passed its liveness check before unregister. */
	a.base = b.base;
	ctx = perns_context_get(&a, &f->ns[0]->ns);
	a.base = NULL;
	KUNIT_EXPECT_NULL(test, ctx);
	if (ctx)
		perns_context_put(ctx);
	unregister_perns_device(CLONE_NEWUTS, &b);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

static void pt_unregister_device(void *ops)
{
	if (perns_ops_registered(ops))
		unregister_perns_device(CLONE_NEWUTS, ops);
}

/* A UTS device on the heap, unregistered at the end of the test if need be. */
static struct perns_operations *pt_device(struct kunit *test,
					  const struct perns_operations *tmpl)
{
	struct perns_operations *ops;
	int err;

	ops = kunit_kmalloc(test, sizeof(*ops), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	*ops = *tmpl;
	err = kunit_add_action_or_reset(test, pt_unregister_device, ops);
	KUNIT_ASSERT_EQ(test, err, 0);
	return ops;
}

static unsigned int pt_table_len(struct uts_namespace *ns)
{
	return rcu_dereference_protected(ns->ns.perns->table, 1)->len;
}

#define PT_DEVS	17

/*
 * A table copied once devices went away is as long as the highest slot
 * still in use needs, not as long as the most devices ever registered at
 * once needed, nor as the table it was copied from.
 */
static void perns_test_table_len(struct kunit *test)
{
	const struct perns_operations shared = { .name = "pt" };
	const struct perns_operations private = {
		.name = "pt", .flags = PERNS_CTX_PRIVATE,
		.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_ctx_exit,
	};
	struct perns_type *type = &perns_types[PERNS_UTS];
	unsigned int before = type->nr_slots, top;
	struct perns_operations *d[PT_DEVS], *p;
	struct pt_fixture *f = test->priv;
	struct uts_namespace *ns;
	int i;

	/* The highest private: every live namespace gets a table that long. */
	for (i = 0; i < PT_DEVS; i++) {
		d[i] = pt_device(test, i == PT_DEVS - 1 ? &private : &shared);
		KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, d[i]),
				0);
	}
	top = d[PT_DEVS - 1]->slot + 1;
	KUNIT_EXPECT_EQ(test, type->nr_slots, max(before, top));
	KUNIT_EXPECT_EQ(test, pt_table_len(f->ns[0]), max(before, top));

	/* A lower slot freed leaves the highest in use. */
	unregister_perns_device(CLONE_NEWUTS, d[PT_DEVS / 2]);
	KUNIT_EXPECT_EQ(test, type->nr_slots, max(before, top));
	for (i = PT_DEVS - 1; i > 0; i--)
		if (i != PT_DEVS / 2)
			unregister_perns_device(CLONE_NEWUTS, d[i]);
	KUNIT_EXPECT_EQ(test, type->nr_slots, max(before, d[0]->slot + 1));
	/* Tables keep their length until they are copied again. */
	KUNIT_EXPECT_EQ(test, pt_table_len(f->ns[0]), max(before, top));

	/* Slots are reused lowest first; the copies are short again. */
	p = pt_device(test, &private);
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, p), 0);
	KUNIT_EXPECT_EQ(test, p->slot, d[1]->slot);
	KUNIT_EXPECT_EQ(test, pt_table_len(f->ns[0]), type->nr_slots);
	KUNIT_EXPECT_EQ(test, type->nr_slots, max(before, p->slot + 1));
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, f->ns[0]);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_EXPECT_EQ(test, pt_table_len(ns), type->nr_slots);
	put_uts_ns(ns);

	unregister_perns_device(CLONE_NEWUTS, p);
	unregister_perns_device(CLONE_NEWUTS, d[0]);
	KUNIT_EXPECT_EQ(test, type->nr_slots, before);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* A namespace type the kernel lacks cannot be registered for. */
static void perns_test_type_lacking(struct kunit *test)
{
	struct perns_operations a = { .init = pt_init_a, .exit = pt_exit_a };
	struct perns_operations d = { .name = "pt" };
	struct perns_type *type = &perns_types[PERNS_UTS];

	type->supported = false;
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &a),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &d),
			-EOPNOTSUPP);
	type->supported = true;
	KUNIT_EXPECT_FALSE(test, perns_ops_registered(&a));
	KUNIT_EXPECT_FALSE(test, perns_ops_registered(&d));
	KUNIT_EXPECT_EQ(test, pt.inits, 0);
}

static const struct file_operations pt_fops;

/* Device numbers identify one device: overlapping ranges are refused. */
static void perns_test_devt_overlap(struct kunit *test)
{
	struct perns_operations d1 = {
		.name = "pt1", .fops = &pt_fops, .devt = MKDEV(4095, 100),
		.count = 4,
	};
	struct perns_operations d2 = {
		.name = "pt2", .fops = &pt_fops, .devt = MKDEV(4095, 103),
		.count = 1,
	};
	struct perns_operations d3 = {
		.name = "pt3", .fops = &pt_fops, .devt = MKDEV(4095, 104),
		.count = 1,
	};
	struct perns_operations d4 = {
		.name = "pt4", .devt = MKDEV(4095, 110), .count = 1,
	};
	struct perns_operations d5 = {
		.name = "pt5", .fops = &pt_fops, .devt = MKDEV(4095, 120),
		.count = 1, .init = pt_init_d, .exit = pt_exit_d,
	};
	struct rcu_gp_oldstate cookie;

	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &d1), 0);
	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &d2), -EBUSY);
	KUNIT_EXPECT_FALSE(test, perns_ops_registered(&d2));
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWIPC, &d3), 0);
	/* A character device needs its file operations. */
	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &d4), -EINVAL);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, perns_device_lookup(MKDEV(4095, 103)), &d1);
	KUNIT_EXPECT_PTR_EQ(test, perns_device_lookup(MKDEV(4095, 104)), &d3);
	KUNIT_EXPECT_NULL(test, perns_device_lookup(MKDEV(4095, 99)));
	rcu_read_unlock();
	unregister_perns_device(CLONE_NEWIPC, &d3);
	/* A lookup that found @d1 ends before its unregistration returns. */
	get_state_synchronize_rcu_full(&cookie);
	unregister_perns_device(CLONE_NEWUTS, &d1);
	KUNIT_EXPECT_TRUE(test, poll_state_synchronize_rcu_full(&cookie));
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, perns_device_lookup(MKDEV(4095, 100)));
	rcu_read_unlock();

	/* So does a registration that fails once in the index. */
	pt.fail_name = "+d";
	get_state_synchronize_rcu_full(&cookie);
	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &d5),
			-ENOSPC);
	KUNIT_EXPECT_TRUE(test, poll_state_synchronize_rcu_full(&cookie));
	pt.fail_name = NULL;
	KUNIT_EXPECT_FALSE(test, perns_ops_registered(&d5));
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, perns_device_lookup(MKDEV(4095, 120)));
	rcu_read_unlock();
}

/* The exit of a dead namespace runs, whatever was created from it. */
static void perns_test_dead_ns_exits(struct kunit *test)
{
	struct uts_namespace *ns, *next;
	int i, before, after;

	flush_workqueue(perns_wq);
	before = pt_count(&perns_types[PERNS_UTS].namespaces);

	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	for (i = 0; i < 100; i++) {
		next = copy_utsname(CLONE_NEWUTS, &init_user_ns, ns);
		KUNIT_ASSERT_FALSE(test, IS_ERR(next));
		put_uts_ns(ns);
		ns = next;
	}
	flush_workqueue(perns_wq);
	after = pt_count(&perns_types[PERNS_UTS].namespaces);
	/* Only the last one is left. */
	KUNIT_EXPECT_EQ(test, after, before + 1);
	put_uts_ns(ns);
	flush_workqueue(perns_wq);
}

/*
 * The two tests below park or watch the exit work. Their ops are static so
 * that pt_test_exit() can unregister whatever an aborted test left behind,
 * and it completes pt_go first, so that a parked exit work always resumes.
 * They assume that no other dead namespace owning a context is queued for
 * the exit work meanwhile, which holds at boot, where they run.
 */
static struct perns_ns *pt_watch;
static DECLARE_COMPLETION(pt_exited);
static DECLARE_COMPLETION(pt_held);
static DECLARE_COMPLETION(pt_go);

static void pt_exit_watch(struct perns_ns *pns)
{
	if (pns == READ_ONCE(pt_watch))
		complete(&pt_exited);
}

/* Holds the exit work in the release of the context marked 1. */
static void pt_ctx_exit_hold(struct perns_context *ctx)
{
	if (*(int *)perns_context_priv(ctx) == 1) {
		complete(&pt_held);
		wait_for_completion(&pt_go);
	}
	pt.ctx_exits++;
}

static struct perns_operations pt_watch_subsys = { .exit = pt_exit_watch };
static struct perns_operations pt_priv_dev = {
	.name = "pt", .flags = PERNS_CTX_PRIVATE,
	.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
	.ctx_exit = pt_ctx_exit,
};

static struct perns_operations pt_hold_dev = {
	.name = "pt", .flags = PERNS_CTX_PRIVATE,
	.ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
	.ctx_exit = pt_ctx_exit_hold,
};

/* perns_test_quick_exit()'s, static for pt_parked_cleanup(). */
static struct perns_operations pt_qe_init = { .init = pt_init_a };
static struct perns_operations pt_qe_exit = { .init = pt_init_b,
					      .exit = pt_exit_b };
static struct perns_operations pt_qe_dev = {
	.name = "pt", .ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
	.ctx_exit = pt_ctx_exit, .unshare = pt_unshare,
};

static void pt_parked_cleanup(void)
{
	complete_all(&pt_go);
	if (perns_ops_registered(&pt_qe_dev))
		unregister_perns_device(CLONE_NEWUTS, &pt_qe_dev);
	if (perns_ops_registered(&pt_qe_exit))
		unregister_perns_subsys(CLONE_NEWUTS, &pt_qe_exit);
	if (perns_ops_registered(&pt_qe_init))
		unregister_perns_subsys(CLONE_NEWUTS, &pt_qe_init);
	WRITE_ONCE(pt_watch, NULL);
	if (perns_ops_registered(&pt_priv_dev))
		unregister_perns_device(CLONE_NEWUTS, &pt_priv_dev);
	if (perns_ops_registered(&pt_hold_dev))
		unregister_perns_device(CLONE_NEWUTS, &pt_hold_dev);
	if (perns_ops_registered(&pt_watch_subsys))
		unregister_perns_subsys(CLONE_NEWUTS, &pt_watch_subsys);
}

/*
 * A dead namespace that owns no context is torn down without perns_mutex;
 * one that owns a context waits for it, with its table and context intact.
 */
static void perns_test_exit_unlocked(struct kunit *test)
{
	struct pt_fixture *f = test->priv;
	struct perns_ns *pns;
	unsigned long left;
	bool intact;

	reinit_completion(&pt_exited);
	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS,
						    &pt_watch_subsys), 0);

	WRITE_ONCE(pt_watch, pt_pns(f, 0));
	mutex_lock(&perns_mutex);
	put_uts_ns(f->ns[0]);
	f->ns[0] = NULL;
	left = wait_for_completion_timeout(&pt_exited, 30 * HZ);
	mutex_unlock(&perns_mutex);
	KUNIT_EXPECT_GT(test, left, 0);

	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_priv_dev), 0);
	pns = pt_pns(f, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&pns->nr_owned), 1);
	reinit_completion(&pt_exited);
	WRITE_ONCE(pt_watch, pns);
	mutex_lock(&perns_mutex);
	put_uts_ns(f->ns[1]);
	f->ns[1] = NULL;
	left = wait_for_completion_timeout(&pt_exited, HZ / 10);
	/* Its exit cannot have got past the mutex: @pns is still there. */
	intact = rcu_access_pointer(pns->table) && !list_empty(&pns->owned) &&
		 atomic_read(&pns->nr_owned) == 1;
	mutex_unlock(&perns_mutex);
	KUNIT_EXPECT_EQ(test, left, 0);
	KUNIT_EXPECT_TRUE(test, intact);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&pt_exited, 30 * HZ), 0);

	pt_parked_cleanup();
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* A device that registers gives no context to a dying namespace. */
static void perns_test_dying_no_context(struct kunit *test)
{
	struct pt_fixture *f = test->priv;
	struct perns_ns *dying = pt_pns(f, 1);
	struct perns_context *ctx;

	reinit_completion(&pt_held);
	reinit_completion(&pt_go);
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_hold_dev), 0);
	*(int *)perns_context_priv(pt_ctx(&pt_hold_dev, f->ns[0])) = 1;
	put_uts_ns(f->ns[0]);
	f->ns[0] = NULL;
	/* The exit work is parked in ns[0]'s: ns[1] is dead, still listed. */
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&pt_held, 30 * HZ), 0);
	put_uts_ns(f->ns[1]);
	f->ns[1] = NULL;

	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_priv_dev), 0);
	rcu_read_lock();
	ctx = perns_lookup(&pt_priv_dev, dying);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, ctx, pt_priv_dev.base);
	/* A living one did get a context of its own. */
	KUNIT_EXPECT_PTR_NE(test, pt_ctx(&pt_priv_dev, f->ns[2]),
			    pt_priv_dev.base);

	complete(&pt_go);
	flush_workqueue(perns_wq);
	pt_parked_cleanup();
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/*
 * With nothing registered for a type, its namespaces get no perns state;
 * a registration gives it to the live ones, sharing the initial
 * namespace's table, and runs its init for them. The counts assume that
 * nothing else creates or frees UTS namespaces meanwhile, as at boot.
 */
static void perns_test_untracked(struct kunit *test)
{
	struct perns_operations ops = { .init = pt_init_a, .exit = pt_exit_a };
	struct perns_type *type = &perns_types[PERNS_UTS];
	struct uts_namespace *ns, *dead;
	int untracked, tracked;

	unregister_perns_subsys(CLONE_NEWUTS, &pt_anchor);
	if (READ_ONCE(type->tracking))
		kunit_skip(test, "something else is registered for uts");
	untracked = pt_count(&type->untracked);

	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_EXPECT_NULL(test, ns->ns.perns);
	KUNIT_EXPECT_EQ(test, pt_count(&type->untracked), untracked + 1);
	dead = copy_utsname(CLONE_NEWUTS, &init_user_ns, ns);
	KUNIT_EXPECT_FALSE(test, IS_ERR(dead));
	if (!IS_ERR(dead)) {
		KUNIT_EXPECT_EQ(test, pt_count(&type->untracked), untracked + 2);
		put_uts_ns(dead);
		KUNIT_EXPECT_EQ(test, pt_count(&type->untracked), untracked + 1);
	}

	tracked = pt_count(&type->namespaces);
	if (register_perns_subsys(CLONE_NEWUTS, &ops)) {
		put_uts_ns(ns);
		KUNIT_FAIL(test, "registration failed");
		return;
	}
	KUNIT_EXPECT_TRUE(test, READ_ONCE(type->tracking));
	KUNIT_EXPECT_EQ(test, pt_count(&type->untracked), 0);
	KUNIT_EXPECT_EQ(test, pt_count(&type->namespaces), tracked + untracked + 1);
	KUNIT_EXPECT_EQ(test, pt.inits, tracked + untracked + 1);
	KUNIT_EXPECT_NOT_NULL(test, ns->ns.perns);
	if (ns->ns.perns) {
		KUNIT_EXPECT_PTR_EQ(test, ns->ns.perns->ns, &ns->ns);
		KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ns->ns.perns->table),
				    rcu_access_pointer(type->initial->table));
	}

	put_uts_ns(ns);
	flush_workqueue(perns_wq);
	unregister_perns_subsys(CLONE_NEWUTS, &ops);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(type->tracking));
	KUNIT_EXPECT_EQ(test, pt.exits, pt.inits);

	/* A private-by-default device gives one the context it owns. */
	ns = copy_utsname(CLONE_NEWUTS, &init_user_ns, &init_uts_ns);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ns));
	KUNIT_EXPECT_NULL(test, ns->ns.perns);
	KUNIT_EXPECT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_priv_dev), 0);
	if (ns->ns.perns && perns_ops_registered(&pt_priv_dev)) {
		struct perns_context *ctx = pt_ctx(&pt_priv_dev, ns);

		KUNIT_EXPECT_PTR_NE(test, ctx, pt_priv_dev.base);
		KUNIT_EXPECT_PTR_EQ(test, ctx->owner, ns->ns.perns);
	}
	KUNIT_EXPECT_NOT_NULL(test, ns->ns.perns);
	put_uts_ns(ns);
	flush_workqueue(perns_wq);
	if (perns_ops_registered(&pt_priv_dev))
		unregister_perns_device(CLONE_NEWUTS, &pt_priv_dev);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(type->tracking));
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
}

/* The references to @ns' table. */
static unsigned int pt_table_refs(struct uts_namespace *ns)
{
	struct perns_table *t = rcu_access_pointer(ns->ns.perns->table);

	return refcount_read(&t->refs);
}

/*
 * Frees @ns while the exit work cannot run (it takes the rwsem for
 * reading), as if a registration was walking the namespaces if @walking.
 * Returns how many namespaces are still listed then, and the exits run.
 */
static int pt_put_blocked(struct uts_namespace *ns, bool walking, int *exits)
{
	struct perns_type *type = &perns_types[PERNS_UTS];
	int n;

	if (walking)
		perns_type_write_lock(type);
	else
		down_write(&type->rwsem);
	put_uts_ns(ns);
	n = pt_count(&type->namespaces);
	*exits = pt.exits;
	if (walking)
		perns_type_write_unlock(type);
	else
		up_write(&type->rwsem);
	return n;
}

/*
 * A dead namespace with nothing to run is freed by its free path, without
 * the exit work. Each other case differs from it by one condition, and
 * waits for the exit work: a registration walking the namespaces, an exit
 * method registered, a context of its own, the last table reference.
 */
static void perns_test_quick_exit(struct kunit *test)
{
	struct perns_type *type = &perns_types[PERNS_UTS];
	struct pt_fixture *f = test->priv;
	struct uts_namespace *child;
	int listed, exits;

	KUNIT_ASSERT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &pt_qe_init), 0);
	if (!READ_ONCE(type->quick_exit) || type->nr_private)
		kunit_skip(test, "an exit or a private device is registered for uts");
	flush_workqueue(perns_wq);
	listed = pt_count(&type->namespaces);

	KUNIT_EXPECT_GT(test, pt_table_refs(f->ns[0]), 1);
	KUNIT_EXPECT_EQ(test, pt_put_blocked(f->ns[0], false, &exits), listed - 1);
	f->ns[0] = NULL;
	listed--;

	/* While a registration walks the namespaces. */
	KUNIT_EXPECT_GT(test, pt_table_refs(f->ns[3]), 1);
	KUNIT_EXPECT_EQ(test, pt_put_blocked(f->ns[3], true, &exits), listed);
	f->ns[3] = NULL;
	flush_workqueue(perns_wq);
	KUNIT_EXPECT_EQ(test, pt_count(&type->namespaces), --listed);

	/* An exit method to run. */
	KUNIT_EXPECT_EQ(test, register_perns_subsys(CLONE_NEWUTS, &pt_qe_exit), 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(type->quick_exit));
	KUNIT_EXPECT_GT(test, pt_table_refs(f->ns[2]), 1);
	KUNIT_EXPECT_EQ(test, pt_put_blocked(f->ns[2], false, &exits), listed);
	f->ns[2] = NULL;
	KUNIT_EXPECT_EQ(test, exits, 0);
	flush_workqueue(perns_wq);
	KUNIT_EXPECT_EQ(test, pt_count(&type->namespaces), --listed);
	KUNIT_EXPECT_EQ(test, pt.exits, 1);
	if (perns_ops_registered(&pt_qe_exit))
		unregister_perns_subsys(CLONE_NEWUTS, &pt_qe_exit);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(type->quick_exit));

	/* A context of its own, its table shared with a child. */
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_qe_dev), 0);
	KUNIT_ASSERT_EQ(test, perns_change_context(pt_qe_dev.base, &f->ns[1]->ns,
						   SETDEVNS_UNSHARE), 0);
	child = copy_utsname(CLONE_NEWUTS, &init_user_ns, f->ns[1]);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	listed++;
	KUNIT_EXPECT_EQ(test, atomic_read(&pt_pns(f, 1)->nr_owned), 1);
	KUNIT_EXPECT_EQ(test, pt_table_refs(f->ns[1]), 2);
	KUNIT_EXPECT_EQ(test, pt_put_blocked(f->ns[1], false, &exits), listed);
	f->ns[1] = NULL;
	flush_workqueue(perns_wq);
	KUNIT_EXPECT_EQ(test, pt_count(&type->namespaces), --listed);

	/* The child now holds the table alone: dropping it releases a context. */
	KUNIT_EXPECT_EQ(test, atomic_read(&child->ns.perns->nr_owned), 0);
	KUNIT_EXPECT_EQ(test, pt_table_refs(child), 1);
	KUNIT_EXPECT_EQ(test, pt_put_blocked(child, false, &exits), listed);
	flush_workqueue(perns_wq);
	KUNIT_EXPECT_EQ(test, pt_count(&type->namespaces), --listed);
	unregister_perns_device(CLONE_NEWUTS, &pt_qe_dev);
	KUNIT_EXPECT_EQ(test, pt.ctx_exits, pt.ctx_inits);
	unregister_perns_subsys(CLONE_NEWUTS, &pt_qe_init);
}

/* A device registers again only once its unregistration returned. */
static struct perns_operations pt_again;
static int pt_again_err;

static void pt_again_ctx_exit(struct perns_context *ctx)
{
	pt_ctx_exit(ctx);
	/* Called by unregister_perns_device() for the base context. */
	pt_again_err = register_perns_device(CLONE_NEWUTS, &pt_again);
}

static void perns_test_register_while_unregistering(struct kunit *test)
{
	pt_again = (struct perns_operations) {
		.name = "pt", .ctx_size = sizeof(int), .ctx_init = pt_ctx_init,
		.ctx_exit = pt_again_ctx_exit,
	};
	pt_again_err = 1;
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_again), 0);
	unregister_perns_device(CLONE_NEWUTS, &pt_again);
	pt_again.ctx_exit = pt_ctx_exit;
	/* A registration that got through would outlive the test: undo it. */
	if (!pt_again_err)
		unregister_perns_device(CLONE_NEWUTS, &pt_again);
	KUNIT_EXPECT_EQ(test, pt_again_err, -EBUSY);
	KUNIT_ASSERT_EQ(test, register_perns_device(CLONE_NEWUTS, &pt_again), 0);
	unregister_perns_device(CLONE_NEWUTS, &pt_again);
}

static struct kunit_case perns_test_cases[] = {
	KUNIT_CASE(perns_test_register_walks),
	KUNIT_CASE(perns_test_register_rollback),
	KUNIT_CASE(perns_test_ordering),
	KUNIT_CASE(perns_test_create_fails),
	KUNIT_CASE(perns_test_generic),
	KUNIT_CASE(perns_test_contexts),
	KUNIT_CASE(perns_test_private),
	KUNIT_CASE(perns_test_shared_is_free),
	KUNIT_CASE(perns_test_bad_input),
	KUNIT_CASE(perns_test_order_private),
	KUNIT_CASE(perns_test_complete_ns),
	KUNIT_CASE(perns_test_slot_reuse),
	KUNIT_CASE(perns_test_table_len),
	KUNIT_CASE(perns_test_type_lacking),
	KUNIT_CASE(perns_test_devt_overlap),
	KUNIT_CASE(perns_test_dead_ns_exits),
	KUNIT_CASE(perns_test_exit_unlocked),
	KUNIT_CASE(perns_test_dying_no_context),
	KUNIT_CASE(perns_test_untracked),
	KUNIT_CASE(perns_test_quick_exit),
	KUNIT_CASE(perns_test_register_while_unregistering),
	{}
};

static struct kunit_suite perns_test_suite = {
	.name = "perns",
	.init = pt_test_init,
	.exit = pt_test_exit,
	.test_cases = perns_test_cases,
};

kunit_test_suite(perns_test_suite);
