// SPDX-License-Identifier: GPL-2.0
/*
 * vinput ioctls: evdev's EVIOC* ABI, seat by seat, and vinput's own.
 *
 * Device descriptions (EVIOCGBIT, EVIOCGNAME, EVIOCGID, EVIOCGPROP,
 * EVIOCGKEYCODE, EVIOCGREP, ...) are the input device's, in every seat.
 * State (EVIOCGKEY, EVIOCGLED, EVIOCGSND, EVIOCGSW, EVIOCGABS' value,
 * EVIOCGMTSLOTS) is the live device's in the foreground seat and the
 * seat's background state elsewhere. EVIOCGRAB grabs the seat, not the
 * input device: the device's other handlers (evdev, the console) still
 * get its events. What would change the device for every seat is
 * restricted: EVIOCSREP and EVIOCSFF as write() (see vinput_may_inject():
 * EPERM outside the initial seat for a file not opened by the host's
 * administrator, then EBUSY in the background), EVIOCSKEYCODE,
 * EVIOCSKEYCODE_V2 and EVIOCSABS to the initial seat and a caller with
 * CAP_SYS_ADMIN in the initial user namespace (EPERM otherwise).
 *
 * Everything runs under the device's mutex, as in evdev; state is read
 * under the input device's event_lock and copied out after.
 */

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/input/mt.h>
#include <linux/nospec.h>
#include <linux/perns.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <uapi/linux/vinput.h>

#include "../../input/input-compat.h"
#include "vinput.h"

#ifdef CONFIG_COMPAT

#define BITS_PER_LONG_COMPAT (sizeof(compat_long_t) * 8)
#define BITS_TO_LONGS_COMPAT(x) ((((x) - 1) / BITS_PER_LONG_COMPAT) + 1)

#ifdef __BIG_ENDIAN
static int bits_to_user(unsigned long *bits, unsigned int maxbit,
			unsigned int maxlen, void __user *p, int compat)
{
	int len, i;

	if (compat) {
		len = BITS_TO_LONGS_COMPAT(maxbit) * sizeof(compat_long_t);
		if (len > maxlen)
			len = maxlen;

		for (i = 0; i < len / sizeof(compat_long_t); i++)
			if (copy_to_user((compat_long_t __user *)p + i,
					 (compat_long_t *)bits +
						i + 1 - ((i % 2) << 1),
					 sizeof(compat_long_t)))
				return -EFAULT;
	} else {
		len = BITS_TO_LONGS(maxbit) * sizeof(long);
		if (len > maxlen)
			len = maxlen;

		if (copy_to_user(p, bits, len))
			return -EFAULT;
	}

	return len;
}

static int bits_from_user(unsigned long *bits, unsigned int maxbit,
			  unsigned int maxlen, const void __user *p, int compat)
{
	int len, i;

	if (compat) {
		if (maxlen % sizeof(compat_long_t))
			return -EINVAL;

		len = BITS_TO_LONGS_COMPAT(maxbit) * sizeof(compat_long_t);
		if (len > maxlen)
			len = maxlen;

		for (i = 0; i < len / sizeof(compat_long_t); i++)
			if (copy_from_user((compat_long_t *)bits +
						i + 1 - ((i % 2) << 1),
					   (compat_long_t __user *)p + i,
					   sizeof(compat_long_t)))
				return -EFAULT;
		if (i % 2)
			*((compat_long_t *)bits + i - 1) = 0;

	} else {
		if (maxlen % sizeof(long))
			return -EINVAL;

		len = BITS_TO_LONGS(maxbit) * sizeof(long);
		if (len > maxlen)
			len = maxlen;

		if (copy_from_user(bits, p, len))
			return -EFAULT;
	}

	return len;
}

#else

static int bits_to_user(unsigned long *bits, unsigned int maxbit,
			unsigned int maxlen, void __user *p, int compat)
{
	int len = compat ?
			BITS_TO_LONGS_COMPAT(maxbit) * sizeof(compat_long_t) :
			BITS_TO_LONGS(maxbit) * sizeof(long);

	if (len > maxlen)
		len = maxlen;

	return copy_to_user(p, bits, len) ? -EFAULT : len;
}

static int bits_from_user(unsigned long *bits, unsigned int maxbit,
			  unsigned int maxlen, const void __user *p, int compat)
{
	size_t chunk_size = compat ? sizeof(compat_long_t) : sizeof(long);
	int len;

	if (maxlen % chunk_size)
		return -EINVAL;

	len = compat ? BITS_TO_LONGS_COMPAT(maxbit) : BITS_TO_LONGS(maxbit);
	len *= chunk_size;
	if (len > maxlen)
		len = maxlen;

	return copy_from_user(bits, p, len) ? -EFAULT : len;
}

#endif /* __BIG_ENDIAN */

#else

static int bits_to_user(unsigned long *bits, unsigned int maxbit,
			unsigned int maxlen, void __user *p, int compat)
{
	int len = BITS_TO_LONGS(maxbit) * sizeof(long);

	if (len > maxlen)
		len = maxlen;

	return copy_to_user(p, bits, len) ? -EFAULT : len;
}

static int bits_from_user(unsigned long *bits, unsigned int maxbit,
			  unsigned int maxlen, const void __user *p, int compat)
{
	int len;

	if (maxlen % sizeof(long))
		return -EINVAL;

	len = BITS_TO_LONGS(maxbit) * sizeof(long);
	if (len > maxlen)
		len = maxlen;

	return copy_from_user(bits, p, len) ? -EFAULT : len;
}

#endif /* CONFIG_COMPAT */

static int str_to_user(const char *str, unsigned int maxlen, void __user *p)
{
	int len;

	if (!str)
		return -ENOENT;

	len = strlen(str) + 1;
	if (len > maxlen)
		len = maxlen;

	return copy_to_user(p, str, len) ? -EFAULT : len;
}

static int handle_eviocgbit(struct input_dev *dev, unsigned int type,
			    unsigned int size, void __user *p, int compat_mode)
{
	unsigned long *bits;
	int len;

	switch (type) {
	case 0:
		bits = dev->evbit;
		len = EV_MAX;
		break;
	case EV_KEY:
		bits = dev->keybit;
		len = KEY_MAX;
		break;
	case EV_REL:
		bits = dev->relbit;
		len = REL_MAX;
		break;
	case EV_ABS:
		bits = dev->absbit;
		len = ABS_MAX;
		break;
	case EV_MSC:
		bits = dev->mscbit;
		len = MSC_MAX;
		break;
	case EV_LED:
		bits = dev->ledbit;
		len = LED_MAX;
		break;
	case EV_SND:
		bits = dev->sndbit;
		len = SND_MAX;
		break;
	case EV_FF:
		bits = dev->ffbit;
		len = FF_MAX;
		break;
	case EV_SW:
		bits = dev->swbit;
		len = SW_MAX;
		break;
	default:
		return -EINVAL;
	}

	return bits_to_user(bits, len, size, p, compat_mode);
}

static int vinput_get_keycode(struct input_dev *dev, void __user *p)
{
	struct input_keymap_entry ke = {
		.len	= sizeof(unsigned int),
		.flags	= 0,
	};
	int __user *ip = (int __user *)p;
	int error;

	if (copy_from_user(ke.scancode, p, sizeof(unsigned int)))
		return -EFAULT;

	error = input_get_keycode(dev, &ke);
	if (error)
		return error;

	if (put_user(ke.keycode, ip + 1))
		return -EFAULT;

	return 0;
}

static int vinput_get_keycode_v2(struct input_dev *dev, void __user *p)
{
	struct input_keymap_entry ke;
	int error;

	if (copy_from_user(&ke, p, sizeof(ke)))
		return -EFAULT;

	error = input_get_keycode(dev, &ke);
	if (error)
		return error;

	if (copy_to_user(p, &ke, sizeof(ke)))
		return -EFAULT;

	return 0;
}

static int vinput_set_keycode(struct input_dev *dev, void __user *p)
{
	struct input_keymap_entry ke = {
		.len	= sizeof(unsigned int),
		.flags	= 0,
	};
	int __user *ip = (int __user *)p;

	if (copy_from_user(ke.scancode, p, sizeof(unsigned int)))
		return -EFAULT;

	if (get_user(ke.keycode, ip + 1))
		return -EFAULT;

	return input_set_keycode(dev, &ke);
}

static int vinput_set_keycode_v2(struct input_dev *dev, void __user *p)
{
	struct input_keymap_entry ke;

	if (copy_from_user(&ke, p, sizeof(ke)))
		return -EFAULT;

	if (ke.len > sizeof(ke.scancode))
		return -EINVAL;

	return input_set_keycode(dev, &ke);
}

/* The bitmap of @type's state that @seat's clients see. */
static unsigned long *vinput_state_bits(struct vinput_seat *seat,
					unsigned int type)
{
	struct input_dev *dev = seat->vdev->handle.dev;
	bool fg = seat->vdev->fg == seat;

	lockdep_assert_held(&dev->event_lock);
	switch (type) {
	case EV_KEY:
		return fg ? dev->key : seat->key;
	case EV_LED:
		return fg ? dev->led : seat->led;
	case EV_SND:
		return fg ? dev->snd : seat->snd;
	default:
		return fg ? dev->sw : seat->sw;
	}
}

/*
 * EVIOCGKEY, EVIOCGLED, EVIOCGSND, EVIOCGSW: the seat's state, with the
 * queued events of the type flushed so that the client does not see them
 * twice; SYN_DROPPED if the copy fails. event_lock before buffer_lock.
 */
static int vinput_get_state(struct vinput_client *client, unsigned int type,
			    unsigned int maxbit, unsigned int maxlen,
			    void __user *p, int compat)
{
	struct input_dev *dev = client->seat->vdev->handle.dev;
	unsigned long *mem;
	int ret;

	mem = bitmap_alloc(maxbit, GFP_KERNEL_ACCOUNT);
	if (!mem)
		return -ENOMEM;

	spin_lock_irq(&dev->event_lock);
	spin_lock(&client->buffer_lock);
	bitmap_copy(mem, vinput_state_bits(client->seat, type), maxbit);
	spin_unlock(&dev->event_lock);
	vinput_flush_queue(client, type);
	spin_unlock_irq(&client->buffer_lock);

	ret = bits_to_user(mem, maxbit, maxlen, p, compat);
	if (ret < 0) {
		ktime_t ts[INPUT_CLK_MAX];

		vinput_now(ts);
		vinput_queue_syn_dropped(client, false, ts);
	}

	bitmap_free(mem);
	return ret;
}

static int vinput_get_mt_slots(struct vinput_seat *seat, unsigned int size,
			       int __user *ip)
{
	struct vinput_device *vdev = seat->vdev;
	struct input_dev *dev = vdev->handle.dev;
	unsigned int code, i, n;
	int max_slots, *vals;

	if (get_user(code, &ip[0]))
		return -EFAULT;
	if (!vdev->nr_slots || !input_is_mt_value(code))
		return -EINVAL;

	max_slots = (size - sizeof(__u32)) / sizeof(__s32);
	n = min_t(unsigned int, vdev->nr_slots, max(max_slots, 0));
	if (!n)
		return 0;
	vals = kcalloc(n, sizeof(*vals), GFP_KERNEL_ACCOUNT);
	if (!vals)
		return -ENOMEM;

	spin_lock_irq(&dev->event_lock);
	for (i = 0; i < n; i++) {
		if (vdev->fg == seat)
			vals[i] = input_mt_get_value(&dev->mt->slots[i], code);
		else
			vals[i] = seat->mt[i * VINPUT_MT_VALUES + code -
					   ABS_MT_FIRST];
	}
	spin_unlock_irq(&dev->event_lock);

	for (i = 0; i < n; i++)
		if (put_user(vals[i], &ip[1 + i]))
			break;
	kfree(vals);
	return i < n ? -EFAULT : 0;
}

static int vinput_get_abs(struct vinput_seat *seat, unsigned int t,
			  unsigned int size, void __user *p)
{
	struct input_dev *dev = seat->vdev->handle.dev;
	struct input_absinfo abs;

	if (!dev->absinfo)
		return -EINVAL;

	spin_lock_irq(&dev->event_lock);
	abs = dev->absinfo[t];
	if (seat->vdev->fg != seat)
		abs.value = seat->abs[t];
	spin_unlock_irq(&dev->event_lock);

	if (copy_to_user(p, &abs, min_t(size_t, size, sizeof(abs))))
		return -EFAULT;
	return 0;
}

static int vinput_set_abs(struct input_dev *dev, unsigned int t,
			  unsigned int size, void __user *p)
{
	struct input_absinfo abs;

	if (!dev->absinfo)
		return -EINVAL;

	memset(&abs, 0, sizeof(abs));
	if (copy_from_user(&abs, p, min_t(size_t, size, sizeof(abs))))
		return -EFAULT;
	if (size < sizeof(struct input_absinfo))
		abs.resolution = 0;

	/* The number of reserved MT slots cannot change. */
	if (t == ABS_MT_SLOT)
		return -EINVAL;

	spin_lock_irq(&dev->event_lock);
	dev->absinfo[t] = abs;
	spin_unlock_irq(&dev->event_lock);
	return 0;
}

static int vinput_revoke(struct vinput_client *client, struct file *file)
{
	struct vinput_device *vdev = client->seat->vdev;

	client->revoked = true;
	vinput_ungrab(client->seat, client);
	input_flush_device(&vdev->handle, file);
	wake_up_interruptible_poll(&client->wait, EPOLLHUP | EPOLLERR);
	return 0;
}

static int vinput_set_clk_type(struct vinput_client *client,
			       unsigned int clkid)
{
	switch (clkid) {
	case CLOCK_REALTIME:
		vinput_set_clock(client, INPUT_CLK_REAL);
		return 0;
	case CLOCK_MONOTONIC:
		vinput_set_clock(client, INPUT_CLK_MONO);
		return 0;
	case CLOCK_BOOTTIME:
		vinput_set_clock(client, INPUT_CLK_BOOT);
		return 0;
	default:
		return -EINVAL;
	}
}

static int vinput_set_mask(struct vinput_client *client, unsigned int type,
			   const void __user *codes, u32 codes_size,
			   int compat)
{
	unsigned long flags, *mask, *oldmask;
	size_t cnt;
	int error;

	/* unknown types and codes_size > size are allowed, for the future */
	cnt = vinput_mask_cnt(type);
	if (!cnt)
		return 0;

	mask = bitmap_zalloc(cnt, GFP_KERNEL_ACCOUNT);
	if (!mask)
		return -ENOMEM;

	error = bits_from_user(mask, cnt - 1, codes_size, codes, compat);
	if (error < 0) {
		bitmap_free(mask);
		return error;
	}

	spin_lock_irqsave(&client->buffer_lock, flags);
	oldmask = client->evmasks[type];
	client->evmasks[type] = mask;
	spin_unlock_irqrestore(&client->buffer_lock, flags);

	bitmap_free(oldmask);
	return 0;
}

static int vinput_get_mask(struct vinput_client *client, unsigned int type,
			   void __user *codes, u32 codes_size, int compat)
{
	unsigned long *mask;
	size_t cnt, size, xfer_size;
	int i, error;

	cnt = vinput_mask_cnt(type);
	size = sizeof(unsigned long) * BITS_TO_LONGS(cnt);
	xfer_size = min_t(size_t, codes_size, size);

	if (cnt > 0) {
		mask = client->evmasks[type];
		if (mask) {
			error = bits_to_user(mask, cnt - 1, xfer_size, codes,
					     compat);
			if (error < 0)
				return error;
		} else {
			/* a mask with all bits set */
			for (i = 0; i < xfer_size; i++)
				if (put_user(0xffU, (u8 __user *)codes + i))
					return -EFAULT;
		}
	}

	if (xfer_size < codes_size)
		if (clear_user(codes + xfer_size, codes_size - xfer_size))
			return -EFAULT;

	return 0;
}

/*
 * The device's configuration, which every seat and every other handler
 * sees: from the initial seat only, and only by the host's administrator.
 * The initial seat alone is no proof of that: every pid namespace that
 * was not given a seat of its own uses it, containers included.
 */
static int vinput_need_initial(struct file *file)
{
	if (!perns_context_is_initial(perns_file_context(file)))
		return -EPERM;
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static long vinput_do_ioctl(struct file *file, struct vinput_client *client,
			    unsigned int cmd, void __user *p, int compat_mode)
{
	struct vinput_seat *seat = client->seat;
	struct vinput_device *vdev = seat->vdev;
	struct input_dev *dev = vdev->handle.dev;
	int __user *ip = (int __user *)p;
	struct ff_effect effect;
	struct input_mask mask;
	unsigned int i, u, v;
	unsigned int size;
	int error;

	switch (cmd) {
	case VINPUT_GET_FOREGROUND:
		return put_user(vinput_seat_is_fg(seat) ? 1 : 0, ip);

	case EVIOCGVERSION:
		return put_user(EV_VERSION, ip);

	case EVIOCGID:
		if (copy_to_user(p, &dev->id, sizeof(struct input_id)))
			return -EFAULT;
		return 0;

	case EVIOCGREP:
		if (!test_bit(EV_REP, dev->evbit))
			return -ENOSYS;
		if (put_user(dev->rep[REP_DELAY], ip))
			return -EFAULT;
		if (put_user(dev->rep[REP_PERIOD], ip + 1))
			return -EFAULT;
		return 0;

	case EVIOCSREP:
		if (!test_bit(EV_REP, dev->evbit))
			return -ENOSYS;
		error = vinput_may_inject(client, file);
		if (error)
			return error;
		if (get_user(u, ip))
			return -EFAULT;
		if (get_user(v, ip + 1))
			return -EFAULT;
		input_inject_event(&vdev->handle, EV_REP, REP_DELAY, u);
		input_inject_event(&vdev->handle, EV_REP, REP_PERIOD, v);
		return 0;

	case EVIOCRMFF:
		return input_ff_erase(dev, (int)(unsigned long)p, file);

	case EVIOCGEFFECTS:
		i = test_bit(EV_FF, dev->evbit) ? dev->ff->max_effects : 0;
		if (put_user(i, ip))
			return -EFAULT;
		return 0;

	case EVIOCGRAB:
		if (p)
			return vinput_grab(seat, client);
		return vinput_ungrab(seat, client);

	case EVIOCREVOKE:
		if (p)
			return -EINVAL;
		return vinput_revoke(client, file);

	case EVIOCGMASK:
		if (copy_from_user(&mask, p, sizeof(mask)))
			return -EFAULT;
		return vinput_get_mask(client, mask.type,
				       u64_to_user_ptr(mask.codes_ptr),
				       mask.codes_size, compat_mode);

	case EVIOCSMASK:
		if (copy_from_user(&mask, p, sizeof(mask)))
			return -EFAULT;
		return vinput_set_mask(client, mask.type,
				       u64_to_user_ptr(mask.codes_ptr),
				       mask.codes_size, compat_mode);

	case EVIOCSCLOCKID:
		if (copy_from_user(&i, p, sizeof(unsigned int)))
			return -EFAULT;
		return vinput_set_clk_type(client, i);

	case EVIOCGKEYCODE:
		return vinput_get_keycode(dev, p);

	case EVIOCSKEYCODE:
		error = vinput_need_initial(file);
		return error ?: vinput_set_keycode(dev, p);

	case EVIOCGKEYCODE_V2:
		return vinput_get_keycode_v2(dev, p);

	case EVIOCSKEYCODE_V2:
		error = vinput_need_initial(file);
		return error ?: vinput_set_keycode_v2(dev, p);
	}

	size = _IOC_SIZE(cmd);

	/* Variable-length commands */
#define EVIOC_MASK_SIZE(nr)	((nr) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))
	switch (EVIOC_MASK_SIZE(cmd)) {
	case EVIOCGPROP(0):
		return bits_to_user(dev->propbit, INPUT_PROP_MAX, size, p,
				    compat_mode);

	case EVIOCGMTSLOTS(0):
		return vinput_get_mt_slots(seat, size, ip);

	case EVIOCGKEY(0):
		return vinput_get_state(client, EV_KEY, KEY_MAX, size, p,
					compat_mode);

	case EVIOCGLED(0):
		return vinput_get_state(client, EV_LED, LED_MAX, size, p,
					compat_mode);

	case EVIOCGSND(0):
		return vinput_get_state(client, EV_SND, SND_MAX, size, p,
					compat_mode);

	case EVIOCGSW(0):
		return vinput_get_state(client, EV_SW, SW_MAX, size, p,
					compat_mode);

	case EVIOCGNAME(0):
		return str_to_user(dev->name, size, p);

	case EVIOCGPHYS(0):
		return str_to_user(dev->phys, size, p);

	case EVIOCGUNIQ(0):
		return str_to_user(dev->uniq, size, p);

	case EVIOC_MASK_SIZE(EVIOCSFF):
		error = vinput_may_inject(client, file);
		if (error)
			return error;
		if (input_ff_effect_from_user(p, size, &effect))
			return -EFAULT;
		error = input_ff_upload(dev, &effect, file);
		if (error)
			return error;
		if (put_user(effect.id, &(((struct ff_effect __user *)p)->id)))
			return -EFAULT;
		return 0;
	}

	/* Multi-number variable-length commands */
	if (_IOC_TYPE(cmd) != 'E')
		return -EINVAL;

	if (_IOC_DIR(cmd) == _IOC_READ) {
		if ((_IOC_NR(cmd) & ~EV_MAX) == _IOC_NR(EVIOCGBIT(0, 0)))
			return handle_eviocgbit(dev, _IOC_NR(cmd) & EV_MAX,
						size, p, compat_mode);

		if ((_IOC_NR(cmd) & ~ABS_MAX) == _IOC_NR(EVIOCGABS(0)))
			return vinput_get_abs(seat, _IOC_NR(cmd) & ABS_MAX,
					      size, p);
	}

	if (_IOC_DIR(cmd) == _IOC_WRITE &&
	    (_IOC_NR(cmd) & ~ABS_MAX) == _IOC_NR(EVIOCSABS(0))) {
		error = vinput_need_initial(file);
		return error ?: vinput_set_abs(dev, _IOC_NR(cmd) & ABS_MAX,
					       size, p);
	}

	return -EINVAL;
}

static long vinput_ioctl_handler(struct file *file, unsigned int cmd,
				 void __user *p, int compat_mode)
{
	struct vinput_client *client = vinput_file_client(file);
	struct vinput_device *vdev = client->seat->vdev;
	long ret;

	/* The host's decision: nothing else is looked at before. */
	if (cmd == VINPUT_SET_FOREGROUND) {
		if (!ns_capable(&init_user_ns, CAP_SYS_ADMIN))
			return -EPERM;
		if (client->revoked)
			return -ENODEV;
		return vinput_set_foreground(client->seat);
	}

	ret = mutex_lock_interruptible(&vdev->mutex);
	if (ret)
		return ret;

	if (!vdev->exist || client->revoked)
		ret = -ENODEV;
	else
		ret = vinput_do_ioctl(file, client, cmd, p, compat_mode);

	mutex_unlock(&vdev->mutex);
	return ret;
}

long vinput_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return vinput_ioctl_handler(file, cmd, (void __user *)arg, 0);
}

#ifdef CONFIG_COMPAT
long vinput_compat_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	return vinput_ioctl_handler(file, cmd, compat_ptr(arg), 1);
}
#endif
