// SPDX-License-Identifier: GPL-2.0
/*
 * vinput: an input handler whose nodes speak the evdev ABI, with one seat
 * per pid namespace and one foreground seat per input device: the "stop
 * light" multiplexer of input devices for containers.
 *
 * Model
 *
 * vinput binds to every input device, as evdev does, and gives each a
 * character device, /dev/input/vinputN, registered as a perns device of
 * the pid namespace type. A perns context of that device is a seat
 * (struct vinput_seat): the clients bound to it, its grab, and the state
 * its clients last saw. Every pid namespace uses the initial seat, owned
 * by the initial pid namespace, until setdevns() changes it: UNSHARE gives
 * a namespace a new seat, in the background; SHARE makes it use another
 * namespace's seat; MIGRATE moves a seat, clients and foreground status
 * with it, to another namespace. A file stays bound to the seat of its
 * opener's pid namespace at open(), wherever it is passed afterwards.
 * The namespace that a MIGRATE takes a seat from falls back to the initial
 * seat, the host's, so MIGRATE out of a namespace needs CAP_SYS_ADMIN in
 * the initial user namespace (see vinput_migrate()).
 *
 * Exactly one seat of each device is the foreground: the device's events
 * go to its clients (to its grabbing client if there is one) and to no
 * other seat's. The initial seat is the foreground until someone with
 * CAP_SYS_ADMIN in the initial user namespace makes another seat the
 * foreground with VINPUT_SET_FOREGROUND on a file of it; when the
 * foreground seat goes away, the initial seat takes over. The switch (see
 * seat.c) releases what the old seat's clients saw held and tells the new
 * seat's clients to resynchronise with SYN_DROPPED. State queries
 * (EVIOCGKEY, EVIOCGABS, ...) of a background seat return the state its
 * clients last saw, never the live device's, so a background seat learns
 * nothing of what is typed in front.
 *
 * What changes the device for everybody is restricted. write(), EVIOCSREP
 * and EVIOCSFF inject into or program the input device itself, which
 * every handler sees (sysrq, the console, the host's evdev readers): in
 * the initial seat they follow evdev (the file's permissions); in any
 * other seat they need a file opened with CAP_SYS_ADMIN in the initial
 * user namespace (EPERM); and in the background they fail with EBUSY.
 * EVIOCSKEYCODE, EVIOCSKEYCODE_V2 and EVIOCSABS change the device's
 * configuration for every seat and need the initial seat and a caller
 * with CAP_SYS_ADMIN in the initial user namespace (EPERM otherwise):
 * the initial seat alone proves nothing, every namespace without a seat
 * of its own uses it.
 *
 * Grabs are per seat: EVIOCGRAB gives a client its seat's events but does
 * not grab the input device, whose other handlers (evdev, the console)
 * still get every event; a grab through evdev silences every seat.
 *
 * Why the pid namespace: a seat belongs to a container, and the pid
 * namespace is the one namespace every container runtime creates and
 * every process of the container shares (a nested pid namespace uses its
 * parent's seat when it is created; a later setdevns() on the parent does
 * not follow to it). The user namespace would let an
 * unprivileged user make itself a namespace, and containers that share
 * the host's user namespace would share its seat.
 *
 * Locking
 *
 *  - vinput_device.mutex serialises the device's exist and open count,
 *    the grabs of its seats and foreground switches. It is never held
 *    while calling into perns; the migrate op takes it under perns_mutex.
 *  - The input device's event_lock (a spinlock taken with interrupts off;
 *    the input core holds it around vinput_events()) protects
 *    vinput_device.fg and the background state of every seat, so a switch
 *    is atomic with respect to the events.
 *  - vinput_seat.client_lock protects additions to and removals from the
 *    seat's client list, read under RCU by the event path; a client's
 *    buffer_lock nests inside event_lock.
 *  - vinput_device.seats_lock protects the list of seats; a seat's
 *    client_lock nests inside it.
 *  - perns calls ctx_init, unshare and migrate under perns_mutex, and
 *    ctx_exit possibly under the pid type's rwsem: they take spinlocks
 *    only, but for migrate, which takes vinput_device.mutex. connect()
 *    and disconnect() run under input_mutex and call
 *    register_perns_device() and unregister_perns_device(): input_mutex
 *    nests outside perns_mutex, which nests outside vinput_device.mutex,
 *    and vinput takes input_mutex nowhere else.
 *
 * Lifetimes
 *
 *  - A vinput_device lives from connect() until the input device is gone
 *    and the last file is closed (vinput_device.refs). Its last reference
 *    unregisters the perns device, which then has no file left and waits
 *    for nothing, frees the minor and drops the struct device.
 *  - A seat lives from ctx_init or unshare to ctx_exit, which perns calls
 *    once no namespace uses it and no file is bound to it. The memory is
 *    freed by perns after a grace period, so the event path may still
 *    look at a seat that ctx_exit unlinked under event_lock.
 *  - A client lives from open() to release(); it is found from its file
 *    through a hash table, because perns keeps the context in the file's
 *    private_data.
 *  - Open files hold a reference to the module (vinput_fops.owner), so it
 *    cannot be unloaded while one is open. Module exit unregisters the
 *    handler, which disconnects every device.
 */

#include <linux/init.h>
#include <linux/input/mt.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/module.h>
#include <linux/perns.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "vinput.h"

static DEFINE_IDA(vinput_ida);

/* Perns operations */

/* The initial seat, of the initial pid namespace: the first foreground. */
static int vinput_ctx_init(struct perns_context *ctx, struct perns_ns *pns)
{
	struct vinput_device *vdev = vinput_ops_device(ctx->ops);
	struct vinput_seat *seat = perns_context_priv(ctx);
	unsigned long flags;

	vinput_seat_init(seat, vdev);
	spin_lock_irqsave(&vdev->handle.dev->event_lock, flags);
	vdev->base = seat;
	vdev->fg = seat;
	spin_unlock_irqrestore(&vdev->handle.dev->event_lock, flags);
	return 0;
}

/* A new seat starts in the background, with nothing held. */
static int vinput_unshare(struct perns_context *ctx,
			  const struct perns_context *src)
{
	struct vinput_device *vdev = vinput_ops_device(ctx->ops);

	/* Nothing to give a seat of once the input device is gone. */
	if (!READ_ONCE(vdev->exist))
		return -ENODEV;
	vinput_seat_init(perns_context_priv(ctx), vdev);
	return 0;
}

/*
 * The seat moves with its clients, grab, state and foreground status.
 *
 * A namespace that loses its seat falls back to the device's base
 * context, the initial seat, which is the host's: a container root could
 * otherwise move its own seat to a child pid namespace and be left on
 * the host's seat, reading the host's input whenever the host is in
 * front. So a migration out of a namespace (@from, living or dying, not
 * @to) needs CAP_SYS_ADMIN in the initial user namespace. setdevns()
 * requires the same of every such migration; the seat checks it anyway,
 * as the host's seat is what is at stake here.
 *
 * Moving the foreground seat hands the device's input to another
 * namespace, which only the host may decide (as VINPUT_SET_FOREGROUND).
 * That check is made under vdev->mutex, which serialises foreground
 * switches; perns calls this under perns_mutex, and vinput never calls
 * into perns with vdev->mutex held (vinput_open(), vinput_release() and
 * vinput_device_put() take it and drop it first), so perns_mutex nests
 * outside vdev->mutex. A seat of a device that is gone stays where it is.
 */
static int vinput_migrate(struct perns_context *ctx, struct perns_ns *from,
			  struct perns_ns *to)
{
	struct vinput_seat *seat = perns_context_priv(ctx);
	struct vinput_device *vdev = seat->vdev;
	bool admin = ns_capable(&init_user_ns, CAP_SYS_ADMIN);
	int err = 0;

	mutex_lock(&vdev->mutex);
	if (!vdev->exist)
		err = -ENODEV;
	else if (from && from != to && !admin)
		err = -EPERM;
	else if (vinput_seat_is_fg(seat) && !admin)
		err = -EPERM;
	mutex_unlock(&vdev->mutex);
	return err;
}

static void vinput_ctx_exit(struct perns_context *ctx)
{
	vinput_seat_exit(perns_context_priv(ctx));
}

/* The file operations */

static void vinput_show_fdinfo(struct seq_file *m, struct file *file)
{
	perns_file_show_fdinfo(m, file);
	seq_printf(m, "vinput_foreground:\t%d\n",
		   vinput_seat_is_fg(vinput_file_seat(file)));
}

const struct file_operations vinput_fops = {
	.owner		= THIS_MODULE,
	.read		= vinput_read,
	.write		= vinput_write,
	.poll		= vinput_poll,
	.open		= vinput_open,
	.release	= vinput_release,
	.unlocked_ioctl	= vinput_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= vinput_compat_ioctl,
#endif
	.fasync		= vinput_fasync,
	.show_fdinfo	= vinput_show_fdinfo,
};

/* Devices */

static void vinput_free(struct device *dev)
{
	struct vinput_device *vdev = container_of(dev, struct vinput_device,
						  dev);

	input_put_device(vdev->handle.dev);
	kfree(vdev);
}

/**
 * vinput_device_put() - drop a reference to a vinput device
 * @vdev: the device
 *
 * The last reference, once the input device is gone and no file is open,
 * unregisters the perns device, frees the minor and the name, and drops
 * the struct device.
 *
 * Context: process context; may sleep. Takes perns_mutex on the last
 * reference, so the caller must hold no vinput lock.
 */
void vinput_device_put(struct vinput_device *vdev)
{
	if (!refcount_dec_and_test(&vdev->refs))
		return;
	unregister_perns_device(CLONE_NEWPID, &vdev->pops);
	input_free_minor(MINOR(vdev->dev.devt));
	ida_free(&vinput_ida, vdev->num);
	put_device(&vdev->dev);
}

/* Seat storage: the background values of every axis and slot. */
static size_t vinput_seat_size(struct input_dev *dev)
{
	size_t n = 0;

	if (dev->absinfo)
		n = ABS_CNT + (dev->mt ? dev->mt->num_slots : 0) * VINPUT_MT_VALUES;
	return struct_size_t(struct vinput_seat, data, n);
}

/* Called under input_mutex, serialised with disconnect by the input core. */
static int vinput_connect(struct input_handler *handler, struct input_dev *dev,
			  const struct input_device_id *id)
{
	struct vinput_device *vdev;
	int minor, error;

	minor = input_get_new_minor(-1, 0, true);
	if (minor < 0)
		return minor;

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev) {
		error = -ENOMEM;
		goto err_free_minor;
	}
	vdev->num = ida_alloc(&vinput_ida, GFP_KERNEL);
	if (vdev->num < 0) {
		error = vdev->num;
		kfree(vdev);
		goto err_free_minor;
	}
	mutex_init(&vdev->mutex);
	spin_lock_init(&vdev->seats_lock);
	INIT_LIST_HEAD(&vdev->seats);
	refcount_set(&vdev->refs, 1);
	vdev->exist = true;
	vdev->nr_slots = dev->absinfo && dev->mt ? dev->mt->num_slots : 0;

	dev_set_name(&vdev->dev, "vinput%d", vdev->num);
	vdev->handle.dev = input_get_device(dev);
	vdev->handle.name = dev_name(&vdev->dev);
	vdev->handle.handler = handler;
	vdev->handle.private = vdev;

	vdev->dev.devt = MKDEV(INPUT_MAJOR, minor);
	vdev->dev.class = &input_class;
	vdev->dev.parent = &dev->dev;
	vdev->dev.release = vinput_free;
	device_initialize(&vdev->dev);

	vdev->pops.name = dev_name(&vdev->dev);
	vdev->pops.devt = vdev->dev.devt;
	vdev->pops.count = 1;
	vdev->pops.fops = &vinput_fops;
	vdev->pops.ctx_size = vinput_seat_size(dev);
	vdev->pops.ctx_init = vinput_ctx_init;
	vdev->pops.ctx_exit = vinput_ctx_exit;
	vdev->pops.unshare = vinput_unshare;
	vdev->pops.migrate = vinput_migrate;

	error = input_register_handle(&vdev->handle);
	if (error)
		goto err_put;

	error = register_perns_device(CLONE_NEWPID, &vdev->pops);
	if (error)
		goto err_unregister_handle;

	cdev_init(&vdev->cdev, &vinput_fops);
	error = cdev_device_add(&vdev->cdev, &vdev->dev);
	if (error)
		goto err_unregister_perns;
	return 0;

err_unregister_perns:
	unregister_perns_device(CLONE_NEWPID, &vdev->pops);
err_unregister_handle:
	input_unregister_handle(&vdev->handle);
err_put:
	ida_free(&vinput_ida, vdev->num);
	put_device(&vdev->dev);
err_free_minor:
	input_free_minor(minor);
	return error;
}

static void vinput_disconnect(struct input_handle *handle)
{
	struct vinput_device *vdev = handle->private;

	cdev_device_del(&vdev->cdev, &vdev->dev);

	mutex_lock(&vdev->mutex);
	WRITE_ONCE(vdev->exist, false);
	mutex_unlock(&vdev->mutex);

	/* Readers and pollers wake up to ENODEV and EPOLLHUP. */
	vinput_seat_hangup(vdev);

	/* Nobody changes ->open any longer: exist is false. */
	if (vdev->open) {
		input_flush_device(handle, NULL);
		input_close_device(handle);
	}
	input_unregister_handle(handle);
	vinput_device_put(vdev);
}

static const struct input_device_id vinput_ids[] = {
	{ .driver_info = 1 },	/* every device */
	{ },
};

static struct input_handler vinput_handler = {
	.events		= vinput_events,
	.connect	= vinput_connect,
	.disconnect	= vinput_disconnect,
	.name		= "vinput",
	.id_table	= vinput_ids,
};

static int __init vinput_init(void)
{
	int err;

	err = vinput_clients_init();
	if (err)
		return err;
	err = input_register_handler(&vinput_handler);
	if (err)
		vinput_clients_exit();
	return err;
}
module_init(vinput_init);

static void __exit vinput_exit(void)
{
	input_unregister_handler(&vinput_handler);
	vinput_clients_exit();
}
module_exit(vinput_exit);

MODULE_DESCRIPTION("Per-namespace input seats with an evdev interface");
MODULE_LICENSE("GPL");
