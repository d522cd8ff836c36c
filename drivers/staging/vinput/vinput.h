/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vinput: evdev-compatible input seats per pid namespace. See main.c for
 * the model, the locking rules and the lifetimes.
 */
#ifndef _VINPUT_H
#define _VINPUT_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/input.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/perns.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>

struct fasync_struct;
struct seq_file;

/**
 * struct vinput_device - vinput's side of one bound input device
 * @handle: the input handle; @handle.dev->event_lock protects @fg and the
 *	background state of every seat
 * @pops: the perns device of this input device (pid namespace type)
 * @dev: the class device, /dev/input/vinputN
 * @cdev: its character device
 * @mutex: serialises @exist, @open, seat grabs, foreground switches and
 *	the foreground check of a migration
 * @open: clients with the input device open, under @mutex
 * @exist: false once the input device is gone, under @mutex
 * @refs: one for the connection, one per open file; the last one
 *	unregisters @pops and frees the minor
 * @fg: the foreground seat, under @handle.dev->event_lock; %NULL only
 *	once the initial seat is gone
 * @base: the initial seat, owned by the initial pid namespace
 * @seats_lock: protects @seats
 * @seats: the live seats of the device
 * @nr_slots: multitouch slots of the input device, 0 without
 * @num: N of vinputN
 */
struct vinput_device {
	struct input_handle handle;
	struct perns_operations pops;
	struct device dev;
	struct cdev cdev;
	struct mutex mutex;		/* exist, open, grabs, switches */
	int open;
	bool exist;
	refcount_t refs;
	struct vinput_seat *fg;
	struct vinput_seat *base;
	spinlock_t seats_lock;		/* seats */
	struct list_head seats;
	unsigned int nr_slots;
	int num;
};

/* Values kept per multitouch slot: ABS_MT_FIRST to ABS_MT_LAST. */
#define VINPUT_MT_VALUES	(ABS_MT_LAST - ABS_MT_FIRST + 1)

/**
 * struct vinput_seat - a seat: the driver data of a perns context
 * @vdev: the device
 * @client_lock: protects additions to and removals from @clients
 * @clients: the clients bound to the seat, read under RCU
 * @grab: the client that grabbed the seat, written under @vdev->mutex
 * @node: entry in @vdev->seats
 * @key: background state: keys and buttons held (none once the seat
 *	lost the foreground: they were released)
 * @led: background state: LEDs
 * @snd: background state: sounds
 * @sw: background state: switches
 * @abs: background state: ABS_CNT axis values
 * @mt: background state: @vdev->nr_slots * %VINPUT_MT_VALUES slot values
 * @data: storage of @abs and @mt
 *
 * The background state is what the seat's clients last saw: it is taken
 * when the seat loses the foreground and read by EVIOCG* while the seat
 * is in the background; in the foreground, they read the live device.
 */
struct vinput_seat {
	struct vinput_device *vdev;
	spinlock_t client_lock;		/* clients, writers */
	struct list_head clients;
	struct vinput_client __rcu *grab;
	struct list_head node;
	unsigned long key[BITS_TO_LONGS(KEY_CNT)];
	unsigned long led[BITS_TO_LONGS(LED_CNT)];
	unsigned long snd[BITS_TO_LONGS(SND_CNT)];
	unsigned long sw[BITS_TO_LONGS(SW_CNT)];
	int *abs;
	int *mt;
	int data[];
};

/**
 * struct vinput_client - an open vinput file, as evdev's client
 * @head: where the next event goes
 * @tail: the next event to read
 * @packet_head: end of the last complete packet
 * @buffer_lock: protects the buffer, @head, @tail, @packet_head, @evmasks
 * @wait: readers and pollers
 * @fasync: SIGIO subscribers
 * @seat: the seat the file was bound to at open
 * @file: the file, key of the clients hash table
 * @hnode: entry in the clients hash table
 * @node: entry in @seat->clients
 * @clk_type: clock of the timestamps
 * @revoked: EVIOCREVOKE was called
 * @evmasks: EVIOCSMASK filters, by type
 * @bufsize: number of events in @buffer, a power of two
 * @buffer: the events
 */
struct vinput_client {
	unsigned int head;
	unsigned int tail;
	unsigned int packet_head;
	spinlock_t buffer_lock;		/* the buffer and masks */
	wait_queue_head_t wait;
	struct fasync_struct *fasync;
	struct vinput_seat *seat;
	struct file *file;
	struct rhash_head hnode;
	struct list_head node;
	enum input_clock_type clk_type;
	bool revoked;
	unsigned long *evmasks[EV_CNT];
	unsigned int bufsize;
	struct input_event buffer[] __counted_by(bufsize);
};

static inline struct vinput_device *vinput_ops_device(struct perns_operations *ops)
{
	return container_of(ops, struct vinput_device, pops);
}

static inline struct vinput_seat *vinput_file_seat(struct file *file)
{
	return perns_context_priv(perns_file_context(file));
}

/**
 * vinput_now() - timestamps of a synthetic event, on every input clock
 * @ts: filled in, indexed by &enum input_clock_type
 *
 * Events that vinput makes up (SYN_DROPPED, the releases of a switch)
 * are stamped with the time they are made. input_get_timestamp() must
 * not be used for them: outside an event it stores the time in the input
 * device, for every handler's next hardware packet.
 *
 * Context: any.
 */
static inline void vinput_now(ktime_t ts[INPUT_CLK_MAX])
{
	ktime_t mono = ktime_get();

	ts[INPUT_CLK_MONO] = mono;
	ts[INPUT_CLK_REAL] = ktime_mono_to_real(mono);
	ts[INPUT_CLK_BOOT] = ktime_mono_to_any(mono, TK_OFFS_BOOT);
}

/* main.c */
extern const struct file_operations vinput_fops;
void vinput_device_put(struct vinput_device *vdev);

/* client.c */
struct vinput_client *vinput_file_client(struct file *file);
unsigned int vinput_events(struct input_handle *handle,
			   struct input_value *vals, unsigned int count);
int vinput_open(struct inode *inode, struct file *file);
int vinput_release(struct inode *inode, struct file *file);
ssize_t vinput_read(struct file *file, char __user *buf, size_t count,
		    loff_t *ppos);
ssize_t vinput_write(struct file *file, const char __user *buf,
		     size_t count, loff_t *ppos);
__poll_t vinput_poll(struct file *file, poll_table *wait);
int vinput_fasync(int fd, struct file *file, int on);
void vinput_pass_values(struct vinput_client *client,
			const struct input_value *vals, unsigned int count,
			ktime_t *ev_time);
void vinput_seat_pass(struct vinput_seat *seat,
		      const struct input_value *vals, unsigned int count,
		      ktime_t *ev_time);
void vinput_queue_syn_dropped(struct vinput_client *client, bool report,
			      const ktime_t *ts);
void vinput_set_clock(struct vinput_client *client,
		      enum input_clock_type clk_type);
int vinput_may_inject(struct vinput_client *client, struct file *file);
void vinput_flush_queue(struct vinput_client *client, unsigned int type);
size_t vinput_mask_cnt(unsigned int type);
int vinput_grab(struct vinput_seat *seat, struct vinput_client *client);
int vinput_ungrab(struct vinput_seat *seat, struct vinput_client *client);
int vinput_clients_init(void);
void vinput_clients_exit(void);

/* seat.c */
void vinput_seat_init(struct vinput_seat *seat, struct vinput_device *vdev);
void vinput_seat_exit(struct vinput_seat *seat);
bool vinput_seat_is_fg(struct vinput_seat *seat);
int vinput_set_foreground(struct vinput_seat *seat);
void vinput_seat_hangup(struct vinput_device *vdev);

/* ioctl.c */
long vinput_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long vinput_compat_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg);

#endif /* _VINPUT_H */
