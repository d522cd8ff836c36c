// SPDX-License-Identifier: GPL-2.0
/*
 * vinput seats: their background state and the foreground switch.
 *
 * The foreground seat reads the live device's state; a seat that loses the
 * foreground keeps, as its background state, what its clients saw at that
 * moment minus what was held: every key and button held is released to
 * its clients, and so is every multitouch contact (ABS_MT_TRACKING_ID -1
 * in each active slot), in one packet ending with SYN_REPORT. Its LEDs,
 * sounds, switches and axis values are kept as they were. A seat that
 * never was in the foreground has nothing held, no contact and every
 * axis at 0 clamped to the axis' range. The seat that gains the
 * foreground gets SYN_DROPPED and SYN_REPORT, and its clients read the
 * live state with EVIOCG*, as after a buffer overrun.
 *
 * Locking: the input device's event_lock protects vinput_device.fg and the
 * background state of every seat, so a switch is atomic with respect to
 * the device's events; switches are serialised by vinput_device.mutex,
 * which also keeps the seats' grabs stable. vinput_device.seats_lock
 * protects the list of seats. See main.c.
 */

#include <linux/input/mt.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>

#include "vinput.h"

/**
 * vinput_seat_init() - initialise a new seat, in the background
 * @seat: the seat, zeroed, of @vdev's context size
 * @vdev: its device
 *
 * Context: process context; takes spinlocks only (perns calls it under
 * perns_mutex).
 */
void vinput_seat_init(struct vinput_seat *seat, struct vinput_device *vdev)
{
	struct input_dev *dev = vdev->handle.dev;
	unsigned long flags;
	unsigned int i;

	seat->vdev = vdev;
	spin_lock_init(&seat->client_lock);
	INIT_LIST_HEAD(&seat->clients);

	if (dev->absinfo) {
		seat->abs = seat->data;
		seat->mt = seat->data + ABS_CNT;
		spin_lock_irqsave(&dev->event_lock, flags);
		for (i = 0; i < ABS_CNT; i++)
			seat->abs[i] = clamp_t(int, 0, dev->absinfo[i].minimum,
					       max(dev->absinfo[i].minimum,
						   dev->absinfo[i].maximum));
		spin_unlock_irqrestore(&dev->event_lock, flags);
		seat->abs[ABS_MT_TRACKING_ID] = -1;
		for (i = 0; i < vdev->nr_slots; i++)
			seat->mt[i * VINPUT_MT_VALUES + ABS_MT_TRACKING_ID -
				 ABS_MT_FIRST] = -1;
	}

	spin_lock(&vdev->seats_lock);
	list_add_tail(&seat->node, &vdev->seats);
	spin_unlock(&vdev->seats_lock);
}

/*
 * @seat gained the foreground: the clients that get its events (its
 * grabbing client if there is one, else all of them) read SYN_DROPPED
 * and SYN_REPORT and resynchronise; every client is woken up, since a
 * write may now be accepted. Under event_lock.
 */
static void vinput_seat_resync(struct vinput_seat *seat, const ktime_t *ts)
{
	struct vinput_client *client, *grab;

	lockdep_assert_held(&seat->vdev->handle.dev->event_lock);
	rcu_read_lock();
	grab = rcu_dereference(seat->grab);
	list_for_each_entry_rcu(client, &seat->clients, node) {
		if (!grab || client == grab)
			vinput_queue_syn_dropped(client, true, ts);
		else
			wake_up_interruptible_poll(&client->wait,
						   EPOLLOUT | EPOLLWRNORM);
	}
	rcu_read_unlock();
}

/**
 * vinput_seat_exit() - a seat goes away
 * @seat: the seat, with no client left
 *
 * If it was the foreground, the initial seat takes over, or nobody when
 * the initial seat itself goes (the device is being unregistered).
 *
 * Context: process context; takes spinlocks only.
 */
void vinput_seat_exit(struct vinput_seat *seat)
{
	struct vinput_device *vdev = seat->vdev;
	struct input_dev *dev = vdev->handle.dev;
	ktime_t ts[INPUT_CLK_MAX];
	unsigned long flags;

	spin_lock(&vdev->seats_lock);
	list_del(&seat->node);
	spin_unlock(&vdev->seats_lock);

	vinput_now(ts);
	spin_lock_irqsave(&dev->event_lock, flags);
	if (vdev->base == seat)
		vdev->base = NULL;
	if (vdev->fg == seat) {
		vdev->fg = vdev->base;
		if (vdev->fg)
			vinput_seat_resync(vdev->fg, ts);
	}
	spin_unlock_irqrestore(&dev->event_lock, flags);
}

/**
 * vinput_seat_is_fg() - whether a seat is the foreground seat
 * @seat: the seat
 *
 * Context: any; takes the input device's event_lock.
 * Return: true if @seat gets the device's events.
 */
bool vinput_seat_is_fg(struct vinput_seat *seat)
{
	struct input_dev *dev = seat->vdev->handle.dev;
	unsigned long flags;
	bool fg;

	spin_lock_irqsave(&dev->event_lock, flags);
	fg = seat->vdev->fg == seat;
	spin_unlock_irqrestore(&dev->event_lock, flags);
	return fg;
}

/* One synthetic event to the seat's clients. */
static void vinput_seat_emit(struct vinput_seat *seat, unsigned int type,
			     unsigned int code, int value, ktime_t *ev_time)
{
	struct input_value v = { .type = type, .code = code, .value = value };

	vinput_seat_pass(seat, &v, 1, ev_time);
}

/*
 * @seat loses the foreground: release what its clients saw held and keep
 * the rest as its background state. The releases are stamped @ev_time
 * (vinput_now()). Under event_lock.
 */
static void vinput_seat_background(struct vinput_seat *seat, ktime_t *ev_time)
{
	struct vinput_device *vdev = seat->vdev;
	struct input_dev *dev = vdev->handle.dev;
	const int tid = ABS_MT_TRACKING_ID - ABS_MT_FIRST;
	unsigned int i, code;

	lockdep_assert_held(&dev->event_lock);

	bitmap_zero(seat->key, KEY_CNT);
	bitmap_copy(seat->led, dev->led, LED_CNT);
	bitmap_copy(seat->snd, dev->snd, SND_CNT);
	bitmap_copy(seat->sw, dev->sw, SW_CNT);

	if (seat->abs) {
		for (i = 0; i < ABS_CNT; i++)
			seat->abs[i] = dev->absinfo[i].value;
		for (i = 0; i < vdev->nr_slots; i++) {
			const struct input_mt_slot *s = &dev->mt->slots[i];
			int *v = seat->mt + i * VINPUT_MT_VALUES;

			memcpy(v, s->abs, sizeof(s->abs));
			if (v[tid] < 0)
				continue;
			v[tid] = -1;
			vinput_seat_emit(seat, EV_ABS, ABS_MT_SLOT, i, ev_time);
			vinput_seat_emit(seat, EV_ABS, ABS_MT_TRACKING_ID, -1,
					 ev_time);
			seat->abs[ABS_MT_SLOT] = i;
		}
		seat->abs[ABS_MT_TRACKING_ID] = -1;
	}

	for_each_set_bit(code, dev->key, KEY_CNT)
		vinput_seat_emit(seat, EV_KEY, code, 0, ev_time);
	vinput_seat_emit(seat, EV_SYN, SYN_REPORT, 0, ev_time);
}

/**
 * vinput_set_foreground() - make a seat the foreground of its device
 * @seat: the seat
 *
 * The caller checked the privileges.
 *
 * Context: process context; takes the device's mutex.
 * Return: 0, -ENODEV if the input device is gone, or -EINTR.
 */
int vinput_set_foreground(struct vinput_seat *seat)
{
	struct vinput_device *vdev = seat->vdev;
	struct input_dev *dev = vdev->handle.dev;
	ktime_t ts[INPUT_CLK_MAX];
	struct vinput_seat *old;
	int err;

	err = mutex_lock_interruptible(&vdev->mutex);
	if (err)
		return err;
	if (!vdev->exist) {
		err = -ENODEV;
		goto out;
	}

	vinput_now(ts);
	spin_lock_irq(&dev->event_lock);
	old = vdev->fg;
	if (old != seat) {
		if (old)
			vinput_seat_background(old, ts);
		vdev->fg = seat;
		vinput_seat_resync(seat, ts);
	}
	spin_unlock_irq(&dev->event_lock);
out:
	mutex_unlock(&vdev->mutex);
	return err;
}

/**
 * vinput_seat_hangup() - wake up every client of a device that is gone
 * @vdev: the device, no longer existing
 *
 * Context: process context.
 */
void vinput_seat_hangup(struct vinput_device *vdev)
{
	struct vinput_client *client;
	struct vinput_seat *seat;

	spin_lock(&vdev->seats_lock);
	list_for_each_entry(seat, &vdev->seats, node) {
		spin_lock(&seat->client_lock);
		list_for_each_entry(client, &seat->clients, node) {
			kill_fasync(&client->fasync, SIGIO, POLL_HUP);
			wake_up_interruptible_poll(&client->wait,
						   EPOLLHUP | EPOLLERR);
		}
		spin_unlock(&seat->client_lock);
	}
	spin_unlock(&vdev->seats_lock);
}
