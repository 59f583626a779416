/* vgwctl: all logic is in vgw_cli (cli_main). */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, stdout, stderr);
}
