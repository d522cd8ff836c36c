// SPDX-License-Identifier: GPL-2.0
/*
 * valarm_gettime: prints the RTC time of /dev/valarm in seconds and the
 * context the file is bound to, for perns_crun.sh to run inside a
 * container: "rtc <seconds> ctx <id>".
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/android_alarm.h>

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/valarm";
	unsigned long long ctx = 0;
	char path[64], line[128];
	struct timespec ts;
	FILE *f;
	int fd;

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts)) {
		perror("ANDROID_ALARM_GET_TIME");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "perns_ctx: %llu", &ctx) == 1)
			break;
	if (f)
		fclose(f);
	printf("rtc %lld ctx %llu\n", (long long)ts.tv_sec, ctx);
	return 0;
}
