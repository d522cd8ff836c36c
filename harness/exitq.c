// SPDX-License-Identifier: GPL-2.0
/* exitq CODE: power the QEMU guest off with status CODE through isa-debug-exit
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04); QEMU exits (CODE<<1)|1.
 * It first waits for the console to transmit what was written to it: the
 * host reads the status from the "HARNESS-EXIT N" line echoed just before,
 * which QEMU exiting at once could otherwise cut off (seen under -icount).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;
	int fd;

	if (code < 0 || code > 127)
		code = 127;
	fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (fd >= 0) {
		tcdrain(fd);
		close(fd);
	}
	if (ioperm(0xf4, 1, 1)) {
		perror("exitq: ioperm (needs CONFIG_X86_IOPL_IOPERM)");
		return 1;
	}
	outb(code, 0xf4);
	return 1;
}
