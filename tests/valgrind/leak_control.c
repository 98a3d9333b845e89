/* A negative control for the valgrind test: leaks a block, so memcheck
 * must report it as definitely lost. */
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *volatile p = malloc(64);

	if (!p)
		return 2;
	memset(p, 1, 64);
	p = NULL; /* the 64 bytes are lost */
	return 0;
}
