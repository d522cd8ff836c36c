// SPDX-License-Identifier: GPL-2.0
/* exitq CODE: power the QEMU guest off with status CODE through isa-debug-exit
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04); QEMU exits (CODE<<1)|1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;

	if (code < 0 || code > 127)
		code = 127;
	if (ioperm(0xf4, 1, 1)) {
		perror("exitq: ioperm (needs CONFIG_X86_IOPL_IOPERM)");
		return 1;
	}
	outb(code, 0xf4);
	return 1;
}
