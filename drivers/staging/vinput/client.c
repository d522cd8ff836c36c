// SPDX-License-Identifier: GPL-2.0
/*
 * vinput clients: the event buffers of open files, open, read, write,
 * poll and the event path, after drivers/input/evdev.c.
 *
 * A client belongs to the seat its file was bound to at open(). The event
 * path (vinput_events(), under the input device's event_lock) hands the
 * events to the foreground seat's grabbing client, or to all its clients;
 * a background seat's clients get nothing, so their reads block or fail
 * with EAGAIN and their polls time out.
 *
 * Locking: a client's buffer_lock protects its buffer and masks and nests
 * inside event_lock; the seat's client list is written under its
 * client_lock and read under RCU, a client is freed after a grace period
 * (release() waits for it, as evdev does). The clients hash table maps a
 * file to its client: perns keeps the file's seat in private_data. Lookups
 * need no lock, since a client lives as long as its file.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/input.h>
#include <linux/poll.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "../../input/input-compat.h"
#include "vinput.h"

#define VINPUT_MIN_BUFFER_SIZE	64U
#define VINPUT_BUF_PACKETS	8

static struct rhashtable vinput_clients;

static const struct rhashtable_params vinput_client_params = {
	.key_len		= sizeof(struct file *),
	.key_offset		= offsetof(struct vinput_client, file),
	.head_offset		= offsetof(struct vinput_client, hnode),
	.automatic_shrinking	= true,
};

/**
 * vinput_file_client() - the client of an open vinput file
 * @file: the file, open
 *
 * Context: any; takes no lock.
 * Return: the client, valid as long as @file is open.
 */
struct vinput_client *vinput_file_client(struct file *file)
{
	return rhashtable_lookup_fast(&vinput_clients, &file,
				      vinput_client_params);
}

int vinput_clients_init(void)
{
	return rhashtable_init(&vinput_clients, &vinput_client_params);
}

void vinput_clients_exit(void)
{
	rhashtable_destroy(&vinput_clients);
}

static size_t vinput_get_mask_cnt(unsigned int type)
{
	static const size_t counts[EV_CNT] = {
		/* EV_SYN==0 is EV_CNT, _not_ SYN_CNT, see EVIOCGBIT */
		[EV_SYN]	= EV_CNT,
		[EV_KEY]	= KEY_CNT,
		[EV_REL]	= REL_CNT,
		[EV_ABS]	= ABS_CNT,
		[EV_MSC]	= MSC_CNT,
		[EV_SW]		= SW_CNT,
		[EV_LED]	= LED_CNT,
		[EV_SND]	= SND_CNT,
		[EV_FF]		= FF_CNT,
	};
	unsigned long mask = array_index_mask_nospec(type, EV_CNT);

	return counts[type & mask] & mask;
}

/* The count of codes of @type for masks; 0 for an unknown type. */
size_t vinput_mask_cnt(unsigned int type)
{
	return vinput_get_mask_cnt(type);
}

/* Requires the buffer lock. */
static bool vinput_is_filtered(struct vinput_client *client,
			       unsigned int type, unsigned int code)
{
	unsigned long *mask;
	size_t cnt;

	/* EV_SYN and unknown codes are never filtered */
	if (type == EV_SYN || type >= EV_CNT)
		return false;

	mask = client->evmasks[0];
	if (mask && !test_bit(type, mask))
		return true;

	cnt = vinput_get_mask_cnt(type);
	if (!cnt || code >= cnt)
		return false;

	mask = client->evmasks[type];
	return mask && !test_bit(code, mask);
}

/**
 * vinput_flush_queue() - drop the queued events of a type
 * @client: the client, whose buffer_lock the caller holds
 * @type: the type, not EV_SYN
 *
 * Used when the state of @type is handed over by an EVIOCG* query, so that
 * the client does not see it twice.
 */
void vinput_flush_queue(struct vinput_client *client, unsigned int type)
{
	unsigned int i, head, num;
	unsigned int mask = client->bufsize - 1;
	bool is_report;
	struct input_event *ev;

	head = client->tail;
	client->packet_head = client->tail;

	/* init to 1 so a leading SYN_REPORT will not be dropped */
	num = 1;

	for (i = client->tail; i != client->head; i = (i + 1) & mask) {
		ev = &client->buffer[i];
		is_report = ev->type == EV_SYN && ev->code == SYN_REPORT;

		/* drop the type's events, and the packets they emptied */
		if (ev->type == type || (is_report && !num))
			continue;
		if (head != i)
			client->buffer[head] = *ev;

		num++;
		head = (head + 1) & mask;

		if (is_report) {
			num = 0;
			client->packet_head = head;
		}
	}

	client->head = head;
}

static void vinput_put_syn(struct vinput_client *client, unsigned int code,
			   const struct timespec64 *ts)
{
	struct input_event ev = {
		.input_event_sec = ts->tv_sec,
		.input_event_usec = ts->tv_nsec / NSEC_PER_USEC,
		.type = EV_SYN,
		.code = code,
	};

	client->buffer[client->head++] = ev;
	client->head &= client->bufsize - 1;

	if (unlikely(client->head == client->tail)) {
		/* drop the queue but keep this event */
		client->tail = (client->head - 1) & (client->bufsize - 1);
		client->packet_head = client->tail;
	}
}

/* Queues SYN_DROPPED, and SYN_REPORT if @report. Under the buffer_lock. */
static void __vinput_queue_syn_dropped(struct vinput_client *client,
				       bool report, const ktime_t *ts)
{
	struct timespec64 t = ktime_to_timespec64(ts[client->clk_type]);

	lockdep_assert_held(&client->buffer_lock);
	vinput_put_syn(client, SYN_DROPPED, &t);
	if (report) {
		vinput_put_syn(client, SYN_REPORT, &t);
		client->packet_head = client->head;
	}
}

/**
 * vinput_queue_syn_dropped() - tell a client that it missed events
 * @client: the client
 * @report: also end the packet with SYN_REPORT and wake the client up, so
 *	that it may read SYN_DROPPED and resynchronise right away
 * @ts: the event's time on every input clock, see vinput_now()
 *
 * Context: any; takes the client's buffer_lock.
 */
void vinput_queue_syn_dropped(struct vinput_client *client, bool report,
			      const ktime_t *ts)
{
	unsigned long flags;

	spin_lock_irqsave(&client->buffer_lock, flags);
	__vinput_queue_syn_dropped(client, report, ts);
	spin_unlock_irqrestore(&client->buffer_lock, flags);

	if (report) {
		kill_fasync(&client->fasync, SIGIO, POLL_IN);
		wake_up_interruptible_poll(&client->wait,
					   EPOLLIN | EPOLLOUT |
					   EPOLLRDNORM | EPOLLWRNORM);
	}
}

/**
 * vinput_set_clock() - change the clock of a client's timestamps
 * @client: the client
 * @clk_type: the new clock
 *
 * What is queued was stamped on the old clock: it is dropped, and if
 * there was anything, SYN_DROPPED is queued in the same hold of the
 * buffer_lock, so that no event slips in between (as evdev does).
 *
 * Context: any; takes the client's buffer_lock.
 */
void vinput_set_clock(struct vinput_client *client,
		      enum input_clock_type clk_type)
{
	ktime_t ts[INPUT_CLK_MAX];
	unsigned long flags;

	vinput_now(ts);
	spin_lock_irqsave(&client->buffer_lock, flags);
	if (client->clk_type != clk_type) {
		client->clk_type = clk_type;
		if (client->head != client->tail) {
			client->packet_head = client->tail;
			client->head = client->tail;
			__vinput_queue_syn_dropped(client, false, ts);
		}
	}
	spin_unlock_irqrestore(&client->buffer_lock, flags);
}

static void vinput_pass_event(struct vinput_client *client,
			      const struct input_event *event)
{
	client->buffer[client->head++] = *event;
	client->head &= client->bufsize - 1;

	if (unlikely(client->head == client->tail)) {
		struct input_event ev = {
			.input_event_sec = event->input_event_sec,
			.input_event_usec = event->input_event_usec,
			.type = EV_SYN,
			.code = SYN_DROPPED,
		};

		/* Keep SYN_DROPPED and the newest event only. */
		client->tail = (client->head - 2) & (client->bufsize - 1);
		client->buffer[client->tail] = ev;
		client->packet_head = client->tail;
	}

	if (event->type == EV_SYN && event->code == SYN_REPORT) {
		client->packet_head = client->head;
		kill_fasync(&client->fasync, SIGIO, POLL_IN);
	}
}

/**
 * vinput_pass_values() - queue events for one client
 * @client: the client
 * @vals: the events
 * @count: how many
 * @ev_time: the input device's timestamps
 *
 * Context: interrupts disabled (under the input device's event_lock).
 */
void vinput_pass_values(struct vinput_client *client,
			const struct input_value *vals, unsigned int count,
			ktime_t *ev_time)
{
	const struct input_value *v;
	struct input_event event;
	struct timespec64 ts;
	bool wakeup = false;

	if (client->revoked)
		return;

	memset(&event, 0, sizeof(event));
	ts = ktime_to_timespec64(ev_time[client->clk_type]);
	event.input_event_sec = ts.tv_sec;
	event.input_event_usec = ts.tv_nsec / NSEC_PER_USEC;

	spin_lock(&client->buffer_lock);
	for (v = vals; v != vals + count; v++) {
		if (vinput_is_filtered(client, v->type, v->code))
			continue;

		if (v->type == EV_SYN && v->code == SYN_REPORT) {
			/* drop empty SYN_REPORT */
			if (client->packet_head == client->head)
				continue;
			wakeup = true;
		}

		event.type = v->type;
		event.code = v->code;
		event.value = v->value;
		vinput_pass_event(client, &event);
	}
	spin_unlock(&client->buffer_lock);

	if (wakeup)
		wake_up_interruptible_poll(&client->wait,
					   EPOLLIN | EPOLLOUT |
					   EPOLLRDNORM | EPOLLWRNORM);
}

/**
 * vinput_seat_pass() - queue events for a seat's clients
 * @seat: the seat
 * @vals: the events
 * @count: how many
 * @ev_time: the input device's timestamps
 *
 * To the grabbing client if there is one, else to every client.
 *
 * Context: under the input device's event_lock, interrupts disabled.
 */
void vinput_seat_pass(struct vinput_seat *seat,
		      const struct input_value *vals, unsigned int count,
		      ktime_t *ev_time)
{
	struct vinput_client *client;

	rcu_read_lock();
	client = rcu_dereference(seat->grab);
	if (client)
		vinput_pass_values(client, vals, count, ev_time);
	else
		list_for_each_entry_rcu(client, &seat->clients, node)
			vinput_pass_values(client, vals, count, ev_time);
	rcu_read_unlock();
}

/**
 * vinput_events() - the input handler's events method
 * @handle: vinput's handle of the input device
 * @vals: the events
 * @count: how many
 *
 * Only the foreground seat gets the events.
 *
 * Context: under the input device's event_lock, interrupts disabled.
 * Return: @count; vinput filters nothing out for other handlers.
 */
unsigned int vinput_events(struct input_handle *handle,
			   struct input_value *vals, unsigned int count)
{
	struct vinput_device *vdev = handle->private;

	lockdep_assert_held(&handle->dev->event_lock);
	if (vdev->fg)
		vinput_seat_pass(vdev->fg, vals, count,
				 input_get_timestamp(handle->dev));
	return count;
}

/**
 * vinput_grab() - grab a seat for one of its clients
 * @seat: the seat
 * @client: a client of @seat
 *
 * The seat's events go to @client only. The grab is the seat's: other
 * seats, and the input device's other handlers, are not affected.
 *
 * Context: under @seat->vdev->mutex.
 * Return: 0, or -EBUSY if the seat is grabbed.
 */
int vinput_grab(struct vinput_seat *seat, struct vinput_client *client)
{
	lockdep_assert_held(&seat->vdev->mutex);
	if (rcu_access_pointer(seat->grab))
		return -EBUSY;
	rcu_assign_pointer(seat->grab, client);
	return 0;
}

/**
 * vinput_ungrab() - release a client's grab of its seat
 * @seat: the seat
 * @client: a client of @seat
 *
 * Context: under @seat->vdev->mutex; waits for a grace period.
 * Return: 0, or -EINVAL if @client does not hold the grab.
 */
int vinput_ungrab(struct vinput_seat *seat, struct vinput_client *client)
{
	struct vinput_client *grab;

	grab = rcu_dereference_protected(seat->grab,
					 lockdep_is_held(&seat->vdev->mutex));
	if (grab != client)
		return -EINVAL;
	rcu_assign_pointer(seat->grab, NULL);
	synchronize_rcu();
	return 0;
}

/* A file's reference to the device, and the input device open. */
static int vinput_device_open(struct vinput_device *vdev)
{
	int err;

	err = mutex_lock_interruptible(&vdev->mutex);
	if (err)
		return err;
	if (!vdev->exist) {
		err = -ENODEV;
	} else if (!vdev->open++) {
		err = input_open_device(&vdev->handle);
		if (err)
			vdev->open--;
	}
	if (!err)
		refcount_inc(&vdev->refs);
	mutex_unlock(&vdev->mutex);
	return err;
}

static void vinput_device_close(struct vinput_device *vdev)
{
	mutex_lock(&vdev->mutex);
	if (vdev->exist && !--vdev->open)
		input_close_device(&vdev->handle);
	mutex_unlock(&vdev->mutex);
	vinput_device_put(vdev);
}

static unsigned int vinput_buffer_size(struct input_dev *dev)
{
	unsigned int n_events =
		max(dev->hint_events_per_packet * VINPUT_BUF_PACKETS,
		    VINPUT_MIN_BUFFER_SIZE);

	return roundup_pow_of_two(n_events);
}

/**
 * vinput_open() - open a vinput node
 * @inode: the node
 * @file: the file
 *
 * Binds @file to the seat of the opener's pid namespace.
 *
 * Context: process context.
 * Return: 0, -ENODEV if the input device is gone, -ENOMEM, or -EINTR.
 */
int vinput_open(struct inode *inode, struct file *file)
{
	struct vinput_device *vdev = container_of(inode->i_cdev,
						  struct vinput_device, cdev);
	unsigned int bufsize = vinput_buffer_size(vdev->handle.dev);
	struct vinput_client *client;
	struct vinput_seat *seat;
	int err;

	client = kvzalloc(struct_size(client, buffer, bufsize),
			  GFP_KERNEL_ACCOUNT);
	if (!client)
		return -ENOMEM;
	init_waitqueue_head(&client->wait);
	client->bufsize = bufsize;
	spin_lock_init(&client->buffer_lock);
	client->file = file;

	err = vinput_device_open(vdev);
	if (err)
		goto err_free;
	err = perns_file_open(file, &vdev->pops);
	if (err)
		goto err_close;
	seat = perns_context_priv(perns_file_context(file));
	client->seat = seat;
	err = rhashtable_insert_fast(&vinput_clients, &client->hnode,
				     vinput_client_params);
	if (err)
		goto err_release;

	spin_lock(&seat->client_lock);
	list_add_tail_rcu(&client->node, &seat->clients);
	spin_unlock(&seat->client_lock);

	stream_open(inode, file);
	return 0;

err_release:
	perns_file_release(file);
err_close:
	vinput_device_close(vdev);
err_free:
	kvfree(client);
	return err;
}

/**
 * vinput_release() - close a vinput file
 * @inode: the node
 * @file: the file
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int vinput_release(struct inode *inode, struct file *file)
{
	struct vinput_client *client = vinput_file_client(file);
	struct vinput_seat *seat = client->seat;
	struct vinput_device *vdev = seat->vdev;
	unsigned int i;

	mutex_lock(&vdev->mutex);
	if (vdev->exist && !client->revoked)
		input_flush_device(&vdev->handle, file);
	vinput_ungrab(seat, client);
	mutex_unlock(&vdev->mutex);

	spin_lock(&seat->client_lock);
	list_del_rcu(&client->node);
	spin_unlock(&seat->client_lock);
	rhashtable_remove_fast(&vinput_clients, &client->hnode,
			       vinput_client_params);
	synchronize_rcu();

	for (i = 0; i < EV_CNT; i++)
		bitmap_free(client->evmasks[i]);
	kvfree(client);

	/* The seat may go now; the device stays for as long as our reference. */
	perns_file_release(file);
	vinput_device_close(vdev);
	return 0;
}

/**
 * vinput_may_inject() - whether a file may inject into the input device
 * @client: the file's client
 * @file: the file
 *
 * Injected events (write(), EVIOCSREP) and force-feedback uploads reach
 * the input device itself, so every handler: sysrq, the console, evdev's
 * readers on the host. The initial seat keeps evdev's rule, the file's
 * permissions. Any other seat needs a file opened with CAP_SYS_ADMIN in
 * the initial user namespace: the opener's credentials, not the
 * caller's, because write() must not depend on who writes (a setuid
 * program may be handed the file as its output). And only the
 * foreground seat may inject at all. The checks are made in that order.
 *
 * Context: process context; takes the input device's event_lock.
 * Return: 0, -EPERM or -EBUSY.
 */
int vinput_may_inject(struct vinput_client *client, struct file *file)
{
	if (!perns_context_is_initial(perns_file_context(file)) &&
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return vinput_seat_is_fg(client->seat) ? 0 : -EBUSY;
}

/**
 * vinput_write() - inject events into the input device
 * @file: the file
 * @buf: struct input_event records
 * @count: bytes
 * @ppos: unused
 *
 * See vinput_may_inject(): a container must not type into the host, nor
 * a background seat into the foreground one.
 *
 * Context: process context.
 * Return: the bytes consumed, -EINVAL for less than one event, -ENODEV if
 * the device is gone or the file revoked, -EPERM from a seat other than
 * the initial one without the privilege, -EBUSY from a background seat,
 * -EFAULT, or -EINTR.
 */
ssize_t vinput_write(struct file *file, const char __user *buf,
		     size_t count, loff_t *ppos)
{
	struct vinput_client *client = vinput_file_client(file);
	struct vinput_device *vdev = client->seat->vdev;
	struct input_event event;
	ssize_t ret = 0;

	/* At most 170 events per call under the mutex, as evdev. */
	count = min(count, 4096);
	if (count != 0 && count < input_event_size())
		return -EINVAL;

	ret = mutex_lock_interruptible(&vdev->mutex);
	if (ret)
		return ret;

	if (!vdev->exist || client->revoked) {
		ret = -ENODEV;
		goto out;
	}
	ret = vinput_may_inject(client, file);
	if (ret)
		goto out;

	while (ret + input_event_size() <= count) {
		if (input_event_from_user(buf + ret, &event)) {
			ret = -EFAULT;
			goto out;
		}
		ret += input_event_size();
		input_inject_event(&vdev->handle, event.type, event.code,
				   event.value);
		cond_resched();
	}
out:
	mutex_unlock(&vdev->mutex);
	return ret;
}

static int vinput_fetch_next_event(struct vinput_client *client,
				   struct input_event *event)
{
	int have_event;

	spin_lock_irq(&client->buffer_lock);
	have_event = client->packet_head != client->tail;
	if (have_event) {
		*event = client->buffer[client->tail++];
		client->tail &= client->bufsize - 1;
	}
	spin_unlock_irq(&client->buffer_lock);

	return have_event;
}

/**
 * vinput_read() - read struct input_event records
 * @file: the file
 * @buf: where
 * @count: bytes
 * @ppos: unused
 *
 * Context: process context; may sleep unless O_NONBLOCK.
 * Return: the bytes read, -EINVAL for less than one event, -ENODEV,
 * -EAGAIN, -EFAULT or -ERESTARTSYS.
 */
ssize_t vinput_read(struct file *file, char __user *buf, size_t count,
		    loff_t *ppos)
{
	struct vinput_client *client = vinput_file_client(file);
	struct vinput_device *vdev = client->seat->vdev;
	struct input_event event;
	size_t read = 0;
	int error;

	if (count != 0 && count < input_event_size())
		return -EINVAL;

	for (;;) {
		if (!READ_ONCE(vdev->exist) || client->revoked)
			return -ENODEV;

		if (client->packet_head == client->tail &&
		    (file->f_flags & O_NONBLOCK))
			return -EAGAIN;

		/* count == 0 only checks for errors */
		if (count == 0)
			break;

		while (read + input_event_size() <= count &&
		       vinput_fetch_next_event(client, &event)) {
			if (input_event_to_user(buf + read, &event))
				return -EFAULT;
			read += input_event_size();
		}

		if (read)
			break;

		if (!(file->f_flags & O_NONBLOCK)) {
			error = wait_event_interruptible(client->wait,
							 client->packet_head != client->tail ||
							 !READ_ONCE(vdev->exist) ||
							 client->revoked);
			if (error)
				return error;
		}
	}

	return read;
}

/**
 * vinput_poll() - poll a vinput file
 * @file: the file
 * @wait: the poll table
 *
 * Context: process context.
 * Return: EPOLLIN when a packet is queued, EPOLLOUT when a write would
 * be accepted (see vinput_may_inject(): not from a background seat),
 * EPOLLHUP and EPOLLERR once the device is gone or the file revoked. A
 * seat that gains the foreground wakes its pollers up.
 */
__poll_t vinput_poll(struct file *file, poll_table *wait)
{
	struct vinput_client *client = vinput_file_client(file);
	struct vinput_device *vdev = client->seat->vdev;
	__poll_t mask;

	poll_wait(file, &client->wait, wait);

	if (!READ_ONCE(vdev->exist) || client->revoked)
		mask = EPOLLHUP | EPOLLERR;
	else if (!vinput_may_inject(client, file))
		mask = EPOLLOUT | EPOLLWRNORM;
	else
		mask = 0;

	if (client->packet_head != client->tail)
		mask |= EPOLLIN | EPOLLRDNORM;

	return mask;
}

int vinput_fasync(int fd, struct file *file, int on)
{
	struct vinput_client *client = vinput_file_client(file);

	return fasync_helper(fd, file, on, &client->fasync);
}
